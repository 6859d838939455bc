import type { MailKind, QueueMessage } from "../messages";
import type { AdmissionResult } from "../frequency/admit";
import { sendAll } from "../../lib/queues";

/** One delivery message per admitted (queued) invitation; the consumer claims a ledger row, so a repeat is harmless. */
export async function enqueueDeliveries(queue: Queue<QueueMessage>, invitationIds: string[], kind: MailKind = "invitation"): Promise<void> {
  await sendAll(queue, invitationIds.map((invitationId) => ({ type: "deliver" as const, invitationId, kind })));
}

export const admittedIds = (results: AdmissionResult[]) => results.filter((r) => r.status === "queued").map((r) => r.invitationId);
