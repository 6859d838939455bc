import { env } from "cloudflare:workers";
import { createDb, type Db } from "../../src/db/client";

const INNER = Symbol("inner");

/**
 * A drizzle client over the real D1 that records how many parameters each statement binds: local D1 allows
 * far more than production's 100, so tests assert the limit themselves.
 */
export function paramRecordingDb(): { db: Db; bound: number[] } {
  const bound: number[] = [];
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, key) {
        if (key === INNER) return target;
        if (key === "bind") {
          return (...values: unknown[]) => {
            bound.push(values.length);
            return wrap(target.bind(...values));
          };
        }
        const value = Reflect.get(target, key);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  const unwrap = (s: D1PreparedStatement) => ((s as unknown as Record<symbol, D1PreparedStatement>)[INNER] ?? s);
  const d1 = new Proxy(env.DB, {
    get(target, key) {
      if (key === "prepare") return (query: string) => wrap(target.prepare(query));
      if (key === "batch") return (statements: D1PreparedStatement[]) => target.batch(statements.map(unwrap));
      const value = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db: createDb(d1), bound };
}
