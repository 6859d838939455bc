import { de } from "./de";
import { en } from "./en";
import { es } from "./es";
import { fr } from "./fr";

/** Every respondent-facing text (page, error pages, unsubscribe, email), per supported locale. */
export type Messages = typeof en;

export const MESSAGES = { en, de, fr, es } satisfies Record<string, Messages>;
export type UiLocale = keyof typeof MESSAGES;
export const UI_LOCALES = Object.keys(MESSAGES) as UiLocale[];

/** "de-CH" → "de". */
export function baseLanguage(tag: string | null | undefined): string {
  return (tag ?? "").trim().toLowerCase().split(/[-_]/)[0] ?? "";
}

export function isUiLocale(language: string): language is UiLocale {
  return (UI_LOCALES as string[]).includes(language);
}

/**
 * The respondent's language: the contact's locale when the survey is written in it, else the survey's default
 * locale. `surveyLocales` are the locales the survey version has texts for.
 */
export function respondentLocale(contactLocale: string | null, surveyLocales: string[], surveyDefault: string): string {
  const wanted = baseLanguage(contactLocale);
  const available = surveyLocales.map(baseLanguage);
  return available.includes(wanted) ? wanted : baseLanguage(surveyDefault) || "en";
}

export function messagesFor(locale: string): { locale: UiLocale; t: Messages } {
  const language = baseLanguage(locale);
  const ui = isUiLocale(language) ? language : "en";
  return { locale: ui, t: MESSAGES[ui] };
}

/** For pages shown before we know who is asking (bad links): the browser's Accept-Language, else English. */
export function localeFromAcceptLanguage(header: string | undefined): UiLocale {
  for (const part of (header ?? "").split(",")) {
    const language = baseLanguage(part.split(";")[0]);
    if (isUiLocale(language)) return language;
  }
  return "en";
}

/** A localized text of a survey (question, option label) in `locale`, else the default locale, else any. */
export function localized(text: Record<string, string>, locale: string, fallback: string): string {
  return text[locale] ?? text[fallback] ?? Object.values(text)[0] ?? "";
}
