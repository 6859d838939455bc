import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  if (migrations.length === 0) throw new Error("no migrations found in ./migrations (must be flat NNNN_name.sql files)");
  return {
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
            PUBLIC_URL: "http://quorum.test",
            EXPOSE_DB_ROUND_TRIPS: "1",
          },
        },
      }),
    ],
    test: {
      setupFiles: ["./test/apply-migrations.ts"],
      include: ["test/**/*.test.ts"],
      testTimeout: 20000,
    },
  };
});
