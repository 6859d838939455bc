import { and, eq, gt, isNotNull, isNull, lt, or } from "drizzle-orm";
import type { Db } from "../../db/client";
import { adminSessions, apiTokens, users, type TokenScope, type UserRole } from "../../db/schema";
import { sha256Hex } from "../../lib/crypto";
import { randomSecret } from "../../lib/ids";
import { auditInsert } from "../audit/log";
import { scopesForRole, userActor } from "../users/users";

/** Admin UI sessions last a working day. */
export const SESSION_HOURS = 12;

/** The admin token from the secret has no row in api_tokens; the audit log calls it this. */
export const BOOTSTRAP_TOKEN_ID = "bootstrap";

/**
 * What a session opened with the admin token from the secret records as its token: derived from the secret, so
 * rotating ADMIN_TOKEN ends those sessions at once, as revoking a stored token does.
 */
export async function bootstrapSessionKey(adminToken: string): Promise<string> {
  return `${BOOTSTRAP_TOKEN_ID}:${(await sha256Hex(`session:${adminToken}`)).slice(0, 16)}`;
}

/** A live session: who it belongs to, as of this request (role and scopes are read afresh each time). */
export interface Session {
  /** Audit name: "user:<id>" for a person, the token id for an admin-token sign-in. */
  actor: string;
  scopes: TokenScope[];
  csrfToken: string;
  user: { id: string; name: string; email: string; role: UserRole } | null;
  token: { id: string; name: string } | null;
}

/** A token holder's `tokenId` is its api_tokens id, or bootstrapSessionKey(...) for the admin token from the secret. */
type Holder = { kind: "user"; id: string; role: UserRole } | { kind: "token"; id: string; tokenId: string; scopes: TokenScope[] };

/**
 * Opens a session for a person (email link, Cloudflare Access) or a token (the admin-token form); returns the cookie
 * secret, stored only as its hash.
 */
export async function openSession(db: Db, holder: Holder, how: string, now: Date): Promise<{ secret: string; csrfToken: string }> {
  const secret = randomSecret();
  const csrfToken = randomSecret(24);
  const actor = holder.kind === "user" ? userActor(holder.id) : holder.id;
  await db.batch([
    // Expired sessions are swept whenever someone signs in, so the table stays small without a cron.
    db.delete(adminSessions).where(lt(adminSessions.expiresAt, now.toISOString())),
    db.insert(adminSessions).values({
      idHash: await sha256Hex(secret),
      actor,
      scopes: holder.kind === "user" ? scopesForRole(holder.role) : holder.scopes,
      csrfToken,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SESSION_HOURS * 3_600_000).toISOString(),
      userId: holder.kind === "user" ? holder.id : null,
      tokenId: holder.kind === "token" ? holder.tokenId : null,
    }),
    auditInsert(db, { actor, action: "admin.login", entityType: "admin_session", detail: { via: how } }, now),
  ]);
  return { secret, csrfToken };
}

/**
 * The session behind a cookie secret, in one query: a person's session only while they are active, a token's only
 * while it is not revoked (so deactivating or revoking ends sessions at once, not at their expiry).
 */
export async function sessionFor(db: Db, secret: string, now: Date, bootstrapKey: string): Promise<Session | null> {
  const row = await db
    .select({
      actor: adminSessions.actor,
      csrfToken: adminSessions.csrfToken,
      userId: adminSessions.userId,
      tokenId: adminSessions.tokenId,
      userName: users.name,
      userEmail: users.email,
      userRole: users.role,
      tokenName: apiTokens.name,
      tokenScopes: apiTokens.scopes,
    })
    .from(adminSessions)
    .leftJoin(users, eq(users.id, adminSessions.userId))
    .leftJoin(apiTokens, eq(apiTokens.id, adminSessions.tokenId))
    .where(
      and(
        eq(adminSessions.idHash, await sha256Hex(secret)),
        gt(adminSessions.expiresAt, now.toISOString()),
        or(
          and(isNotNull(adminSessions.userId), eq(users.status, "active")),
          and(isNotNull(apiTokens.id), isNull(apiTokens.revokedAt)),
          eq(adminSessions.tokenId, bootstrapKey),
        ),
      ),
    )
    .get();
  if (!row) return null;
  if (row.userId && row.userEmail && row.userRole) {
    return {
      actor: row.actor,
      scopes: scopesForRole(row.userRole),
      csrfToken: row.csrfToken,
      user: { id: row.userId, name: row.userName ?? row.userEmail, email: row.userEmail, role: row.userRole },
      token: null,
    };
  }
  const isBootstrap = row.tokenId === bootstrapKey;
  return {
    actor: row.actor,
    scopes: isBootstrap ? ["admin"] : (row.tokenScopes ?? []),
    csrfToken: row.csrfToken,
    user: null,
    token: { id: isBootstrap ? BOOTSTRAP_TOKEN_ID : row.tokenId!, name: isBootstrap ? "Admin token" : (row.tokenName ?? "API token") },
  };
}

export async function closeSession(db: Db, secret: string): Promise<void> {
  await db.delete(adminSessions).where(eq(adminSessions.idHash, await sha256Hex(secret)));
}
