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

/** The 249 officially assigned ISO 3166-1 alpha-2 codes: country cuts must not split GB and "UK". */
const ISO_COUNTRIES = new Set(
  `
  AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ
  BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR
  CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
  GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU
  ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ
  LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
  MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF
  PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI
  SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR
  TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
`.trim().split(/\s+/),
);

/** ISO 3166-1 alpha-2, accepted in any case, stored upper-case. */
export const CountryCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2}$/, "use a two-letter ISO 3166-1 country code such as DE or US")
  .transform((value, ctx) => {
    const code = value.toUpperCase();
    if (ISO_COUNTRIES.has(code)) return code;
    const message = code === "UK" ? "use GB, the ISO 3166-1 code of the United Kingdom" : `'${code}' is not an ISO 3166-1 country code`;
    ctx.addIssue({ code: "custom", message });
    return z.NEVER;
  });

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
  // A 2–3 letter language first: Intl alone would accept a word such as "german" as a language subtag.
  if (!/^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i.test(tag)) return null;
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
