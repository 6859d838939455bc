import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it, vi } from "vitest";
import { createEndpoint, getDelivery, replayDelivery, rotateSecret, updateEndpoint } from "../../../src/domain/webhooks/endpoints";
import { deliverWebhook, webhookRetryDelaySeconds, type Fetcher } from "../../../src/domain/webhooks/deliver";
import { emitWebhookEvent } from "../../../src/domain/webhooks/emit";
import { checkWebhookUrl } from "../../../src/domain/webhooks/urls";
import type { LoopMessage } from "../../../src/domain/messages";
import { consumeLoop } from "../../../src/jobs/queue";
import worker from "../../../src/index";
import { ApiError } from "../../../src/lib/errors";
import { loopDeps, makeUser, outboxTo, recordingQueue, uniqueEmail } from "../cases/support";

const T0 = new Date("2026-06-01T12:00:00.000Z");
const HOUR = 3600_000;
/** The simulated time of the current attempt (the receiver verifies at it). */
const simulated = { now: T0 };
const at = (ms: number) => (simulated.now = new Date(T0.getTime() + ms));

/** The library checks the timestamp against its clock (±5 min): it runs at the simulated time of the attempt. */
function verifyAt(at: Date, secret: string, body: string, headers: Record<string, string>): boolean {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(at);
  try {
    new Webhook(secret).verify(body, headers);
    return true;
  } catch {
    return false;
  } finally {
    vi.useRealTimers();
  }
}

/**
 * The customer's endpoint, inside the test: it verifies every request with the standardwebhooks library's own
 * `verify` and the secrets it was given (at `clock()`, the simulated time), and answers with the status the test sets.
 */
function receiver(secrets: () => string[], status: () => number = () => 200, clock: () => Date = () => simulated.now) {
  const received: { id: string; body: unknown; verifiedWith: number[]; headers: Record<string, string> }[] = [];
  const fetcher: Fetcher = async (request) => {
    const body = await request.text();
    const headers = Object.fromEntries(request.headers);
    const verifiedWith = secrets().flatMap((secret, i) => (verifyAt(clock(), secret, body, headers) ? [i] : []));
    received.push({ id: headers["webhook-id"]!, body: JSON.parse(body), verifiedWith, headers });
    return new Response(verifiedWith.length ? "thanks" : "bad signature", { status: verifiedWith.length ? status() : 401 });
  };
  return { fetcher, received };
}

async function endpointFor(events: Parameters<typeof createEndpoint>[2]["events"], format: "standard" | "slack" = "standard") {
  const deps = loopDeps();
  const { endpoint, secret } = await createEndpoint(deps.db, "bootstrap", { url: "https://hooks.acme-customer.com/quorum", events, format }, false, T0);
  return { deps, endpoint, secret };
}

/** Emits an event (every subscribed endpoint of this file gets it) and returns the delivery of `endpointId`. */
async function emitFor(deps: ReturnType<typeof loopDeps>, endpointId: string, occurrence: ReturnType<typeof event>, when: Date): Promise<string> {
  await emitWebhookEvent(deps.db, deps.queue, occurrence, when);
  const row = await env.DB.prepare("SELECT id FROM webhook_deliveries WHERE endpoint_id = ? AND event_key = ?").bind(endpointId, occurrence.key).first<{ id: string }>();
  return row!.id;
}

const event = (key: string = crypto.randomUUID()) => ({ type: "case.opened" as const, key: `case.opened:${key}`, data: { caseId: key, priority: 3 } as Record<string, unknown> });

