import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, json } from "../../support/api";
import { tokenWithScopes } from "../../support/tokens";

const endpointCount = async () => (await env.DB.prepare("SELECT count(*) AS n FROM webhook_endpoints").first<{ n: number }>())!.n;

describe("/api/v1/webhooks", () => {
  it("creates an endpoint with a secret shown once, lists it without secrets, rotates, changes and removes it", async () => {
    const created = await api("POST", "/webhooks", { url: "https://hooks.acme-customer.com/quorum", events: ["case.opened", "case.closed"] });
    expect(created.status).toBe(201);
    const endpoint = await json(created);
    expect(endpoint).toMatchObject({ url: "https://hooks.acme-customer.com/quorum", events: ["case.opened", "case.closed"], format: "standard", status: "active", rotating: false });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(created.headers.get("cache-control")).toBe("no-store");

    const listed = await json(await api("GET", "/webhooks"));
    expect(JSON.stringify(listed)).not.toContain(endpoint.secret);
    expect(JSON.stringify(await json(await api("GET", `/webhooks/${endpoint.id}`)))).not.toContain("whsec_");

    const rotated = await json(await api("POST", `/webhooks/${endpoint.id}/rotate-secret`, { overlapHours: 48 }));
    expect(rotated.secret).not.toBe(endpoint.secret);
    expect(rotated.rotating).toBe(true);

    const patched = await api("PATCH", `/webhooks/${endpoint.id}`, { events: ["response.completed"], format: "slack" });
    expect(await json(patched)).toMatchObject({ events: ["response.completed"], format: "slack" });
    const deliveries = await api("GET", `/webhooks/${endpoint.id}/deliveries`);
    expect(deliveries.status).toBe(200);
    expect(deliveries.headers.get("X-D1-Round-Trips")).toBe("1"); // the endpoint and its deliveries in one batch
    expect((await api("GET", "/webhooks/whe_nope/deliveries")).status).toBe(404);
    expect((await api("DELETE", `/webhooks/${endpoint.id}`)).status).toBe(204);
    expect((await api("GET", `/webhooks/${endpoint.id}`)).status).toBe(404);
    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE entity_id = ? ORDER BY id").bind(endpoint.id).all<{ action: string }>();
    expect(audit.results.map((a) => a.action)).toEqual(["webhook.create", "webhook.rotate_secret", "webhook.update", "webhook.delete"]);
  });

  it.each([
    ["http://hooks.acme-customer.com/x", "must use https"],
    ["https://10.0.0.1/x", "private"],
    ["https://169.254.169.254/x", "link-local"],
    ["https://localhost/x", "local name"],
  ])("refuses %s with 422 on the url field, writing nothing", async (url, message) => {
    const before = await endpointCount();
    const res = await api("POST", "/webhooks", { url, events: ["case.opened"] });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect((await json(res)).errors).toEqual([{ path: "url", message: expect.stringContaining(message) }]);
    expect(await endpointCount()).toBe(before);
  });

  it("refuses unknown events and fields (400), forged replays (404), non-admin tokens (403)", async () => {
    expect((await api("POST", "/webhooks", { url: "https://hooks.acme-customer.com/x", events: ["case.deleted"] })).status).toBe(400);
    expect((await api("POST", "/webhooks", { url: "https://hooks.acme-customer.com/x", events: [] })).status).toBe(400);
    expect((await api("POST", "/webhooks", { url: "https://hooks.acme-customer.com/x", events: ["case.opened"], secret: "mine" })).status).toBe(400);
    const endpoint = await json(await api("POST", "/webhooks", { url: "https://hooks.acme-customer.com/y", events: ["case.opened"] }));
    const forged = await api("POST", `/webhooks/${endpoint.id}/deliveries/msg_forged/replay`);
    expect(forged.status).toBe(404);
    expect((await api("POST", `/webhooks/whe_forged/deliveries/msg_forged/replay`)).status).toBe(404);
    const reader = await tokenWithScopes(["read"]);
    expect((await api("POST", "/webhooks", { url: "https://hooks.acme-customer.com/z", events: ["case.opened"] }, { token: reader.token })).status).toBe(403);
    expect((await api("POST", `/webhooks/${endpoint.id}/rotate-secret`, undefined, { token: reader.token })).status).toBe(403);
    expect((await api("GET", "/webhooks", undefined, { token: null })).status).toBe(401);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'webhook.replay'").first()).toEqual({ n: 0 });
  });

  it("documents cases and webhooks in the OpenAPI document", async () => {
    const res = await api("GET", "/openapi.json", undefined, { token: null });
    expect(res.status).toBe(200);
    const doc = await json(res);
    for (const path of ["/cases", "/cases/{id}", "/cases/{id}/close", "/cases/routing", "/cases/responsiveness", "/webhooks", "/webhooks/{id}/rotate-secret", "/webhooks/{id}/deliveries/{deliveryId}/replay"]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.paths["/cases/{id}/close"].post.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/CaseClose" });
  });
});
