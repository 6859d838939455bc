// What a scoring run does, decided once when it starts and stored on the run row (RunPlan), and the steps that
// follow from it. Every invocation that continues a run derives the same step list from the row and resumes at the
// stored step number.
import type { SQL } from "drizzle-orm";
import type { ScoreRun } from "../../db/schema";
import { parsePeriodKey, periodFromKey, quarterAt, quarterKey, quarterPeriod, shiftPeriodKey, shiftQuarter, type Calendar, type Period, type Quarter } from "./periods";
import * as q from "./sql";

export interface Step {
  name: string;
  statements: SQL[];
  /** Repeated until its one statement changes no rows (bounded chunks of a large delete). */
  repeat?: boolean;
}

/**
 * A run's decisions. Quarters run from `first` (the oldest with a response or an invitation) to `current`, each
 * with its trailing 12 months. `compute`: periods recomputed; `carry`: quarters whose rows are copied from the
 * base run because an earlier quarter's silence may have changed their streak; every other period keeps the base
 * run's rows (period_runs). `stage`: quarters whose staging is rebuilt; `clear`: staging keys no longer scored.
 */
export interface RunPlan {
  /** The step list this plan was decided for (STEPS_VERSION): a run planned by other code is not resumed. */
  version: number;
  first: string;
  current: string;
  stage: string[];
  compute: string[];
  carry: string[];
  clear: string[];
  /** The base run's period_runs: their rows stay until this run is current. */
  keep: Record<string, string>;
}

/**
 * Bumped whenever planSteps derives different steps from the same plan: a run in progress across a deploy that
 * changes them is superseded by a new run instead of resuming at a step number that now means another step.
 */
export const STEPS_VERSION = 4;

export const calendarOf = (run: Pick<ScoreRun, "timeZone" | "fiscalYearStartMonth">): Calendar => ({
  timeZone: run.timeZone,
  fiscalYearStartMonth: run.fiscalYearStartMonth,
});

/** Quarter keys from `first` to `last`, oldest first. */
export function quarterRange(first: string, last: string): string[] {
  const from = parsePeriodKey(first)!.quarter;
  const to = parsePeriodKey(last)!.quarter;
  const count = index(to) - index(from) + 1;
  return Array.from({ length: Math.max(count, 1) }, (_, i) => quarterKey(shiftQuarter(from, i)));
}

const index = (quarter: Quarter) => quarter.fiscalYear * 4 + quarter.quarter - 1;
const toT12 = (quarter: string) => `${quarter}-T12`;

/** Every period a plan scores, oldest first: its quarters, then their trailing 12 months. */
export function planPeriods(plan: Pick<RunPlan, "first" | "current">): { quarters: string[]; t12s: string[] } {
  const quarters = quarterRange(plan.first, plan.current);
  return { quarters, t12s: quarters.map(toT12) };
}

// ─── deciding what changed ───────────────────────────────────────────────────

/** What the inputs' triggers recorded since the base run (score_dirty rows up to the run's watermark). */
export interface DirtySummary {
  all: boolean;
  /** Oldest instant from which every quarter changed ('from' rows), if any. */
  from: string | null;
  /** Hour buckets (`YYYY-MM-DDTHH`) holding a changed response, answer or invitation. */
  hours: string[];
}

export interface PlanInput {
  calendar: Calendar;
  asOf: Date;
  /** Oldest instant with a complete response or an admitted invitation (null: no data yet). */
  oldestData: string | null;
  full: boolean;
  base: { periodRuns: Record<string, string> } | null;
  dirty: DirtySummary;
  /** Quarters whose staging is complete (score_staged). */
  staged: string[];
}

