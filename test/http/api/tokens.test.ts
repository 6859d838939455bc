import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../../src/lib/crypto";
import { api, json } from "../../support/api";
import { tokenWithScopes } from "../../support/tokens";

describe("/api/v1/tokens", () => {
  it("creates a token whose secret is shown once and stored only as its SHA-256", async () => {
    const res = await api("POST", "/tokens", { name: "CRM sync", scopes: ["integration", "read"] });
    expect(res.status).toBe(201);
    const created = await json(res);
    expect(created).toMatchObject({ name: "CRM sync", scopes: ["integration", "read"], revokedAt: null });
    expect(created.token).toMatch(/^qrm_[A-Za-z0-9_-]{40,}$/);

    const stored = await env.DB.prepare("SELECT token_hash FROM api_tokens WHERE id = ?").bind(created.id).first<{ token_hash: string }>();
    expect(stored!.token_hash).toBe(await sha256Hex(created.token));

    const listed = await json(await api("GET", "/tokens"));
    const mine = listed.items.find((t: { id: string }) => t.id === created.id);
    expect(mine).toMatchObject({ name: "CRM sync" });
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect(JSON.stringify(listed)).not.toContain(stored!.token_hash);
    expect(await json(await api("GET", `/tokens/${created.id}`))).not.toHaveProperty("token");

    const audit = await env.DB.prepare("SELECT action, actor, detail FROM audit_log WHERE entity_id = ?").bind(created.id).all();
    expect(audit.results).toEqual([{ action: "token.create", actor: "bootstrap", detail: JSON.stringify({ name: "CRM sync", scopes: ["integration", "read"] }) }]);
  });

  it("records when a token was last used, refreshed at most hourly", async () => {
    const created = await json(await api("POST", "/tokens", { name: "Reporting", scopes: ["read"] }));
    expect(created.lastUsedAt).toBeNull();
    const lastUsed = () =>
      env.DB.prepare("SELECT last_used_at AS at FROM api_tokens WHERE id = ?").bind(created.id).first<{ at: string | null }>();

    expect((await api("GET", "/roles", undefined, { token: created.token })).status).toBe(200);
    const first = (await lastUsed())!.at;
    expect(first).not.toBeNull();
    expect((await api("GET", "/roles", undefined, { token: created.token })).status).toBe(200);
    expect((await lastUsed())!.at).toBe(first); // within the hour: no write

    await env.DB.prepare("UPDATE api_tokens SET last_used_at = '2020-01-01T00:00:00.000Z' WHERE id = ?").bind(created.id).run();
    await api("GET", "/roles", undefined, { token: created.token });
    expect((await lastUsed())!.at! > "2020-01-01T00:00:00.000Z").toBe(true);
  });

  it("a revoked token gets 401 at once, and revoking twice keeps the first time", async () => {
    const { id, token } = await tokenWithScopes(["admin"]);
    expect((await api("GET", "/roles", undefined, { token })).status).toBe(200);

    const revoked = await json(await api("DELETE", `/tokens/${id}`));
    expect(revoked.revokedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const res = await api("GET", "/roles", undefined, { token });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/problem+json");

    const again = await json(await api("DELETE", `/tokens/${id}`));
    expect(again.revokedAt).toBe(revoked.revokedAt);
    const listed = await json(await api("GET", "/tokens"));
    expect(listed.items.map((t: { id: string }) => t.id)).not.toContain(id);
    const withRevoked = await json(await api("GET", "/tokens?includeRevoked=true"));
    expect(withRevoked.items.map((t: { id: string }) => t.id)).toContain(id);
  });

  it("a read token can GET the directory but not change it, nor see tokens", async () => {
    const { token } = await tokenWithScopes(["read"]);
    expect((await api("GET", "/journey-stages", undefined, { token })).status).toBe(200);
    const write = await api("POST", "/journey-stages", { key: "read_try", label: "x" }, { token });
    expect(write.status).toBe(403);
    expect((await json(write)).detail).toContain("admin");
    expect((await api("GET", "/tokens", undefined, { token })).status).toBe(403);
    expect((await api("POST", "/tokens", { name: "escalate", scopes: ["admin"] }, { token })).status).toBe(403);
    expect((await api("GET", "/journey-stages/read_try")).status).toBe(404);
  });

  it("an integration token cannot manage the directory or tokens", async () => {
    const { token } = await tokenWithScopes(["integration"]);
    expect((await api("GET", "/roles", undefined, { token })).status).toBe(403);
    expect((await api("POST", "/roles", { key: "integ_try", label: "x" }, { token })).status).toBe(403);
    expect((await api("POST", "/tokens", { name: "x", scopes: ["read"] }, { token })).status).toBe(403);
  });

  it("refuses unknown scopes, no scopes and unknown fields with field paths", async () => {
    const badScope = await json(await api("POST", "/tokens", { name: "x", scopes: ["root"] }));
    expect(badScope.status).toBe(400);
    expect(badScope.errors[0].path).toBe("scopes.0");
    const none = await json(await api("POST", "/tokens", { name: "x", scopes: [] }));
    expect(none.errors).toEqual([{ path: "scopes", message: "give at least one scope" }]);
    expect((await api("POST", "/tokens", { name: "x", scopes: ["read"], secret: "mine" })).status).toBe(400);
    expect((await api("DELETE", "/tokens/tok_nope")).status).toBe(404);
  });

  it("pages through tokens newest first with a cursor", async () => {
    for (let i = 0; i < 3; i++) await tokenWithScopes(["read"], `page ${i}`);
    const all = (await json(await api("GET", "/tokens?limit=500"))).items.map((t: { id: string }) => t.id);
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(all).toEqual([...all].sort().reverse());

    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const body: { items: { id: string }[]; nextCursor: string | null } = await json(
        await api("GET", `/tokens?limit=2${cursor ? `&cursor=${cursor}` : ""}`),
      );
      expect(body.items.length).toBeLessThanOrEqual(2);
      paged.push(...body.items.map((t) => t.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);
  });
});