describe("webhook URLs (https to a public host outside local mode)", () => {
  it.each([
    ["http://hooks.acme-customer.com/x", "must use https"],
    ["https://10.0.0.5/hook", "private"],
    ["https://192.168.1.20/hook", "private"],
    ["https://127.0.0.1/hook", "loopback"],
    ["https://2130706433/hook", "loopback"], // 127.0.0.1 written as a number
    ["https://169.254.169.254/latest/meta-data", "link-local"],
    ["https://[::1]/hook", "loopback"],
    ["https://[fe80::1]/hook", "link-local"],
    ["https://[fd00::1]/hook", "private"],
    ["https://localhost/hook", "local name"],
    ["https://api.internal/hook", "local name"],
    ["https://intranet/hook", "local name"],
    ["https://8.8.8.8/hook", "host name"],
    ["https://user:pw@hooks.acme-customer.com/x", "credentials"],
    ["not a url", "not a URL"],
  ])("refuses %s", (url, reason) => {
    const check = checkWebhookUrl(url, false);
    expect(check.ok).toBe(false);
    expect(check.ok ? "" : check.message).toContain(reason);
  });

  it("accepts a public https host, and a local receiver in local mode", () => {
    expect(checkWebhookUrl("https://hooks.acme-customer.com/quorum?x=1", false)).toEqual({ ok: true, url: "https://hooks.acme-customer.com/quorum?x=1" });
    expect(checkWebhookUrl("http://localhost:9999/hook", true).ok).toBe(true);
  });

  it("creating an endpoint with a private address is refused and writes nothing", async () => {
    const deps = loopDeps();
    const before = (await env.DB.prepare("SELECT count(*) AS n FROM webhook_endpoints").first<{ n: number }>())!.n;
    const error = await createEndpoint(deps.db, "bootstrap", { url: "https://10.1.2.3/x", events: ["case.opened"] }, false, T0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(422);
    expect((error as ApiError).errors?.[0]?.path).toBe("url");
    expect((await env.DB.prepare("SELECT count(*) AS n FROM webhook_endpoints").first<{ n: number }>())!.n).toBe(before);
  });
});

describe("signed delivery", () => {
  it("is verified by the standardwebhooks library with the endpoint's secret; the attempt is logged", async () => {
    const { deps, endpoint, secret } = await endpointFor(["case.opened", "case.closed"]);
    const occurrence = event();
    const deliveryId = await emitFor(deps, endpoint.id, occurrence, at(0));
    await emitWebhookEvent(deps.db, deps.queue, occurrence, T0); // a redelivered cause: still one delivery
    expect(await env.DB.prepare("SELECT count(*) AS n FROM webhook_deliveries WHERE endpoint_id = ?").bind(endpoint.id).first()).toEqual({ n: 1 });
    expect(deps.queue.sent).toContainEqual({ type: "webhook.deliver", deliveryId });

    const customer = receiver(() => [secret]);
    expect(await deliverWebhook({ ...deps, fetcher: customer.fetcher }, deliveryId, at(0))).toEqual({ result: "delivered" });
    expect(customer.received).toHaveLength(1);
    expect(customer.received[0]).toMatchObject({ id: deliveryId, verifiedWith: [0], body: { type: "case.opened", data: occurrence.data } });
    expect(customer.received[0]!.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/=]+$/);

    const delivery = await getDelivery(deps.db, endpoint.id, deliveryId);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 200 });
    expect(delivery.attemptLog).toEqual([{ id: expect.any(Number), at: T0.toISOString(), statusCode: 200, ok: true, latencyMs: expect.any(Number), error: null, responseExcerpt: "thanks" }]);
    // Delivered: a redelivered queue message sends nothing more.
    expect(await deliverWebhook({ ...deps, fetcher: customer.fetcher }, deliveryId, at(0))).toEqual({ result: "skipped" });
    expect(customer.received).toHaveLength(1);
  });

  it("a receiver holding another secret refuses the delivery: it is retried", async () => {
    const { deps, endpoint } = await endpointFor(["case.opened"]);
    const stranger = receiver(() => ["whsec_" + btoa("a secret that is not the endpoint's")]);
    const id = await emitFor(deps, endpoint.id, event(), at(0));
    expect(await deliverWebhook({ ...deps, fetcher: stranger.fetcher }, id, at(0))).toEqual({ result: "retry", delaySeconds: 30 });
    expect(stranger.received[0]!.verifiedWith).toEqual([]);
  });

  it("signs with both secrets during a rotation, then with the new one only", async () => {
    const { deps, endpoint, secret: oldSecret } = await endpointFor(["case.opened"]);
    const { secret: newSecret, endpoint: rotated } = await rotateSecret(deps.db, "bootstrap", endpoint.id, 24, T0);
    expect(rotated.rotating).toBe(true);
    expect(newSecret).not.toBe(oldSecret);
    const customer = receiver(() => [oldSecret, newSecret]);

    const during = await emitFor(deps, endpoint.id, event(), at(HOUR));
    await deliverWebhook({ ...deps, fetcher: customer.fetcher }, during, at(HOUR));
    expect(customer.received[0]!.verifiedWith).toEqual([0, 1]);
    expect(customer.received[0]!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);

    const after = await emitFor(deps, endpoint.id, event(), at(25 * HOUR));
    await deliverWebhook({ ...deps, fetcher: customer.fetcher }, after, at(25 * HOUR));
    expect(customer.received[1]!.verifiedWith).toEqual([1]);
  });

  it("sends a Slack-compatible body when the endpoint asks for it, still signed", async () => {
    const { deps, endpoint, secret } = await endpointFor(["case.opened"], "slack");
    const customer = receiver(() => [secret]);
    const id = await emitFor(deps, endpoint.id, event("cas_slack"), at(0));
    await deliverWebhook({ ...deps, fetcher: customer.fetcher }, id, at(0));
    expect(customer.received[0]).toMatchObject({ verifiedWith: [0], body: { text: expect.stringContaining("New case") } });
  });

  it("only endpoints subscribed to the event get it", async () => {
    const { deps, endpoint } = await endpointFor(["response.completed"]);
    await emitWebhookEvent(deps.db, deps.queue, event(), T0);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM webhook_deliveries WHERE endpoint_id = ?").bind(endpoint.id).first<{ n: number }>())!.n).toBe(0);
  });
});

