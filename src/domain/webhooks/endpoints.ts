// Webhook endpoints (SPEC §8): URL, events, a secret shown once, rotation during which both secrets sign.
import { and, desc, eq, lt, sql } from "drizzle-orm";
import { runBatch } from "../../db/batch";
import type { Db } from "../../db/client";
import { webhookEndpoints, webhookDeliveries, type WebhookDelivery, type WebhookEndpoint, type WebhookEvent } from "../../db/schema";
import { conflict, notFound, unprocessable } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { auditInsert } from "../audit/log";
import type { LoopMessage } from "../messages";
import { enqueueWebhookDeliveries } from "./emit";
import { checkWebhookUrl } from "./urls";

export interface EndpointInput {
  url: string;
  events: WebhookEvent[];
  description?: string | null;
  format?: "standard" | "slack";
}

/** An endpoint as the API shows it: never its secrets. */
export type PublicEndpoint = Omit<WebhookEndpoint, "secret" | "previousSecret"> & { rotating: boolean };

export const publicEndpoint = (e: WebhookEndpoint, now: Date): PublicEndpoint => {
  const { secret: _s, previousSecret, ...rest } = e;
  return { ...rest, rotating: Boolean(previousSecret && e.previousSecretUntil && e.previousSecretUntil > now.toISOString()) };
};

/** A Standard Webhooks secret: whsec_ + base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

function validUrl(url: string, local: boolean): string {
  const check = checkWebhookUrl(url, local);
  if (!check.ok) throw unprocessable(`The webhook URL is refused: ${check.message}.`, [{ path: "url", message: check.message }]);
  return check.url;
}

export async function createEndpoint(db: Db, actor: string, input: EndpointInput, local: boolean, now: Date): Promise<{ endpoint: PublicEndpoint; secret: string }> {
  const url = validUrl(input.url, local);
  const secret = newWebhookSecret();
  const id = newId("whe", now);
  const at = now.toISOString();
  const [[row]] = await db.batch([
    db
      .insert(webhookEndpoints)
      .values({ id, url, events: [...new Set(input.events)], description: input.description ?? null, format: input.format ?? "standard", secret, createdAt: at, updatedAt: at })
      .returning(),
    auditInsert(db, { actor, action: "webhook.create", entityType: "webhook_endpoint", entityId: id, detail: { url, events: input.events, format: input.format ?? "standard" } }, now),
  ]);
  return { endpoint: publicEndpoint(row!, now), secret };
}

export async function getEndpoint(db: Db, id: string): Promise<WebhookEndpoint> {
  const row = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).get();
  if (!row) throw notFound(`Webhook endpoint '${id}'`);
  return row;
}

export const listEndpoints = (db: Db) => db.select().from(webhookEndpoints).orderBy(webhookEndpoints.id).all();

export interface EndpointPatch {
  url?: string;
  events?: WebhookEvent[];
  description?: string | null;
  format?: "standard" | "slack";
  /** Re-enable a disabled endpoint (its failure clock starts again). */
  status?: "active" | "disabled";
}

export async function updateEndpoint(db: Db, actor: string, id: string, patch: EndpointPatch, local: boolean, now: Date): Promise<PublicEndpoint> {
  await getEndpoint(db, id);
  const at = now.toISOString();
  const values: Partial<WebhookEndpoint> = { updatedAt: at };
  if (patch.url !== undefined) values.url = validUrl(patch.url, local);
  if (patch.events !== undefined) values.events = [...new Set(patch.events)];
  if (patch.description !== undefined) values.description = patch.description;
  if (patch.format !== undefined) values.format = patch.format;
  if (patch.status !== undefined) Object.assign(values, { status: patch.status, failingSince: null, disabledAt: patch.status === "disabled" ? at : null });
  const [[row]] = await db.batch([
    db.update(webhookEndpoints).set(values).where(eq(webhookEndpoints.id, id)).returning(),
    auditInsert(db, { actor, action: "webhook.update", entityType: "webhook_endpoint", entityId: id, detail: { ...patch } }, now),
  ]);
  return publicEndpoint(row!, now);
}

export async function deleteEndpoint(db: Db, actor: string, id: string, now: Date): Promise<void> {
  await getEndpoint(db, id);
  await db.batch([
    db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)),
    auditInsert(db, { actor, action: "webhook.delete", entityType: "webhook_endpoint", entityId: id }, now),
  ]);
}

export const MAX_ROTATION_HOURS = 7 * 24;

