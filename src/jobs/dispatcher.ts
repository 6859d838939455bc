import { createDb } from "../db/client";
import { forgetOldRequestKeys } from "../db/request-keys";
import { escalateBreaches } from "../domain/cases/escalate";
import { mailProviderFor } from "../domain/delivery/providers";
import { recheckDue } from "../domain/frequency/due";
import { quarterAt, quarterPeriod } from "../domain/scoring/periods";
import { inSendWindow } from "../domain/targeting/calendar";
import { enqueueDeliveries, admittedIds } from "../domain/targeting/enqueue";
import { claimReminders, expireInvitations, reclaimLostDeliveries } from "../domain/targeting/lifecycle";
import { topUpCommitteeCoverage } from "../domain/targeting/revenue";
import type { SendDeps } from "../domain/targeting/sends";
import { activeRelationalSurveys, loadProgramContext, runWaveSlice, type Budget, type ProgramContext, type SliceReport } from "../domain/targeting/waves";
import type { Env } from "../env";

/** The frequent cron (every 5 minutes: 30 s of CPU) that runs the dispatcher. */
export const DISPATCH_CRON = "*/5 * * * *";

/** Guarded inserts/re-checks per tick: with reminders, expiry and reads this stays well under 1,000 D1 queries. */
export const DISPATCH_BUDGET = 400;

export interface DispatchReport {
  /** Inside the send window: scheduled work went out (else only expiry and lost-send recovery ran). */
  open: boolean;
  rechecked: { queued: number; deferred: number; suppressed: number };
  expired: number;
  reminders: number;
  requeued: number;
  program: SliceReport[];
  /** One-time request keys past their retention, forgotten this tick (a bounded chunk). */
  forgottenKeys: number;
}

/**
 * The relational program: each active relational survey's slice for today, then — from the middle of the quarter,
 * so the rotation covers most accounts first — the revenue rule's top-up for the first relational survey.
 */
async function runProgram(deps: SendDeps, ctx: ProgramContext, now: Date, budget: Budget): Promise<SliceReport[]> {
  const surveys = await activeRelationalSurveys(deps.db);
  if (surveys.length === 0) return [];
  const reports: SliceReport[] = [];
  for (const survey of surveys) {
    const report = await runWaveSlice(deps, survey, ctx, now, budget);
    if (report) reports.push(report);
  }
  const quarter = quarterPeriod(quarterAt(now, ctx.calendar), ctx.calendar);
  const midQuarter = (Date.parse(quarter.start) + Date.parse(quarter.end)) / 2;
  if (now.getTime() >= midQuarter) reports.push(await topUpCommitteeCoverage(deps, surveys[0]!, ctx, quarter, now, budget));
  return reports;
}

/**
 * One dispatcher tick: expiry, lost sends and forgetting old one-time request keys always; scheduled work — due deferrals and delayed event sends (FIFO),
 * reminders (once each), relational program slices and the top-up — only inside the send window (working days,
 * local hours of the organization), so nobody gets a survey on a weekend, a holiday or at night.
 */
export async function dispatch(env: Env, now: Date): Promise<DispatchReport> {
  const deps: SendDeps = { db: createDb(env.DB), queue: env.MAIL_QUEUE, hmacSecret: env.HMAC_SECRET };
  const budget: Budget = { remaining: DISPATCH_BUDGET };
  const ctx = await loadProgramContext(deps.db, now);
  const open = ctx.window ? inSendWindow(now, ctx.window) : true;

  const rechecked = open ? await recheckDue(deps, now, budget) : [];
  await enqueueDeliveries(deps.queue, admittedIds(rechecked));
  const expired = await expireInvitations(deps.db, now);
  const reminders = open ? await claimReminders(deps.db, now) : [];
  await enqueueDeliveries(deps.queue, reminders, "reminder");
  const program = open ? await runProgram(deps, ctx, now, budget) : [];
  const requeued = await reclaimLostDeliveries(deps.db, now);
  await enqueueDeliveries(deps.queue, requeued);
  await escalateBreaches({ db: deps.db, provider: mailProviderFor(env, deps.db), publicUrl: env.PUBLIC_URL }, now);
  const forgottenKeys = await forgetOldRequestKeys(deps.db, now);

  const count = (status: string) => rechecked.filter((r) => r.status === status).length;
  return {
    open,
    rechecked: { queued: count("queued"), deferred: count("deferred"), suppressed: count("suppressed") },
    expired: expired.length,
    reminders: reminders.length,
    requeued: requeued.length,
    program,
    forgottenKeys,
  };
}
