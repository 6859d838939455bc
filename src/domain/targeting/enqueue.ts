import type { MailKind, QueueMessage } from "../messages";
import type { AdmissionResult } from "../frequency/admit";

/** Queues.sendBatch takes at most 100 messages. */
const QUEUE_BATCH = 100;

/** One delivery message per admitted (queued) invitation; the consumer claims a ledger row, so a repeat is harmless. */
export async function enqueueDeliveries(queue: Queue<QueueMessage>, invitationIds: string[], kind: MailKind = "invitation"): Promise<void> {
  for (let i = 0; i < invitationIds.length; i += QUEUE_BATCH) {
    await queue.sendBatch(invitationIds.slice(i, i + QUEUE_BATCH).map((invitationId) => ({ body: { type: "deliver", invitationId, kind } })));
  }
}

export const admittedIds = (results: AdmissionResult[]) => results.filter((r) => r.status === "queued").map((r) => r.invitationId);
