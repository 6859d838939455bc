import { createDb, type Db } from "../db/client";
import type { ScoreRun } from "../db/schema";
import { advanceScoring, type AdvanceOptions, type RunState } from "../domain/scoring/run";
import type { Env } from "../env";

/**
 * The scoring cron, every 10 minutes (freshness ≤ 15 min, SPEC §7): when nothing changed since the current run it
 * does nothing; otherwise an incremental run recomputes the changed periods, and a run cut off (its invocation died)
 * continues here once its lease ran out. Frequent crons get 30 s of CPU: the Worker's own CPU per step is tiny (D1
 * does the work). An invocation that stops short of a run sends scoring.continue, so the rest follows at once in a
 * queue invocation of its own rather than at the next tick.
 */
export const SCORING_CRON = "*/10 * * * *";

export type ScoringBudget = Pick<AdvanceOptions, "maxQueries" | "maxMillis" | "pauseMillis" | "clock">;

/** Cloudflare allows 1,000 D1 queries per invocation; the rest is headroom for the follow-up and logging. */
const MAX_QUERIES = 900;
export const TICK_BUDGET: ScoringBudget = { maxQueries: MAX_QUERIES, maxMillis: 4 * 60_000 };
/** A scoring.continue queue invocation (consumers may run 15 minutes of wall time; D1 does the work). */
export const CONTINUE_BUDGET: ScoringBudget = { maxQueries: MAX_QUERIES, maxMillis: 3 * 60_000 };
/** POST /scoring/runs: the admin's request answers within seconds; the queue carries the rest. */
export const API_BUDGET: ScoringBudget = { maxQueries: MAX_QUERIES, maxMillis: 5_000 };

export async function runScoringTick(env: Env, now: Date = new Date()): Promise<void> {
  const run = await advanceScoringAndFollowUp(env, createDb(env.DB), now, { trigger: "cron", onlyIfChanged: true, ...TICK_BUDGET });
  if (run) logRun(run);
  else console.log("scoring", JSON.stringify({ run: null, reason: "nothing changed since the current run" }));
}

/**
 * A scoring.continue message: advances that run if it is still running; never starts one (null when the run is
 * complete, failed or unknown).
 */
export async function continueScoringRun(env: Pick<Env, "LOOP_QUEUE">, db: Db, runId: string, now: Date, budget: ScoringBudget = CONTINUE_BUDGET): Promise<RunState | null> {
  // The trigger only labels a run that starts, and continuing never starts one.
  const run = await advanceScoringAndFollowUp(env, db, now, { trigger: "cron", continueRunId: runId, ...budget });
  if (run) logRun(run);
  return run;
}

/**
 * The one way scoring is advanced (cron tick, POST /scoring/runs, scoring.continue), and what follows an invocation:
 * a run it made current → run.completed (afterRunComplete); a run still running that this invocation advanced (it
 * held the lease) → scoring.continue for that run. An invocation that found another holding the lease sends nothing:
 * the holder follows up, and if it died the next cron tick takes the run over once the lease (LEASE_MILLIS) ran out.
 */
export async function advanceScoringAndFollowUp(env: Pick<Env, "LOOP_QUEUE">, db: Db, now: Date, options: AdvanceOptions): Promise<RunState | null> {
  const run = await advanceScoring(db, now, options);
  if (!run) return null;
  if (run.completedNow) await afterRunComplete(env, run);
  else if (run.progressing && run.status === "running") await env.LOOP_QUEUE.send({ type: "scoring.continue", runId: run.id });
  return run;
}

/** The background invocations' trace (the API answers with the run instead). */
function logRun(run: RunState): void {
  const { id, kind, status, step, totalSteps, progressing, slowestSteps } = run;
  console.log("scoring", JSON.stringify({ run: id, kind, status, step, of: totalSteps, progressing, slowestSteps }));
}

/**
 * Called once when a run has just become current. What follows new scores — silence cases and
 * account.category_changed webhooks (domain/cases/after-run.ts) — runs from a queue message: in an invocation of its
 * own (the one that completed the run may have spent its D1 queries), retried until done (both are idempotent: one
 * silence case per account and quarter, one event per change and run).
 */
export async function afterRunComplete(env: Pick<Env, "LOOP_QUEUE">, run: Pick<ScoreRun, "id">): Promise<void> {
  await env.LOOP_QUEUE.send({ type: "run.completed", runId: run.id });
}
