// One webhook delivery attempt (SPEC §8): signed per Standard Webhooks with the `standardwebhooks` library (both
// secrets during a rotation), a 10 s timeout, every attempt logged (status, latency, response excerpt), exponential
// backoff for 24 h then dead, and an endpoint failing for 3 days disabled with the admins told.
import { sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { runBatch } from "../../db/batch";
import type { Db } from "../../db/client";
import type { WebhookEndpoint } from "../../db/schema";
import type { MailProvider } from "../delivery/provider";
import { adminEmails, sendNotices } from "../cases/notify";
import { signingSecrets } from "./endpoints";
import { slackMessage } from "./slack";

export const DELIVERY_TIMEOUT_MS = 10_000;
export const RETRY_WINDOW_MS = 24 * 3600_000;
export const DISABLE_AFTER_MS = 3 * 24 * 3600_000;
const EXCERPT_CHARS = 500;

/** Backoff between attempts: 30 s, 1 min, 2 min … at most 6 h (Queues delay at most 12 h). */
export function webhookRetryDelaySeconds(attempts: number): number {
  return Math.min(6 * 3600, 30 * 2 ** Math.max(0, attempts - 1));
}

/** The customer's endpoint is reached through this (global fetch in production; a receiver in tests). */
export type Fetcher = (request: Request) => Promise<Response>;

export type DeliveryOutcome =
  | { result: "delivered" | "skipped" | "dead" }
  | { result: "retry"; delaySeconds: number };

interface Row {
  id: string;
  endpoint_id: string;
  event_type: string;
  payload: string;
  status: string;
  attempts: number;
  window_start: string;
}

/** The signed request for a delivery, as the endpoint will receive it. */
export function signedRequest(endpoint: Pick<WebhookEndpoint, "url" | "format" | "secret" | "previousSecret" | "previousSecretUntil">, delivery: Pick<Row, "id" | "payload">, now: Date): Request {
  const body = endpoint.format === "slack" ? JSON.stringify(slackMessage(JSON.parse(delivery.payload))) : delivery.payload;
  const signature = signingSecrets(endpoint, now)
    .map((secret) => new Webhook(secret).sign(delivery.id, now, body))
    .join(" ");
  return new Request(endpoint.url, {
    method: "POST",
    // A redirect is an answer, not an instruction: it is never followed (it could point inside a network).
    redirect: "manual",
    headers: {
      "content-type": "application/json",
      "user-agent": "Quorum-Webhooks/1",
      "webhook-id": delivery.id,
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": signature,
    },
    body,
  });
}

/** The start of the receiver's answer, read only as far as needed (a huge or endless body is never held in memory). */
async function excerptOf(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (text.length < EXCERPT_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // A broken body: the excerpt is what arrived.
  } finally {
    reader.cancel().catch(() => {});
  }
  return text.slice(0, EXCERPT_CHARS);
}

async function attempt(fetcher: Fetcher, request: Request, timeoutMs: number): Promise<{ status: number | null; ok: boolean; error: string | null; excerpt: string | null }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await Promise.race([
      fetcher(new Request(request, { signal: controller.signal })),
      new Promise<never>((_, reject) => controller.signal.addEventListener("abort", () => reject(new Error(`timed out after ${timeoutMs / 1000} s`)))),
    ]);
    const excerpt = await excerptOf(response);
    return { status: response.status, ok: response.ok, error: response.ok ? null : `HTTP ${response.status}`, excerpt: excerpt || null };
  } catch (error) {
    return { status: null, ok: false, error: (error instanceof Error ? error.message : String(error)).slice(0, 500), excerpt: null };
  } finally {
    clearTimeout(timer);
  }
}

export interface DeliverDeps {
  db: Db;
  fetcher: Fetcher;
  provider: MailProvider;
  publicUrl: string;
  /** 10 s (SPEC §8); shorter only in tests. */
  timeoutMs?: number;
}

