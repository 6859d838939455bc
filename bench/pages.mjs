#!/usr/bin/env node
// npm run bench:pages — the admin score pages at benchmark scale (SPEC §10, §12): Overview, accounts list, the largest
// account's page, the responses feed and markets, on the 10k-account / 1M-response database that `npm run bench:scoring`
// generated (bench/.data/scoring). The data is copied first (bench/.data/pages), so the scoring benchmark's files are
// never touched; its score rows are dropped (the scoring benchmark's sqlite3 replay prunes the Worker's rows) and one
// full scoring run is made through the Worker's cron. Then, through the Worker (a frozen bundle under wrangler dev,
// EXPOSE_DB_ROUND_TRIPS=1), each page is requested REPEAT times with the admin token; prints the response time p50 /
// max (localhost: server time plus a loopback hop), the page's D1 round trips and its size. Not a test.
// Flags: --keep (measure again on bench/.data/pages, scored by an earlier run of this script).
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { buildFrozenWorker, startWranglerDev } from "./support/worker.mjs";

const ROOT = new URL("..", import.meta.url).pathname;
const SOURCE = join(ROOT, "bench/.data/scoring");
const DATA = join(ROOT, "bench/.data/pages");
const PORT = Number(process.env.BENCH_PORT ?? 8793);
const TOKEN = "bench-admin-token-0123456789abcdef";
const REPEAT = Number(process.env.BENCH_REPEAT ?? 10);

const sqliteFile = (dir) => {
  const d1 = join(dir, "v3/d1/miniflare-D1DatabaseObject");
  const file = readdirSync(d1).find((f) => f.endsWith(".sqlite"));
  if (!file) throw new Error(`no sqlite file under ${d1}`);
  return join(d1, file);
};
const sqlite = (file, query) => execFileSync("sqlite3", [file, query], { encoding: "utf8" }).trim();

if (!existsSync(SOURCE)) {
  console.error("No benchmark database: run `npm run bench:scoring` first (it generates and scores 1M responses).");
  process.exit(1);
}
// --keep: measure again on the copy of the last run (already scored).
const keep = process.argv.includes("--keep") && existsSync(DATA);
if (!keep) {
  // A consistent copy even while the scoring benchmark still writes: the files around the database as they are, the
  // database itself through sqlite's online backup.
  rmSync(DATA, { recursive: true, force: true });
  cpSync(SOURCE, DATA, { recursive: true, filter: (path) => !/\.sqlite(-wal|-shm)?$/.test(path) });
  const source = sqliteFile(SOURCE);
  execFileSync("sqlite3", [source, `.backup '${join(DATA, source.slice(SOURCE.length))}'`]);
  sqlite(sqliteFile(DATA), "DELETE FROM score_runs; DELETE FROM score_accounts; DELETE FROM score_groups; DELETE FROM score_coverage; DELETE FROM score_latest; DELETE FROM score_heard;");
}
const file = sqliteFile(DATA);
const counts = sqlite(file, "SELECT (SELECT count(*) FROM accounts) || ' accounts, ' || (SELECT count(*) FROM responses) || ' responses'");
const largest = sqlite(file, "SELECT id FROM accounts ORDER BY annual_revenue DESC LIMIT 1");

const config = buildFrozenWorker(join(ROOT, "bench/.data/pages-dist"));
const vars = { ADMIN_TOKEN: TOKEN, EXPOSE_DB_ROUND_TRIPS: "1", LINK_KEYS: JSON.stringify({ bench1: "bench-link-secret-0123456789abcdef0123456789" }), LINK_CURRENT_KID: "bench1", HMAC_SECRET: "bench-hmac-secret" };
const { base, stop } = await startWranglerDev({ config, port: PORT, persistTo: DATA, vars, testScheduled: true });

/** Fires the scoring cron until the run is complete (a tick may leave the rest to the next one). */
async function scoreEverything() {
  const started = Date.now();
  for (let tick = 0; tick < 40; tick++) {
    await fetch(`${base}/__scheduled?cron=${encodeURIComponent("*/10 * * * *")}`);
    const runs = await (await fetch(`${base}/api/v1/scoring/runs/current`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
    if (runs.current && !runs.running) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 2000));
  }
  throw new Error("the scoring run did not complete in 40 cron ticks");
}

const PAGES = [
  ["Overview", "/admin"],
  ["Accounts list", "/admin/accounts"],
  ["Accounts, at risk by score", "/admin/accounts?category=detractor&sort=score"],
  ["Account page (largest)", `/admin/accounts/${largest}`],
  ["Responses feed", "/admin/responses"],
  ["Responses, detractors with text", "/admin/responses?band=detractor&text=1"],
  ["Markets", "/admin/markets"],
];

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
try {
  if (!keep) console.log(`Full scoring run for the pages: ${((await scoreEverything()) / 1000).toFixed(1)} s.`);
  console.log(`Score pages on ${counts} (${REPEAT} requests each, after one warm-up):`);
  console.log("page | p50 ms | max ms | D1 round trips | KB");
  for (const [name, path] of PAGES) {
    const times = [];
    let trips = "";
    let bytes = 0;
    for (let i = 0; i <= REPEAT; i++) {
      const started = performance.now();
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` }, redirect: "manual" });
      const body = await res.arrayBuffer();
      const millis = performance.now() - started;
      if (res.status !== 200) throw new Error(`${path} → ${res.status}: ${new TextDecoder().decode(body).slice(0, 300)}`);
      if (i === 0) continue; // warm-up
      times.push(millis);
      trips = res.headers.get("x-d1-round-trips") ?? "?";
      bytes = body.byteLength;
    }
    times.sort((a, b) => a - b);
    console.log(`${name} | ${percentile(times, 0.5).toFixed(0)} | ${times.at(-1).toFixed(0)} | ${trips} | ${(bytes / 1024).toFixed(1)}`);
  }
} finally {
  stop();
}
