// Every admin route, fed nonsense: random query strings and unknown ids on every GET; random form bodies (urlencoded
// and multipart, the route's own field names with wrong and huge values) with a valid CSRF token on every POST. An admin
// page never answers 5xx, never JSON, never a stack trace. Deleting and deactivating routes act on fixtures of this file.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { handleSubmittedResponse } from "../../../src/domain/cases/open";
import { adminSession, getPage, postForm, type AdminSession } from "../../support/admin";
import { api, json, workerFetch } from "../../support/api";
import { makeAccount, makeContact, makeInvitation, makeSurvey } from "../../support/fixtures";
import { makeResponse } from "../../support/responses";
import { tokenWithScopes } from "../../support/tokens";
import { loopDeps } from "../../domain/cases/support";

const NUM_RUNS = 8;
const IN_FLIGHT = 4;

/** Route templates; `{kind}` is filled with a fixture's id of that kind, an unknown id, or a weird string. */
const GET_ROUTES = [
  "/admin", "/admin/accounts", "/admin/accounts/{account}", "/admin/responses", "/admin/cases", "/admin/cases/{case}", "/admin/markets",
  "/admin/surveys", "/admin/surveys/new", "/admin/surveys/{survey}", "/admin/surveys/{survey}/versions/{version}",
  "/admin/sending", "/admin/sending/rules", "/admin/sending/rules/new", "/admin/sending/rules/{rule}", "/admin/sending/eligibility",
  "/admin/sending/planner", "/admin/sending/invitations", "/admin/sending/coverage",
  "/admin/directory", "/admin/directory/accounts", "/admin/directory/contacts", "/admin/directory/import",
  "/admin/people", "/admin/webhooks", "/admin/webhooks/{webhook}", "/admin/webhooks/{webhook}/deliveries/{delivery}",
  "/admin/administration", "/admin/tokens", "/admin/settings", "/admin/holidays", "/admin/audit", "/admin/outbox",
  "/admin/login", "/admin/sign-in", "/admin/no-such-page",
];

/** POST routes and the page whose forms name their fields. /admin/logout is left out: it would end the session. */
const POST_ROUTES: [string, string][] = [
  ["/admin/login", "/admin/login"], ["/admin/login/email", "/admin/login"], ["/admin/sign-in", "/admin/sign-in"],
  ["/admin/tokens", "/admin/tokens"], ["/admin/tokens/{token}/revoke", "/admin/tokens"],
  ["/admin/settings", "/admin/settings"], ["/admin/holidays", "/admin/holidays"], ["/admin/holidays/{date}/delete", "/admin/holidays"],
  ...["acknowledge", "assign", "notes", "close", "reopen", "recheck", "nonsense"].map((a): [string, string] => [`/admin/cases/{case}/${a}`, "/admin/cases/{case}"]),
  ["/admin/directory/import", "/admin/directory/import"],
  ["/admin/people", "/admin/people"], ["/admin/people/{user}/role", "/admin/people"], ["/admin/people/{user}/deactivate", "/admin/people"], ["/admin/people/{user}/reactivate", "/admin/people"],
  ["/admin/sending/rules", "/admin/sending/rules/new"], ["/admin/sending/rules/{rule}", "/admin/sending/rules/{rule}"], ["/admin/sending/rules/{rule}/delete", "/admin/sending/rules/{rule}"],
  ["/admin/sending/planner/send", "/admin/sending/planner?surveyId={survey}"],
  ["/admin/surveys/new", "/admin/surveys/new"], ["/admin/surveys/preview", "/admin/surveys/{draft}"], ["/admin/surveys/{draft}", "/admin/surveys/{draft}"], ["/admin/surveys/{survey}/archive", "/admin/surveys/{survey}"],
  ["/admin/webhooks", "/admin/webhooks"], ["/admin/webhooks/{webhook}/rotate-secret", "/admin/webhooks/{webhook}"], ["/admin/webhooks/{webhook}/deliveries/{delivery}/replay", "/admin/webhooks/{webhook}"],
];

const weird = fc.constantFrom("%00", "x%2Fy", "%E2%82%AC", "' OR 1=1 --", "-1", "1e999", "😀", "[]", "__proto__", "constructor");
const huge = fc.constantFrom(1000, 60_000).map((n) => "x".repeat(n));
const value = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("", "0", "-1", "on", "true", "2026-02-30", "NaN", "1e309", "a@b", "https://x"), weird, fc.integer().map(String), huge);

