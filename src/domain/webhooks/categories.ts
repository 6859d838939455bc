// account.category_changed (SPEC §8), from the scoring run: an account whose category in the current quarter differs
// from the previous current run's (domain/scoring/events.ts finds them).
import type { Db } from "../../db/client";
import type { LoopMessage } from "../messages";
import { emitWebhookEvents } from "./emit";

export interface CategoryChange {
  accountId: string;
  period: string;
  from: string | null;
  to: string | null;
}

/** One event per change and run (a redelivered hook never announces a change twice). */
export async function emitCategoryChanges(deps: { db: Db; queue: Queue<LoopMessage> }, runId: string, changes: CategoryChange[], now: Date): Promise<void> {
  await emitWebhookEvents(
    deps.db,
    deps.queue,
    changes.map((change) => ({
      type: "account.category_changed" as const,
      key: `account.category_changed:${runId}:${change.accountId}:${change.period}`,
      data: { ...change, runId },
    })),
    now,
  );
}
