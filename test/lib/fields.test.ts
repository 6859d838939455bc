import { describe, expect, it } from "vitest";
import { CalendarDate, CountryCode, Email, Locale, Money, normalizeTimestamp, TimeZone } from "../../src/lib/fields";

const messages = (result: { success: boolean; error?: { issues: { message: string }[] } }) => result.error?.issues.map((i) => i.message) ?? [];

describe("shared input fields", () => {
  it("country codes: ISO 3166-1 alpha-2 in any case, stored upper-case; UK points to GB", () => {
    expect(CountryCode.parse(" de ")).toBe("DE");
    expect(messages(CountryCode.safeParse("UK"))).toEqual(["use GB, the ISO 3166-1 code of the United Kingdom"]);
    expect(CountryCode.safeParse("XX").success).toBe(false);
    expect(CountryCode.safeParse("Germany").success).toBe(false);
  });

  it("locales: BCP 47 in canonical form, not free words", () => {
    expect(Locale.parse("en-gb")).toBe("en-GB");
    expect(Locale.parse("de")).toBe("de");
    expect(Locale.safeParse("german").success).toBe(false);
    expect(Locale.safeParse("en_US").success).toBe(false);
  });

  it("timestamps: a date means midnight UTC; offsets are normalized to UTC; impossible dates are refused", () => {
    expect(normalizeTimestamp("2026-03-31")).toBe("2026-03-31T00:00:00.000Z");
    expect(normalizeTimestamp("2026-03-31T10:00:00+02:00")).toBe("2026-03-31T08:00:00.000Z");
    expect(normalizeTimestamp("2026-02-29")).toBeNull();
    expect(normalizeTimestamp("31/03/2026")).toBeNull();
    expect(normalizeTimestamp("2026-03-31T10:00")).toBeNull();
    expect(CalendarDate.safeParse("2028-02-29").success).toBe(true);
    expect(CalendarDate.safeParse("2026-02-29").success).toBe(false);
  });

  it("emails are lower-cased; money is whole and not negative; time zones must exist", () => {
    expect(Email.parse(" Ann@Example.COM ")).toBe("ann@example.com");
    expect(Email.safeParse("ann@").success).toBe(false);
    expect(Money.safeParse(10.5).success).toBe(false);
    expect(Money.safeParse(-1).success).toBe(false);
    expect(messages(Money.safeParse("100"))).toEqual(["use a whole amount such as 1250000"]);
    expect(TimeZone.safeParse("Europe/Berlin").success).toBe(true);
    expect(TimeZone.safeParse("Europe/Atlantis").success).toBe(false);
  });
});
