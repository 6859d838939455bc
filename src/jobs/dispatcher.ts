import { createDb } from "../db/client";
import { recheckDue } from "../domain/frequency/due";
import type { Calendar } from "../domain/scoring/periods";
import { quarterAt, quarterPeriod } from "../domain/scoring/periods";
import { isTimeZone } from "../lib/fields";
import { getSettings, listHolidays } from "../domain/settings/settings";
import { enqueueDeliveries, admittedIds } from "../domain/targeting/enqueue";
import { claimReminders, expireInvitations, reclaimLostDeliveries } from "../domain/targeting/lifecycle";
import { topUpCommitteeCoverage } from "../domain/targeting/revenue";
import type { SendDeps } from "../domain/targeting/sends";
import { activeRelationalSurveys, runWaveSlice, waveToday, type Budget, type ProgramContext, type SliceReport } from "../domain/targeting/waves";
import type { Env } from "../env";

/** The frequent cron (every 5 minutes: 30 s of CPU) that runs the dispatcher. */
export const DISPATCH_CRON = "*/5 * * * *";

/** Guarded inserts/re-checks per tick: with reminders, expiry and reads this stays well under 1,000 D1 queries. */
export const DISPATCH_BUDGET = 400;

export interface DispatchReport {
  rechecked: { queued: number; deferred: number; suppressed: number };
  expired: number;
  reminders: number;
  requeued: number;
  program: SliceReport[];
}

async function programContext(deps: SendDeps, now: Date): Promise<ProgramContext> {
  const settings = await getSettings(deps.db);
  // A zone Intl does not know would stop every tick; business days then fall back to UTC.
  const timeZone = isTimeZone(settings.timeZone) ? settings.timeZone : "UTC";
  const calendar: Calendar = { timeZone, fiscalYearStartMonth: settings.fiscalYearStartMonth };
  const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  const holidays = await listHolidays(deps.db, { from: day(-400), to: day(400) });
  return { calendar, holidays: new Set(holidays.map((h) => h.date)) };
}

/**
 * The relational program: each active relational survey's slice for today, then — from the middle of the quarter,
 * so the rotation covers most accounts first — the revenue rule's top-up for the first relational survey.
 */
async function runProgram(deps: SendDeps, now: Date, budget: Budget): Promise<SliceReport[]> {
  const surveys = await activeRelationalSurveys(deps);
  if (surveys.length === 0) return [];
  const ctx = await programContext(deps, now);
  const reports: SliceReport[] = [];
  for (const survey of surveys) {
    const report = await runWaveSlice(deps, survey, ctx, now, budget);
    if (report) reports.push(report);
  }
  const quarter = quarterPeriod(quarterAt(now, ctx.calendar), ctx.calendar);
  const midQuarter = (Date.parse(quarter.start) + Date.parse(quarter.end)) / 2;
  const first = surveys[0]!;
  const today = waveToday(first, ctx, now);
  if (today && today.workingDay !== null && now.getTime() >= midQuarter) {
    reports.push(await topUpCommitteeCoverage(deps, first, { index: today.wave.index, window: today.window }, quarter, now, budget));
  }
  return reports;
}

/** One dispatcher tick: due deferrals (FIFO), expiry, reminders (once each), relational program slices, lost sends. */
export async function dispatch(env: Env, now: Date): Promise<DispatchReport> {
  const deps: SendDeps = { db: createDb(env.DB), queue: env.MAIL_QUEUE, hmacSecret: env.HMAC_SECRET };
  const budget: Budget = { remaining: DISPATCH_BUDGET };

  const rechecked = await recheckDue(deps, now, budget);
  await enqueueDeliveries(deps.queue, admittedIds(rechecked));
  const expired = await expireInvitations(deps.db, now);
  const reminders = await claimReminders(deps.db, now);
  await enqueueDeliveries(deps.queue, reminders, "reminder");
  const program = await runProgram(deps, now, budget);
  const requeued = await reclaimLostDeliveries(deps.db, now);
  await enqueueDeliveries(deps.queue, requeued);

  const count = (status: string) => rechecked.filter((r) => r.status === status).length;
  return {
    rechecked: { queued: count("queued"), deferred: count("deferred"), suppressed: count("suppressed") },
    expired: expired.length,
    reminders: reminders.length,
    requeued: requeued.length,
    program,
  };
}
