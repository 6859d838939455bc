// Starts a real `wrangler dev` with its own fresh local D1 (migrations applied) for browser journeys.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export interface LocalQuorum {
  base: string;
  token: string;
  stop(): Promise<void>;
}

const VARS = {
  ADMIN_TOKEN: "e2e-admin-token-0123456789abcdef",
  LINK_KEYS: JSON.stringify({ e2e: "e2e-link-secret-0123456789abcdef0123" }),
  LINK_CURRENT_KID: "e2e",
  HMAC_SECRET: "e2e-hmac-secret-0123456789abcdef",
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function waitUntilUp(base: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${log()}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`wrangler dev did not come up:\n${log()}`);
}

/**
 * A copy of wrangler.toml in its own folder, with absolute paths and its own .dev.vars beside it, so the
 * developer's .dev.vars (read from the config's folder) never leaks into the test server.
 */
function isolatedConfig(dir: string, base: string): string {
  const root = resolve(".");
  const config = readFileSync("wrangler.toml", "utf8")
    .replace(/^main = "(.*)"$/m, (_, p) => `main = "${resolve(root, p)}"`)
    .replace(/^directory = "(.*)"$/m, (_, p) => `directory = "${resolve(root, p)}"`)
    .replace(/^migrations_dir = "(.*)"$/m, (_, p) => `migrations_dir = "${resolve(root, p)}"`);
  writeFileSync(join(dir, "wrangler.toml"), config);
  const vars = Object.entries({ ...VARS, PUBLIC_URL: base }).map(([k, v]) => `${k}='${v}'`);
  writeFileSync(join(dir, ".dev.vars"), `${vars.join("\n")}\n`);
  return join(dir, "wrangler.toml");
}

export async function startQuorum(): Promise<LocalQuorum> {
  const dir = mkdtempSync(join(tmpdir(), "quorum-e2e-"));
  const persist = join(dir, "state");
  const [port, inspector] = [await freePort(), await freePort()];
  const base = `http://127.0.0.1:${port}`;
  const config = isolatedConfig(dir, base);
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" };
  const migrate = spawnSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--config", config, "--persist-to", persist], { env, encoding: "utf8" });
  if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);

  const child = spawn(
    "npx",
    ["wrangler", "dev", "--config", config, "--port", String(port), "--ip", "127.0.0.1", "--inspector-port", String(inspector), "--persist-to", persist, "--test-scheduled"],
    { env, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  await waitUntilUp(base, child, () => output);
  return {
    base,
    token: VARS.ADMIN_TOKEN,
    async stop() {
      if (child.pid) process.kill(-child.pid, "SIGTERM");
      await new Promise((r) => setTimeout(r, 300));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
