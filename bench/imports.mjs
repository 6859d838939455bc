#!/usr/bin/env node
// npm run bench:imports — the CRM and history imports at the sizes a team brings on day one, through the real API of
// the bundled Worker under `wrangler dev --port 8792` over a fresh local D1: 2,000 accounts (Salesforce-style CSV,
// US money), the same file again (2,000 updates), a dry run of it, 2,000 contacts (HubSpot-style CSV), and 50,000
// past answers (Delighted-style CSV) in one POST /responses/import. Times are wall-clock per request, best of the
// runs noted. Figures go to the README; this is not a test.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { buildFrozenWorker, startWranglerDev } from "./support/worker.mjs";

const ROOT = new URL("..", import.meta.url).pathname;
const DATA = join(ROOT, "bench/.data/imports");
const BUILD = join(ROOT, "bench/.data/imports-build");
const PORT = Number(process.env.BENCH_PORT ?? 8792);
const BASE = `http://127.0.0.1:${PORT}`;
const TOKEN = "bench-admin-token-0123456789abcdef";
const ACCOUNTS = 2000;
const CONTACTS = 2000;
const HISTORY = Number(process.env.BENCH_HISTORY ?? 50_000);
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" };

const sqliteFile = () => {
  const dir = join(DATA, "v3/d1/miniflare-D1DatabaseObject");
  const file = readdirSync(dir).find((f) => f.endsWith(".sqlite"));
  if (!file) throw new Error(`no sqlite file under ${dir}`);
  return join(dir, file);
};

function prepare() {
  rmSync(DATA, { recursive: true, force: true });
  mkdirSync(DATA, { recursive: true });
  const applied = spawnSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", DATA], { cwd: ROOT, env, encoding: "utf8" });
  if (applied.status !== 0) throw new Error(`migrations failed:\n${applied.stdout}\n${applied.stderr}`);
  const questions = JSON.stringify([
    { id: "nps", type: "nps", text: { en: "How likely are you to recommend us?" }, required: true },
    { id: "why", type: "text", text: { en: "Why?" } },
  ]);
  const texts = JSON.stringify({ en: { title: "Relationship", intro: "Why we ask" } });
  execFileSync("sqlite3", [sqliteFile()], {
    input: `INSERT INTO surveys (id, name, kind, journey_stage, target_roles, texts, questions, status, current_version_id)
      VALUES ('sur_rel', 'Relationship NPS', 'relational', 'relationship', '[]', '${texts}', '${questions}', 'active', 'ver_rel');
      INSERT INTO survey_versions (id, survey_id, version, questions, texts, default_locale, published_at)
      VALUES ('ver_rel', 'sur_rel', 1, '${questions}', '${texts}', 'en', '2020-01-01T00:00:00.000Z');`,
  });
}

const countries = ["United States", "Germany", "France", "United Kingdom", "Japan"];
const roles = ["Decision Maker", "Champion", "Budget Holder", "End User", "Influencer"];

function accountsCsv(bump = 0) {
  const lines = ['"Account ID","Account Name","Annual Revenue","Billing Country","Industry","Account Owner","Customer Since","Parent Account ID"'];
  for (let i = 0; i < ACCOUNTS; i++) {
    const revenue = (50_000 + i * 1_337 + bump).toLocaleString("en-US");
    const parent = i % 10 === 9 ? `0015g0000Bench${String(i - 9).padStart(4, "0")}` : "";
    lines.push(`"0015g0000Bench${String(i).padStart(4, "0")}","Company ${i}, Inc.","USD ${revenue}.00","${countries[i % 5]}","Manufacturing","Owner ${i % 40}","${1 + (i % 12)}/${1 + (i % 28)}/20${10 + (i % 15)}","${parent}"`);
  }
  return lines.join("\r\n");
}

function contactsCsv() {
  const lines = ["Record ID,First Name,Last Name,Email,Buying Role,Preferred language,Unsubscribed from all email,Associated Company IDs (Primary)"];
  for (let i = 0; i < CONTACTS; i++) {
    lines.push(`51${i},Pat,Person ${i},p${i}@customer.test,${roles[i % 5]},${i % 3 ? "English" : "German"},${i % 97 === 0 ? "true" : "false"},0015g0000Bench${String(i % ACCOUNTS).padStart(4, "0")}`);
  }
  return lines.join("\n");
}

