import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { api, json, workerFetch } from "../../support/api";
import { makeAccount, makeContact, makeSurvey } from "../../support/fixtures";

/** Any JSON value, including the wrong types in the right places. */
const anyJson = fc.jsonValue({ maxDepth: 3 });
const field = (keys: string[]) => fc.dictionary(fc.constantFrom(...keys), anyJson, { maxKeys: keys.length });

async function expectClientError(res: Response) {
  const text = await res.text();
  expect(res.status, text).toBeLessThan(500);
  if (res.status >= 400) {
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack trace
  }
}

describe("no input makes the directory, survey, settings or import endpoints answer 500", () => {
  it("POST and PATCH bodies of random shapes get 2xx or a problem+json 4xx", async () => {
    const account = await makeAccount();
    const contact = await makeContact(account.id);
    const { survey } = await makeSurvey({ status: "draft" });
    const targets: [string, string, string[]][] = [
      ["POST", "/accounts", ["externalId", "name", "annualRevenue", "status", "country", "customerSince", "ownerEmail", "parentId", "revenueEffectiveFrom"]],
      ["PATCH", `/accounts/${account.id}`, ["annualRevenue", "status", "churnedAt", "country", "revenueEffectiveFrom", "parentId"]],
      ["POST", "/contacts", ["accountId", "email", "role", "locale", "name"]],
      ["PATCH", `/contacts/${contact.id}`, ["accountId", "role", "locale", "status", "email"]],
      ["POST", "/surveys", ["name", "kind", "journeyStage", "targetRoles", "texts", "questions", "fractionPerWave", "defaultLocale"]],
      ["PATCH", `/surveys/${survey.id}`, ["questions", "texts", "defaultLocale", "kind", "targetRoles"]],
      ["PATCH", "/settings", ["timeZone", "fiscalYearStartMonth", "defaultLocale", "caseNpsMax"]],
      ["POST", "/holidays", ["date", "label"]],
      ["POST", "/journey-stages", ["key", "label", "position"]],
      ["POST", "/tokens", ["name", "scopes"]],
      ["POST", "/accounts/import", ["externalId", "name", "annualRevenue"]],
      ["POST", "/contacts/import", ["email", "role", "accountExternalId"]],
    ];
    for (const [method, path, keys] of targets) {
      await fc.assert(
        fc.asyncProperty(fc.oneof(field(keys), fc.array(field(keys), { maxLength: 3 }), anyJson), async (body) => {
          await expectClientError(await api(method, path, body));
        }),
        { numRuns: 15 },
      );
    }
  });

  it("random text and bytes as CSV get a report or a problem+json 4xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }).map((b) => new TextDecoder().decode(b))), async (text) => {
        for (const path of ["/accounts/import", "/contacts/import"]) {
          const res = await api("POST", path, `External ID,Email,Name,Annual Revenue,Role\n${text}`, { headers: { "content-type": "text/csv" } });
          await expectClientError(res);
        }
      }),
      { numRuns: 15 },
    );
  });

  it("malformed cursors, ids and query values are 4xx", async () => {
    for (const path of ["/accounts?cursor=%%%", "/contacts?limit=0", "/surveys?limit=abc", "/audit-log?cursor=@@", "/accounts/%00", "/surveys/x/versions", "/holidays?from=tomorrow"]) {
      await expectClientError(await api("GET", path));
    }
    await expectClientError(await workerFetch("/api/v1/accounts", { method: "POST", headers: { authorization: "Bearer x" }, body: "{" }));
  });

  it("every endpoint of this slice is in the OpenAPI document", async () => {
    const doc = await json(await workerFetch("/api/v1/openapi.json"));
    for (const path of ["/accounts", "/accounts/{id}", "/accounts/import", "/contacts", "/contacts/{id}", "/contacts/import", "/contacts/{id}/erase", "/contacts/{id}/export", "/surveys", "/surveys/{id}/publish", "/surveys/{id}/archive", "/surveys/{id}/versions", "/journey-stages/{key}", "/tokens/{id}", "/audit-log", "/settings", "/holidays/{date}"]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
  });
});
