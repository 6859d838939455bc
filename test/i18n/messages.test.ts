import { describe, expect, it } from "vitest";
import { localeFromAcceptLanguage, localized, MESSAGES, respondentLocale, UI_LOCALES } from "../../src/i18n";

describe("respondent locales", () => {
  it("ships en, de, fr and es with every text filled", () => {
    expect(UI_LOCALES).toEqual(["en", "de", "fr", "es"]);
    for (const locale of UI_LOCALES) {
      const t = MESSAGES[locale];
      expect(t.scale.nps).toHaveLength(2);
      expect(t.scale.osat).toHaveLength(5);
      expect(t.scale.ces).toHaveLength(7);
      expect(t.scale.rating).toHaveLength(5);
      expect(t.hello("Kim")).toContain("Kim");
      expect(t.invalidBody.length).toBeGreaterThan(40);
      expect(t.invalidUnsubscribeBody.length).toBeGreaterThan(40);
    }
  });

  it("tells a contact who came from a score in the email which button records it (the button's own words)", () => {
    for (const locale of UI_LOCALES) expect(MESSAGES[locale].scorePreselected).toContain(MESSAGES[locale].submit);
  });

  it("uses the contact's language when the survey has it, else the survey's default", () => {
    expect(respondentLocale("de-CH", ["en", "de"], "en")).toBe("de");
    expect(respondentLocale("pt-BR", ["en", "de"], "de")).toBe("de");
    expect(respondentLocale(null, ["fr"], "fr")).toBe("fr");
  });

  it("negotiates the browser's language for pages shown before we know who asks", () => {
    expect(localeFromAcceptLanguage("pt-PT,fr;q=0.8,en;q=0.5")).toBe("fr");
    expect(localeFromAcceptLanguage(undefined)).toBe("en");
    expect(localeFromAcceptLanguage("*")).toBe("en");
  });

  it("falls back from the locale to the default to any text", () => {
    expect(localized({ en: "Hi", de: "Hallo" }, "de", "en")).toBe("Hallo");
    expect(localized({ en: "Hi" }, "fr", "en")).toBe("Hi");
    expect(localized({ es: "Hola" }, "fr", "en")).toBe("Hola");
  });
});
