// account.category_changed for a whole run at once: every change written and queued once per subscribed endpoint,
// across more changes than one D1 batch carries.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { emitCategoryChanges } from "../../../src/domain/webhooks/categories";
import { createEndpoint } from "../../../src/domain/webhooks/endpoints";
import { newId } from "../../../src/lib/ids";
import { loopDeps } from "../cases/support";

describe("category change events", () => {
  it("writes and queues one delivery per change, and a redelivered hook adds no rows", async () => {
    const deps = loopDeps();
    const now = new Date();
    const { endpoint } = await createEndpoint(deps.db, "bootstrap", { url: "https://hooks.acme-customer.com/cats", events: ["account.category_changed"] }, false, now);
    const runId = newId("run", now);
    const changes = Array.from({ length: 95 }, (_, i) => ({ accountId: `acc_${runId}_${i}`, period: "2026-Q2", from: "passive", to: "promoter" }));

    await emitCategoryChanges(deps, runId, changes, now);
    const rows = async () =>
      (await env.DB.prepare("SELECT id, payload FROM webhook_deliveries WHERE endpoint_id = ?").bind(endpoint.id).all<{ id: string; payload: string }>()).results;
    const written = await rows();
    expect(written).toHaveLength(95);
    expect(new Set(written.map((r) => JSON.parse(r.payload).data.accountId))).toEqual(new Set(changes.map((c) => c.accountId)));
    expect(JSON.parse(written[0]!.payload)).toMatchObject({ type: "account.category_changed", data: { runId, period: "2026-Q2", from: "passive", to: "promoter" } });
    const queued = deps.queue.sent.map((m) => (m as { deliveryId: string }).deliveryId);
    expect(queued.sort()).toEqual(written.map((r) => r.id).sort());

    await emitCategoryChanges(deps, runId, changes, new Date(now.getTime() + 1000)); // redelivered, nothing attempted yet
    expect(await rows()).toHaveLength(95);
  });
});
