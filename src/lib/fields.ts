import { z } from "zod";

/**
 * Input fields shared by the JSON API and the CSV/JSON imports, so both accept and normalize values the same way.
 * Plain zod (no OpenAPI metadata): the HTTP layer names the schemas it exposes.
 */

export const Email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email("not a valid email address"))
  .transform((email) => email.toLowerCase());

/** ISO 3166-1 alpha-2, accepted in any case, stored upper-case. */
export const CountryCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2}$/, "use a two-letter ISO 3166-1 country code such as DE or US")
  .transform((code) => code.toUpperCase());

/** BCP 47 language tag (e.g. de, en-GB), stored in canonical form. */
export const Locale = z
  .string()
  .trim()
  .min(2)
  .max(35)
  .transform((tag, ctx) => {
    const canonical = canonicalLocale(tag);
    if (!canonical) {
      ctx.addIssue({ code: "custom", message: `'${tag}' is not a BCP 47 language tag (e.g. en, de, fr-CA)` });
      return z.NEVER;
    }
    return canonical;
  });

export function canonicalLocale(tag: string): string | null {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date YYYY-MM-DD that exists (no 2026-02-30). */
export const CalendarDate = z
  .string()
  .trim()
  .refine((value) => isCalendarDate(value), "use a real date in the form YYYY-MM-DD");

export function isCalendarDate(value: string): boolean {
  const match = DATE_ONLY.exec(value);
  if (!match) return false;
  const date = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/**
 * A point in time: "YYYY-MM-DD" (midnight UTC) or a full ISO 8601 date-time with offset, stored as
 * Date#toISOString() because periods compare timestamps as text.
 */
export const Timestamp = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const normalized = normalizeTimestamp(value);
    if (!normalized) {
      ctx.addIssue({ code: "custom", message: "use a date (YYYY-MM-DD) or an ISO 8601 date-time such as 2026-03-31T12:00:00Z" });
      return z.NEVER;
    }
    return normalized;
  });

export function normalizeTimestamp(value: string): string | null {
  if (DATE_ONLY.test(value)) return isCalendarDate(value) ? `${value}T00:00:00.000Z` : null;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** Whole units of the reporting currency. */
export const Money = z.number({ error: "use a whole amount such as 1250000" }).int("use whole units, no decimals").min(0, "must be 0 or more").max(Number.MAX_SAFE_INTEGER);

/** An IANA time zone the runtime knows (e.g. Europe/Berlin). */
export const TimeZone = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((zone) => isTimeZone(zone), "use an IANA time zone such as UTC, Europe/Berlin or America/New_York");

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
