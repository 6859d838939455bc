// account.category_changed (SPEC §8), from the scoring run: an account whose category in a quarter differs from the
// previous current run's.
import { sql } from "drizzle-orm";
import { runBatch } from "../../db/batch";
import type { Db } from "../../db/client";
import type { LoopMessage } from "../messages";
import { emitWebhookEvent } from "./emit";

export interface CategoryChange {
  accountId: string;
  period: string;
  from: string | null;
  to: string | null;
}

/** One event per change and run (a redelivered hook never announces a change twice). */
export async function emitCategoryChanges(deps: { db: Db; queue: Queue<LoopMessage> }, runId: string, changes: CategoryChange[], now: Date): Promise<void> {
  for (const change of changes) {
    await emitWebhookEvent(
      deps.db,
      deps.queue,
      { type: "account.category_changed", key: `account.category_changed:${runId}:${change.accountId}:${change.period}`, data: { ...change, runId } },
      now,
    );
  }
}

/** Category changes in `period` between the previous complete run and this one (accounts new to the run included). */
export async function categoryChangesOfRun(db: Db, runId: string, previousRunId: string | null, period: string): Promise<CategoryChange[]> {
  if (!previousRunId) return [];
  const [rows = []] = await runBatch<{ account_id: string; before: string | null; after: string | null }>(db, [
    sql`SELECT n.account_id, o.category AS before, n.category AS after
      FROM score_accounts n LEFT JOIN score_accounts o ON o.run_id = ${previousRunId} AND o.period = n.period AND o.account_id = n.account_id
      WHERE n.run_id = ${runId} AND n.period = ${period} AND o.category IS NOT n.category`,
  ]);
  return rows.map((r) => ({ accountId: r.account_id, period, from: r.before, to: r.after }));
}
