// Reporting periods (SPEC §2, §7): fiscal quarters `YYYY-Qn` and trailing twelve months `YYYY-Qn-T12`.
// A fiscal year is named for the calendar year it ends in. Boundaries are instants at local midnight in the
// organization's IANA time zone, as fixed-width ISO text so SQL compares them as strings.

export interface Quarter {
  fiscalYear: number;
  quarter: 1 | 2 | 3 | 4;
}

export interface Period {
  /** `2026-Q3` or `2026-Q3-T12`. */
  key: string;
  kind: "quarter" | "t12";
  /** The quarter the period ends with (itself for a quarter). */
  quarter: Quarter;
  /** Inclusive start instant (ISO). */
  start: string;
  /** Exclusive end instant (ISO). */
  end: string;
  /** The quarters whose responses make up the period (one for a quarter, four for T12), oldest first. */
  quarters: string[];
}

export interface Calendar {
  timeZone: string;
  /** 1 = January: the month the fiscal year starts in. */
  fiscalYearStartMonth: number;
}

const PERIOD_PATTERN = /^(\d{4})-Q([1-4])(-T12)?$/;

export function parsePeriodKey(key: string): { quarter: Quarter; kind: Period["kind"] } | null {
  const match = PERIOD_PATTERN.exec(key);
  if (!match) return null;
  return { quarter: { fiscalYear: Number(match[1]), quarter: Number(match[2]) as Quarter["quarter"] }, kind: match[3] ? "t12" : "quarter" };
}

export const quarterKey = (q: Quarter) => `${q.fiscalYear}-Q${q.quarter}`;
export const t12Key = (q: Quarter) => `${quarterKey(q)}-T12`;

/** The quarter `offset` quarters after (negative: before) `q`. */
export function shiftQuarter(q: Quarter, offset: number): Quarter {
  const index = q.fiscalYear * 4 + (q.quarter - 1) + offset;
  return { fiscalYear: Math.floor(index / 4), quarter: ((index % 4) + 1) as Quarter["quarter"] };
}

/** The period `offset` quarters away of the same kind (−1: previous quarter, −4: a year earlier). */
export function shiftPeriodKey(key: string, offset: number): string | null {
  const parsed = parsePeriodKey(key);
  if (!parsed) return null;
  const q = shiftQuarter(parsed.quarter, offset);
  return parsed.kind === "t12" ? t12Key(q) : quarterKey(q);
}

/** The fiscal quarter containing a local calendar month (1–12) of a calendar year. */
export function fiscalQuarterOf(year: number, month: number, fiscalYearStartMonth: number): Quarter {
  const monthsIntoFiscalYear = (month - fiscalYearStartMonth + 12) % 12;
  const fiscalYear = fiscalYearStartMonth === 1 || month < fiscalYearStartMonth ? year : year + 1;
  return { fiscalYear, quarter: (Math.floor(monthsIntoFiscalYear / 3) + 1) as Quarter["quarter"] };
}

/** Calendar year and month (1–12) in which a fiscal quarter starts. */
export function quarterStartMonth(q: Quarter, fiscalYearStartMonth: number): { year: number; month: number } {
  const fiscalYearStartYear = fiscalYearStartMonth === 1 ? q.fiscalYear : q.fiscalYear - 1;
  const monthIndex = fiscalYearStartYear * 12 + (fiscalYearStartMonth - 1) + (q.quarter - 1) * 3;
  return { year: Math.floor(monthIndex / 12), month: (monthIndex % 12) + 1 };
}

/** The fiscal quarter an instant falls in, in the organization's time zone. */
export function quarterAt(instant: Date, calendar: Calendar): Quarter {
  const { year, month } = localDateParts(instant, calendar.timeZone);
  return fiscalQuarterOf(year, month, calendar.fiscalYearStartMonth);
}

export function quarterPeriod(q: Quarter, calendar: Calendar): Period {
  return {
    key: quarterKey(q),
    kind: "quarter",
    quarter: q,
    start: quarterStartInstant(q, calendar),
    end: quarterStartInstant(shiftQuarter(q, 1), calendar),
    quarters: [quarterKey(q)],
  };
}

export function t12Period(q: Quarter, calendar: Calendar): Period {
  const first = shiftQuarter(q, -3);
  return {
    key: t12Key(q),
    kind: "t12",
    quarter: q,
    start: quarterStartInstant(first, calendar),
    end: quarterStartInstant(shiftQuarter(q, 1), calendar),
    quarters: [0, 1, 2, 3].map((i) => quarterKey(shiftQuarter(first, i))),
  };
}

export function periodFromKey(key: string, calendar: Calendar): Period | null {
  const parsed = parsePeriodKey(key);
  if (!parsed) return null;
  return parsed.kind === "t12" ? t12Period(parsed.quarter, calendar) : quarterPeriod(parsed.quarter, calendar);
}

function quarterStartInstant(q: Quarter, calendar: Calendar): string {
  const { year, month } = quarterStartMonth(q, calendar.fiscalYearStartMonth);
  return localMidnight(year, month, 1, calendar.timeZone).toISOString();
}

/** The instant of 00:00 local time on a calendar date in an IANA zone (the first instant of that day). */
export function localMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const wallClock = Date.UTC(year, month - 1, day);
  // Two passes settle on the right offset even when the guess falls on the other side of a DST change.
  let instant = wallClock - offsetMillis(new Date(wallClock), timeZone);
  instant = wallClock - offsetMillis(new Date(instant), timeZone);
  return new Date(instant);
}

/** Local wall-clock time minus UTC at an instant, in milliseconds. */
function offsetMillis(instant: Date, timeZone: string): number {
  const p = localDateParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localDateParts(instant: Date, timeZone: string) {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(instant)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

