import { getTableColumns, sql, type SQL } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { ImportError } from "./source";

/** zod issues of one row → report lines. */
export function issuesToImportErrors(row: number, issues: { path: PropertyKey[]; message: string }[]): ImportError[] {
  return issues.map((issue) => ({ row, field: issue.path.map(String).join(".") || "(row)", message: issue.message }));
}

/** `SET col = excluded.col` for every column but `keep` (an upsert that writes the whole prepared row). */
export function upsertSet(table: SQLiteTable, keep: string[]): Record<string, SQL> {
  return Object.fromEntries(
    Object.entries(getTableColumns(table))
      .filter(([key]) => !keep.includes(key))
      .map(([key, column]) => [key, sql.raw(`excluded.${column.name}`)]),
  );
}
