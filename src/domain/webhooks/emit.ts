import { sql } from "drizzle-orm";
import { runBatch } from "../../db/batch";
import type { Db } from "../../db/client";
import type { WebhookEvent } from "../../db/schema";
import { newId } from "../../lib/ids";
import type { LoopMessage } from "../messages";

export interface WebhookEventOccurrence {
  type: WebhookEvent;
  /** Identifies this occurrence (e.g. "case.opened:cas_…"): a redelivered message never delivers it twice. */
  key: string;
  data: Record<string, unknown>;
}

/** Queues.sendBatch takes at most 100 messages. */
const QUEUE_BATCH = 100;

/**
 * One delivery per active endpoint subscribed to the event (once per occurrence key, even when the message that
 * causes it is redelivered), each queued for the webhook consumer. Deliveries of this occurrence that were written
 * but never attempted (the enqueue was lost) are queued again.
 */
export async function emitWebhookEvent(db: Db, queue: Queue<LoopMessage>, event: WebhookEventOccurrence, now: Date): Promise<string[]> {
  const at = now.toISOString();
  const payload = JSON.stringify({ type: event.type, timestamp: at, data: event.data });
  const [, pending = []] = await runBatch<{ id: string }>(db, [
    sql`INSERT OR IGNORE INTO webhook_deliveries (id, endpoint_id, event_type, event_key, payload, status, attempts, window_start, created_at)
      SELECT 'msg_' || e.id || '_' || ${newId("", now).slice(1)}, e.id, ${event.type}, ${event.key}, ${payload}, 'pending', 0, ${at}, ${at}
      FROM webhook_endpoints e
      WHERE e.status = 'active' AND EXISTS (SELECT 1 FROM json_each(e.events) WHERE value = ${event.type})`,
    sql`SELECT id FROM webhook_deliveries WHERE event_key = ${event.key} AND status = 'pending' AND attempts = 0`,
  ]);
  await enqueueWebhookDeliveries(queue, pending.map((row) => row.id));
  return pending.map((row) => row.id);
}

export async function enqueueWebhookDeliveries(queue: Queue<LoopMessage>, deliveryIds: string[]): Promise<void> {
  for (let i = 0; i < deliveryIds.length; i += QUEUE_BATCH) {
    await queue.sendBatch(deliveryIds.slice(i, i + QUEUE_BATCH).map((deliveryId) => ({ body: { type: "webhook.deliver" as const, deliveryId } })));
  }
}
