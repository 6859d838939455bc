// A scoring run: created once, advanced step by step (each step one D1 batch with its progress update, so a cut-off
// never leaves a half-done step behind), continued by the next cron tick or API call, and made current in its
// last step. One run at a time: a unique index allows one `running` row, and a lease keeps two invocations from
// working on it at once.
import { and, desc, eq, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { isTimeZone } from "../../lib/fields";
import type { Db } from "../../db/client";
import { scoreRuns, settings, type ScoreRun } from "../../db/schema";
import { newId } from "../../lib/ids";
import { planRun, type Step } from "./plan";

export interface AdvanceOptions {
  trigger: ScoreRun["trigger"];
  requestedBy?: string;
  /** D1 queries this invocation may spend (Cloudflare allows 1,000 per invocation). */
  maxQueries: number;
  /** Wall time this invocation may spend before it leaves the rest to the next one. */
  maxMillis: number;
  /** Milliseconds clock for the budget and finish stamps (tests may pass their own). */
  clock?: () => number;
}

/** Longer than any invocation's budget, so an invocation that died lets the next tick take over. */
const LEASE_MILLIS = 15 * 60_000;

export interface StepTiming {
  name: string;
  millis: number;
}

/** The run after this invocation: `progressing` false when another invocation holds it; its slowest steps. */
export type RunState = ScoreRun & { progressing: boolean; slowestSteps: StepTiming[] };

const SLOWEST_KEPT = 5;

/** Starts a run if none is running, then advances the running one within the budget. */
export async function advanceScoring(db: Db, now: Date, options: AdvanceOptions): Promise<RunState> {
  const run = (await runningRun(db)) ?? (await startRun(db, now, options));
  const owner = newId("lease", now);
  const leased = await db
    .update(scoreRuns)
    .set({ leaseOwner: owner, leaseUntil: new Date(now.getTime() + LEASE_MILLIS).toISOString() })
    .where(and(eq(scoreRuns.id, run.id), eq(scoreRuns.status, "running"), or(isNull(scoreRuns.leaseUntil), lte(scoreRuns.leaseUntil, now.toISOString()))))
    .returning()
    .get();
  if (!leased) return { ...((await getRun(db, run.id)) ?? run), progressing: false, slowestSteps: [] };
  let slowestSteps: StepTiming[];
  try {
    slowestSteps = await executeSteps(db, leased, owner, options);
  } catch (error) {
    await db
      .update(scoreRuns)
      .set({ lastError: String(error instanceof Error ? error.message : error).slice(0, 1000), leaseOwner: null, leaseUntil: null })
      .where(eq(scoreRuns.id, run.id));
    throw error;
  }
  const after = (await getRun(db, run.id))!;
  return { ...after, progressing: true, slowestSteps };
}

async function executeSteps(db: Db, run: ScoreRun, owner: string, options: AdvanceOptions): Promise<StepTiming[]> {
  const clock = options.clock ?? Date.now;
  const deadline = clock() + options.maxMillis;
  const steps = planRun(run, (await currentRun(db))?.id ?? null);
  const d1 = (db as Db & { $client: D1Database }).$client;
  const stamp = () => new Date(clock()).toISOString();
  const progress = (next: number) =>
    prepare(d1, sql`UPDATE score_runs SET step = ${next}, updated_at = ${stamp()}, last_error = NULL WHERE id = ${run.id} AND lease_owner = ${owner}`);
  let queries = 0;
  let step = run.step;
  const timings: StepTiming[] = [];

  while (step < steps.length) {
    const current = steps[step]!;
    if (queries + current.statements.length + 1 > options.maxQueries || clock() >= deadline) break;
    const began = clock();
    if (current.repeat) {
      const result = await prepare(d1, current.statements[0]!).run();
      queries++;
      if (result.meta.changes > 0) continue;
      await progress(step + 1).run();
      queries++;
    } else {
      await d1.batch([...current.statements.map((s) => prepare(d1, s)), progress(step + 1)]);
      queries += current.statements.length + 1;
    }
    timings.push({ name: current.name, millis: clock() - began });
    step++;
  }
  const finished = step >= steps.length;
  await d1.batch([
    prepare(
      d1,
      sql`UPDATE score_runs SET lease_owner = NULL, lease_until = NULL
        ${finished ? sql`, status = 'complete', finished_at = ${stamp()}, updated_at = ${stamp()}` : sql``}
        WHERE id = ${run.id} AND lease_owner = ${owner}`,
    ),
  ]);
  return timings.sort((a, b) => b.millis - a.millis).slice(0, SLOWEST_KEPT);
}

const dialect = new SQLiteAsyncDialect();

/** drizzle's batch cannot carry raw sql`` with parameters, so steps go to D1 as prepared statements. */
function prepare(d1: D1Database, statement: SQL): D1PreparedStatement {
  const query = dialect.sqlToQuery(statement);
  return d1.prepare(query.sql).bind(...query.params);
}

async function startRun(db: Db, now: Date, options: AdvanceOptions): Promise<ScoreRun> {
  const calendar = await db.select({ timeZone: settings.timeZone, fiscalYearStartMonth: settings.fiscalYearStartMonth }).from(settings).get();
  const timeZone = calendar && isTimeZone(calendar.timeZone) ? calendar.timeZone : "UTC";
  const fiscalYearStartMonth = calendar && calendar.fiscalYearStartMonth >= 1 && calendar.fiscalYearStartMonth <= 12 ? calendar.fiscalYearStartMonth : 1;
  const id = newId("run", now);
  const asOf = now.toISOString();
  const totalSteps = planRun({ id, asOf, timeZone, fiscalYearStartMonth }, null).length;
  // A concurrent start loses on the one-running index and joins the winner's run.
  await db
    .insert(scoreRuns)
    .values({ id, status: "running", trigger: options.trigger, requestedBy: options.requestedBy ?? null, asOf, timeZone, fiscalYearStartMonth, totalSteps, startedAt: asOf, updatedAt: asOf })
    .onConflictDoNothing();
  return (await runningRun(db))!;
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

export type { Step };
