import { CountryCode } from "../../../lib/fields";
import type { DateFormat, NumberFormat } from "./options";

/**
 * Reading the values of CRM exports: numbers in every common convention, dates in ISO 8601 or the file's format,
 * checkboxes, country and language names. A value whose reading depends on a convention the file has not made clear
 * is reported as ambiguous, never guessed: a revenue is never silently read as a thousandth of itself.
 */

export type Reading<T> = { value: T; implies?: string } | { ambiguous: true } | { invalid: string };

// ─── numbers ─────────────────────────────────────────────────────────────────

const CURRENCY = /^(?:[A-Za-z]{3}\b|[$€£¥₹₩]|CHF|Fr\.|kr)\s*|\s*(?:\b[A-Za-z]{3}|[$€£¥₹₩]|CHF|Fr\.|kr|,-|\.-)$/;

/** Currency symbols and codes, spaces (also no-break), apostrophes and underscores used as digit grouping, removed. */
function bareNumber(raw: string): string {
  let text = raw.trim();
  for (let i = 0; i < 3 && CURRENCY.test(text); i++) text = text.replace(CURRENCY, "");
  return text.replace(/[\s\u00a0\u202f'’_]/g, "");
}

const escape = (char: string) => (char === "." ? "\\." : char);

/** Strictly in one format: decimal separator of the format, its other separator only as thousands grouping. */
function readInFormat(text: string, format: NumberFormat): number | null {
  const [decimal, group] = format === "point" ? [".", ","] : [",", "."];
  // A grouped number never starts with 0 (0.500 is a half, not five hundred).
  const grouped = new RegExp(`^(-?)([1-9]\\d{0,2}(?:${escape(group)}\\d{3})+|\\d+)(?:${escape(decimal)}(\\d+))?$`);
  const match = grouped.exec(text);
  if (!match) return null;
  return Number(`${match[1]}${match[2]!.split(group).join("")}${match[3] ? `.${match[3]}` : ""}`);
}

/**
 * 1,250,000.00 / 1.250.000,00 / 1 250 000 / 1'250'000 / $1,250,000 / 1.250.000 EUR. With a `format`, every value is
 * read in it; without, a value that reads the same in both is taken, and one that does not (1.000, 2,500) is ambiguous.
 * `implies` names the format an unambiguous value reveals (for detecting a column's format).
 */
export function readNumber(raw: string, format?: NumberFormat | null): Reading<number> {
  const text = bareNumber(raw);
  if (!/^-?\d[\d.,]*$/.test(text) || /[.,]$/.test(text)) return { invalid: "is not a number" };
  if (format) {
    const value = readInFormat(text, format);
    return value === null ? { invalid: `is not a number as the file writes them (${format === "point" ? "1,234,567.89" : "1.234.567,89"})` } : { value };
  }
  const inPoint = readInFormat(text, "point");
  const inComma = readInFormat(text, "comma");
  if (inPoint !== null && inComma !== null) return inPoint === inComma ? { value: inPoint } : { ambiguous: true };
  if (inPoint !== null) return { value: inPoint, implies: "point" };
  if (inComma !== null) return { value: inComma, implies: "comma" };
  return { invalid: "is not a number (its digit grouping is off)" };
}

// ─── dates ───────────────────────────────────────────────────────────────────

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;
const LOCAL_DATE = /^(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP]M)?)?$/i;

export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;

const dayFirst = (format: DateFormat) => format === "DD/MM/YYYY" || format === "DD.MM.YYYY";

/**
 * ISO 8601 (date, or date-time with or without offset; none means UTC), a local form (MM/DD/YYYY, DD/MM/YYYY,
 * DD.MM.YYYY, with an optional time as CRMs add it), or seconds since 1970 (10 digits, as some survey tools export).
 * Answers an ISO timestamp. `dateOnly` tells that no time was given (callers may place such a date at noon).
 */
export function readDate(raw: string, format?: DateFormat | null): Reading<{ iso: string; dateOnly: boolean }> {
  const text = raw.trim();
  const iso = ISO_DATE.exec(text);
  if (iso) {
    const [, y, mo, d, h, mi, s, frac, zone] = iso;
    return stamp(+y!, +mo!, +d!, h, mi, s, frac, zone, undefined);
  }
  if (/^\d{10}$/.test(text)) {
    const date = new Date(Number(text) * 1000);
    return { value: { iso: date.toISOString(), dateOnly: false } };
  }
  const local = LOCAL_DATE.exec(text);
  if (!local) return { invalid: `is not a date; use 2024-03-15${format && format !== "YYYY-MM-DD" ? ` or ${format}` : " (YYYY-MM-DD) or set dateFormat"}` };
  const [, a, separator, b, y, h, mi, s, meridiem] = local;
  const [first, second] = [+a!, +b!];
  let isDayFirst: boolean;
  let implies: string | undefined;
  if (format && format !== "YYYY-MM-DD") isDayFirst = dayFirst(format);
  else if (separator === ".") [isDayFirst, implies] = [true, "DD.MM.YYYY"];
  else if (first > 12 && second <= 12) [isDayFirst, implies] = [true, "DD/MM/YYYY"];
  else if (second > 12 && first <= 12) [isDayFirst, implies] = [false, "MM/DD/YYYY"];
  else if (first === second) isDayFirst = true;
  else return { ambiguous: true };
  const [day, month] = isDayFirst ? [first, second] : [second, first];
  let hour = h;
  if (h && meridiem) hour = String((+h % 12) + (meridiem.toUpperCase() === "PM" ? 12 : 0));
  const result = stamp(+y!, month, day, hour, mi, s, undefined, undefined, implies);
  if ("invalid" in result && format && format !== "YYYY-MM-DD") return { invalid: `is not a date in the file's format ${format}` };
  return result;
}

