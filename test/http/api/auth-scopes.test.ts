import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TokenScope } from "../../../src/db/schema";
import { api, json } from "../../support/api";
import { makeAccount, makeContact, makeSurvey } from "../../support/fixtures";
import { tokenWithScopes } from "../../support/tokens";

/** Rows any of these writes would add; a refused request must leave every count as it was. */
const counts = () =>
  env.DB.prepare(
    `SELECT (SELECT count(*) FROM audit_log) AS audit, (SELECT count(*) FROM journey_stages) AS stages,
            (SELECT count(*) FROM frequency_rules) AS rules, (SELECT count(*) FROM journey_events) AS events,
            (SELECT count(*) FROM invitations) AS invitations, (SELECT count(*) FROM holidays) AS holidays`,
  ).first();

describe("auth on the routers without their own scope tests: no token, wrong scope, revoked", () => {
  it("journey stages, frequency rules, holidays and events refuse a missing, revoked or under-scoped token and write nothing", async () => {
    const account = await makeAccount();
    await makeContact(account.id, { role: "champion" });
    await makeSurvey({ kind: "transactional", journeyStage: "onboarding" });
    const read = await tokenWithScopes(["read"]);
    const integration = await tokenWithScopes(["integration"]);
    const revoked = await tokenWithScopes(["admin"]);
    expect((await api("DELETE", `/tokens/${revoked.id}`)).status).toBe(200);

    const event = { id: `evt-auth-${Date.now()}`, type: "stage.reached", stage: "onboarding", accountExternalId: account.externalId, occurredAt: "2026-11-20" };
    const writes: [string, string, unknown, TokenScope[]][] = [
      // method, path, body, scopes that may NOT do it (besides no token and a revoked admin token)
      ["POST", "/journey-stages", { key: "auth_probe", label: "Probe" }, ["read", "integration"]],
      ["PATCH", "/journey-stages/onboarding", { label: "Changed" }, ["read", "integration"]],
      ["DELETE", "/journey-stages/renewal", undefined, ["read", "integration"]],
      ["POST", "/frequency-rules", { id: "auth-probe", scope: "contact", counts: "sent", windowDays: 7, max: 1, action: "skip" }, ["read", "integration"]],
      ["PATCH", "/frequency-rules/contact-cooldown", { max: 9 }, ["read", "integration"]],
      ["DELETE", "/frequency-rules/account-weekly", undefined, ["read", "integration"]],
      ["POST", "/holidays", { date: "2026-12-24", label: "Eve" }, ["read", "integration"]],
      ["POST", "/events", event, ["read"]],
    ];
    const before = await counts();
    for (const [method, path, body, refused] of writes) {
      const anonymous = await api(method, path, body, { token: null });
      expect(anonymous.status, `${method} ${path} without a token`).toBe(401);
      expect(anonymous.headers.get("content-type")).toContain("application/problem+json");
      expect((await api(method, path, body, { token: revoked.token })).status, `${method} ${path} revoked`).toBe(401);
      for (const scope of refused) {
        const token = scope === "read" ? read.token : integration.token;
        const res = await api(method, path, body, { token });
        expect(res.status, `${method} ${path} with ${scope}`).toBe(403);
        expect((await json(res)).detail).toContain("admin");
      }
    }
    expect(await counts()).toEqual(before);

    // Reads: a read token may read the configuration; integrations may not read the directory's configuration.
    for (const path of ["/journey-stages", "/frequency-rules"]) {
      expect((await api("GET", path, undefined, { token: null })).status).toBe(401);
      expect((await api("GET", path, undefined, { token: read.token })).status).toBe(200);
      expect((await api("GET", path, undefined, { token: integration.token })).status).toBe(403);
    }

    // The integration scope is what posts journey events.
    expect((await api("POST", "/events", event, { token: integration.token })).status).toBe(201);
  });
});
