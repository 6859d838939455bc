#!/usr/bin/env node
// npm run bench:scoring — the scoring run at benchmark scale (SPEC §10): 10k accounts / 100k contacts /
// 1M responses over 3 years (heavy-tailed revenue) in a local D1 file. Through the Worker (wrangler dev, the scoring
// cron fired through /__scheduled until the run is complete): a full run while a steady stream of respondents'
// autosaves (POST /s/{token}) measures how long they wait; then a day of new answers and the incremental run that
// follows; then the full run's statements on the same file through the sqlite3 command line. Prints wall times,
// the Worker's peak memory (the workerd process), the slowest steps, POST p50/p99/max and the ratio.
// Figures go to the README; this is not a test. Flags: --keep (reuse the generated data if present), --generate-only.
import { createHmac } from "node:crypto";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { buildFrozenWorker, startWranglerDev } from "./support/worker.mjs";

const ROOT = new URL("..", import.meta.url).pathname;
const DATA = join(ROOT, "bench/.data/scoring");
const PORT = Number(process.env.BENCH_PORT ?? 8791);
const BASE = `http://127.0.0.1:${PORT}`;
const TOKEN = "bench-admin-token-0123456789abcdef";
const SCALE = { accounts: 10_000, contactsPerAccount: 10, invitations: 1_300_000, responses: 1_000_000 };
const CRON = "*/10 * * * *";
const LINK = { kid: "bench1", secret: "bench-link-secret-0123456789abcdef0123456789" };
const AUTOSAVE = { links: 200, clients: 2, pauseMillis: 100 };
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" };
const keep = process.argv.includes("--keep");
const generateOnly = process.argv.includes("--generate-only");

const sqliteFile = () => {
  const dir = join(DATA, "v3/d1/miniflare-D1DatabaseObject");
  const file = readdirSync(dir).find((f) => f.endsWith(".sqlite"));
  if (!file) throw new Error(`no sqlite file under ${dir}`);
  return join(dir, file);
};
const sqlite = (file, script, args = []) => execFileSync("sqlite3", [...args, file], { input: script, encoding: "utf8", maxBuffer: 1 << 28 });
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

// ─── 1. data ─────────────────────────────────────────────────────────────────

function generate() {
  rmSync(DATA, { recursive: true, force: true });
  mkdirSync(DATA, { recursive: true });
  const applied = spawnSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", DATA], { cwd: ROOT, env, stdio: "pipe", encoding: "utf8" });
  if (applied.status !== 0) throw new Error(`migrations failed:\n${applied.stdout}\n${applied.stderr}`);
  const started = Date.now();
  sqlite(sqliteFile(), dataScript());
  console.log(`generated ${SCALE.accounts} accounts, ${SCALE.accounts * SCALE.contactsPerAccount} contacts, ${SCALE.responses} responses in ${seconds(Date.now() - started)}`);
}

