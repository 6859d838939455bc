import { SQL } from "drizzle-orm";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "./client";
import { inListChunks } from "./limits";

/** A drizzle query builder (insert/update/delete/select) or a raw `sql` template. */
export type Statement = SQL | { toSQL(): { sql: string; params: unknown[] } };

const dialect = new SQLiteSyncDialect();

/**
 * Runs statements as one D1 batch (one transaction, one round trip) and returns each one's rows.
 * drizzle's own batch cannot take raw `sql` statements with parameters (drizzle-orm 0.45), and the guarded
 * inserts are raw SQL, so both kinds go through the D1 client here.
 */
export async function runBatch<Row = Record<string, unknown>>(db: Db, statements: Statement[]): Promise<Row[][]> {
  if (statements.length === 0) return [];
  const d1 = (db as Db & { $client: D1Database }).$client;
  const prepared = statements.map((statement) => {
    const query = statement instanceof SQL ? dialect.sqlToQuery(statement) : statement.toSQL();
    return d1.prepare(query.sql).bind(...query.params);
  });
  const results = await d1.batch<Row>(prepared);
  return results.map((result) => result.results ?? []);
}

/** Runs one raw statement and returns its rows. */
export async function runAll<Row = Record<string, unknown>>(db: Db, statement: SQL): Promise<Row[]> {
  const [rows] = await runBatch<Row>(db, [statement]);
  return rows ?? [];
}

/**
 * One lookup over many values (`WHERE x IN (…)`): split into IN-list chunks that stay under D1's bound-parameter
 * limit, all sent in one batch — one round trip however many chunks — and their rows returned together.
 */
export async function selectInChunks<Row>(db: Db, values: readonly string[], queryFor: (chunk: string[]) => { all(): Promise<Row[]> }): Promise<Row[]> {
  const statements = inListChunks([...values]).map((chunk) => queryFor(chunk) as unknown as BatchItem<"sqlite">);
  if (statements.length === 0) return [];
  const results = (await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]])) as unknown as Row[][];
  return results.flat();
}
