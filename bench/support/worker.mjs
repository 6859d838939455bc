// The Worker as the benchmarks run it: a bundle built once (wrangler dev would reload the Worker whenever a source
// file changes, killing a running request or cron handler), under `wrangler dev` against a prepared local D1.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = new URL("../..", import.meta.url).pathname;
// No telemetry, update check or Request.cf fetch: nothing reaches out (and nothing is printed about it).
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" };

/** Bundles the Worker into `outdir` and writes a config beside it (wrangler.toml minus static assets). */
export function buildFrozenWorker(outdir) {
  rmSync(outdir, { recursive: true, force: true });
  const built = spawnSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], { cwd: ROOT, env, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`bundling failed:\n${built.stdout}\n${built.stderr}`);
  const config = readFileSync(join(ROOT, "wrangler.toml"), "utf8")
    .replace(/^main = .*$/m, `main = "index.js"`)
    .replace(/\[assets\][^[]*/m, "")
    .replace(/^migrations_dir = .*$/m, `migrations_dir = "${join(ROOT, "migrations")}"`);
  const path = join(outdir, "wrangler.toml");
  writeFileSync(path, config);
  return path;
}

/**
 * Starts `wrangler dev` with `config` on `port` over the local D1 in `persistTo`, with `vars` (secrets) set, and waits
 * until it answers. Returns the child process, its output so far, and `stop()`.
 */
export async function startWranglerDev({ config, port, persistTo, vars = {}, logLevel = "warn", testScheduled = false }) {
  const base = `http://127.0.0.1:${port}`;
  const args = ["wrangler", "dev", "--config", config, "--port", String(port), "--inspector-port", String(port + 500), "--ip", "127.0.0.1",
    "--persist-to", persistTo, "--log-level", logLevel, ...(testScheduled ? ["--test-scheduled"] : []),
    ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`])];
  const child = spawn("npx", args, { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
  };
  process.on("exit", stop);
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited:\n${output}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { child, base, output: () => output, stop };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  stop();
  throw new Error(`wrangler dev did not answer on ${base}:\n${output}`);
}
