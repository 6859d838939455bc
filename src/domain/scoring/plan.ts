// The steps of a scoring run, derived only from the run row (as-of instant and calendar), so every cron tick that
// continues a run sees the same list and resumes at the stored step number.
import type { SQL } from "drizzle-orm";
import { SCORE_CUTS, type ScoreRun } from "../../db/schema";
import { quarterAt, quarterPeriod, shiftQuarter, t12Period, type Calendar, type Period } from "./periods";
import * as q from "./sql";

export interface Step {
  name: string;
  statements: SQL[];
  /** Repeated until its one statement changes no rows (bounded chunks of a large delete). */
  repeat?: boolean;
}

/** Quarters published: the current one and the previous 7 (SPEC §7), each also as trailing 12 months. */
export const PUBLISHED_QUARTERS = 8;
/** Three more quarters are computed so the oldest T12 has all four quarters and silence streaks look back further. */
const EXTRA_QUARTERS = 3;

export type RunCalendar = Pick<ScoreRun, "asOf" | "timeZone" | "fiscalYearStartMonth">;

const calendarOf = (run: RunCalendar): Calendar => ({ timeZone: run.timeZone, fiscalYearStartMonth: run.fiscalYearStartMonth });

/** Every quarter the run computes, oldest first. */
export function computedQuarters(run: RunCalendar): Period[] {
  const current = quarterAt(new Date(run.asOf), calendarOf(run));
  const count = PUBLISHED_QUARTERS + EXTRA_QUARTERS;
  return Array.from({ length: count }, (_, i) => quarterPeriod(shiftQuarter(current, i - count + 1), calendarOf(run)));
}

/** The periods readers may ask for, newest first: quarters, then trailing 12 months. */
export function publishedPeriods(run: RunCalendar): Period[] {
  const quarters = computedQuarters(run).slice(-PUBLISHED_QUARTERS).reverse();
  return [...quarters, ...quarters.map((p) => t12Period(p.quarter, calendarOf(run)))];
}

export function planRun(run: RunCalendar & Pick<ScoreRun, "id">, currentRunId: string | null): Step[] {
  const quarters = computedQuarters(run);
  const t12s = quarters.slice(-PUBLISHED_QUARTERS).map((p) => t12Period(p.quarter, calendarOf(run)));
  const steps: Step[] = [
    { name: "clear staging", statements: q.clearStaging() },
    { name: "prune old account results", statements: [q.pruneAccountsChunk(run.id, currentRunId)], repeat: true },
    { name: "prune old results", statements: q.pruneSmallResults(run.id, currentRunId) },
  ];
  for (const period of quarters) {
    for (const type of q.SCORED_TYPES) steps.push(one(`stage ${period.key} ${type}`, q.stageQuarterLatest(period, type)));
    steps.push(one(`stage ${period.key} heard`, q.stageQuarterHeard(period)));
  }
  quarters.forEach((period, i) => {
    const t12Quarters = t12Period(period.quarter, calendarOf(run)).quarters;
    steps.push(
      ...accountSteps(run.id, period, t12Quarters, [
        one(`${period.key} account invitations`, q.updateAccountInvitations(run.id, period)),
      ], quarters[i - 1]?.key ?? null),
      ...cutSteps(run.id, period),
      ...q.RESPONSE_RATE_CUTS.map((cut) => one(`${period.key} response rate by ${cut}`, q.upsertCutInvitations(run.id, period, cut))),
      one(`${period.key} coverage`, q.upsertCoverage(run.id, period)),
      one(`${period.key} true promoters`, q.updateTruePromoters(run.id, period)),
    );
  });
  for (const period of t12s) {
    for (const type of q.SCORED_TYPES) steps.push(one(`stage ${period.key} ${type}`, q.stageT12Latest(period, type)));
    steps.push(
      ...accountSteps(run.id, period, period.quarters, [
        one(`${period.key} account invitations`, q.updateAccountInvitationsT12(run.id, period)),
      ], null),
      ...cutSteps(run.id, period),
      one(`${period.key} response rates`, q.upsertCutInvitationsT12(run.id, period)),
      one(`${period.key} coverage`, q.upsertCoverage(run.id, period)),
    );
  }
  return steps;
}

const one = (name: string, statement: SQL): Step => ({ name, statements: [statement] });

function accountSteps(runId: string, period: Period, t12Quarters: string[], invitations: Step[], previousQuarter: string | null): Step[] {
  return [
    one(`${period.key} accounts`, q.insertAccounts(runId, period, period.quarters)),
    one(`${period.key} account answers`, q.updateAccountAnswers(runId, period)),
    one(`${period.key} account heard`, q.updateAccountHeard(runId, period, t12Quarters)),
    ...invitations,
    one(`${period.key} account categories`, q.finishAccounts(runId, period, previousQuarter)),
  ];
}

const cutSteps = (runId: string, period: Period): Step[] =>
  SCORE_CUTS.map((cut) => one(`${period.key} by ${cut}`, q.upsertCutAnswers(runId, period, cut)));