describe("retries, dead letter, replay", () => {
  it("backs off exponentially for 24 h, then the delivery is dead; a replay delivers it with the same webhook-id", async () => {
    const { deps, endpoint, secret } = await endpointFor(["case.opened"]);
    let status = 503;
    const customer = receiver(() => [secret], () => status);
    const id = await emitFor(deps, endpoint.id, event(), at(0));
    const attemptAt = (ms: number) => deliverWebhook({ ...deps, fetcher: customer.fetcher }, id, at(ms));

    expect(await attemptAt(0)).toEqual({ result: "retry", delaySeconds: 30 });
    expect(await attemptAt(30_000)).toEqual({ result: "retry", delaySeconds: 60 });
    expect(await attemptAt(90_000)).toEqual({ result: "retry", delaySeconds: 120 });
    expect([4, 10, 11, 14].map(webhookRetryDelaySeconds)).toEqual([240, 15_360, 6 * 3600, 6 * 3600]);
    expect(await attemptAt(24 * HOUR)).toEqual({ result: "dead" });
    const dead = await getDelivery(deps.db, endpoint.id, id);
    expect(dead).toMatchObject({ status: "dead", attempts: 4, lastStatusCode: 503 });
    expect(dead.attemptLog.map((a) => [a.statusCode, a.ok, a.responseExcerpt])).toEqual(Array(4).fill([503, false, "thanks"]));

    // Replay: a new 24 h window, queued again, delivered once the receiver is fixed.
    status = 200;
    const queue = recordingQueue();
    const replayed = await replayDelivery(deps.db, queue, "bootstrap", endpoint.id, id, at(30 * HOUR));
    expect(replayed.status).toBe("pending");
    expect(queue.sent).toEqual([{ type: "webhook.deliver", deliveryId: id }]);
    expect(await attemptAt(30 * HOUR)).toEqual({ result: "delivered" });
    expect(new Set(customer.received.map((r) => r.id))).toEqual(new Set([id]));
    expect(customer.received.at(-1)!.verifiedWith).toEqual([0]);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'webhook.replay' AND entity_id = ?").bind(id).first<{ n: number }>()).toEqual({ n: 1 });
  });

  it("a forged replay (a delivery of another endpoint, an unknown id) is 404 and changes nothing", async () => {
    const a = await endpointFor(["case.opened"]);
    const b = await endpointFor(["case.opened"]);
    const idOfA = await emitFor(a.deps, a.endpoint.id, event(), T0);
    const queue = recordingQueue();
    for (const [endpointId, deliveryId] of [[b.endpoint.id, idOfA], [a.endpoint.id, "msg_forged"], ["whe_forged", idOfA]] as const) {
      const error = await replayDelivery(a.deps.db, queue, "bootstrap", endpointId, deliveryId, T0).catch((e: unknown) => e);
      expect((error as ApiError).status).toBe(404);
    }
    expect(queue.sent).toEqual([]);
    expect((await getDelivery(a.deps.db, a.endpoint.id, idOfA)).windowStart).toBe(T0.toISOString());
  });

  it("never follows a redirect (it counts as a failure) and keeps only an excerpt of a long answer", async () => {
    const { deps, endpoint } = await endpointFor(["case.opened"]);
    const redirected = await emitFor(deps, endpoint.id, event(), T0);
    const seen: string[] = [];
    const redirecting: Fetcher = async (request) => {
      seen.push(request.redirect);
      return new Response(null, { status: 302, headers: { location: "http://10.0.0.1/internal" } });
    };
    expect(await deliverWebhook({ ...deps, fetcher: redirecting }, redirected, T0)).toEqual({ result: "retry", delaySeconds: 30 });
    expect(seen).toEqual(["manual"]);
    expect((await getDelivery(deps.db, endpoint.id, redirected)).attemptLog[0]).toMatchObject({ ok: false, statusCode: 302 });

    const chatty = await emitFor(deps, endpoint.id, event(), T0);
    const longAnswer: Fetcher = async () => new Response("x".repeat(1_000_000), { status: 200 });
    expect(await deliverWebhook({ ...deps, fetcher: longAnswer }, chatty, T0)).toEqual({ result: "delivered" });
    expect((await getDelivery(deps.db, endpoint.id, chatty)).attemptLog[0]!.responseExcerpt).toHaveLength(500);
  });

  it("times out after the timeout and logs the attempt", async () => {
    const { deps, endpoint } = await endpointFor(["case.opened"]);
    const id = await emitFor(deps, endpoint.id, event(), T0);
    const never: Fetcher = () => new Promise(() => {});
    expect(await deliverWebhook({ ...deps, fetcher: never, timeoutMs: 50 }, id, T0)).toEqual({ result: "retry", delaySeconds: 30 });
    expect((await getDelivery(deps.db, endpoint.id, id)).attemptLog[0]).toMatchObject({ ok: false, statusCode: null, error: "timed out after 0.05 s" });
  });

  it("an endpoint failing for 3 days is disabled and the admins are told; re-enabling starts afresh", async () => {
    const admin = uniqueEmail("hooks-admin");
    await makeUser(admin);
    await env.DB.prepare("UPDATE users SET role = 'admin' WHERE email = ?").bind(admin).run();
    const { deps, endpoint } = await endpointFor(["case.opened"]);
    const failing = receiver(() => [], () => 500);
    const tryAt = async (ms: number) => {
      const id = await emitFor(deps, endpoint.id, event(), at(ms));
      return deliverWebhook({ ...deps, fetcher: failing.fetcher }, id, at(ms));
    };
    await tryAt(0);
    await tryAt(48 * HOUR);
    expect(await tryAt(72 * HOUR - 1000)).toMatchObject({ result: "retry" });
    expect(await tryAt(72 * HOUR)).toEqual({ result: "dead" });
    const row = await env.DB.prepare("SELECT status, failing_since, disabled_at FROM webhook_endpoints WHERE id = ?").bind(endpoint.id).first();
    expect(row).toEqual({ status: "disabled", failing_since: T0.toISOString(), disabled_at: new Date(T0.getTime() + 72 * HOUR).toISOString() });
    const mails = (await outboxTo(admin)).filter((m) => m.kind === "webhook_disabled");
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text_body).toContain(`/admin/webhooks/${endpoint.id}`);
    // Disabled: new events are not delivered to it.
    const key = event();
    await emitWebhookEvent(deps.db, deps.queue, key, at(73 * HOUR));
    expect(await env.DB.prepare("SELECT count(*) AS n FROM webhook_deliveries WHERE endpoint_id = ? AND event_key = ?").bind(endpoint.id, key.key).first()).toEqual({ n: 0 });
    const enabled = await updateEndpoint(deps.db, "bootstrap", endpoint.id, { status: "active" }, false, at(74 * HOUR));
    expect(enabled).toMatchObject({ status: "active", failingSince: null, disabledAt: null });
  });
});

