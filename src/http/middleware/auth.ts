import { and, eq, isNull, lt, or } from "drizzle-orm";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { bootstrapSessionKey, sessionFor, type Session } from "../../domain/access/sessions";
import { apiTokens, type TokenScope } from "../../db/schema";
import { sha256Hex, timingSafeEqual } from "../../lib/crypto";
import type { Actor, AppEnv } from "../context";
import { ApiError } from "../../lib/errors";

const unauthorized = (detail: string) => new ApiError(401, "Unauthorized", detail);

/** `lastUsedAt` is refreshed at most this often, so a busy integration does not add a write to every call. */
const LAST_USED_RESOLUTION_MS = 60 * 60 * 1000;

/** Resolves a bearer secret to an actor: the bootstrap admin token from the secret, or a stored (hashed) token. */
export async function actorForBearer(
  env: AppEnv["Bindings"],
  db: AppEnv["Variables"]["db"],
  secret: string,
  now = new Date(),
): Promise<Actor | null> {
  if (env.ADMIN_TOKEN && timingSafeEqual(secret, env.ADMIN_TOKEN)) return { id: "bootstrap", scopes: ["admin"] };
  const hash = await sha256Hex(secret);
  const token = await db
    .select({ id: apiTokens.id, scopes: apiTokens.scopes, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, hash), isNull(apiTokens.revokedAt)))
    .get();
  if (!token) return null;
  const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString();
  if (!token.lastUsedAt || token.lastUsedAt < staleBefore) {
    await db
      .update(apiTokens)
      .set({ lastUsedAt: now.toISOString() })
      .where(and(eq(apiTokens.id, token.id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, staleBefore))));
  }
  return { id: token.id, scopes: token.scopes };
}

/** The admin session cookie: path / so the same-origin session also authorizes /api/v1 (the API docs can try requests). */
export const SESSION_COOKIE = "quorum_session";
/** Writes to /api/v1 made with the session cookie carry the session's CSRF token in this header. */
export const CSRF_HEADER = "X-CSRF-Token";

export const isWrite = (method: string) => method !== "GET" && method !== "HEAD" && method !== "OPTIONS";

/** The actor of a session: a person (with their id, email, name and role for the cases) or the token it was opened with. */
export function actorForSession(session: Session): Actor {
  if (!session.user) return { id: session.actor, scopes: session.scopes };
  const { id: userId, email, name, role } = session.user;
  return { id: session.actor, scopes: session.scopes, userId, email, name, role };
}

/**
 * Authenticates `Authorization: Bearer <token>`, else the admin session cookie (writes then need its CSRF token in
 * X-CSRF-Token); 401 when missing, unknown, revoked or ended.
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (match?.[1]) {
    const actor = await actorForBearer(c.env, c.var.db, match[1]);
    if (!actor) throw unauthorized("This token is unknown or has been revoked. Ask an admin for a new one.");
    c.set("actor", actor);
    return next();
  }
  const secret = getCookie(c, SESSION_COOKIE);
  if (!secret) throw unauthorized("Send an API token as 'Authorization: Bearer <token>', or sign in at /admin/login.");
  const session = await sessionFor(c.var.db, secret, new Date(), await bootstrapSessionKey(c.env.ADMIN_TOKEN));
  if (!session) throw unauthorized("Your session has ended; sign in again at /admin/login.");
  if (isWrite(c.req.method) && !timingSafeEqual(c.req.header(CSRF_HEADER) ?? "", session.csrfToken)) {
    throw new ApiError(403, "Forbidden", `Changes made with a session cookie need the session's CSRF token in the ${CSRF_HEADER} header (GET /api/v1/users/me returns it).`);
  }
  c.set("actor", actorForSession(session));
  c.set("csrfToken", session.csrfToken);
  return next();
});

/**
 * Scope guard for a router: reads (GET/HEAD) need one of `read`, writes one of `write`. `admin` always passes.
 * Example: integrations may post journey events: `guard({ read: ["read", "integration"], write: ["integration"] })`.
 */
export function guard(policy: { read: TokenScope[]; write: TokenScope[] }) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const isRead = c.req.method === "GET" || c.req.method === "HEAD";
    const needed = isRead ? policy.read : policy.write;
    const scopes = c.var.actor.scopes;
    if (!scopes.includes("admin") && !needed.some((s) => scopes.includes(s))) {
      throw new ApiError(403, "Forbidden", `This action needs a token with scope ${["admin", ...needed].join(" or ")}; yours has ${scopes.join(", ") || "none"}.`);
    }
    await next();
  });
}

export const adminOnly = guard({ read: ["read"], write: [] });