/** A new secret (returned once); the old one keeps signing beside it for `overlapHours`, so receivers can switch. */
export async function rotateSecret(db: Db, actor: string, id: string, overlapHours: number, now: Date): Promise<{ endpoint: PublicEndpoint; secret: string }> {
  const current = await getEndpoint(db, id);
  const secret = newWebhookSecret();
  const until = new Date(now.getTime() + overlapHours * 3600_000).toISOString();
  const [[row]] = await db.batch([
    db
      .update(webhookEndpoints)
      .set({ secret, previousSecret: current.secret, previousSecretUntil: until, updatedAt: now.toISOString() })
      .where(eq(webhookEndpoints.id, id))
      .returning(),
    auditInsert(db, { actor, action: "webhook.rotate_secret", entityType: "webhook_endpoint", entityId: id, detail: { previousSecretUntil: until } }, now),
  ]);
  return { endpoint: publicEndpoint(row!, now), secret };
}

/** The secrets that sign now: the current one, and the previous one while its rotation window lasts. */
export function signingSecrets(e: Pick<WebhookEndpoint, "secret" | "previousSecret" | "previousSecretUntil">, now: Date): string[] {
  const previous = e.previousSecret && e.previousSecretUntil && e.previousSecretUntil > now.toISOString() ? [e.previousSecret] : [];
  return [e.secret, ...previous];
}

/**
 * Deliveries of an endpoint, newest first; `before` is the last id of the previous page. Read in one round trip with
 * the endpoint itself: 404 when it does not exist.
 */
export async function listDeliveries(db: Db, endpointId: string, options: { before?: string; limit: number }) {
  const [endpoint, rows] = await db.batch([
    db.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId)),
    db
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.endpointId, endpointId), options.before ? lt(webhookDeliveries.id, options.before) : undefined))
      .orderBy(desc(webhookDeliveries.id))
      .limit(options.limit),
  ]);
  if (!endpoint[0]) throw notFound(`Webhook endpoint '${endpointId}'`);
  return rows;
}

export interface Attempt {
  id: number;
  at: string;
  statusCode: number | null;
  ok: boolean;
  latencyMs: number;
  error: string | null;
  responseExcerpt: string | null;
}

export async function getDelivery(db: Db, endpointId: string, deliveryId: string) {
  const [deliveries = [], attempts = []] = await runBatch(db, [
    sql`SELECT * FROM webhook_deliveries WHERE id = ${deliveryId} AND endpoint_id = ${endpointId}`,
    sql`SELECT id, at, status_code AS statusCode, ok, latency_ms AS latencyMs, error, response_excerpt AS responseExcerpt
      FROM webhook_attempts WHERE delivery_id = ${deliveryId} AND endpoint_id = ${endpointId} ORDER BY id`,
  ]);
  const d = deliveries[0];
  if (!d) throw notFound(`Delivery '${deliveryId}' of webhook endpoint '${endpointId}'`);
  return {
    id: d.id as string,
    endpointId: d.endpoint_id as string,
    eventType: d.event_type as string,
    status: d.status as WebhookDelivery["status"],
    attempts: Number(d.attempts),
    windowStart: d.window_start as string,
    lastStatusCode: (d.last_status_code as number | null) ?? null,
    lastError: (d.last_error as string | null) ?? null,
    deliveredAt: (d.delivered_at as string | null) ?? null,
    deadAt: (d.dead_at as string | null) ?? null,
    createdAt: d.created_at as string,
    payload: JSON.parse(d.payload as string) as unknown,
    attemptLog: attempts.map((a): Attempt => ({ ...(a as unknown as Attempt), ok: Boolean(a.ok) })),
  };
}

/**
 * Replays any delivery (delivered, dead or still retrying) of an active endpoint: same webhook-id (receivers
 * de-duplicate on it), a fresh 24 h retry window, queued again. A delivery id of another endpoint is unknown here.
 */
export async function replayDelivery(db: Db, queue: Queue<LoopMessage>, actor: string, endpointId: string, deliveryId: string, now: Date) {
  const endpoint = await getEndpoint(db, endpointId);
  if (endpoint.status !== "active") {
    throw conflict(`Webhook endpoint '${endpointId}' is disabled; enable it before replaying deliveries.`, [{ path: "status", message: "disabled" }]);
  }
  const at = now.toISOString();
  const [replayed = []] = await runBatch(db, [
    sql`UPDATE webhook_deliveries SET status = 'pending', window_start = ${at}, dead_at = NULL
      WHERE id = ${deliveryId} AND endpoint_id = ${endpointId} RETURNING id`,
    sql`INSERT INTO audit_log (at, actor, action, entity_type, entity_id, detail)
      SELECT ${at}, ${actor}, 'webhook.replay', 'webhook_delivery', id, json_object('endpointId', endpoint_id)
      FROM webhook_deliveries WHERE id = ${deliveryId} AND endpoint_id = ${endpointId}`,
  ]);
  if (replayed.length === 0) throw notFound(`Delivery '${deliveryId}' of webhook endpoint '${endpointId}'`);
  await enqueueWebhookDeliveries(queue, [deliveryId]);
  return getDelivery(db, endpointId, deliveryId);
}