/** Everything in SQL (recursive CTEs), so generating a million rows never passes through JavaScript. */
function dataScript() {
  const u = "((abs(random()) % 1000000) + 1) / 1000000.0";
  const days3y = 3 * 365;
  const questions = (types) => JSON.stringify(types.map((type) => ({ id: type, type, text: { en: type } })));
  return `
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE gen_accounts AS
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${SCALE.accounts})
  SELECT i,
    -- Pareto(α = 1.1, x_m = 20,000): a few accounts hold most revenue; 2 % have none.
    CASE WHEN i % 50 = 0 THEN 0 ELSE min(2000000000, CAST(20000 / pow(${u}, 1 / 1.1) AS INTEGER)) END AS revenue,
    strftime('%Y-%m-%dT%H:%M:%fZ', '2019-01-01', '+' || (abs(random()) % 2400) || ' days') AS since
  FROM n;
INSERT INTO accounts (id, external_id, name, annual_revenue, status, customer_since, churned_at, country, segment, owner_email, owner_name)
  SELECT printf('acc_%05d', i), printf('crm-%05d', i), printf('Account %d', i), revenue,
    CASE WHEN i % 25 = 0 THEN 'churned' ELSE 'active' END, since,
    CASE WHEN i % 25 = 0 THEN strftime('%Y-%m-%dT%H:%M:%fZ', '2024-01-01', '+' || (i % 1000) || ' days') END,
    json_extract('["DE","US","FR","GB","ES","NL","SE","JP","BR","IN","IT","CA"]', '$[' || (i * 7 % 12) || ']'),
    CASE i % 3 WHEN 0 THEN 'Enterprise' WHEN 1 THEN 'Mid-market' ELSE 'SMB' END,
    printf('owner%d@vendor.test', i % 40), 'Owner'
  FROM gen_accounts;
INSERT INTO account_revenue (account_id, valid_from, amount) SELECT printf('acc_%05d', i), since, revenue FROM gen_accounts;
-- 30 % of accounts changed revenue mid-2025 (history, so earlier quarters keep the old amount).
INSERT INTO account_revenue (account_id, valid_from, amount)
  SELECT printf('acc_%05d', i), '2025-07-01T00:00:00.000Z', CAST(revenue * (0.5 + ${u}) AS INTEGER) FROM gen_accounts WHERE i % 10 < 3 AND since < '2025-07-01';
UPDATE accounts SET annual_revenue = (SELECT amount FROM account_revenue ar WHERE ar.account_id = accounts.id ORDER BY valid_from DESC LIMIT 1);

INSERT INTO contacts (id, account_id, email, name, role, locale, status, prn)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${SCALE.accounts * SCALE.contactsPerAccount})
  SELECT printf('con_%06d', i), printf('acc_%05d', (i - 1) / ${SCALE.contactsPerAccount} + 1), printf('p%d@customer.test', i), 'Pat',
    json_extract('["decision_maker","champion","executive_sponsor","finance","technical_evaluator","project_manager","project_manager","end_user","end_user","end_user"]', '$[' || (i % 10) || ']'),
    'en', 'active', ${u} - 0.000001
  FROM n;

INSERT INTO surveys (id, name, kind, journey_stage, target_roles, texts, questions, status, current_version_id) VALUES
  ('sur_rel', 'Relationship', 'relational', 'relationship', '[]', '{}', '${questions(["nps", "osat", "vendor_rank", "text"])}', 'active', 'ver_rel'),
  ('sur_onb', 'Onboarding', 'transactional', 'onboarding', '[]', '{}', '${questions(["ces", "nps"])}', 'active', 'ver_onb'),
  ('sur_sup', 'Support', 'transactional', 'support', '[]', '{}', '${questions(["ces", "osat"])}', 'active', 'ver_sup');
INSERT INTO survey_versions (id, survey_id, version, questions, texts, default_locale, published_at)
  SELECT current_version_id, id, 1, questions, texts, 'en', '2023-01-01T00:00:00.000Z' FROM surveys WHERE id IN ('sur_rel', 'sur_onb', 'sur_sup');

-- Rows go in time order, as they would arrive in production (ids are time-ordered too), so pages are laid out
-- the way a real database's are.
CREATE TEMP TABLE gen_inv AS
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${SCALE.invitations})
  SELECT i, c, t, s FROM (
    SELECT i, abs(random()) % ${SCALE.accounts * SCALE.contactsPerAccount} + 1 AS c,
      strftime('%Y-%m-%dT%H:%M:%fZ', '${isoDaysAgo(days3y)}', '+' || (abs(random()) % ${days3y * 86400}) || ' seconds') AS t,
      CASE WHEN i % 10 < 6 THEN 'rel' WHEN i % 10 < 8 THEN 'onb' ELSE 'sup' END AS s
    FROM n) ORDER BY t;
INSERT INTO invitations (id, survey_id, survey_version_id, contact_id, account_id, kind, journey_stage, status, cause_type, admitted_at, sent_at, completed_at, expires_at)
  SELECT printf('inv_%07d', rowid), 'sur_' || s, 'ver_' || s, printf('con_%06d', c), printf('acc_%05d', (c - 1) / ${SCALE.contactsPerAccount} + 1),
    CASE s WHEN 'rel' THEN 'relational' ELSE 'transactional' END,
    CASE s WHEN 'rel' THEN 'relationship' WHEN 'onb' THEN 'onboarding' ELSE 'support' END,
    CASE WHEN i <= ${SCALE.responses} THEN 'completed' WHEN t < '${isoDaysAgo(30)}' THEN 'expired' ELSE 'sent' END,
    'program', t, t, CASE WHEN i <= ${SCALE.responses} THEN t END, strftime('%Y-%m-%dT%H:%M:%fZ', t, '+30 days')
  FROM gen_inv ORDER BY rowid;

CREATE TEMP TABLE gen_rsp AS
  SELECT g.rowid AS inv, strftime('%Y-%m-%dT%H:%M:%fZ', g.t, '+' || (abs(random()) % 400000) || ' seconds') AS submitted_at
  FROM gen_inv g WHERE g.i <= ${SCALE.responses} ORDER BY submitted_at;
INSERT INTO responses (id, invitation_id, survey_id, survey_version_id, contact_id, status, account_id, role, journey_stage, country, segment, revenue, submitted_at)
  SELECT printf('rsp_%07d', x.rowid), i.id, i.survey_id, i.survey_version_id, i.contact_id, 'complete', i.account_id, c.role, i.journey_stage, a.country, a.segment, a.annual_revenue, x.submitted_at
  FROM gen_rsp x JOIN invitations i ON i.id = printf('inv_%07d', x.inv) JOIN contacts c ON c.id = i.contact_id JOIN accounts a ON a.id = i.account_id
  ORDER BY x.rowid;

-- Answers: NPS skewed high, per survey's questions; 40 % of relational responses rank us among 1–4 vendors.
INSERT INTO answers (response_id, question_id, type, num_value, vendor_count, vendor_rank)
  SELECT response_id, type, type, num_value, vendor_count, vendor_rank FROM (
    SELECT rowid AS o, id AS response_id, 'nps' AS type, 10 - ((abs(random()) % 11) * (abs(random()) % 11)) / 10 AS num_value, NULL AS vendor_count, NULL AS vendor_rank
      FROM responses WHERE survey_id IN ('sur_rel', 'sur_onb')
    UNION ALL SELECT rowid, id, 'osat', 1 + abs(random()) % 5, NULL, NULL FROM responses WHERE survey_id IN ('sur_rel', 'sur_sup')
    UNION ALL SELECT rowid, id, 'ces', 1 + abs(random()) % 7, NULL, NULL FROM responses WHERE survey_id IN ('sur_onb', 'sur_sup')
    UNION ALL SELECT o, id, 'vendor_rank', NULL, n, 1 + abs(random()) % n
      FROM (SELECT rowid AS o, id, 1 + abs(random()) % 4 AS n FROM responses WHERE survey_id = 'sur_rel' AND abs(random()) % 10 < 4)
  ) ORDER BY o, type;
COMMIT;
-- The triggers recorded every generated row as a change; a database in steady state has taken them in.
DELETE FROM score_dirty;
ANALYZE;
PRAGMA wal_checkpoint(TRUNCATE);
`;
}

