// Every operation of the OpenAPI document, walked: random path ids (real, unknown, weird, very long), random query
// strings from the operation's declared parameters, and bodies shaped like its schema with wrong types, arbitrary JSON
// and non-JSON. No answer may be a 5xx; a 4xx is problem+json; no stack trace ever. A read token's writes are 403s
// that write nothing.
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { api, json, workerFetch } from "../../support/api";
import { makeAccount, makeContact, makeInvitation, makeSurvey } from "../../support/fixtures";
import { tokenWithScopes } from "../../support/tokens";

type Schema = { $ref?: string; properties?: Record<string, Schema>; items?: Schema; allOf?: Schema[]; anyOf?: Schema[]; oneOf?: Schema[]; enum?: unknown[]; type?: string | string[] };
interface Parameter { name: string; in: string; schema?: Schema }
interface Operation { method: string; path: string; parameters: Parameter[]; bodyKeys: string[] | null; bodyTypes: string[] }

const NUM_RUNS = 8;
/** Operations walked at once: most of a request's time is waiting on D1, so a few in flight keep the file short. */
const IN_FLIGHT = 4;
const anyJson = fc.jsonValue({ maxDepth: 3 });
const weird = fc.constantFrom("%00", "..", "x%2Fy", "%E2%82%AC", "' OR 1=1 --", "null", "-1", "1e999", "9007199254740993", "acc_", "%20", "😀", "[]", "{}");
const longString = fc.constantFrom(500, 5000, 60_000).map((n) => "x".repeat(n));

