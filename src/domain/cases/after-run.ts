// What closing the loop does when a scoring run becomes current: silence cases for the run's current and previous
// quarter (older quarters are history, not follow-ups) and account.category_changed webhooks for the current quarter.
import { eq } from "drizzle-orm";
import { scoreRuns, type ScoreRun } from "../../db/schema";
import { categoryChanges, unresponsiveAccounts } from "../scoring/events";
import { parsePlan } from "../scoring/run";
import { shiftPeriodKey } from "../scoring/periods";
import { emitCategoryChanges } from "../webhooks/categories";
import type { LoopDeps } from "./open";
import { openSilenceCases } from "./silence";

export async function closeTheLoopAfterRun(deps: LoopDeps, run: ScoreRun, now: Date): Promise<{ silenceCases: string[]; categoryChanges: number }> {
  const current = parsePlan(run).current;
  const quarters = new Set([current, shiftPeriodKey(current, -1)]);
  const silent = (await unresponsiveAccounts(deps.db, run)).filter((a) => quarters.has(a.period));
  const silenceCases = await openSilenceCases(
    deps,
    silent.map((a) => ({ accountId: a.accountId, period: a.period, silentStreak: a.streak, topRevenue: a.topRevenue })),
    now,
  );
  const changes = await categoryChanges(deps.db, run, { currentOnly: true });
  await emitCategoryChanges(deps, run.id, changes, now);
  return { silenceCases, categoryChanges: changes.length };
}

/** The queue's entry: the run by id (a run that no longer exists, or never completed, has nothing to follow up). */
export async function closeTheLoopAfterCompletedRun(deps: LoopDeps, runId: string, now: Date): Promise<void> {
  const run = await deps.db.select().from(scoreRuns).where(eq(scoreRuns.id, runId)).get();
  if (run?.status === "complete") await closeTheLoopAfterRun(deps, run, now);
}