function isoDaysAgo(days) {
  return new Date(Date.now() - days * 86400_000).toISOString();
}

// ─── 2. the Worker ───────────────────────────────────────────────────────────

function applyPendingMigrations() {
  const applied = spawnSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", DATA], { cwd: ROOT, env, stdio: "pipe", encoding: "utf8" });
  if (applied.status !== 0) throw new Error(`migrations failed:\n${applied.stdout}\n${applied.stderr}`);
}

/** A survey link as the Worker signs them (HS256 JWT with the bench key). */
function surveyToken(invitationId) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const head = `${b64({ alg: "HS256", kid: LINK.kid, typ: "JWT" })}.${b64({ purpose: "survey", sub: invitationId, iat: now, exp: now + 30 * 86400 })}`;
  return `${head}.${createHmac("sha256", LINK.secret).update(head).digest("base64url")}`;
}

/** Open invitations of the relational survey (NPS question `nps`) whose respondents will autosave during the run. */
function autosaveLinks() {
  const rows = sqlite(sqliteFile(), `SELECT id FROM invitations WHERE status = 'sent' AND survey_id = 'sur_rel' AND expires_at > '${new Date().toISOString()}' ORDER BY random() LIMIT ${AUTOSAVE.links};`, ["-readonly"]);
  return rows.trim().split("\n").filter(Boolean).map(surveyToken);
}