/** An admin page: any status below 500, HTML (a redirect may have no body), never JSON, never a stack trace. */
async function expectAdminPage(res: Response, context: string) {
  const text = await res.text();
  expect(res.status, `${context} → ${res.status} ${text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status < 300 || res.status >= 400) {
    expect(res.headers.get("content-type") ?? "", `${context} → ${res.status} ${text.slice(0, 200)}`).toContain("text/html");
    expect(text.trimStart().startsWith("{"), context).toBe(false);
  }
  expect(text, context).not.toMatch(/\bat .*\.(ts|js|tsx):\d+/);
}

async function inPool<T>(items: T[], work: (item: T) => Promise<void>) {
  const queue = [...items];
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

describe("no input makes an admin page answer 5xx, JSON or a stack trace", () => {
  let session: AdminSession;
  const ids: Record<string, string[]> = {};
  const fieldsOf = new Map<string, string[]>();

  const fill = (template: string, pick: (kind: string) => string) => template.replace(/\{(\w+)\}/g, (_, kind: string) => encodeURIComponent(pick(kind)));

  beforeAll(async () => {
    session = await adminSession();
    const account = await makeAccount();
    const contact = await makeContact(account.id, { name: "Dana Detractor" });
    const survey = await makeSurvey();
    const draft = await makeSurvey({ status: "draft" });
    await makeInvitation(contact, survey);
    const { response } = await makeResponse(contact, survey, {
      submittedAt: new Date().toISOString(),
      answers: [{ type: "nps", value: 2, questionId: "nps" }, { type: "text", text: "Nobody called back.", questionId: "why" }],
    });
    const opened = await handleSubmittedResponse(loopDeps(), response.id, new Date());
    const users = await Promise.all(["analyst", "account_manager"].map(async (role) => (await json(await api("POST", "/users", { email: `robust-${role}-${Date.now()}@vendor.test`, name: `Robust ${role}`, role }))).id as string));
    const tokens = await Promise.all([1, 2].map(async (n) => (await tokenWithScopes(["read"], `robust ${n}`)).id));
    const webhook = await json(await api("POST", "/webhooks", { url: "https://hooks.example.com/robust", events: ["case.opened"] }));
    const rule = await json(await api("POST", "/frequency-rules", { id: `robust-${Date.now()}`, scope: "contact", per: null, counts: "sent", windowDays: 30, max: 1, action: "skip", enabled: false }));
    await api("POST", "/holidays", { date: "2031-12-24", label: "Robust holiday" });
    Object.assign(ids, {
      account: [account.id], case: [opened.caseId].filter(Boolean), survey: [survey.survey.id], draft: [draft.survey.id], version: ["1"],
      rule: [rule.id].filter(Boolean), webhook: [webhook.id], delivery: ["dlv_unknown"], token: tokens, user: users, date: ["2031-12-24"],
    } as Record<string, string[]>);
    // The walk must reach real fixtures, not only unknown ids: every kind has an id.
    for (const [kind, values] of Object.entries(ids)) expect(values.length > 0 && values.every((id) => typeof id === "string" && id !== ""), `no ${kind} fixture`).toBe(true);
    for (const [, page] of POST_ROUTES) {
      if (fieldsOf.has(page)) continue;
      const html = (await getPage(session, fill(page, (kind) => ids[kind]![0] ?? "x"))).html;
      fieldsOf.set(page, [...new Set([...html.matchAll(/name="([^"]+)"/g)].map((m) => m[1]!).filter((n) => n !== "csrf" && n !== "viewport"))]);
    }
  }, 60_000);

  const pathPart = (kind: string) => fc.oneof(fc.constantFrom(...(ids[kind]?.length ? ids[kind]! : ["x"])), fc.constantFrom("unknown", "acc_0", "999999"), weird, fc.string({ minLength: 1, maxLength: 20 }), fc.integer({ min: 300, max: 3000 }).map((n) => "y".repeat(n)));
  const pathFor = (template: string) => {
    const kinds = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    return fc.tuple(...kinds.map(pathPart)).map((values) => {
      let i = 0;
      return template.replace(/\{(\w+)\}/g, () => encodeURIComponent(values[i++]!));
    });
  };
  const QUERY_NAMES = ["q", "cursor", "page", "period", "from", "to", "surveyId", "accountId", "status", "kind", "role", "stage", "band", "scope", "team", "metric", "cut", "by", "quarter", "contactId", "done", "planKey", "limit", "withText", "rule", "wave", "entityType", "include", "tab"];
  const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_NAMES), fc.string({ maxLength: 8 })), value), { maxLength: 4 })
    .map((pairs) => (pairs.length ? `?${new URLSearchParams(pairs).toString()}` : ""));

  it("a search for a long address finds its contact (was 503: D1 refuses a LIKE pattern over 50 bytes); an absurd one is a 400 page", async () => {
    const account = await makeAccount();
    const email = `${"a-very-long-mailbox-name-of-a-procurement-team".repeat(2)}-${Date.now()}@customer.test`;
    const contact = await makeContact(account.id, { email });
    for (const path of ["/admin/directory", "/admin/directory/contacts", "/admin/sending/eligibility"]) {
      const page = await getPage(session, `${path}?q=${encodeURIComponent(email.toUpperCase())}`);
      expect(page.status, path).toBe(200);
      expect(page.html, path).toContain(contact.email);
    }
    expect((await getPage(session, `/admin/directory/accounts?q=${"%".repeat(60)}`)).status).toBe(200);
    for (const path of ["/admin/directory", "/admin/directory/accounts", "/admin/directory/contacts", "/admin/sending/eligibility"]) {
      const res = await workerFetch(`${path}?q=${"x".repeat(60_000)}`, { headers: { cookie: session.cookie } });
      expect(res.status, path).toBe(400);
      expect(res.headers.get("content-type"), path).toContain("text/html");
      expect(await res.text(), path).toContain("at most 500 characters");
    }
  });

  it("a survey form with a huge locale is re-rendered with its problems (was 503: the error summary built a RegExp from the field path)", async () => {
    const page = await postForm(session, "/admin/surveys/new", { name: "Robust survey", defaultLocale: "x".repeat(60_000), "questions.0.showIf.questionId": "1e309" });
    expect(page.status).toBeGreaterThanOrEqual(400);
    expect(page.status).toBeLessThan(500);
    expect(page.html).toContain('id="error-summary"');
  });

  it("GET: random query strings and unknown ids answer an HTML page below 500", async () => {
    let requests = 0;
    const failures: string[] = [];
    await inPool(GET_ROUTES, async (route) => {
      const run = await fc.check(
        fc.asyncProperty(pathFor(route), query, async (path, q) => {
          requests++;
          const res = await workerFetch(path + q, { redirect: "manual", headers: { cookie: session.cookie } });
          await expectAdminPage(res, `GET ${(path + q).slice(0, 300)}`);
        }),
        { numRuns: NUM_RUNS, endOnFailure: true },
      );
      if (run.failed) failures.push(`GET ${route}: ${String(run.errorInstance).slice(0, 600)}`);
    });
    console.info(`admin GET walk: ${GET_ROUTES.length} routes, ${requests} requests`);
    expect(failures).toEqual([]);
  }, 300_000);

  it("POST: random urlencoded and multipart forms with a valid CSRF token answer an HTML page below 500", async () => {
    let requests = 0;
    const failures: string[] = [];
    await inPool(POST_ROUTES, async ([route, page]) => {
      const names = fieldsOf.get(page)?.length ? fieldsOf.get(page)! : ["name", "value"];
      const form = fc.array(fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }), value), { maxLength: 8 });
      const run = await fc.check(
        fc.asyncProperty(pathFor(route), form, fc.boolean(), async (path, fields, multipart) => {
          requests++;
          let body: BodyInit;
          const headers: Record<string, string> = { cookie: session.cookie, origin: "http://quorum.test" };
          if (multipart) {
            const data = new FormData();
            data.append("csrf", session.csrf);
            // (workerd's FormData refuses a name ending in a backslash: the test's limit, not the page's)
            fields.forEach(([raw, v], i) => {
              const name = raw.replace(/\\+$/, "");
              if (i % 3 === 2) data.append(name, new File([v], "upload.csv", { type: "text/csv" }));
              else data.append(name, v);
            });
            body = data;
          } else {
            body = new URLSearchParams([["csrf", session.csrf], ...fields]).toString();
            headers["content-type"] = "application/x-www-form-urlencoded";
          }
          const res = await workerFetch(path, { method: "POST", redirect: "manual", headers, body });
          await expectAdminPage(res, `POST ${path.slice(0, 200)} ${multipart ? "multipart" : "urlencoded"} ${JSON.stringify(fields.map(([n, v]) => [n, v.slice(0, 40)]))}`);
        }),
        { numRuns: NUM_RUNS, endOnFailure: true },
      );
      if (run.failed) failures.push(`POST ${route}: ${String(run.errorInstance).slice(0, 800)}`);
    });
    console.info(`admin POST walk: ${POST_ROUTES.length} routes, ${requests} requests`);
    expect(failures).toEqual([]);
  }, 300_000);
});
