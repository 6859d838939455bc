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

/** Quarters computed: the current one and the previous 7 (SPEC §7). */
export const QUARTERS = 8;
/**
 * Trailing 12 months end at each of the latest 5 quarters: the current T12, its change against the previous
 * quarter, and against a year earlier (which the market ranking needs). Older T12s would need older quarters.
 */
export const T12_PERIODS = 5;

export type RunCalendar = Pick<ScoreRun, "asOf" | "timeZone" | "fiscalYearStartMonth">;

const calendarOf = (run: RunCalendar): Calendar => ({ timeZone: run.timeZone, fiscalYearStartMonth: run.fiscalYearStartMonth });

/** The quarters and trailing-12-months periods a run computes, each oldest first. */
export function runPeriods(run: RunCalendar): { quarters: Period[]; t12s: Period[]; heardOnly: Period[] } {
  const current = quarterAt(new Date(run.asOf), calendarOf(run));
  const quarterAgo = (offset: number) => quarterPeriod(shiftQuarter(current, -offset), calendarOf(run));
  const quarters = Array.from({ length: QUARTERS }, (_, i) => quarterAgo(QUARTERS - 1 - i));
  const t12s = quarters.slice(-T12_PERIODS).map((p) => t12Period(p.quarter, calendarOf(run)));
  // Committee coverage looks back 12 months from each quarter: who was heard from in the 3 quarters before the oldest.
  const heardOnly = [3, 2, 1].map((i) => quarterAgo(QUARTERS - 1 + i));
  return { quarters, t12s, heardOnly };
}

export function planRun(run: RunCalendar & Pick<ScoreRun, "id">, currentRunId: string | null): Step[] {
  const { quarters, t12s, heardOnly } = runPeriods(run);
  const periodKeys = [...heardOnly, ...quarters, ...t12s].map((p) => p.key);
  const clearSteps = periodKeys.map((key) => ({ name: `clear staging ${key}`, statements: q.clearStaging(key) }));
  const steps: Step[] = [
    { name: "clear stale staging", statements: q.clearStagingExcept(periodKeys) },
    ...clearSteps,
    { name: "prune old account results", statements: [q.pruneAccountsChunk(run.id, currentRunId)], repeat: true },
    { name: "prune old results", statements: q.pruneSmallResults(run.id, currentRunId) },
  ];
  for (const period of heardOnly) steps.push(one(`stage ${period.key} heard`, q.stageQuarterHeard(period)));
  for (const period of quarters) {
    steps.push(...stageSteps(period, q.stageQuarterLatest));
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
    steps.push(...stageSteps(period, q.stageT12Latest, STAGE_T12_PARTS));
    steps.push(
      ...accountSteps(run.id, period, period.quarters, [
        one(`${period.key} account invitations`, q.updateAccountInvitationsT12(run.id, period)),
      ], null),
      ...cutSteps(run.id, period),
      one(`${period.key} response rates`, q.upsertCutInvitationsT12(run.id, period)),
      one(`${period.key} coverage`, q.upsertCoverage(run.id, period)),
    );
  }
  return [...steps, ...clearSteps];
}

const one = (name: string, statement: SQL): Step => ({ name, statements: [statement] });

/**
 * Statements kept well under 1 s at the benchmark scale: a T12 staging is split by contact and the role cut by
 * account (both ~1.1–1.2 s whole on a loaded machine); parts cover disjoint groups, so results are unchanged.
 */
const STAGE_T12_PARTS = 2;
const CUT_PARTS: Partial<Record<(typeof SCORE_CUTS)[number], number>> = { role: 2 };

const parts = (count: number): q.Part[] => Array.from({ length: count }, (_, index) => ({ index, count }));
const partName = (part: q.Part) => (part.count > 1 ? ` part ${part.index + 1}/${part.count}` : "");

const stageSteps = (period: Period, stage: (period: Period, type: q.ScoredType, part?: q.Part) => SQL, partCount = 1): Step[] =>
  q.SCORED_TYPES.flatMap((type) => [
    ...parts(partCount).map((part) => one(`stage ${period.key} ${type}${partName(part)}`, stage(period, type, part))),
    one(`stage ${period.key} ${type} latest across surveys`, q.markLatestAcrossSurveys(period, type)),
  ]);

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
  SCORE_CUTS.flatMap((cut) =>
    parts(CUT_PARTS[cut] ?? 1).map((part) => one(`${period.key} by ${cut}${partName(part)}`, q.upsertCutAnswers(runId, period, cut, part))),
  );
