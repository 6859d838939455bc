import { sql } from "drizzle-orm";
import { runBatch } from "../../db/batch";
import type { Db } from "../../db/client";
import { chunkRows, inListChunks } from "../../db/limits";
import type { WebhookEvent } from "../../db/schema";
import { newId } from "../../lib/ids";
import { sendAll } from "../../lib/queues";
import type { LoopMessage } from "../messages";

export interface WebhookEventOccurrence {
  type: WebhookEvent;
  /** Identifies this occurrence (e.g. "case.opened:cas_…"): a redelivered message never delivers it twice. */
  key: string;
  data: Record<string, unknown>;
}

/** Occurrences per D1 batch when many are emitted at once (one INSERT each, plus their pending-delivery lookups). */
const OCCURRENCES_PER_BATCH = 40;

/**
 * One delivery per active endpoint subscribed to the event (once per occurrence key, even when the message that
 * causes it is redelivered), each queued for the webhook consumer. Deliveries of this occurrence that were written
 * but never attempted (the enqueue was lost) are queued again.
 */
export async function emitWebhookEvent(db: Db, queue: Queue<LoopMessage>, event: WebhookEventOccurrence, now: Date): Promise<string[]> {
  return emitWebhookEvents(db, queue, [event], now);
}

/** emitWebhookEvent for many occurrences, one D1 round trip per OCCURRENCES_PER_BATCH of them instead of one each. */
export async function emitWebhookEvents(db: Db, queue: Queue<LoopMessage>, events: WebhookEventOccurrence[], now: Date): Promise<string[]> {
  const at = now.toISOString();
  const pendingIds: string[] = [];
  for (const part of chunkRows(events, 1, OCCURRENCES_PER_BATCH)) {
    const inserts = part.map((event) => {
      const payload = JSON.stringify({ type: event.type, timestamp: at, data: event.data });
      return sql`INSERT OR IGNORE INTO webhook_deliveries (id, endpoint_id, event_type, event_key, payload, status, attempts, window_start, created_at)
        SELECT 'msg_' || e.id || '_' || ${newId("", now).slice(1)}, e.id, ${event.type}, ${event.key}, ${payload}, 'pending', 0, ${at}, ${at}
        FROM webhook_endpoints e
        WHERE e.status = 'active' AND EXISTS (SELECT 1 FROM json_each(e.events) WHERE value = ${event.type})`;
    });
    const lookups = inListChunks(part.map((event) => event.key)).map(
      (keys) => sql`SELECT id FROM webhook_deliveries WHERE event_key IN ${keys} AND status = 'pending' AND attempts = 0`,
    );
    const results = await runBatch<{ id: string }>(db, [...inserts, ...lookups]);
    for (const rows of results.slice(inserts.length)) pendingIds.push(...rows.map((row) => row.id));
  }
  await enqueueWebhookDeliveries(queue, pendingIds);
  return pendingIds;
}

export async function enqueueWebhookDeliveries(queue: Queue<LoopMessage>, deliveryIds: string[]): Promise<void> {
  await sendAll(queue, deliveryIds.map((deliveryId) => ({ type: "webhook.deliver" as const, deliveryId })));
}
