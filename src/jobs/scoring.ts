import { createDb } from "../db/client";
import { advanceScoring } from "../domain/scoring/run";
import type { Env } from "../env";

/** The hourly scoring cron: hourly-or-slower triggers get 15 min of CPU; stay well inside it and D1's 1,000 queries. */
export const SCORING_CRON = "17 * * * *";

export async function runScoringTick(env: Env, now: Date = new Date()): Promise<void> {
  const run = await advanceScoring(createDb(env.DB), now, { trigger: "cron", maxQueries: 900, maxMillis: 10 * 60_000 });
  console.log("scoring", JSON.stringify({ run: run.id, status: run.status, step: run.step, of: run.totalSteps, progressing: run.progressing, slowestSteps: run.slowestSteps }));
}
