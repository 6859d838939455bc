#!/usr/bin/env node
// `npm run deploy`: a clone to a running production Worker, after `npx wrangler login`. It creates what is missing
// (the D1 database, the queues and dead-letter queues named in wrangler.toml) and writes the database id into
// wrangler.toml, applies migrations/ remotely, asks for or generates the secrets that are not set yet, and deploys
// (missing secrets go up with the deployment, so the Worker never runs without them). Re-running it creates and
// overwrites nothing that exists. Flags: --yes (no questions: generate what can be generated, PUBLIC_URL from
// $PUBLIC_URL), --dry-run (print the commands that would change something, run only the read-only ones).
//
// The steps take their I/O as parameters (run a wrangler command, read/write the config, ask, log) so a test can
// check what the script would run, in order, against a stand-in for wrangler (test/scripts/deploy.test.ts).

/** Secrets the Worker needs (src/env.ts) and how each is obtained when missing. */
export const REQUIRED_SECRETS = [
  { name: "ADMIN_TOKEN", how: "generate", hint: "first admin token (shown once at the end)" },
  { name: "LINK_KEYS", how: "generate", hint: "survey-link signing keys" },
  { name: "LINK_CURRENT_KID", how: "generate", hint: "the key that signs new links" },
  { name: "HMAC_SECRET", how: "generate", hint: "suppression-list hashing key" },
  { name: "PUBLIC_URL", how: "ask", hint: "base URL of emailed links, e.g. https://feedback.example.com" },
];
/** Secrets of the HTTP mail provider, needed when wrangler.toml sets MAIL_PROVIDER = "http". */
export const HTTP_MAIL_SECRETS = [
  { name: "MAIL_HTTP_URL", how: "ask", hint: "the mail API's send endpoint, e.g. https://api.resend.com/emails" },
  { name: "MAIL_HTTP_TOKEN", how: "ask", hint: "the mail API's key" },
  { name: "MAIL_FROM_ADDRESS", how: "ask", hint: "sender address on a domain the provider verified" },
];

/** What wrangler.toml names: the D1 database (binding DB) and every queue and dead-letter queue. */
export function readTargets(configText) {
  const d1 = /\[\[d1_databases\]\][^[]*?database_name\s*=\s*"([^"]+)"[^[]*?database_id\s*=\s*"([^"]*)"/s.exec(configText);
  if (!d1) throw new Error('wrangler.toml has no [[d1_databases]] entry with database_name and database_id.');
  const queues = new Set();
  for (const m of configText.matchAll(/^\s*(?:queue|dead_letter_queue)\s*=\s*"([^"]+)"/gm)) queues.add(m[1]);
  const provider = /^\s*MAIL_PROVIDER\s*=\s*"([^"]*)"/m.exec(configText)?.[1] ?? "outbox";
  return { databaseName: d1[1], databaseId: d1[2], queues: [...queues], mailProvider: provider };
}

/** wrangler.toml with the database id of `databaseName` set. */
export function withDatabaseId(configText, databaseName, databaseId) {
  const entry = new RegExp(`(\\[\\[d1_databases\\]\\][^[]*?database_name\\s*=\\s*"${databaseName}"[^[]*?database_id\\s*=\\s*")([^"]*)(")`, "s");
  return configText.replace(entry, (_, before, _old, after) => `${before}${databaseId}${after}`);
}

const PLACEHOLDER_ID = /^0{8}-0{4}-4000-8000-0{12}$/;

/**
 * The deployment. `io.wrangler(args, options)` → { code, stdout, stderr }; `io.readConfig()` / `io.writeConfig(text)`;
 * `io.ask(question, fallback)` → answer; `io.randomSecret()` → base64url text; `io.writeSecretsFile(object)` → path;
 * `io.log(line)`. Returns what it did.
 */