export async function deliverWebhook(deps: DeliverDeps, deliveryId: string, now: Date): Promise<DeliveryOutcome> {
  const [deliveries = [], endpoints = []] = await runBatch(deps.db, [
    sql`SELECT id, endpoint_id, event_type, payload, status, attempts, window_start FROM webhook_deliveries WHERE id = ${deliveryId}`,
    sql`SELECT e.* FROM webhook_endpoints e JOIN webhook_deliveries d ON d.endpoint_id = e.id WHERE d.id = ${deliveryId}`,
  ]);
  const delivery = deliveries[0] as unknown as Row | undefined;
  const e = endpoints[0];
  if (!delivery || delivery.status === "delivered" || delivery.status === "dead") return { result: "skipped" };
  const at = now.toISOString();
  if (!e || e.status !== "active") {
    await runBatch(deps.db, [sql`UPDATE webhook_deliveries SET status = 'dead', dead_at = ${at}, last_error = 'endpoint disabled or deleted' WHERE id = ${deliveryId}`]);
    return { result: "dead" };
  }
  const endpoint = {
    url: e.url as string,
    format: e.format as WebhookEndpoint["format"],
    secret: e.secret as string,
    previousSecret: (e.previous_secret as string | null) ?? null,
    previousSecretUntil: (e.previous_secret_until as string | null) ?? null,
  };

  const started = Date.now();
  const outcome = await attempt(deps.fetcher, signedRequest(endpoint, delivery, now), deps.timeoutMs ?? DELIVERY_TIMEOUT_MS);
  const latency = Date.now() - started;
  const expired = now.getTime() - Date.parse(delivery.window_start) >= RETRY_WINDOW_MS;
  const status = outcome.ok ? "delivered" : expired ? "dead" : "retrying";
  const disableBefore = new Date(now.getTime() - DISABLE_AFTER_MS).toISOString();
  const endpointId = delivery.endpoint_id;
  const [, , , disabled = []] = await runBatch(deps.db, [
    sql`INSERT INTO webhook_attempts (delivery_id, endpoint_id, at, status_code, ok, latency_ms, error, response_excerpt)
      VALUES (${deliveryId}, ${endpointId}, ${at}, ${outcome.status}, ${outcome.ok ? 1 : 0}, ${latency}, ${outcome.error}, ${outcome.excerpt})`,
    sql`UPDATE webhook_deliveries SET status = ${status}, attempts = attempts + 1, last_status_code = ${outcome.status}, last_error = ${outcome.error},
        delivered_at = CASE WHEN ${outcome.ok ? 1 : 0} = 1 THEN ${at} ELSE delivered_at END,
        dead_at = CASE WHEN ${status} = 'dead' THEN ${at} ELSE NULL END
      WHERE id = ${deliveryId}`,
    outcome.ok
      ? sql`UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ${endpointId}`
      : sql`UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, ${at}) WHERE id = ${endpointId}`,
    sql`UPDATE webhook_endpoints SET status = 'disabled', disabled_at = ${at}, updated_at = ${at}
      WHERE id = ${endpointId} AND status = 'active' AND failing_since IS NOT NULL AND failing_since <= ${disableBefore}
      RETURNING id, url, failing_since`,
  ]);
  if (disabled[0]) await tellAdminsDisabled(deps, endpointId, String(disabled[0].url), String(disabled[0].failing_since));
  if (outcome.ok) return { result: "delivered" };
  if (status === "dead" || disabled[0]) {
    if (disabled[0]) await runBatch(deps.db, [sql`UPDATE webhook_deliveries SET status = 'dead', dead_at = ${at} WHERE id = ${deliveryId}`]);
    return { result: "dead" };
  }
  return { result: "retry", delaySeconds: webhookRetryDelaySeconds(delivery.attempts + 1) };
}

async function tellAdminsDisabled(deps: DeliverDeps, endpointId: string, url: string, failingSince: string) {
  const admins = await adminEmails(deps.db);
  const result = await sendNotices(
    deps.provider,
    admins.map((to) => ({
      kind: "webhook_disabled" as const,
      key: `${endpointId}:webhook_disabled:${failingSince}:${to}`,
      to,
      subject: `Webhook endpoint disabled: ${url}`,
      lines: [
        `Deliveries to ${url} have failed since ${failingSince}, so the endpoint was disabled and receives nothing more.`,
        "Fix the receiver, enable the endpoint again, then replay the deliveries it missed.",
      ],
      link: { label: "Open the webhook endpoint", url: `${deps.publicUrl.replace(/\/$/, "")}/admin/webhooks/${endpointId}` },
    })),
    "Quorum",
  );
  if (!result.ok) console.error("webhook-disabled email failed", endpointId, result.error);
}

/** Gives up on a delivery whose queue retries are exhausted (dead-letter queue). */
export async function markDeliveryDead(db: Db, deliveryId: string, reason: string, now: Date): Promise<void> {
  await runBatch(db, [
    sql`UPDATE webhook_deliveries SET status = 'dead', dead_at = ${now.toISOString()}, last_error = ${reason}
      WHERE id = ${deliveryId} AND status IN ('pending', 'retrying')`,
  ]);
}
