import { and, eq, gt, lt } from "drizzle-orm";
import type { Db } from "../../db/client";
import { adminSessions, type TokenScope } from "../../db/schema";
import { sha256Hex } from "../../lib/crypto";
import { randomSecret } from "../../lib/ids";
import { auditInsert } from "../audit/log";

/** Admin UI sessions last a working day. */
export const SESSION_HOURS = 12;

export interface Session {
  actor: string;
  scopes: TokenScope[];
  csrfToken: string;
}

/** Opens a session for someone who pasted a valid token; returns the cookie secret (stored only as its hash). */
export async function openSession(db: Db, tokenActor: { id: string; scopes: TokenScope[] }, now: Date): Promise<{ secret: string; session: Session }> {
  const secret = randomSecret();
  const session: Session = { actor: `session:${tokenActor.id}`, scopes: tokenActor.scopes, csrfToken: randomSecret(24) };
  await db.batch([
    // Expired sessions are swept whenever someone logs in, so the table stays small without a cron.
    db.delete(adminSessions).where(lt(adminSessions.expiresAt, now.toISOString())),
    db.insert(adminSessions).values({
      idHash: await sha256Hex(secret),
      actor: session.actor,
      scopes: session.scopes,
      csrfToken: session.csrfToken,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SESSION_HOURS * 3_600_000).toISOString(),
    }),
    auditInsert(db, { actor: session.actor, action: "admin.login", entityType: "admin_session" }, now),
  ]);
  return { secret, session };
}

export async function sessionFor(db: Db, secret: string, now: Date): Promise<Session | null> {
  const row = await db
    .select({ actor: adminSessions.actor, scopes: adminSessions.scopes, csrfToken: adminSessions.csrfToken })
    .from(adminSessions)
    .where(and(eq(adminSessions.idHash, await sha256Hex(secret)), gt(adminSessions.expiresAt, now.toISOString())))
    .get();
  return row ?? null;
}

export async function closeSession(db: Db, secret: string): Promise<void> {
  await db.delete(adminSessions).where(eq(adminSessions.idHash, await sha256Hex(secret)));
}
