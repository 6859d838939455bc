import type { Db, RoundTrips } from "../db/client";
import type { TokenScope, UserRole } from "../db/schema";
import type { Env } from "../env";

/** Who is calling the admin API: recorded in the audit log. */
export interface Actor {
  /** "user:<id>" for a signed-in person, else the token id ("bootstrap" for the first admin token from the secret). */
  id: string;
  scopes: TokenScope[];
  /** Set when a person acts (session by email link, Cloudflare Access): cases use them to decide whose cases these are. */
  userId?: string;
  email?: string;
  name?: string;
  role?: UserRole;
}

export type AppEnv = {
  Bindings: Env;
  Variables: {
    db: Db;
    d1: D1Database;
    roundTrips: RoundTrips;
    actor: Actor;
    /** The session's CSRF token when the caller authenticated with the session cookie (GET /api/v1/users/me returns it). */
    csrfToken?: string;
  };
};
