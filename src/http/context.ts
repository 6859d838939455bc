import type { Db, RoundTrips } from "../db/client";
import type { TokenScope } from "../db/schema";
import type { Env } from "../env";

/** Who is calling the admin API: recorded in the audit log. */
export interface Actor {
  /** Token id, "bootstrap" (the first admin token from the secret), "access:<email>" or "session:<token id>". */
  id: string;
  scopes: TokenScope[];
}

export type AppEnv = {
  Bindings: Env;
  Variables: {
    db: Db;
    d1: D1Database;
    roundTrips: RoundTrips;
    actor: Actor;
  };
};