async function expectNoServerError(res: Response, context: string) {
  const text = await res.text();
  expect(res.status, `${context} → ${res.status} ${text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400) expect(res.headers.get("content-type"), `${context} → ${res.status}`).toContain("application/problem+json");
  expect(text, context).not.toMatch(/\bat .*\.(ts|js):\d+/);
}

function resolve(doc: any, schema: Schema | undefined, depth = 0): Schema {
  if (!schema || depth > 5) return {};
  if (schema.$ref) return resolve(doc, schema.$ref.replace(/^#\//, "").split("/").reduce((o: any, k) => o?.[k], doc), depth + 1);
  return schema;
}

/** The property names a body schema names anywhere in its top level (objects, arrays of objects, unions). */
function propertyNames(doc: any, schema: Schema | undefined, depth = 0): string[] {
  const s = resolve(doc, schema);
  if (depth > 3) return [];
  const names = Object.keys(s.properties ?? {});
  for (const part of [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])]) names.push(...propertyNames(doc, part, depth + 1));
  if (s.items) names.push(...propertyNames(doc, s.items, depth + 1));
  return [...new Set(names)];
}

function operations(doc: any): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const method of ["get", "post", "put", "patch", "delete"]) {
      const op = item[method];
      if (!op) continue;
      const parameters: Parameter[] = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p: any) => resolve(doc, p) as unknown as Parameter);
      const content = op.requestBody ? resolve(doc, op.requestBody as Schema) as any : null;
      const bodyTypes = Object.keys(content?.content ?? {});
      const bodyKeys = content ? propertyNames(doc, content.content?.["application/json"]?.schema) : null;
      ops.push({ method: method.toUpperCase(), path, parameters, bodyKeys, bodyTypes });
    }
  }
  return ops;
}

/** A random value for a declared query parameter: a valid-looking one from its enum, or something wrong. */
function queryValue(doc: any, p: Parameter) {
  const s = resolve(doc, p.schema);
  const enumValues = (s.enum ?? []).map(String);
  return fc.oneof(
    ...(enumValues.length ? [fc.constantFrom(...enumValues)] : []),
    fc.string({ maxLength: 20 }),
    fc.integer({ min: -1000, max: 1_000_000 }).map(String),
    fc.constantFrom("", "0", "-1", "true", "2026-13-45", "1.5", "NaN", "%%%", "@@"),
    weird,
    longString,
  );
}

/** Runs `work` over `items`, IN_FLIGHT at a time. */
async function inPool<T>(items: T[], work: (item: T) => Promise<void>) {
  const queue = [...items];
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

/** POST /sends' Idempotency-Key: absent, reused across different bodies, empty, or far too long. */
const idempotencyKey = fc.option(fc.constantFrom("robust-key-1", "robust-key-2", "", " ", "x".repeat(300), "x".repeat(5000)));

const fill = (path: string, values: Record<string, string>) => path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? "x"));

describe("every operation of the OpenAPI document answers bad input with a 4xx, never a 5xx", () => {
  let doc: any;
  let ops: Operation[];
  let realIds: string[];
  let readToken: string;

  beforeAll(async () => {
    const res = await workerFetch("/api/v1/openapi.json");
    expect(res.status).toBe(200);
    doc = await res.json();
    ops = operations(doc);
    const account = await makeAccount();
    const contact = await makeContact(account.id);
    const survey = await makeSurvey();
    const draft = await makeSurvey({ status: "draft" });
    const invitation = await makeInvitation(contact, survey);
    const user = await json(await api("POST", "/users", { email: `robust-${Date.now()}@vendor.test`, name: "Robust", role: "analyst" }));
    const webhook = await json(await api("POST", "/webhooks", { url: "https://hooks.example.com/quorum", events: ["case.opened"] }));
    const anyToken = await tokenWithScopes(["read"], "robustness target");
    readToken = (await tokenWithScopes(["read"], "robustness reader")).token;
    realIds = [account.id, contact.id, survey.survey.id, draft.survey.id, invitation.id, user.id, webhook.id, anyToken.id, "relationship", "2026-12-24", "1"].filter(Boolean);
  });

  const pathValue = () => fc.oneof(fc.constantFrom(...realIds), fc.constantFrom("acc_unknown", "con_0000000000", "sur_nope", "inv_x", "usr_x", "whk_x", "0", "999999"), weird, fc.string({ maxLength: 30 }), longString);

  /** Ids that exist and ids that do not, but always a path that routes (a reader's write must meet the scope guard). */
  const knownIds = () => fc.oneof(fc.constantFrom(...realIds), fc.constantFrom("acc_unknown", "sur_nope", "whk_x", "999999"));

  function pathValues(op: Operation, value = pathValue) {
    const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    return fc.record(Object.fromEntries(names.map((n) => [n, value()])) as Record<string, fc.Arbitrary<string>>);
  }

  function queryString(op: Operation) {
    const declared = op.parameters.filter((p) => p.in === "query");
    const entries = declared.length
      ? fc.array(fc.constantFrom(...declared).chain((p) => queryValue(doc, p).map((v) => [p.name, v] as const)), { maxLength: 4 })
      : fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })), { maxLength: 2 });
    return entries.map((pairs) => (pairs.length ? `?${new URLSearchParams(pairs as [string, string][]).toString()}` : ""));
  }

  function body(op: Operation) {
    const keys = op.bodyKeys ?? [];
    const shaped = keys.length ? fc.dictionary(fc.constantFrom(...keys), fc.oneof(anyJson, longString, weird), { maxKeys: keys.length }) : anyJson;
    return fc.oneof(
      shaped.map((b) => ({ text: JSON.stringify(b), type: "application/json" })),
      fc.array(shaped, { maxLength: 3 }).map((b) => ({ text: JSON.stringify(b), type: "application/json" })),
      anyJson.map((b) => ({ text: JSON.stringify(b), type: "application/json" })),
      fc.constantFrom("{", "not json", "", "\u0000", '{"a":').map((text) => ({ text, type: "application/json" })),
      fc.string({ maxLength: 200 }).map((text) => ({ text, type: "text/csv" })),
      fc.string({ maxLength: 100 }).map((text) => ({ text, type: "application/x-www-form-urlencoded" })),
    );
  }

  it("covers the operations of the document (and finds the ones it should)", () => {
    expect(ops.length).toBeGreaterThan(60);
    for (const path of ["/users", "/users/{id}/sign-in-link", "/cases/{id}/close", "/webhooks/{id}/deliveries/{deliveryId}/replay", "/responses", "/responses/import", "/scores/trend", "/scoring/runs", "/invitations", "/sends"]) {
      expect(ops.some((o) => o.path === path), path).toBe(true);
    }
  });

  it("random path ids, query strings and bodies with an admin token: 2xx or problem+json 4xx", async () => {
    let requests = 0;
    const failures: string[] = [];
    await inPool(ops, async (op) => {
      const run = await fc.check(
        fc.asyncProperty(pathValues(op), queryString(op), op.method === "GET" || op.method === "DELETE" ? fc.constant(null) : body(op), idempotencyKey, async (params, query, payload, key) => {
          const path = fill(op.path, params) + query;
          const headers: Record<string, string> = {};
          if (payload) headers["content-type"] = payload.type;
          if (op.path === "/sends" && key !== null) headers["idempotency-key"] = key;
          requests++;
          const res = await api(op.method, path, payload?.text, { headers });
          await expectNoServerError(res, `${op.method} ${path} ${payload?.type ?? ""} ${payload?.text.slice(0, 200) ?? ""}`);
        }),
        { numRuns: NUM_RUNS, endOnFailure: true },
      );
      if (run.failed) failures.push(`${op.method} ${op.path}: ${String(run.errorInstance).slice(0, 600)}`);
    });
    console.info(`admin walk: ${ops.length} operations, ${requests} requests`);
    expect(failures).toEqual([]);
  }, 300_000);

  it("a read token's writes are 403 problem+json and write nothing", async () => {
    const auditRows = async () => (await env.DB.prepare("SELECT count(*) AS n FROM audit_log").first<{ n: number }>())!.n;
    const before = await auditRows();
    let requests = 0;
    const failures: string[] = [];
    // Mail provider webhooks are signed by the provider, not token-scoped: they are in the admin walk, not here.
    await inPool(ops.filter((o) => o.method !== "GET" && !o.path.startsWith("/mail-events")), async (op) => {
      const run = await fc.check(
        fc.asyncProperty(pathValues(op, knownIds), body(op), async (params, payload) => {
          const path = fill(op.path, params);
          requests++;
          const res = await api(op.method, path, payload.text, { token: readToken, headers: { "content-type": payload.type } });
          const text = await res.clone().text();
          await expectNoServerError(res, `${op.method} ${path} as reader`);
          // Cases let a read token work them as an analyst would (access per role, decided by the domain): a 4xx is enough.
          if (op.path.startsWith("/cases")) expect(res.status, text).toBeGreaterThanOrEqual(400);
          else expect(res.status, `${op.method} ${path} as reader → ${res.status} ${text.slice(0, 200)}`).toBe(403);
        }),
        { numRuns: 2, endOnFailure: true },
      );
      if (run.failed) failures.push(`${op.method} ${op.path}: ${String(run.errorInstance).slice(0, 400)}`);
    });
    expect(failures).toEqual([]);
    expect(await auditRows()).toBe(before);
    console.info(`reader walk: ${requests} requests`);
  }, 120_000);
});