/** `clients` respondents autosaving in a loop (one answer each time, as the page's script does) until stopped. */
function autosaveStream(tokens) {
  const latencies = [];
  const failures = [];
  let running = true;
  const client = async (offset) => {
    for (let i = offset; running; i += AUTOSAVE.clients) {
      const token = tokens[i % tokens.length];
      const began = performance.now();
      try {
        const res = await fetch(`${BASE}/s/${token}`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", "x-autosave": "1" },
          body: `q%3Anps=${i % 11}&action=next`,
        });
        await res.arrayBuffer();
        if (res.status !== 204) failures.push(res.status);
      } catch (error) {
        failures.push(String(error));
      }
      latencies.push(performance.now() - began);
      await new Promise((r) => setTimeout(r, AUTOSAVE.pauseMillis));
    }
  };
  const clients = Array.from({ length: AUTOSAVE.clients }, (_, k) => client(k));
  return {
    stop: async () => {
      running = false;
      await Promise.all(clients);
      const sorted = [...latencies].sort((a, b) => a - b);
      const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
      return { count: sorted.length, failures: failures.length, failureSample: failures.slice(0, 3), p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 };
    },
  };
}

async function runThroughWorker({ tokens = null } = {}) {
  const config = buildFrozenWorker(join(ROOT, "bench/.data/scoring-dist"));
  const vars = { ADMIN_TOKEN: TOKEN, LINK_KEYS: JSON.stringify({ [LINK.kid]: LINK.secret }), LINK_CURRENT_KID: LINK.kid, HMAC_SECRET: "bench-hmac-secret-0123456789abcdef", PUBLIC_URL: BASE };
  const { child, output, stop } = await startWranglerDev({ config, port: PORT, persistTo: DATA, vars, logLevel: "log", testScheduled: true });
  try {
    const workerd = findWorkerd(child.pid);
    const peaks = new Map();
    // wrangler dev runs two workerd: its proxy (listening on the port we chose) and the one running the Worker and the
    // local D1 (entry socket on a random port). Sample both; the Worker's is the figure (it includes D1's SQLite cache).
    const sampler = setInterval(() => {
      for (const pid of workerd) {
        try {
          const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
          peaks.set(pid, Math.max(peaks.get(pid) ?? 0, kb));
        } catch {
          /* exited */
        }
      }
    }, 1000);
    const before = currentRunState()?.id ?? null;
    const stream = tokens ? autosaveStream(tokens) : null;
    // Respondents alone first: the baseline of the same stream without a run.
    let baseline = null;
    if (stream) {
      await new Promise((r) => setTimeout(r, 10_000));
      baseline = { ...(await stream.stop()) };
    }
    const during = tokens ? autosaveStream(tokens) : null;
    const started = Date.now();
    let ticks = 0;
    let run;
    const tickFailures = [];
    // One cron tick starts the run; each invocation that stops short of it sends scoring.continue, so the queue
    // carries the rest. Another tick is fired only when the run stalls (no lease held), as the next cron would.
    const tick = async () => {
      ticks++;
      const status = await fireCron();
      // The tick that completes a run also sends run.completed: a failure is reported, and does not hide the figures.
      if (status !== "200") tickFailures.push(status);
    };
    await tick();
    let lastProgress = { step: null, at: Date.now() };
    for (;;) {
      await new Promise((r) => setTimeout(r, 500));
      run = currentRunState();
      if (run?.lastError) throw new Error(`scoring failed: ${run.lastError}\n${output().slice(-3000)}`);
      if (run && run.id !== before && run.status === "complete") break;
      const step = run && run.id !== before ? run.step : null;
      if (step !== lastProgress.step) lastProgress = { step, at: Date.now() };
      // Stalled longer than the 60 s lease: what the next cron tick would find.
      if (Date.now() - lastProgress.at > 70_000) {
        await tick();
        lastProgress = { step, at: Date.now() };
      }
      if (ticks > 30) throw new Error(`run not complete after ${ticks} ticks\n${output().slice(-3000)}`);
    }
    const wall = Date.now() - started;
    const autosaves = during ? await during.stop() : null;
    clearInterval(sampler);
    const workerPid = workerd.find((pid) => /entry=127\.0\.0\.1:0\b/.test(readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ")));
    const peakKb = peaks.get(workerPid) ?? 0;
    const proxyPeakKb = Math.max(0, ...[...peaks].filter(([pid]) => pid !== workerPid).map(([, kb]) => kb));
    const slowest = output()
      .split("\n")
      .filter((l) => l.includes('"slowestSteps"'))
      .flatMap((l) => JSON.parse(l.slice(l.indexOf("{"), l.lastIndexOf("}") + 1)).slowestSteps)
      .sort((a, b) => b.millis - a.millis);
    if (tickFailures.length) console.log(`note: ${tickFailures.length} cron tick(s) answered ${tickFailures.join(", ")}; last Worker output:\n${output().split("\n").filter((l) => /rror|exceed|Too many/i.test(l)).slice(-5).join("\n")}`);
    return { wall, ticks, peakMb: peakKb / 1024, proxyPeakMb: proxyPeakKb / 1024, slowest, run, autosaves, baseline };
  } finally {
    stop();
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Fires the scoring cron and waits for the handler (curl: no client-side timeout cuts a long tick short). */
function fireCron() {
  return new Promise((resolve, reject) => {
    const curl = spawn("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "1800", `${BASE}/__scheduled?cron=${encodeURIComponent(CRON)}`]);
    let code = "";
    curl.stdout.on("data", (d) => (code += d));
    curl.on("error", reject);
    curl.on("close", () => resolve(code.trim()));
  });
}

function currentRunState() {
  const rows = sqlite(sqliteFile(), "SELECT json_object('id', id, 'status', status, 'kind', kind, 'step', step, 'totalSteps', total_steps, 'lastError', last_error, 'leaseUntil', lease_until, 'startedAt', started_at, 'finishedAt', finished_at, 'timeZone', time_zone, 'fiscalYearStartMonth', fiscal_year_start_month, 'dirtyThrough', dirty_through, 'plan', json(plan)) FROM score_runs ORDER BY rowid DESC LIMIT 1;", ["-readonly"]).trim();
  return rows ? JSON.parse(rows) : null;
}

/** A day of new answers (as many as an average day of the 3 years), written while the Worker is stopped. */
function addDayOfAnswers() {
  const perDay = Math.round(SCALE.responses / (3 * 365));
  const dayAgo = isoDaysAgo(1);
  sqlite(sqliteFile(), `
BEGIN;
CREATE TEMP TABLE day AS
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${perDay})
  SELECT i, abs(random()) % ${SCALE.accounts * SCALE.contactsPerAccount} + 1 AS c,
    strftime('%Y-%m-%dT%H:%M:%fZ', '${dayAgo}', '+' || (abs(random()) % 80000) || ' seconds') AS t FROM n;
INSERT INTO invitations (id, survey_id, survey_version_id, contact_id, account_id, kind, journey_stage, status, cause_type, admitted_at, sent_at, completed_at, expires_at)
  SELECT printf('inv_day_%05d', i), 'sur_rel', 'ver_rel', printf('con_%06d', c), printf('acc_%05d', (c - 1) / ${SCALE.contactsPerAccount} + 1),
    'relational', 'relationship', 'completed', 'program', t, t, t, strftime('%Y-%m-%dT%H:%M:%fZ', t, '+30 days') FROM day;
INSERT INTO responses (id, invitation_id, survey_id, survey_version_id, contact_id, status, account_id, role, journey_stage, country, segment, revenue, submitted_at)
  SELECT printf('rsp_day_%05d', d.i), printf('inv_day_%05d', d.i), 'sur_rel', 'ver_rel', c.id, 'complete', c.account_id, c.role, 'relationship', a.country, a.segment, a.annual_revenue, d.t
  FROM day d JOIN contacts c ON c.id = printf('con_%06d', d.c) JOIN accounts a ON a.id = c.account_id;
INSERT INTO answers (response_id, question_id, type, num_value) SELECT printf('rsp_day_%05d', i), 'nps', 'nps', abs(random()) % 11 FROM day;
INSERT INTO answers (response_id, question_id, type, num_value) SELECT printf('rsp_day_%05d', i), 'osat', 'osat', 1 + abs(random()) % 5 FROM day;
COMMIT;`);
  return perDay;
}

/** The workerd processes under the wrangler we started. */
function findWorkerd(rootPid) {
  const children = new Map();
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      children.set(Number(pid), { ppid, name });
    } catch {
      /* exited */
    }
  }
  const queue = [rootPid];
  const found = [];
  while (queue.length) {
    const pid = queue.shift();
    for (const [child, info] of children) {
      if (info.ppid !== pid) continue;
      if (info.name.startsWith("workerd")) found.push(child);
      else queue.push(child);
    }
  }
  return found;
}

// ─── 3. the same statements through the sqlite3 command line ─────────────────

async function planStatements(run, plan) {
  const out = join(DATA, "plan.mjs");
  execFileSync(join(ROOT, "node_modules/.bin/esbuild"), [join(ROOT, "bench/scoring-plan-entry.ts"), "--bundle", "--platform=node", "--format=esm", `--outfile=${out}`, "--log-level=warning"]);
  const { planStatements } = await import(out);
  return planStatements(run, plan);
}

/** The full run's statements (its stored plan) under another run id, one after the other in the sqlite3 CLI. */
async function runThroughSqlite(run) {
  const file = sqliteFile();
  // The same plan as the Worker's full run (its prune deletes the Worker's rows: they are not needed any more).
  const statements = await planStatements({ ...run, id: "bench-sqlite" }, run.plan);
  const script = statements.map((s) => `${s.sql};`).join("\n");
  writeFileSync(join(DATA, "plan.sql"), script);
  const started = Date.now();
  const timed = sqlite(file, `.timer on\n${script}\n`);
  const wall = Date.now() - started;
  // CPU (user + sys) per statement as well as wall: on a shared machine wall time includes waiting for a core.
  const real = [...timed.matchAll(/Run Time: real ([\d.]+) user ([\d.]+) sys ([\d.]+)/g)].map((m, i) => ({
    name: statements[i]?.name,
    millis: Math.round(Number(m[1]) * 1000),
    cpuMillis: Math.round((Number(m[2]) + Number(m[3])) * 1000),
  }));
  sqlite(file, "DELETE FROM score_accounts WHERE run_id = 'bench-sqlite'; DELETE FROM score_groups WHERE run_id = 'bench-sqlite'; DELETE FROM score_coverage WHERE run_id = 'bench-sqlite';");
  const cpu = real.reduce((sum, r) => sum + r.cpuMillis, 0);
  return { wall, cpu, statements: statements.length, slowest: real.sort((a, b) => b.millis - a.millis), slowestCpu: [...real].sort((a, b) => b.cpuMillis - a.cpuMillis) };
}

// ─── main ────────────────────────────────────────────────────────────────────

if (!keep || !existsSync(DATA)) generate();
else applyPendingMigrations();
// Start from no scores at all, so every run of the benchmark does the same work.
sqlite(sqliteFile(), "DELETE FROM score_runs; DELETE FROM score_accounts; DELETE FROM score_groups; DELETE FROM score_coverage; DELETE FROM score_latest; DELETE FROM score_heard; DELETE FROM score_staged; DELETE FROM score_dirty; DELETE FROM answers WHERE response_id LIKE 'rsp_day_%'; DELETE FROM responses WHERE id LIKE 'rsp_day_%'; DELETE FROM invitations WHERE id LIKE 'inv_day_%'; DELETE FROM score_dirty;");
const counts = sqlite(sqliteFile(), "SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM contacts), (SELECT count(*) FROM responses), (SELECT count(*) FROM answers), (SELECT count(*) FROM invitations);", ["-readonly"]).trim();
console.log(`data: accounts|contacts|responses|answers|invitations = ${counts}`);
if (generateOnly) process.exit(0);
const ms = (x) => `${Math.round(x)} ms`;
const ownDuration = (run) => seconds(Date.parse(run.finishedAt) - Date.parse(run.startedAt));
const worker = await runThroughWorker({ tokens: autosaveLinks() });
const periods = worker.run.plan.compute.length;
console.log(`Worker: full scoring run (${periods} periods) in ${seconds(worker.wall)} wall, ${worker.ticks} cron tick(s) then queue continuations (run's own start→finish ${ownDuration(worker.run)}), ${worker.run.totalSteps} steps; peak RSS of the workerd running the Worker and local D1 ${worker.peakMb.toFixed(0)} MB (wrangler's proxy workerd ${worker.proxyPeakMb.toFixed(0)} MB)`);
console.log("slowest steps (Worker):", worker.slowest.slice(0, 5).map((s) => `${s.name} ${s.millis} ms`).join("; "));
const a = worker.autosaves;
console.log(`POST /s/{token} autosaves during the full run (${AUTOSAVE.clients} clients, ${a.count} posts, ${a.failures} not 204 ${JSON.stringify(a.failureSample)}): p50 ${ms(a.p50)}, p99 ${ms(a.p99)}, max ${ms(a.max)}`);
const b = worker.baseline;
console.log(`POST /s/{token} autosaves without a run (baseline, ${b.count} posts, ${b.failures} not 204 ${JSON.stringify(b.failureSample)}): p50 ${ms(b.p50)}, p99 ${ms(b.p99)}, max ${ms(b.max)}`);
const added = addDayOfAnswers();
const incremental = await runThroughWorker();
console.log(`Worker: incremental run after a day of new answers (${added} responses): ${seconds(incremental.wall)} wall over ${incremental.ticks} tick(s) (run's own ${ownDuration(incremental.run)}), ${incremental.run.totalSteps} steps, recomputed ${incremental.run.plan.compute.join(", ")}; slowest ${incremental.slowest.slice(0, 3).map((s) => `${s.name} ${s.millis} ms`).join("; ")}`);
const lite = await runThroughSqlite(worker.run);
console.log(`sqlite3 CLI: the same ${lite.statements} statements in ${seconds(lite.wall)} (CPU ${seconds(lite.cpu)}); slowest by CPU: ${lite.slowestCpu.slice(0, 5).map((s) => `${s.name} ${s.cpuMillis} ms CPU / ${s.millis} ms wall`).join("; ")}`);
console.log(`load average during the run: ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")} on ${availableParallelism()} cores`);
console.log(`ratio Quorum / sqlite3 = ${(worker.wall / lite.wall).toFixed(2)}`);