export async function deploy(io, options = {}) {
  const dryRun = !!options.dryRun;
  const done = [];
  const change = async (what, args, runOptions) => {
    done.push(what);
    if (dryRun) {
      io.log(`would run: wrangler ${args.join(" ")}`);
      return { code: 0, stdout: "", stderr: "" };
    }
    io.log(`${what}…`);
    return must(await io.wrangler(args, runOptions), args);
  };

  const who = await io.wrangler(["whoami"]);
  if (who.code !== 0 || /not authenticated|You are not logged in/i.test(who.stdout + who.stderr)) {
    throw new Error("Not logged in to Cloudflare: run `npx wrangler login` first, then `npm run deploy` again.");
  }

  let config = io.readConfig();
  const targets = readTargets(config);

  // 1. The D1 database, found by name; its id goes into wrangler.toml.
  let database = await findDatabase(io, targets.databaseName);
  if (!database) {
    await change(`create D1 database ${targets.databaseName}`, ["d1", "create", targets.databaseName]);
    database = dryRun ? { uuid: "(new database id)" } : await findDatabase(io, targets.databaseName);
    if (!database) throw new Error(`wrangler d1 create ${targets.databaseName} did not leave a database of that name.`);
  }
  if (database.uuid !== targets.databaseId) {
    done.push("write database id into wrangler.toml");
    if (!dryRun) {
      config = withDatabaseId(config, targets.databaseName, database.uuid);
      io.writeConfig(config);
    }
    io.log(`wrangler.toml: database_id = "${database.uuid}"${PLACEHOLDER_ID.test(targets.databaseId) ? " (was the placeholder)" : ""}`);
  }

  // 2. Queues and dead-letter queues.
  for (const queue of targets.queues) {
    const info = await io.wrangler(["queues", "info", queue]);
    if (info.code !== 0) await change(`create queue ${queue}`, ["queues", "create", queue]);
  }

  // 3. Migrations (only those not yet applied; non-interactive).
  await change("apply migrations to the remote database", ["d1", "migrations", "apply", "DB", "--remote"], { env: { CI: "true" } });

  // 4. Secrets not set yet: generated or asked for, uploaded with the deployment.
  const existing = await existingSecrets(io);
  const wanted = [...REQUIRED_SECRETS, ...(targets.mailProvider === "http" ? HTTP_MAIL_SECRETS : [])];
  const missing = wanted.filter((s) => !existing.has(s.name));
  const secrets = {};
  const linkKid = "k1";
  for (const secret of missing) {
    if (secret.name === "LINK_KEYS") secrets.LINK_KEYS = JSON.stringify({ [existing.has("LINK_CURRENT_KID") ? await io.ask("LINK_CURRENT_KID is set but LINK_KEYS is not: the kid it names", linkKid) : linkKid]: io.randomSecret() });
    else if (secret.name === "LINK_CURRENT_KID") secrets.LINK_CURRENT_KID = linkKid;
    else if (secret.name === "ADMIN_TOKEN") secrets.ADMIN_TOKEN = `qa_${io.randomSecret()}`;
    else if (secret.how === "generate") secrets[secret.name] = io.randomSecret();
    else {
      const answer = (await io.ask(`${secret.name} — ${secret.hint}`, secret.name === "PUBLIC_URL" ? options.publicUrl : undefined))?.trim();
      if (!answer) throw new Error(`${secret.name} is needed (${secret.hint}); run again and answer, or set it with \`npx wrangler secret put ${secret.name}\`.`);
      secrets[secret.name] = answer;
    }
  }
  if (targets.mailProvider === "outbox") {
    io.log('Note: MAIL_PROVIDER is "outbox": mail stays in the admin outbox and no email leaves. See README "Deploy" for a mail provider.');
  }

  // 5. Deploy, with the missing secrets (never overwriting those already set).
  const deployArgs = ["deploy"];
  if (missing.length > 0) {
    done.push(`set secrets ${missing.map((s) => s.name).join(", ")}`);
    deployArgs.push("--secrets-file", dryRun ? "(secrets file)" : io.writeSecretsFile(secrets));
  }
  const deployed = await change("deploy the Worker", deployArgs);
  const url = /https:\/\/\S+\.workers\.dev/.exec(deployed.stdout)?.[0] ?? null;
  if (secrets.ADMIN_TOKEN) io.log(`First admin token (shown once; keep it in a password manager): ${secrets.ADMIN_TOKEN}`);
  if (url) io.log(`Deployed: ${url}`);
  return { done, url, generatedAdminToken: secrets.ADMIN_TOKEN ?? null };
}

function must(result, args) {
  if (result.code !== 0) throw new Error(`wrangler ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  return result;
}

async function findDatabase(io, name) {
  const listed = must(await io.wrangler(["d1", "list", "--json"]), ["d1", "list", "--json"]);
  const databases = JSON.parse(listed.stdout.slice(listed.stdout.indexOf("[")));
  return databases.find((d) => d.name === name) ?? null;
}

/** Names of the secrets already set (none when the Worker does not exist yet). */
async function existingSecrets(io) {
  const listed = await io.wrangler(["secret", "list", "--format", "json"]);
  if (listed.code !== 0) return new Set();
  try {
    return new Set(JSON.parse(listed.stdout.slice(listed.stdout.indexOf("["))).map((s) => s.name));
  } catch {
    return new Set();
  }
}

// ─── the command line ────────────────────────────────────────────────────────

async function main() {
  const { spawnSync } = await import("node:child_process");
  const { randomBytes } = await import("node:crypto");
  const { mkdtempSync, readFileSync, writeFileSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const readline = await import("node:readline/promises");
  const args = process.argv.slice(2);
  const yes = args.includes("--yes");
  const dryRun = args.includes("--dry-run");
  const secretsDir = mkdtempSync(join(tmpdir(), "quorum-deploy-"));
  const prompt = readline.createInterface({ input: process.stdin, output: process.stdout });
  const io = {
    wrangler: (wranglerArgs, runOptions = {}) => {
      const result = spawnSync("npx", ["wrangler", ...wranglerArgs], {
        encoding: "utf8",
        env: { ...process.env, WRANGLER_SEND_METRICS: "false", ...runOptions.env },
        stdio: ["inherit", "pipe", "pipe"],
      });
      return { code: result.status ?? 1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
    },
    readConfig: () => readFileSync("wrangler.toml", "utf8"),
    writeConfig: (text) => writeFileSync("wrangler.toml", text),
    ask: async (question, fallback) => {
      if (yes || !process.stdin.isTTY) return fallback ?? process.env[question.split(" ")[0]] ?? "";
      const answer = await prompt.question(`${question}${fallback ? ` [${fallback}]` : ""}: `);
      return answer.trim() || fallback || "";
    },
    randomSecret: () => randomBytes(32).toString("base64url"),
    writeSecretsFile: (secrets) => {
      const path = join(secretsDir, "secrets.json");
      writeFileSync(path, JSON.stringify(secrets), { mode: 0o600 });
      return path;
    },
    log: (line) => console.log(line),
  };
  try {
    const result = await deploy(io, { dryRun, publicUrl: process.env.PUBLIC_URL });
    console.log(result.done.length ? `Done: ${result.done.join("; ")}.` : "Nothing to change.");
  } catch (error) {
    console.error(`npm run deploy: ${error.message}`);
    process.exitCode = 1;
  } finally {
    prompt.close();
    rmSync(secretsDir, { recursive: true, force: true });
  }
}

if (globalThis.process?.argv?.[1] && import.meta.url === new URL(`file://${globalThis.process.argv[1]}`).href) await main();