/** Decides a run: everything for a full run; otherwise the periods whose inputs changed and what depends on them. */
export function decidePlan(input: PlanInput): RunPlan {
  const current = quarterKey(quarterAt(input.asOf, input.calendar));
  const oldest = input.oldestData ? quarterOfInstant(input.oldestData, input.calendar) : null;
  const first = oldest && oldest < current ? oldest : current;
  const { quarters, t12s } = planPeriods({ first, current });
  const scored = new Set<string>([...quarters, ...t12s]);
  const stagedQuarters = input.staged.filter((k) => !k.startsWith("cohort:"));
  const cohorts = new Set(input.staged.filter((k) => k.startsWith("cohort:")).map((k) => k.slice("cohort:".length)));
  const clear = [...new Set([...stagedQuarters, ...cohorts])].filter((period) => !quarters.includes(period));
  if (input.full || !input.base) {
    return { version: STEPS_VERSION, first, current, stage: quarters, compute: [...quarters, ...t12s], carry: [], clear, keep: input.base?.periodRuns ?? {} };
  }

  const changed = new Set<string>(); // quarters whose own inputs changed
  const restage = new Set<string>(); // quarters whose responses changed
  if (input.dirty.all) quarters.forEach((k) => changed.add(k));
  if (input.dirty.from !== null) {
    const from = quarterOfInstant(input.dirty.from, input.calendar);
    quarters.filter((k) => from === null || k >= from).forEach((k) => changed.add(k));
  }
  for (const hour of input.dirty.hours) {
    for (const k of quartersOfHour(hour, input.calendar)) {
      changed.add(k);
      restage.add(k);
    }
  }
  // A quarter's committee coverage looks 12 months back, and a T12 spans four quarters: a change reaches 3 quarters on.
  const computeQuarters = new Set<string>();
  for (const k of changed) for (let i = 0; i <= 3; i++) computeQuarters.add(shiftPeriodKey(k, i)!);
  for (const k of quarters) if (!input.base.periodRuns[k]) computeQuarters.add(k);
  const computeT12s = new Set<string>([...computeQuarters].map(toT12));
  for (const k of t12s) if (!input.base.periodRuns[k]) computeT12s.add(k);
  // A T12's true promoter share reads its quarters' cohort staging: a quarter without it is recomputed too.
  for (const k of computeT12s) {
    for (const quarter of yearTo(k)) if (quarters.includes(quarter) && !cohorts.has(quarter)) computeQuarters.add(quarter);
  }
  const compute = [...quarters.filter((k) => computeQuarters.has(k)), ...t12s.filter((k) => computeT12s.has(k))];

  const staged = new Set(stagedQuarters);
  const needed = new Set(compute.flatMap(yearTo));
  const stage = quarters.filter((k) => restage.has(k) || (needed.has(k) && !staged.has(k)));
  const earliest = quarters.find((k) => computeQuarters.has(k));
  const carry = earliest ? quarters.filter((k) => k > earliest && !computeQuarters.has(k)) : [];
  return { version: STEPS_VERSION, first, current, stage, compute: compute.filter((k) => scored.has(k)), carry, clear, keep: input.base.periodRuns };
}

/** The quarter of a period key and the 3 before it: what its staging reads (a T12's quarters; a quarter's committee year). */
const yearTo = (key: string): string[] => [0, 1, 2, 3].map((i) => shiftPeriodKey(key.replace(/-T12$/, ""), -i)!);

function quarterOfInstant(instant: string, calendar: Calendar): string | null {
  const date = new Date(instant);
  return Number.isNaN(date.getTime()) ? null : quarterKey(quarterAt(date, calendar));
}

/** The quarters an hour overlaps (two when a quarter starts inside it, as in zones with half-hour offsets). */
function quartersOfHour(hour: string, calendar: Calendar): string[] {
  const start = new Date(`${hour}:00:00.000Z`);
  if (Number.isNaN(start.getTime())) return [];
  const keys = [start, new Date(start.getTime() + 3_600_000 - 1)].map((d) => quarterKey(quarterAt(d, calendar)));
  return [...new Set(keys)];
}

/** Which run's rows hold each period once this run is current. */
export function periodRunsOf(plan: RunPlan, runId: string): Record<string, string> {
  const own = new Set([...plan.compute, ...plan.carry]);
  const { quarters, t12s } = planPeriods(plan);
  return Object.fromEntries([...quarters, ...t12s].map((k) => [k, own.has(k) ? runId : (plan.keep[k] ?? runId)]));
}

// ─── steps ───────────────────────────────────────────────────────────────────