function stamp(
  year: number,
  month: number,
  day: number,
  hour: string | undefined,
  minute: string | undefined,
  second: string | undefined,
  fraction: string | undefined,
  zone: string | undefined,
  implies: string | undefined,
): Reading<{ iso: string; dateOnly: boolean }> {
  if (year < MIN_YEAR || year > MAX_YEAR) return { invalid: `has the year ${year}, outside ${MIN_YEAR}–${MAX_YEAR}` };
  const pad = (n: number | string, width = 2) => String(n).padStart(width, "0");
  const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
  const probe = new Date(`${date}T00:00:00.000Z`);
  if (Number.isNaN(probe.getTime()) || !probe.toISOString().startsWith(date)) return { invalid: "is not a real date" };
  if (hour === undefined) return { value: { iso: probe.toISOString(), dateOnly: true }, implies };
  if (+hour > 23 || +minute! > 59 || +(second ?? 0) > 59) return { invalid: "has an impossible time of day" };
  const offset = !zone || zone.toUpperCase() === "Z" ? "Z" : zone.includes(":") ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const full = new Date(`${date}T${pad(hour)}:${minute}:${pad(second ?? 0)}${fraction ?? ""}${offset}`);
  if (Number.isNaN(full.getTime())) return { invalid: "is not a valid date-time" };
  return { value: { iso: full.toISOString(), dateOnly: false }, implies };
}

// ─── detection ───────────────────────────────────────────────────────────────

/** The one format the column's unambiguous values reveal, or null when they reveal none or disagree. */
export function detectFormat<F extends string>(implied: (string | undefined)[]): F | null {
  const seen = new Set(implied.filter((f): f is string => f !== undefined));
  return seen.size === 1 ? ([...seen][0] as F) : null;
}

/** A date column's format from its unambiguous values: dotted and slashed day-first values agree with each other. */
export function detectDateFormat(implied: (string | undefined)[]): DateFormat | null {
  const seen = implied.filter((f): f is string => f !== undefined);
  if (seen.length === 0) return null;
  if (seen.every((f) => f === "MM/DD/YYYY")) return "MM/DD/YYYY";
  if (seen.every((f) => f !== "MM/DD/YYYY")) return seen.includes("DD/MM/YYYY") ? "DD/MM/YYYY" : "DD.MM.YYYY";
  return null;
}

// ─── checkboxes, countries, languages ─────────────────────────────────────────

const TRUE_WORDS = new Set(["true", "yes", "y", "1", "x", "wahr", "ja", "oui", "vrai", "si", "sí", "checked", "opted out", "unsubscribed", "do not allow"]);
const FALSE_WORDS = new Set(["false", "no", "n", "0", "falsch", "nein", "non", "faux", "unchecked", "allow", "subscribed", "opted in"]);

/** CRM checkbox exports ("true", "Yes", "1", "x", "Do Not Allow") → boolean; anything else stays as is for validation to reject. */
export function parseFlag(value: unknown): unknown {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value === 1 ? true : value === 0 ? false : value;
  if (typeof value !== "string") return value;
  const word = value.trim().toLowerCase();
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : value;
}

export const squash = (text: string) =>
  text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");

let countryNames: Map<string, string> | null = null;

/** Country names in English, German, French and Spanish (and common short forms) → ISO 3166-1 alpha-2. */
export function countryCode(name: string): string | undefined {
  if (!countryNames) {
    countryNames = new Map(Object.entries({ usa: "US", us: "US", unitedstatesofamerica: "US", america: "US", uk: "GB", greatbritain: "GB", england: "GB", scotland: "GB", wales: "GB", holland: "NL", southkorea: "KR", russia: "RU", czechia: "CZ", uae: "AE" }));
    const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for (const locale of ["en", "de", "fr", "es"]) {
      const names = new Intl.DisplayNames([locale], { type: "region", fallback: "none" });
      for (const a of letters) {
        for (const b of letters) {
          const label = names.of(a + b);
          // ICU also names withdrawn codes (DD "Germany" for the GDR): only assigned ISO 3166-1 codes count.
          if (label && !countryNames.has(squash(label)) && CountryCode.safeParse(a + b).success) countryNames.set(squash(label), a + b);
        }
      }
    }
  }
  return countryNames.get(squash(name));
}

const LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pt", "sv", "da", "fi", "nb", "no", "pl", "cs", "sk", "hu", "ro", "el", "tr", "ru", "uk", "ja", "zh", "ko", "ar", "he", "hi", "th", "vi", "id"];
let languageNames: Map<string, string> | null = null;

/** Language names ("German", "Deutsch", "English (United States)") → BCP 47; CRM locales en_US → en-US. */
export function languageTag(value: string): string | undefined {
  if (!languageNames) {
    languageNames = new Map();
    for (const locale of ["en", "de", "fr", "es"]) {
      const names = new Intl.DisplayNames([locale], { type: "language", fallback: "none" });
      for (const code of LANGUAGES) {
        const label = names.of(code);
        if (label && !languageNames.has(squash(label))) languageNames.set(squash(label), code);
      }
    }
    for (const code of LANGUAGES) {
      const own = new Intl.DisplayNames([code], { type: "language", fallback: "none" }).of(code);
      if (own && !languageNames.has(squash(own))) languageNames.set(squash(own), code);
    }
  }
  const named = languageNames.get(squash(value.replace(/\s*\(.*\)\s*$/, "")));
  if (named) return named;
  return undefined;
}
