import { createDb } from "../db/client";
import type { ScoreRun } from "../db/schema";
import { advanceScoring } from "../domain/scoring/run";
import type { Env } from "../env";

/**
 * The scoring cron, every 10 minutes (freshness ≤ 15 min, SPEC §7): when nothing changed since the current run it
 * does nothing; otherwise an incremental run recomputes the changed periods, and a run cut off continues here.
 * Frequent crons get 30 s of CPU: the Worker's own CPU per step is tiny (D1 does the work), and a tick stops after
 * 4 minutes or 900 D1 queries, leaving the rest to the next tick.
 */
export const SCORING_CRON = "*/10 * * * *";

export async function runScoringTick(env: Env, now: Date = new Date()): Promise<void> {
  const db = createDb(env.DB);
  const run = await advanceScoring(db, now, { trigger: "cron", onlyIfChanged: true, maxQueries: 900, maxMillis: 4 * 60_000 });
  if (!run) {
    console.log("scoring", JSON.stringify({ run: null, reason: "nothing changed since the current run" }));
    return;
  }
  console.log("scoring", JSON.stringify({ run: run.id, kind: run.kind, status: run.status, step: run.step, of: run.totalSteps, progressing: run.progressing, slowestSteps: run.slowestSteps }));
  if (run.completedNow) await afterRunComplete(env, run);
}

/**
 * Called once when a run has just become current (from the cron or POST /scoring/runs). What follows new scores —
 * silence cases and account.category_changed webhooks (domain/cases/after-run.ts) — runs from a queue message: in an
 * invocation of its own (the tick that completed the run may have spent its D1 queries), retried until done (both
 * are idempotent: one silence case per account and quarter, one event per change and run).
 */
export async function afterRunComplete(env: Pick<Env, "LOOP_QUEUE">, run: Pick<ScoreRun, "id">): Promise<void> {
  await env.LOOP_QUEUE.send({ type: "run.completed", runId: run.id });
}