/** A staged answer's span looks this many quarters ahead (a trailing 12 months is the quarter and the 3 before it). */
const SPAN_QUARTERS = 3;

export function planSteps(run: Pick<ScoreRun, "id" | "timeZone" | "fiscalYearStartMonth" | "dirtyThrough">, plan: RunPlan): Step[] {
  const calendar = calendarOf(run);
  const periodRuns = periodRunsOf(plan, run.id);
  const mapping = JSON.stringify(periodRuns);
  const period = (key: string) => periodFromKey(key, calendar)!;
  const compute = new Set(plan.compute);
  const carry = new Set(plan.carry);
  const { quarters, t12s } = planPeriods(plan);

  const steps: Step[] = [
    { name: "prune old account results", statements: [q.pruneAccountsChunk(run.id, JSON.stringify(plan.keep))], repeat: true },
    { name: "prune old results", statements: q.pruneSmallResults(run.id, JSON.stringify(plan.keep)) },
    ...plan.clear.flatMap((key) => [...clearSteps(key), { name: `clear cohort ${key}`, statements: q.clearCohort(key) }]),
  ];
  // Newest first: a quarter's spans look at the staging of the quarters after it.
  const following = (key: string) => quarterRange(key, plan.current).slice(1, SPAN_QUARTERS + 1);
  for (const key of [...plan.stage].reverse()) {
    const p = period(key);
    steps.push(...clearSteps(key));
    steps.push(...stageSteps(p, following(key)));
    steps.push({ name: `stage ${key} by survey`, statements: q.stageSurveyCube(key) });
    steps.push({ name: `stage ${key} heard`, statements: [q.stageQuarterHeard(p), q.markStaged(key)] });
  }
  for (const key of respanned(plan)) {
    steps.push(one(`${key} spans`, q.updateSpans(key, following(key))), { name: `${key} by survey spans`, statements: q.stageSurveyCube(key) });
  }
  // Each quarter, then its trailing 12 months, which adds to the quarter's cube.
  for (const key of quarters) {
    const p = period(key);
    const previous = shiftPeriodKey(key, -1)!;
    const previousRun = periodRuns[previous] ?? null;
    const t12 = toT12(key);
    const p12 = period(t12);
    if (compute.has(key)) {
      steps.push(
        ...cohortSteps(p),
        ...accountSteps(run.id, p, {
          cube: quarterCube(p),
          heardYear: p12.quarters,
          alongside: compute.has(t12) ? p12 : null,
          invitations: [one(`${key} account invitations`, q.updateAccountInvitations(run.id, p))],
          streak: { previous, previousRun },
        }),
        ...cutSteps(run.id, p),
        one(`${key} response rates`, q.upsertResponseRates(run.id, p)),
        one(`${key} coverage`, q.upsertCoverage(run.id, p)),
        one(`${key} response rate by role`, q.upsertRoleResponseRates(run.id, p)),
        one(`${key} true promoters`, q.updateTruePromoters(run.id, p)),
      );
    } else if (carry.has(key)) {
      steps.push(
        { name: `${key} carry results`, statements: q.carryResults(plan.keep[key] ?? "", run.id, key) },
        one(`${key} silence streak`, q.updateSilenceStreak(run.id, key, { previous, previousRun })),
      );
    }
    if (compute.has(t12)) {
      const withQuarter = compute.has(key);
      steps.push(
        ...accountSteps(run.id, p12, {
          cube: [...(withQuarter ? [] : quarterCube(p)), one(`${t12} cube`, q.buildCube(p12))],
          heardYear: p12.quarters,
          insertedWithQuarter: withQuarter,
          invitations: [one(`${t12} account invitations`, q.updateAccountInvitationsT12(run.id, p12, mapping))],
          streak: null,
        }),
        ...cutSteps(run.id, p12),
        one(`${t12} response rates`, q.upsertCutInvitationsT12(run.id, p12, mapping)),
        one(`${t12} coverage`, q.upsertCoverage(run.id, p12)),
        one(`${t12} true promoters`, q.updateTruePromoters(run.id, p12)),
      );
    }
  }
  steps.push({ name: "forget the changes this run took in", statements: [q.forgetDirtyChunk(run.dirtyThrough)], repeat: true });
  return steps;
}