function historyCsv() {
  const lines = ["Response ID,Email,Score,Comment,Response Timestamp"];
  const start = Date.parse("2022-01-01T00:00:00Z");
  const span = Date.parse("2026-06-30T00:00:00Z") - start;
  for (let i = 0; i < HISTORY; i++) {
    const contact = (i * 7) % CONTACTS;
    if (contact % 97 === 0) continue; // opted out: never imported as contacts
    const at = new Date(start + Math.floor(((i * 7919) % HISTORY) / HISTORY * span) + i * 1000).toISOString().replace("T", " ").slice(0, 19);
    lines.push(`R${i},p${contact}@customer.test,${i % 11},${i % 4 === 0 ? `"Comment ${i}, about support"` : ""},${at} +0000`);
  }
  return lines.join("\r\n");
}

async function post(path, body, type = "text/csv") {
  const started = performance.now();
  const res = await fetch(`${BASE}/api/v1${path}`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": type }, body });
  const text = await res.text();
  const elapsed = performance.now() - started;
  if (!res.ok) throw new Error(`POST ${path} → ${res.status}: ${text.slice(0, 500)}`);
  const report = JSON.parse(text);
  return { elapsed, report };
}

const line = (label, { elapsed, report }, bytes) =>
  console.log(
    `${label}: ${(elapsed / 1000).toFixed(2)} s — created ${report.created}, updated ${report.updated}, unchanged ${report.unchanged}${report.optedOut !== undefined ? `, opted out ${report.optedOut}` : ""}, errors ${report.errors.length}${bytes ? ` (${(bytes / 1024 / 1024).toFixed(2)} MB)` : ""}`,
  );

prepare();
const worker = await startWranglerDev({
  config: buildFrozenWorker(BUILD),
  port: PORT,
  persistTo: DATA,
  vars: { ADMIN_TOKEN: TOKEN, HMAC_SECRET: "bench-hmac-secret", LINK_KEYS: JSON.stringify({ b1: "bench-link-secret-0123456789abcdef" }), LINK_CURRENT_KID: "b1", PUBLIC_URL: BASE },
});
try {
  const accounts = accountsCsv();
  line(`${ACCOUNTS} accounts, dry run`, await post("/accounts/import?dryRun=true", accounts), accounts.length);
  line(`${ACCOUNTS} accounts, created`, await post("/accounts/import", accounts), accounts.length);
  line(`${ACCOUNTS} accounts, every revenue changed`, await post("/accounts/import", accountsCsv(1)));
  line(`${ACCOUNTS} accounts, unchanged`, await post("/accounts/import", accountsCsv(1)));
  const contacts = contactsCsv();
  const valueMaps = encodeURIComponent(JSON.stringify({ role: { "Budget Holder": "decision_maker", Influencer: "champion" } }));
  line(`${CONTACTS} contacts, created`, await post(`/contacts/import?valueMaps=${valueMaps}`, contacts), contacts.length);
  line(`${CONTACTS} contacts, unchanged`, await post(`/contacts/import?valueMaps=${valueMaps}`, contacts));
  const history = historyCsv();
  const rows = history.split("\r\n").length - 1;
  line(`${rows} history rows, dry run`, await post("/responses/import?surveyId=sur_rel&dryRun=true", history), history.length);
  line(`${rows} history rows, imported`, await post("/responses/import?surveyId=sur_rel", history), history.length);
  line(`${rows} history rows, again (all unchanged)`, await post("/responses/import?surveyId=sur_rel", history));
  const counts = execFileSync("sqlite3", [sqliteFile(), "SELECT count(*) FROM accounts; SELECT count(*) FROM contacts; SELECT count(*) FROM responses WHERE imported_at IS NOT NULL; SELECT count(*) FROM answers;"], { encoding: "utf8" });
  console.log(`stored: accounts, contacts, imported responses, answers = ${counts.trim().split("\n").join(", ")}`);
} catch (error) {
  console.error(worker.output().slice(-3000));
  throw error;
} finally {
  worker.stop();
}