describe("the queue consumer", () => {
  it("acks a delivered message and retries a failed one with its backoff", async () => {
    const { deps, endpoint, secret } = await endpointFor(["case.opened"]);
    const now = new Date();
    const ok = await emitFor(deps, endpoint.id, event(), now);
    const failing = await emitFor(deps, endpoint.id, { ...event(), data: { fail: true } }, now);
    const customer = receiver(() => [secret], () => 200, () => new Date());
    const fetcher: Fetcher = async (request) => ((await request.clone().json()) as { data: { fail?: boolean } }).data.fail ? new Response("no", { status: 500 }) : customer.fetcher(request);
    const batch = createMessageBatch<LoopMessage>("quorum-loop", [
      { id: "w1", timestamp: now, attempts: 1, body: { type: "webhook.deliver", deliveryId: ok } },
      { id: "w2", timestamp: now, attempts: 1, body: { type: "webhook.deliver", deliveryId: failing } },
    ]);
    const ctx = createExecutionContext();
    await consumeLoop(batch, { DB: env.DB, LOOP_QUEUE: deps.queue, PUBLIC_URL: "http://quorum.test" }, { provider: deps.provider, fetcher });
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["w1"]);
    expect(result.retryMessages).toEqual([{ msgId: "w2" }]); // (the runtime does not report the delay; it is tested above)
    expect(customer.received[0]!.verifiedWith).toEqual([0]);
  });

  it("a delivery whose queue retries ran out (dead-letter queue) is marked dead and stays replayable", async () => {
    const { deps, endpoint } = await endpointFor(["case.opened"]);
    const id = await emitFor(deps, endpoint.id, event(), new Date());
    const batch = createMessageBatch<LoopMessage>("quorum-loop-dlq", [{ id: "d1", timestamp: new Date(), attempts: 31, body: { type: "webhook.deliver", deliveryId: id } }]);
    const ctx = createExecutionContext();
    await worker.queue(batch as never, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["d1"]);
    expect(await getDelivery(deps.db, endpoint.id, id)).toMatchObject({ status: "dead", lastError: "gave up after 31 attempts (dead-letter queue)" });
  });
});