const one = (name: string, statement: SQL): Step => ({ name, statements: [statement] });

/** A period's staging emptied: the marker and who was heard, then the staged answers in bounded chunks. */
const clearSteps = (key: string): Step[] => [
  { name: `clear staging ${key}`, statements: q.clearStaging(key) },
  { name: `clear staged answers ${key}`, statements: [q.clearLatestChunk(key)], repeat: true },
];

/** §7.5 a quarter's cohort staging, emptied then built: its invitations per account and contact, read by the steps after. */
function cohortSteps(p: Period): Step[] {
  const cohort = q.stageCohort(p);
  return [
    { name: `${p.key} cohort clear`, statements: cohort.clear },
    { name: `${p.key} cohort`, statements: cohort.build },
  ];
}

const stageSteps = (period: Period, following: readonly string[]): Step[] =>
  q.SCORED_TYPES.map((type) => one(`stage ${period.key} ${type}`, q.stageQuarterLatest(period, type, following)));

/** Quarters kept staged whose spans look at a quarter staged anew in this run (up to 3 quarters before it). */
function respanned(plan: Pick<RunPlan, "first" | "current" | "stage">): string[] {
  const restaged = new Set(plan.stage);
  return planPeriods(plan).quarters.filter(
    (key) => !restaged.has(key) && Array.from({ length: SPAN_QUARTERS }, (_, i) => shiftPeriodKey(key, i + 1)!).some((k) => restaged.has(k)),
  );
}

/** A quarter's cube, built anew. */
const quarterCube = (quarter: Period): Step[] => [{ name: `${quarter.key} cube`, statements: [q.clearCube(), q.buildCube(quarter)] }];

interface AccountSteps {
  cube: Step[];
  /** The 12 months whose committee roles and contacts heard from the period counts (§7.4). */
  heardYear: string[];
  /**
   * A quarter's trailing 12 months computed in the same run: its rows are inserted beside the quarter's, and the
   * quarter's heard-from statement fills both (they count the same 12 months).
   */
  alongside?: Period | null;
  /** A trailing 12 months whose rows came with its quarter's. */
  insertedWithQuarter?: boolean;
  invitations: Step[];
  streak: q.StreakSource | null;
}

function accountSteps(runId: string, period: Period, options: AccountSteps): Step[] {
  const insert = (p: Period) => one(`${p.key} accounts`, q.insertAccounts(runId, p, p.quarters));
  return [
    ...(options.insertedWithQuarter ? [] : [insert(period)]),
    ...(options.alongside ? [insert(options.alongside)] : []),
    ...options.cube,
    one(`${period.key} account answers`, q.updateAccountAnswers(runId, period)),
    ...(options.insertedWithQuarter ? [] : [one(`${period.key} account heard`, q.updateAccountHeard(runId, period, options.heardYear, options.alongside?.key ?? null))]),
    ...options.invitations,
    one(`${period.key} account categories`, q.finishAccounts(runId, period, options.streak)),
  ];
}

const cutSteps = (runId: string, period: Period): Step[] =>
  q.CUT_STATEMENTS.map((cuts) => one(`${period.key} by ${cuts.join(" and ")}`, q.upsertCutAnswers(runId, period, cuts)));

// ─── runs from before incremental scoring ────────────────────────────────────

/** Runs completed before migration 0045 scored the current quarter, the 7 before it and 5 trailing 12 months. */
export function legacyPeriodRuns(run: Pick<ScoreRun, "id" | "asOf" | "timeZone" | "fiscalYearStartMonth">): Record<string, string> {
  const current = quarterAt(new Date(run.asOf), calendarOf(run));
  const quarters = Array.from({ length: 8 }, (_, i) => quarterPeriod(shiftQuarter(current, i - 7), calendarOf(run)).key);
  const t12s = quarters.slice(-5).map(toT12);
  return Object.fromEntries([...quarters, ...t12s].map((k) => [k, run.id]));
}
