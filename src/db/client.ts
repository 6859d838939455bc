import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Db = DrizzleD1Database<typeof schema>;

/** Counts D1 round trips (each statement run, each batch) so budgets (SPEC §10) can be measured, not guessed. */
export interface RoundTrips {
  count: number;
}

const INNER = Symbol("inner");

class CountingStatement {
  [INNER]: D1PreparedStatement;
  constructor(inner: D1PreparedStatement, private readonly trips: RoundTrips) {
    this[INNER] = inner;
  }
  bind(...values: unknown[]) {
    return new CountingStatement(this[INNER].bind(...values), this.trips);
  }
  first(column?: string) {
    this.trips.count++;
    return column === undefined ? this[INNER].first() : this[INNER].first(column);
  }
  run() {
    this.trips.count++;
    return this[INNER].run();
  }
  all() {
    this.trips.count++;
    return this[INNER].all();
  }
  raw(options?: { columnNames?: boolean }) {
    this.trips.count++;
    return this[INNER].raw(options as { columnNames: true });
  }
}

/** A D1Database that counts its round trips and otherwise behaves exactly like the binding it wraps. */
export function countingD1(d1: D1Database, trips: RoundTrips): D1Database {
  const unwrap = (s: D1PreparedStatement) => (s as unknown as CountingStatement)[INNER] ?? s;
  const wrapper = {
    prepare: (query: string) => new CountingStatement(d1.prepare(query), trips),
    batch: (statements: D1PreparedStatement[]) => {
      trips.count++;
      return d1.batch(statements.map(unwrap));
    },
    exec: (query: string) => {
      trips.count++;
      return d1.exec(query);
    },
    dump: () => d1.dump(),
    withSession: (...args: Parameters<D1Database["withSession"]>) => d1.withSession(...args),
  };
  return wrapper as unknown as D1Database;
}

export function createDb(d1: D1Database): Db {
  return drizzle(d1, { schema });
}
