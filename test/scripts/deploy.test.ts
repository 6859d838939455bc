// `npm run deploy` against a stand-in for wrangler (nothing here reaches Cloudflare): what it runs, in order, for a
// fresh account and for one where everything exists, and that a second run creates and overwrites nothing.
import { describe, expect, it } from "vitest";
import { deploy, readTargets, withDatabaseId, type DeployIo, type WranglerResult } from "../../scripts/deploy.mjs";

const CONFIG = `name = "quorum"
main = "src/index.ts"

[vars]
MAIL_PROVIDER = "outbox"

[[d1_databases]]
binding = "DB"
database_name = "quorum"
database_id = "00000000-0000-4000-8000-000000000000"
migrations_dir = "migrations"

[[queues.producers]]
binding = "MAIL_QUEUE"
queue = "quorum-mail"

[[queues.consumers]]
queue = "quorum-mail"
dead_letter_queue = "quorum-mail-dlq"

[[queues.consumers]]
queue = "quorum-mail-dlq"
`;

/** A Cloudflare account as wrangler would report it; every command is recorded. */
function cloud(state: { databases: { name: string; uuid: string }[]; queues: string[]; secrets: string[]; loggedIn?: boolean }) {
  const commands: string[] = [];
  let config = CONFIG;
  const ok = (stdout = ""): WranglerResult => ({ code: 0, stdout, stderr: "" });
  const fail = (stderr: string): WranglerResult => ({ code: 1, stdout: "", stderr });
  const io: DeployIo = {
    wrangler: (args) => {
      const command = args.join(" ");
      commands.push(command);
      if (command === "whoami") return state.loggedIn === false ? fail("You are not authenticated. Please run `wrangler login`.") : ok("You are logged in");
      if (command === "d1 list --json") return ok(JSON.stringify(state.databases));
      if (args[0] === "d1" && args[1] === "create") {
        state.databases.push({ name: args[2]!, uuid: "11111111-2222-4333-8444-555555555555" });
        return ok("✅ Successfully created DB");
      }
      if (args[0] === "queues" && args[1] === "info") return state.queues.includes(args[2]!) ? ok(`Queue: ${args[2]}`) : fail("Queue not found");
      if (args[0] === "queues" && args[1] === "create") {
        state.queues.push(args[2]!);
        return ok();
      }
      if (command.startsWith("d1 migrations apply")) return ok("No migrations to apply!");
      if (command === "secret list --format json") return state.secrets.length ? ok(JSON.stringify(state.secrets.map((name) => ({ name, type: "secret_text" })))) : fail("Worker not found");
      if (args[0] === "deploy") {
        if (args.includes("--secrets-file")) state.secrets.push(...Object.keys(uploaded));
        return ok("Uploaded quorum\nDeployed quorum triggers\n  https://quorum.example.workers.dev\n  schedule: */10 * * * *");
      }
      return fail(`unexpected command: ${command}`);
    },
    readConfig: () => config,
    writeConfig: (text) => {
      config = text;
    },
    ask: async (_question, fallback) => fallback ?? "https://feedback.example.com",
    randomSecret: () => "r".repeat(43),
    writeSecretsFile: (secrets) => {
      uploaded = secrets;
      return "/tmp/secrets.json";
    },
    log: () => {},
  };
  let uploaded: Record<string, string> = {};
  return { io, commands, config: () => config, uploaded: () => uploaded };
}

describe("npm run deploy", () => {
  it("reads what wrangler.toml names: the database and every queue and dead-letter queue", () => {
    expect(readTargets(CONFIG)).toEqual({
      databaseName: "quorum",
      databaseId: "00000000-0000-4000-8000-000000000000",
      queues: ["quorum-mail", "quorum-mail-dlq"],
      mailProvider: "outbox",
    });
    expect(withDatabaseId(CONFIG, "quorum", "abc")).toContain('database_id = "abc"');
  });

  it("on a fresh account: creates the database and queues, writes the id, migrates, generates or asks the secrets, deploys", async () => {
    const account = cloud({ databases: [], queues: [], secrets: [] });
    const result = await deploy(account.io, { publicUrl: "https://feedback.example.com" });
    expect(account.commands).toEqual([
      "whoami",
      "d1 list --json",
      "d1 create quorum",
      "d1 list --json",
      "queues info quorum-mail",
      "queues create quorum-mail",
      "queues info quorum-mail-dlq",
      "queues create quorum-mail-dlq",
      "d1 migrations apply DB --remote",
      "secret list --format json",
      "deploy --secrets-file /tmp/secrets.json",
    ]);
    expect(account.config()).toContain('database_id = "11111111-2222-4333-8444-555555555555"');
    expect(Object.keys(account.uploaded()).sort()).toEqual(["ADMIN_TOKEN", "HMAC_SECRET", "LINK_CURRENT_KID", "LINK_KEYS", "PUBLIC_URL"]);
    expect(account.uploaded()).toMatchObject({ PUBLIC_URL: "https://feedback.example.com", LINK_CURRENT_KID: "k1" });
    expect(JSON.parse(account.uploaded().LINK_KEYS!)).toEqual({ k1: "r".repeat(43) });
    expect(result).toMatchObject({ url: "https://quorum.example.workers.dev", generatedAdminToken: `qa_${"r".repeat(43)}` });

    // Re-running changes nothing that exists: no create, no secret, the same config.
    const configAfter = account.config();
    account.commands.length = 0;
    const again = await deploy(account.io);
    expect(account.commands).toEqual([
      "whoami",
      "d1 list --json",
      "queues info quorum-mail",
      "queues info quorum-mail-dlq",
      "d1 migrations apply DB --remote",
      "secret list --format json",
      "deploy",
    ]);
    expect(account.config()).toBe(configAfter);
    expect(again.generatedAdminToken).toBeNull();
  });

  it("on an existing set-up with one secret missing: sets only that one", async () => {
    const account = cloud({
      databases: [{ name: "quorum", uuid: "99999999-2222-4333-8444-555555555555" }],
      queues: ["quorum-mail", "quorum-mail-dlq"],
      secrets: ["ADMIN_TOKEN", "LINK_KEYS", "LINK_CURRENT_KID", "PUBLIC_URL"],
    });
    await deploy(account.io);
    expect(account.commands.filter((c) => /create|deploy/.test(c))).toEqual(["deploy --secrets-file /tmp/secrets.json"]);
    expect(Object.keys(account.uploaded())).toEqual(["HMAC_SECRET"]);
    expect(account.config()).toContain('database_id = "99999999-2222-4333-8444-555555555555"');
  });

  it("stops with what to do when not logged in, having changed nothing", async () => {
    const account = cloud({ databases: [], queues: [], secrets: [], loggedIn: false });
    await expect(deploy(account.io)).rejects.toThrow(/npx wrangler login/);
    expect(account.commands).toEqual(["whoami"]);
  });

  it("in a dry run, runs only the read-only commands", async () => {
    const account = cloud({ databases: [], queues: [], secrets: [] });
    const result = await deploy(account.io, { dryRun: true, publicUrl: "https://feedback.example.com" });
    expect(account.commands.every((c) => !/create|apply|^deploy/.test(c))).toBe(true);
    expect(result.done).toContain("create D1 database quorum");
    expect(account.config()).toBe(CONFIG);
  });
});
