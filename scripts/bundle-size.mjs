#!/usr/bin/env node
// Bundles the Worker as `wrangler deploy` would (no account needed) and prints its gzipped size against the
// 400 KB budget of SPEC §10.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET = 400 * 1024;
const outdir = "dist";
rmSync(outdir, { recursive: true, force: true });
const run = spawnSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], {
  stdio: ["ignore", "ignore", "inherit"],
  env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
});
if (run.status !== 0) process.exit(run.status ?? 1);
const files = readdirSync(outdir).filter((f) => f.endsWith(".js") && statSync(join(outdir, f)).isFile());
const raw = files.reduce((n, f) => n + statSync(join(outdir, f)).size, 0);
const gz = files.reduce((n, f) => n + gzipSync(readFileSync(join(outdir, f))).length, 0);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`Worker bundle: ${kb(raw)} raw, ${kb(gz)} gzipped (budget ${kb(BUDGET)} gzipped)`);
if (gz > BUDGET) {
  console.error("Over the bundle budget.");
  process.exit(1);
}
