import { and, eq, isNull, lt, or } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
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

/** Authenticates `Authorization: Bearer <token>`; 401 when missing, unknown or revoked. */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw unauthorized("Send an API token as 'Authorization: Bearer <token>'.");
  const actor = await actorForBearer(c.env, c.var.db, match[1]);
  if (!actor) throw unauthorized("This token is unknown or has been revoked. Ask an admin for a new one.");
  c.set("actor", actor);
  await next();
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
