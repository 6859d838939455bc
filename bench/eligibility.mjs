#!/usr/bin/env node
// npm run bench — the frequency engine at benchmark scale: 10k accounts / 100k contacts / 300k invitations of the
// last 60 days in a local D1 file (filled with sqlite3), the Worker under `wrangler dev --port 8790` against it.
// Measures eligibility checks per second (GET /contacts/{id}/eligibility, concurrent clients) and the cost of
// planning a send to every contact (POST /sends/plan with an empty filter: one read-only statement over ~100k
// candidates). Figures go to the README; this is not a test. Flags: --keep (reuse the generated data).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { buildFrozenWorker, startWranglerDev } from "./support/worker.mjs";

const ROOT = new URL("..", import.meta.url).pathname;
const DATA = join(ROOT, "bench/.data/eligibility");
const BUILD = join(ROOT, "bench/.data/eligibility-build");
const PORT = Number(process.env.BENCH_PORT ?? 8790);
const BASE = `http://127.0.0.1:${PORT}`;
const TOKEN = "bench-admin-token-0123456789abcdef";
const SCALE = { accounts: 10_000, contactsPerAccount: 10, invitations: 300_000, windowDays: 60 };
const CHECKS = Number(process.env.BENCH_CHECKS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" };
const keep = process.argv.includes("--keep");

const sqliteFile = () => {
  const dir = join(DATA, "v3/d1/miniflare-D1DatabaseObject");
  const file = readdirSync(dir).find((f) => f.endsWith(".sqlite"));
  if (!file) throw new Error(`no sqlite file under ${dir}`);
  return join(dir, file);
};
const sqlite = (file, script) => execFileSync("sqlite3", [file], { input: script, encoding: "utf8", maxBuffer: 1 << 26 });
const ms = (n) => `${n.toFixed(1)} ms`;

function generate() {
  rmSync(DATA, { recursive: true, force: true });
  mkdirSync(DATA, { recursive: true });
  const applied = spawnSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", DATA], { cwd: ROOT, env, encoding: "utf8" });
  if (applied.status !== 0) throw new Error(`migrations failed:\n${applied.stdout}\n${applied.stderr}`);
  const started = Date.now();
  sqlite(sqliteFile(), dataScript());
  console.log(`generated ${SCALE.accounts} accounts, ${SCALE.accounts * SCALE.contactsPerAccount} contacts, ${SCALE.invitations} invitations in ${Date.now() - started} ms`);
}

/** All in SQL (recursive CTEs): invitations admitted over the last 60 days, so every rule has events to count. */
function dataScript() {
  const n = SCALE.accounts * SCALE.contactsPerAccount;
  const q = JSON.stringify([{ id: "ces", type: "ces", text: { en: "Easy?" } }]);
  const texts = JSON.stringify({ en: { title: "Feedback", intro: "Why we ask" } });
  return `
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
INSERT INTO accounts (id, external_id, name, annual_revenue, status, country, segment)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${SCALE.accounts})
  SELECT printf('acc_%05d', i), printf('crm-%05d', i), printf('Account %d', i), 10000 + (abs(random()) % 1000000),
    CASE WHEN i % 25 = 0 THEN 'churned' ELSE 'active' END, 'DE', 'Enterprise' FROM n;
INSERT INTO contacts (id, account_id, email, name, role, status, prn)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n})
  SELECT printf('con_%06d', i), printf('acc_%05d', (i - 1) / ${SCALE.contactsPerAccount} + 1), printf('p%d@customer.test', i), 'Pat',
    json_extract('["decision_maker","champion","finance","end_user","end_user"]', '$[' || (i % 5) || ']'),
    CASE WHEN i % 40 = 0 THEN 'unsubscribed' ELSE 'active' END, (abs(random()) % 1000000) / 1000000.0 FROM n;
INSERT INTO surveys (id, name, kind, journey_stage, target_roles, texts, questions, status, current_version_id) VALUES
  ('sur_ces', 'Support CES', 'transactional', 'support', '[]', '${texts}', '${q}', 'active', 'ver_ces'),
  ('sur_rel', 'Relationship', 'relational', 'relationship', '[]', '${texts}', '${q}', 'active', 'ver_rel');
INSERT INTO survey_versions (id, survey_id, version, questions, texts, default_locale, published_at) VALUES
  ('ver_ces', 'sur_ces', 1, '${q}', '${texts}', 'en', '2026-01-01T00:00:00.000Z'),
  ('ver_rel', 'sur_rel', 1, '${q}', '${texts}', 'en', '2026-01-01T00:00:00.000Z');
INSERT INTO invitations (id, survey_id, survey_version_id, contact_id, account_id, kind, journey_stage, status, cause_type, admitted_at, sent_at, expires_at)
  WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${SCALE.invitations}),
  pick AS (SELECT i, 1 + abs(random()) % ${n} AS c, abs(random()) % 2 AS rel,
                  strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (abs(random()) % (${SCALE.windowDays} * 1440)) || ' minutes') AS at FROM k)
  SELECT printf('inv_%07d', i), CASE rel WHEN 1 THEN 'sur_rel' ELSE 'sur_ces' END, CASE rel WHEN 1 THEN 'ver_rel' ELSE 'ver_ces' END,
    printf('con_%06d', c), printf('acc_%05d', (c - 1) / ${SCALE.contactsPerAccount} + 1),
    CASE rel WHEN 1 THEN 'relational' ELSE 'transactional' END, CASE rel WHEN 1 THEN 'relationship' ELSE 'support' END,
    'sent', 'manual', at, at, strftime('%Y-%m-%dT%H:%M:%fZ', at, '+30 days') FROM pick;
COMMIT;
ANALYZE;
`;
}

async function startWorker() {
  const vars = {
    ADMIN_TOKEN: TOKEN,
    HMAC_SECRET: "bench-hmac-secret",
    LINK_KEYS: JSON.stringify({ b1: "bench-link-secret-0123456789abcdef" }),
    LINK_CURRENT_KID: "b1",
    PUBLIC_URL: BASE,
  };
  const worker = await startWranglerDev({ config: buildFrozenWorker(BUILD), port: PORT, persistTo: DATA, vars });
  return Object.assign(worker.stop, { output: worker.output });
}

/** One API call, timed. wrangler dev sometimes restarts its runtime (e.g. after its offline Request.cf lookup
 * fails); the plan is read-only, so a request cut by such a restart is simply sent again. */
const call = async (method, path, body, attempt = 1) => {
  const started = performance.now();
  const res = await fetch(`${BASE}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status === 503 && text.includes("restarted mid-request") && attempt < 3) return call(method, path, body, attempt + 1);
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 300)}`);
  }
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${JSON.stringify(json)}`);
  return { json, elapsed: performance.now() - started };
};

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

/** `count` GETs of pathOf(i) from `concurrency` clients: requests per second and latency percentiles. */
async function load(pathOf, count, concurrency) {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) latencies.push((await call("GET", pathOf(next++))).elapsed);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { count, concurrency, perSecond: Math.round(count / seconds), p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95) };
}

const contactCount = SCALE.accounts * SCALE.contactsPerAccount;
const eligibilityPath = (i) =>
  `/contacts/con_${String(1 + ((i * 7919) % contactCount)).padStart(6, "0")}/eligibility?surveyId=${i % 2 ? "sur_ces" : "sur_rel"}`;
const report = (label, r) =>
  console.log(`${label}: ${r.perSecond}/s with ${r.concurrency} client(s) (p50 ${ms(r.p50)}, p95 ${ms(r.p95)}, ${r.count} requests)`);

async function benchPlan() {
  const runs = [];
  for (let k = 0; k < 3; k++) runs.push(await call("POST", "/sends/plan", { surveyId: "sur_ces", filter: {}, limit: 200 }));
  const best = runs.reduce((a, b) => (a.elapsed < b.elapsed ? a : b));
  const oneAccount = await call("POST", "/sends/plan", { surveyId: "sur_ces", accountIds: ["acc_00042"] });
  return { candidates: best.json.totals.candidates, totals: best.json.totals, bestMs: best.elapsed, allMs: runs.map((r) => r.elapsed), oneAccountMs: oneAccount.elapsed };
}

if (!keep || !existsSync(DATA)) generate();
const stop = await startWorker();
try {
  await call("GET", "/contacts/con_000001/eligibility?surveyId=sur_ces"); // warm up
  report("baseline GET /frequency-rules (one small query)", await load(() => "/frequency-rules", Math.min(CHECKS, 500), CONCURRENCY));
  report("eligibility checks", await load(eligibilityPath, CHECKS, CONCURRENCY));
  report("eligibility checks", await load(eligibilityPath, Math.min(CHECKS, 300), 1));
  const plan = await benchPlan();
  console.log(`plan to ${plan.candidates} contacts: ${ms(plan.bestMs)} best of 3 (${plan.allMs.map(ms).join(", ")}); one account: ${ms(plan.oneAccountMs)}`);
  console.log(`plan totals: ${JSON.stringify(plan.totals)}`);
} catch (error) {
  console.error(stop.output().slice(-3000));
  throw error;
} finally {
  stop();
}
