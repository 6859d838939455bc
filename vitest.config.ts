import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  if (migrations.length === 0) throw new Error("no migrations found in ./migrations (must be flat NNNN_name.sql files)");
  return {
    test: {
      projects: [
        {
          // Everything but the browser: inside workerd, against the real local D1 with migrations/ applied.
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  ADMIN_TOKEN: "test-admin-token-0123456789abcdef",
                  LINK_KEYS: JSON.stringify({ k2: "test-link-secret-current-0123456789abcdef", k1: "test-link-secret-previous-0123456789abcdef" }),
                  LINK_CURRENT_KID: "k2",
                  HMAC_SECRET: "test-hmac-secret-0123456789abcdef",
                  MAIL_WEBHOOK_SECRET: "whsec_cXVvcnVtLXRlc3QtbWFpbC13ZWJob29rLXNlY3JldCE=",
                  PUBLIC_URL: "http://quorum.test",
                  EXPOSE_DB_ROUND_TRIPS: "1",
                },
              },
            }),
          ],
          test: {
            name: "workers",
            setupFiles: ["./test/apply-migrations.ts"],
            include: ["test/**/*.test.ts"],
            exclude: ["test/e2e/**"],
            testTimeout: 20000,
          },
        },
        {
          // Whole journeys in Debian's chromium against `wrangler dev` (a real local server with its own D1).
          test: {
            name: "browser",
            environment: "node",
            include: ["test/e2e/**/*.browser.test.ts"],
            globalSetup: ["./test/e2e/support/global-setup.ts"],
            testTimeout: 120000,
            hookTimeout: 180000,
            fileParallelism: false,
          },
        },
      ],
    },
  };
});
