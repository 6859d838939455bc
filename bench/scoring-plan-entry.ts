// Bundled by bench/scoring.mjs: a stored run's statements as plain SQL text, for the sqlite3 command line.
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { planSteps, type RunPlan } from "../src/domain/scoring/plan";

const dialect = new SQLiteAsyncDialect();

const literal = (value: unknown) => (typeof value === "number" ? String(value) : value === null ? "NULL" : `'${String(value).replace(/'/g, "''")}'`);

export function planStatements(
  run: { id: string; timeZone: string; fiscalYearStartMonth: number; dirtyThrough: number },
  plan: RunPlan,
): { name: string; sql: string }[] {
  return planSteps(run, plan).flatMap((step) =>
    step.statements.map((statement) => {
      const query = dialect.sqlToQuery(statement);
      let i = 0;
      return { name: step.name, sql: query.sql.replace(/\?/g, () => literal(query.params[i++])) };
    }),
  );
}
