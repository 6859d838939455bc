// A scoring run: decided once (what changed since the current run, RunPlan), advanced step by step (each step one
// D1 batch with its progress and a renewed short lease, so a cut-off never leaves a half-done step behind and the
// next tick takes over within a minute), yielding between steps so respondents' submissions interleave, and made
// current in its last step. One run at a time: a unique index allows one `running` row.
import { and, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { isTimeZone } from "../../lib/fields";
import type { Db } from "../../db/client";
import { scoreRuns, settings, type ScoreRun } from "../../db/schema";
import { newId } from "../../lib/ids";
import { decidePlan, legacyPeriodRuns, periodRunsOf, planSteps, STEPS_VERSION, type DirtySummary, type RunPlan, type Step } from "./plan";

export interface AdvanceOptions {
  trigger: ScoreRun["trigger"];
  requestedBy?: string;
  /** Recompute every period, whatever changed. */
  full?: boolean;
  /** Start a run only when something changed since the current one (the frequent cron); the API always starts one. */
  onlyIfChanged?: boolean;
  /** Continue this run only, and only while it is running; never start one (a scoring.continue queue message). */
  continueRunId?: string;
  /** D1 queries this invocation may spend (Cloudflare allows 1,000 per invocation). */
  maxQueries: number;
  /** Wall time this invocation may spend before it leaves the rest to the next one. */
  maxMillis: number;
  /** Pause between steps, so other requests' statements get the database (D1 runs one statement at a time). */
  pauseMillis?: number;
  /** Milliseconds clock for the budget and finish stamps (tests may pass their own). */
  clock?: () => number;
}

/** Renewed with every step: a run whose invocation died is taken over by the next tick, not 15 minutes later. */
export const LEASE_MILLIS = 60_000;
/** Invocations in a row that may fail on a run before it is marked failed (the next tick then starts afresh). */
export const MAX_FAILURES = 3;
const DEFAULT_PAUSE_MILLIS = 1;

export interface StepTiming {
  name: string;
  millis: number;
}

/**
 * The run after this invocation: `progressing` false when another invocation holds it; `completedNow` when this
 * invocation made it current; its slowest steps. Null when there was nothing to do (onlyIfChanged).
 */
export type RunState = ScoreRun & { progressing: boolean; completedNow: boolean; slowestSteps: StepTiming[] };

const SLOWEST_KEPT = 5;

/**
 * Starts a run if none is running (and, with onlyIfChanged, something changed), then advances it within the budget.
 * With continueRunId: that run if it is still running, else nothing (null).
 */
export async function advanceScoring(db: Db, now: Date, options: AdvanceOptions): Promise<RunState | null> {
  const running = await supersedeIfOutdated(db, await runningRun(db), now);
  const run = options.continueRunId !== undefined ? (running?.id === options.continueRunId ? running : undefined) : (running ?? (await startRun(db, now, options)));
  if (!run) return null;
  const owner = newId("lease", now);
  const leased = await db
    .update(scoreRuns)
    .set({ leaseOwner: owner, leaseUntil: new Date(now.getTime() + LEASE_MILLIS).toISOString() })
    .where(and(eq(scoreRuns.id, run.id), eq(scoreRuns.status, "running"), leaseFree(now)))
    .returning()
    .get();
  if (!leased) return { ...((await getRun(db, run.id)) ?? run), progressing: false, completedNow: false, slowestSteps: [] };
  let slowestSteps: StepTiming[];
  try {
    slowestSteps = await executeSteps(db, leased, owner, options);
  } catch (error) {
    const message = String(error instanceof Error ? error.message : error).slice(0, 1000);
    const failed = leased.failures + 1 >= MAX_FAILURES;
    const stamp = new Date((options.clock ?? Date.now)()).toISOString();
    await db
      .update(scoreRuns)
      .set({ lastError: message, failures: sql`${scoreRuns.failures} + 1`, leaseOwner: null, leaseUntil: null, updatedAt: stamp, ...(failed ? { status: "failed", finishedAt: stamp } : {}) })
      .where(and(eq(scoreRuns.id, run.id), eq(scoreRuns.leaseOwner, owner)));
    throw error;
  }
  const after = (await getRun(db, run.id))!;
  return { ...after, progressing: true, completedNow: after.status === "complete", slowestSteps };
}

/**
 * A running run planned for another step list (STEPS_VERSION: a deploy changed the steps mid-run) is marked failed
 * once no invocation holds it, so a new run starts from scratch; the previous results stay current meanwhile.
 */
async function supersedeIfOutdated(db: Db, run: ScoreRun | undefined, now: Date): Promise<ScoreRun | undefined> {
  if (!run || planVersion(run) === STEPS_VERSION) return run;
  const stamp = now.toISOString();
  const superseded = await db
    .update(scoreRuns)
    .set({ status: "failed", finishedAt: stamp, updatedAt: stamp, lastError: "Superseded: started by an earlier version of the scoring steps; a new run takes over." })
    .where(and(eq(scoreRuns.id, run.id), eq(scoreRuns.status, "running"), leaseFree(now)))
    .returning({ id: scoreRuns.id })
    .get();
  return superseded ? undefined : run;
}

function planVersion(run: ScoreRun): number | null {
  try {
    return parsePlan(run).version ?? null;
  } catch {
    return null;
  }
}

/** No invocation holds the run: never leased, released, or its lease ran out (the invocation died). */
const leaseFree = (now: Date) => sql`(${scoreRuns.leaseUntil} IS NULL OR ${scoreRuns.leaseUntil} <= ${now.toISOString()})`;

/** The steps of a stored run (its plan decides them). */
function stepsOf(run: ScoreRun): Step[] {
  return planSteps(run, parsePlan(run));
}

export function parsePlan(run: Pick<ScoreRun, "plan">): RunPlan {
  if (!run.plan) throw new Error("This run has no plan (started before incremental scoring); start a new one.");
  return JSON.parse(run.plan) as RunPlan;
}

async function executeSteps(db: Db, run: ScoreRun, owner: string, options: AdvanceOptions): Promise<StepTiming[]> {
  const clock = options.clock ?? Date.now;
  const pause = options.pauseMillis ?? DEFAULT_PAUSE_MILLIS;
  const deadline = clock() + options.maxMillis;
  const steps = stepsOf(run);
  const d1 = d1Of(db);
  const stamp = () => new Date(clock()).toISOString();
  const leaseUntil = () => new Date(clock() + LEASE_MILLIS).toISOString();
  // Every step's batch begins with this update of the run: the step number and a renewed lease. If another
  // invocation took the lease over, json() of a non-JSON text raises and the whole batch rolls back, so two
  // invocations never both apply a step.
  const progress = (next: number | null) =>
    prepare(
      d1,
      sql`UPDATE score_runs SET step = CASE WHEN lease_owner = ${owner} THEN ${next ?? sql`step`} ELSE json('scoring lease lost') END,
        updated_at = ${stamp()}, lease_until = ${leaseUntil()}, last_error = NULL, failures = 0
      WHERE id = ${run.id}`,
    );
  let queries = 0;
  let step = run.step;
  const timings: StepTiming[] = [];

  while (step < steps.length) {
    const current = steps[step]!;
    if (queries + current.statements.length + 1 > options.maxQueries || clock() >= deadline) break;
    const began = clock();
    if (current.repeat) {
      const [, result] = await d1.batch([progress(null), prepare(d1, current.statements[0]!)]);
      queries += 2;
      if (result!.meta.changes > 0) {
        await yieldFor(pause);
        continue;
      }
      await d1.batch([progress(step + 1)]);
      queries += 1;
    } else {
      await d1.batch([progress(step + 1), ...current.statements.map((s) => prepare(d1, s))]);
      queries += current.statements.length + 1;
    }
    timings.push({ name: current.name, millis: clock() - began });
    step++;
    await yieldFor(pause);
  }
  const finished = step >= steps.length;
  await d1.batch([
    progress(step),
    prepare(
      d1,
      sql`UPDATE score_runs SET lease_owner = NULL, lease_until = NULL
        ${finished ? sql`, status = 'complete', finished_at = ${stamp()}, updated_at = ${stamp()}` : sql``}
        WHERE id = ${run.id} AND lease_owner = ${owner}`,
    ),
  ]);
  return timings.sort((a, b) => b.millis - a.millis).slice(0, SLOWEST_KEPT);
}

/** A timer pause: the event loop lets other requests' D1 statements in between two steps. */
const yieldFor = (millis: number) => (millis > 0 ? new Promise<void>((resolve) => setTimeout(resolve, millis)) : Promise.resolve());

const dialect = new SQLiteAsyncDialect();

const d1Of = (db: Db) => (db as Db & { $client: D1Database }).$client;

/** drizzle's batch cannot carry raw sql`` with parameters, so steps go to D1 as prepared statements. */
function prepare(d1: D1Database, statement: SQL): D1PreparedStatement {
  const query = dialect.sqlToQuery(statement);
  return d1.prepare(query.sql).bind(...query.params);
}

interface RunInputs {
  oldest: string | null;
  dirtyThrough: number;
  dirtyRows: number;
  dirty: DirtySummary;
  staged: string[];
}

/**
 * More recorded changes than this (a bulk import, say) and the run recomputes everything instead of reading them
 * one by one: the statements that read them stay short whatever the backlog.
 */
export const MAX_DIRTY_READ = 100_000;

/** Everything a plan needs from the database, in one round trip (one batch, so one consistent view). */
async function readRunInputs(db: Db): Promise<RunInputs> {
  const d1 = d1Of(db);
  const bounded = `(SELECT * FROM score_dirty ORDER BY seq LIMIT ${MAX_DIRTY_READ + 1})`;
  const [oldest, dirty, hours, staged] = await d1.batch([
    d1.prepare(`SELECT min(t) AS t FROM (
      SELECT min(submitted_at) AS t FROM responses WHERE status = 'complete'
      UNION ALL SELECT min(admitted_at) FROM invitations WHERE admitted_at IS NOT NULL)`),
    d1.prepare(`SELECT coalesce((SELECT max(seq) FROM score_dirty), 0) AS w, count(*) AS n, coalesce(max(kind = 'all'), 0) AS a,
      min(CASE WHEN kind = 'from' THEN coalesce(at, '') END) AS f FROM ${bounded}`),
    d1.prepare(`SELECT DISTINCT substr(at, 1, 13) AS h FROM ${bounded} WHERE kind = 'at' AND at IS NOT NULL`),
    d1.prepare(`SELECT period FROM score_staged`),
  ]);
  const summary = (dirty!.results[0] ?? {}) as { w: number; n: number; a: number; f: string | null };
  const overflow = (summary.n ?? 0) > MAX_DIRTY_READ;
  return {
    oldest: ((oldest!.results[0] ?? {}) as { t: string | null }).t ?? null,
    dirtyThrough: summary.w ?? 0,
    dirtyRows: summary.n ?? 0,
    // A backlog too long to read counts as "everything changed, responses included".
    dirty: overflow ? { all: true, from: "", hours: [] } : { all: summary.a === 1, from: summary.f ?? null, hours: (hours!.results as { h: string }[]).map((r) => r.h) },
    staged: overflow ? [] : (staged!.results as { period: string }[]).map((r) => r.period),
  };
}

async function startRun(db: Db, now: Date, options: AdvanceOptions): Promise<ScoreRun | undefined> {
  const calendar = await db.select({ timeZone: settings.timeZone, fiscalYearStartMonth: settings.fiscalYearStartMonth }).from(settings).get();
  const timeZone = calendar && isTimeZone(calendar.timeZone) ? calendar.timeZone : "UTC";
  const fiscalYearStartMonth = calendar && calendar.fiscalYearStartMonth >= 1 && calendar.fiscalYearStartMonth <= 12 ? calendar.fiscalYearStartMonth : 1;
  const base = await currentRun(db);
  const inputs = await readRunInputs(db);
  const calendarChanged = !!base && (base.timeZone !== timeZone || base.fiscalYearStartMonth !== fiscalYearStartMonth);
  const full = !!options.full || !base || !base.periodRuns || calendarChanged;
  const plan = decidePlan({
    calendar: { timeZone, fiscalYearStartMonth },
    asOf: now,
    oldestData: inputs.oldest,
    full,
    base: base ? { periodRuns: periodRunsOfRun(base) } : null,
    dirty: inputs.dirty,
    staged: inputs.staged,
  });
  if (options.onlyIfChanged && !full && inputs.dirtyRows === 0 && plan.compute.length === 0 && plan.stage.length === 0) return undefined;
  const id = newId("run", now);
  const asOf = now.toISOString();
  const row = { id, timeZone, fiscalYearStartMonth, dirtyThrough: inputs.dirtyThrough };
  const totalSteps = planSteps(row, plan).length;
  // A concurrent start loses on the one-running index and joins the winner's run.
  await db
    .insert(scoreRuns)
    .values({
      id, status: "running", trigger: options.trigger, requestedBy: options.requestedBy ?? null, asOf, timeZone, fiscalYearStartMonth, totalSteps,
      startedAt: asOf, updatedAt: asOf, kind: full ? "full" : "incremental", baseRunId: base?.id ?? null, plan: JSON.stringify(plan),
      periodRuns: JSON.stringify(periodRunsOf(plan, id)), dirtyThrough: inputs.dirtyThrough,
    })
    .onConflictDoNothing();
  return runningRun(db);
}

/** Which run's rows hold each period of a complete run (runs from before migration 0045 hold all their own). */
export function periodRunsOfRun(run: ScoreRun): Record<string, string> {
  return run.periodRuns ? (JSON.parse(run.periodRuns) as Record<string, string>) : legacyPeriodRuns(run);
}

export function runningRun(db: Db): Promise<ScoreRun | undefined> {
  return db.select().from(scoreRuns).where(eq(scoreRuns.status, "running")).get();
}

/** The run readers see: the latest complete one. */
export function currentRun(db: Db): Promise<ScoreRun | undefined> {
  return db.select().from(scoreRuns).where(eq(scoreRuns.status, "complete")).orderBy(desc(scoreRuns.finishedAt), desc(sql`rowid`)).limit(1).get();
}

export function getRun(db: Db, id: string): Promise<ScoreRun | undefined> {
  return db.select().from(scoreRuns).where(eq(scoreRuns.id, id)).get();
}

/** Runs newest first (cursor: the id after which to continue), for GET /scoring/runs. */
export function listRuns(db: Db, before: string | undefined, limit: number, statuses?: ScoreRun["status"][]): Promise<ScoreRun[]> {
  return db
    .select()
    .from(scoreRuns)
    .where(and(before ? sql`${scoreRuns.id} < ${before}` : undefined, statuses?.length ? inArray(scoreRuns.status, statuses) : undefined))
    .orderBy(desc(scoreRuns.id))
    .limit(limit + 1)
    .all();
}

