import { env } from "cloudflare:workers";
import { getTableColumns, getTableName, is } from "drizzle-orm";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema";

describe("drizzle schema and migrations agree", () => {
  const tables = (Object.values(schema) as unknown[]).filter((value): value is SQLiteTable => is(value, SQLiteTable));

  it("has migrations applied", () => {
    expect(env.TEST_MIGRATIONS.length).toBeGreaterThan(0);
  });

  it.each(tables.map((t) => [getTableName(t), t] as const))("table %s has every column the schema declares", async (name, table) => {
    const info = await env.DB.prepare(`PRAGMA table_info(${name})`).all<{ name: string }>();
    const actual = info.results.map((c) => c.name).sort();
    const declared = Object.values(getTableColumns(table)).map((c) => c.name).sort();
    expect(actual).toEqual(declared);
  });
});
