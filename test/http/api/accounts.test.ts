import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, json } from "../../support/api";
import { tokenWithScopes } from "../../support/tokens";

let n = 0;
const externalId = () => `acc-test-${Date.now().toString(36)}-${n++}`;

describe("/api/v1/accounts", () => {
  it("creates an account with normalized fields and a first revenue row from customerSince", async () => {
    const ext = externalId();
    const res = await api("POST", "/accounts", {
      externalId: ext,
      name: "  Globex GmbH ",
      annualRevenue: 250000,
      customerSince: "2021-03-15",
      country: "de",
      segment: "Enterprise",
      ownerEmail: "Olivia.Owner@Quorum.test",
      ownerName: "Olivia Owner",
    });
    expect(res.status).toBe(201);
    const account = await json(res);
    expect(account).toMatchObject({
      externalId: ext,
      name: "Globex GmbH",
      annualRevenue: 250000,
      status: "active",
      customerSince: "2021-03-15T00:00:00.000Z",
      churnedAt: null,
      country: "DE",
      ownerEmail: "olivia.owner@quorum.test",
    });
    expect(account.id).toMatch(/^acc_/);
    expect(account.revenueHistory).toEqual([{ validFrom: "2021-03-15T00:00:00.000Z", amount: 250000 }]);

    const audit = await env.DB.prepare("SELECT action, actor FROM audit_log WHERE entity_id = ?").bind(account.id).all();
    expect(audit.results).toEqual([{ action: "account.create", actor: "bootstrap" }]);
  });

  it("adds a revenue history row on every revenue change and never rewrites the old ones", async () => {
    const account = await json(await api("POST", "/accounts", { externalId: externalId(), name: "Initech", annualRevenue: 100, customerSince: "2020-01-01" }));
    const backdated = await json(await api("PATCH", `/accounts/${account.id}`, { annualRevenue: 150, revenueEffectiveFrom: "2024-07-01" }));
    expect(backdated.annualRevenue).toBe(150);
    const now = await json(await api("PATCH", `/accounts/${account.id}`, { annualRevenue: 180 }));
    expect(now.revenueHistory.map((r: { amount: number }) => r.amount)).toEqual([100, 150, 180]);
    expect(now.revenueHistory[1].validFrom).toBe("2024-07-01T00:00:00.000Z");
    expect(Date.parse(now.revenueHistory[2].validFrom)).toBeGreaterThan(Date.now() - 60_000);

    const same = await json(await api("PATCH", `/accounts/${account.id}`, { annualRevenue: 180, segment: "Mid-market" }));
    expect(same.revenueHistory).toHaveLength(3);
    expect(same.segment).toBe("Mid-market");

    const beforeHistory = await api("PATCH", `/accounts/${account.id}`, { annualRevenue: 90, revenueEffectiveFrom: "2023-01-01" });
    expect(beforeHistory.status).toBe(409);
    expect((await json(beforeHistory)).errors[0].path).toBe("revenueEffectiveFrom");
    const future = await api("PATCH", `/accounts/${account.id}`, { annualRevenue: 90, revenueEffectiveFrom: "2999-01-01" });
    expect(future.status).toBe(400);
    expect((await json(await api("GET", `/accounts/${account.id}`))).revenueHistory).toHaveLength(3);
  });

  it("stamps churnedAt when an account churns and clears it when it comes back", async () => {
    const account = await json(await api("POST", "/accounts", { externalId: externalId(), name: "Hooli", annualRevenue: 5 }));
    const churned = await json(await api("PATCH", `/accounts/${account.id}`, { status: "churned" }));
    expect(churned.status).toBe("churned");
    expect(Date.parse(churned.churnedAt)).toBeGreaterThan(Date.now() - 60_000);
    const dated = await json(await api("PATCH", `/accounts/${account.id}`, { churnedAt: "2026-06-30" }));
    expect(dated.churnedAt).toBe("2026-06-30T00:00:00.000Z");
    const back = await json(await api("PATCH", `/accounts/${account.id}`, { status: "active" }));
    expect(back).toMatchObject({ status: "active", churnedAt: null });
  });

  it("refuses a duplicate externalId with 409 and the field path, on create and on patch", async () => {
    const ext = externalId();
    const first = await json(await api("POST", "/accounts", { externalId: ext, name: "One", annualRevenue: 1 }));
    const dup = await json(await api("POST", "/accounts", { externalId: ext, name: "Two", annualRevenue: 1 }));
    expect(dup.status).toBe(409);
    expect(dup.errors).toEqual([{ path: "externalId", message: "already used by another account" }]);
    expect(dup.detail).toContain(first.id);

    const other = await json(await api("POST", "/accounts", { externalId: externalId(), name: "Three", annualRevenue: 1 }));
    expect((await api("PATCH", `/accounts/${other.id}`, { externalId: ext })).status).toBe(409);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM accounts WHERE external_id = ?").bind(ext).first<{ n: number }>();
    expect(count!.n).toBe(1);
  });

  it("answers wrong types and values with every field path at once", async () => {
    const body = await json(
      await api("POST", "/accounts", { externalId: "", name: 7, annualRevenue: -5.5, country: "Germany", customerSince: "2021-02-30", ownerEmail: "nobody", status: "lost" }),
    );
    expect(body.status).toBe(400);
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(
      ["annualRevenue", "country", "customerSince", "externalId", "name", "ownerEmail", "status"],
    );
    expect((await api("POST", "/accounts", { externalId: externalId(), name: "x", annualRevenue: 1, tier: "gold" })).status).toBe(400);
    const parent = await json(await api("POST", "/accounts", { externalId: externalId(), name: "x", annualRevenue: 1, parentId: "acc_missing" }));
    expect(parent.errors).toEqual([{ path: "parentId", message: "no such account" }]);
    expect((await api("PATCH", "/accounts/acc_missing", { name: "x" })).status).toBe(404);
  });

  it("refuses names with a line break, since they end up in email headers (sender name, subject)", async () => {
    const ext = externalId();
    const body = await json(await api("POST", "/accounts", { externalId: ext, name: "Evil\r\nBcc: x@evil.test", annualRevenue: 1, ownerName: "Olivia\nOwner" }));
    expect(body.status).toBe(400);
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["name", "ownerName"]);
    expect(await env.DB.prepare("SELECT 1 FROM accounts WHERE external_id = ?").bind(ext).first()).toBeNull();
  });

  it("lists with filters and a cursor", async () => {
    const segment = `seg-${Date.now().toString(36)}`;
    const ids = [];
    for (const country of ["FR", "FR", "FR", "ES"]) {
      ids.push((await json(await api("POST", "/accounts", { externalId: externalId(), name: "L", annualRevenue: 1, country, segment }))).id);
    }
    const first = await json(await api("GET", `/accounts?segment=${segment}&country=fr&limit=2`));
    expect(first.items.map((a: { id: string }) => a.id)).toEqual(ids.slice(0, 2));
    const second = await json(await api("GET", `/accounts?segment=${segment}&country=FR&limit=2&cursor=${first.nextCursor}`));
    expect(second.items.map((a: { id: string }) => a.id)).toEqual([ids[2]]);
    expect(second.nextCursor).toBeNull();
    expect((await api("GET", "/accounts?status=gone")).status).toBe(400);
  });

  it("lets a read token list but not create", async () => {
    const { token } = await tokenWithScopes(["read"]);
    expect((await api("GET", "/accounts", undefined, { token })).status).toBe(200);
    expect((await api("POST", "/accounts", { externalId: externalId(), name: "x", annualRevenue: 1 }, { token })).status).toBe(403);
    expect((await api("GET", "/accounts", undefined, { token: null })).status).toBe(401);
  });
});
