// SPEC §8 SLA: due in 2 business days for accounts in the top 20 % of revenue, 5 otherwise, counted in the
// organization's time zone with weekends and the holiday list skipped.
import { sql } from "drizzle-orm";
import { runBatch } from "../../db/batch";
import type { Db } from "../../db/client";
import { localMidnight } from "../scoring/periods";
import { localDate } from "../targeting/calendar";

export const SLA_BUSINESS_DAYS = { top: 2, other: 5 } as const;

/** The top 20 % of revenue: the largest accounts that together hold this share of it. */
export const TOP_REVENUE_SHARE = 0.2;

const DAY_MS = 86_400_000;
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const isBusinessDay = (date: string, holidays: ReadonlySet<string>) =>
  ![0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay()) && !holidays.has(date);

const midnightOf = (date: string, timeZone: string) => {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return localMidnight(y, m, d, timeZone);
};

/**
 * The instant `days` business days after `opened`: the same local time of day on the `days`-th business day after
 * the opening day (a case opened on a weekend or a holiday counts from the next business day). The time since
 * local midnight is kept, so the wall-clock time stays the same across DST changes.
 */
export function addBusinessDays(opened: Date, days: number, timeZone: string, holidays: ReadonlySet<string>): Date {
  const startDate = localDate(opened, timeZone);
  const timeOfDay = opened.getTime() - midnightOf(startDate, timeZone).getTime();
  let date = startDate;
  for (let counted = 0; counted < days; ) {
    date = addDays(date, 1);
    if (isBusinessDay(date, holidays)) counted++;
  }
  return new Date(midnightOf(date, timeZone).getTime() + timeOfDay);
}

/** Business days to acknowledge: the settings' (caseSlaTopDays / caseSlaOtherDays), 2 and 5 by default. */
export const slaDays = (topAccount: boolean, days: { top: number; other: number } = SLA_BUSINESS_DAYS) => (topAccount ? days.top : days.other);

/** When a case opened at `now` is due, for an account in the top 20 % of revenue and for any other. */
export interface DueTimes {
  top: string;
  other: string;
}

/**
 * The due times of cases opened at `now`: the settings' business days in the organization's time zone, holidays
 * skipped — settings and holidays read in one round trip.
 */
export async function caseDueTimes(db: Db, now: Date): Promise<DueTimes> {
  const today = now.toISOString().slice(0, 10);
  const [settingsRows = [], holidayRows = []] = await runBatch(db, [
    sql`SELECT time_zone, case_sla_top_days AS top, case_sla_other_days AS other FROM settings WHERE id = 1`,
    sql`SELECT date FROM holidays WHERE date >= ${today}`,
  ]);
  const row = settingsRows[0] as { time_zone: string | null; top: number; other: number } | undefined;
  const timeZone = row?.time_zone || "UTC";
  const days = row ? { top: row.top, other: row.other } : undefined;
  const holidays = new Set(holidayRows.map((h) => String(h.date)));
  const dueAfter = (top: boolean) => addBusinessDays(now, slaDays(top, days), timeZone, holidays).toISOString();
  return { top: dueAfter(true), other: dueAfter(false) };
}
