import { and, asc, count, eq, gt, ne } from "drizzle-orm";
import type { Db } from "../../db/client";
import { isUniqueViolation } from "../../db/errors";
import { adminSessions, users, type TokenScope, type User, type UserRole } from "../../db/schema";
import { conflict, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { auditInsert } from "../audit/log";
import { changeDetail } from "../audit/changes";

/** What a role may do through tokens' scopes: admins everything; analysts and account managers read (case work is checked by the cases). */
export function scopesForRole(role: UserRole): TokenScope[] {
  return role === "admin" ? ["admin"] : ["read"];
}

/** The audit log's name for a person: resolvable to their email and name through /api/v1/users/{id}. */
export const userActor = (userId: string) => `user:${userId}`;

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** Oldest first; `after` is the last id of the previous page (ids are time-ordered). */
export function listUsers(db: Db, options: { after?: string; limit: number; status?: User["status"]; email?: string }): Promise<User[]> {
  return db
    .select()
    .from(users)
    .where(
      and(
        options.after ? gt(users.id, options.after) : undefined,
        options.status ? eq(users.status, options.status) : undefined,
        options.email ? eq(users.email, normalizeEmail(options.email)) : undefined,
      ),
    )
    .orderBy(asc(users.id))
    .limit(options.limit + 1)
    .all();
}

export async function getUser(db: Db, id: string): Promise<User> {
  const user = await db.select().from(users).where(eq(users.id, id)).get();
  if (!user) throw notFound(`User '${id}'`);
  return user;
}

export async function findUserByEmail(db: Db, email: string): Promise<User | null> {
  return (await db.select().from(users).where(eq(users.email, normalizeEmail(email))).get()) ?? null;
}

/**
 * Adds a person (active at once); the caller sends them their first sign-in link. A taken address fails the UNIQUE
 * email in the same batch (nothing written), so two invitations racing get one user and a 409, never a 500.
 */
export async function inviteUser(db: Db, actor: string, input: { email: string; name: string; role: UserRole }, now = new Date()): Promise<User> {
  const email = normalizeEmail(input.email);
  const id = newId("usr", now);
  try {
    const [[created]] = await db.batch([
      db.insert(users).values({ id, email, name: input.name.trim(), role: input.role, status: "active", createdAt: now.toISOString() }).returning(),
      auditInsert(db, { actor, action: "user.invite", entityType: "user", entityId: id, detail: { email, name: input.name.trim(), role: input.role } }, now),
    ]);
    return created!;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw conflict(`${email} is already a user; change their role or reactivate them instead.`, [{ path: "email", message: "already a user" }]);
  }
}

/** The last active admin can neither be demoted nor deactivated: someone must be able to manage people. */
async function assertAnotherActiveAdmin(db: Db, user: User, doing: string) {
  if (user.role !== "admin" || user.status !== "active") return;
  const others = await db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.role, "admin"), eq(users.status, "active"), ne(users.id, user.id)))
    .get();
  if (!others?.n) throw conflict(`${user.email} is the last active admin; make someone else an admin before you ${doing}.`, [{ path: "role", message: "last active admin" }]);
}

export async function updateUser(db: Db, actor: string, id: string, change: { role?: UserRole; name?: string }, now = new Date()): Promise<User> {
  const user = await getUser(db, id);
  const after: Partial<User> = {};
  if (change.role && change.role !== user.role) after.role = change.role;
  if (change.name && change.name.trim() !== user.name) after.name = change.name.trim();
  if (Object.keys(after).length === 0) return user;
  if (after.role) await assertAnotherActiveAdmin(db, user, "change their role");
  const [[updated]] = await db.batch([
    db.update(users).set(after).where(eq(users.id, id)).returning(),
    auditInsert(db, { actor, action: "user.update", entityType: "user", entityId: id, detail: changeDetail(user, after) }, now),
  ]);
  return updated!;
}

/** Deactivating ends the person's sessions at once; their sign-in links stop working (both are re-checked on use too). */
export async function deactivateUser(db: Db, actor: string, id: string, now = new Date()): Promise<User> {
  const user = await getUser(db, id);
  if (user.status === "deactivated") return user;
  await assertAnotherActiveAdmin(db, user, "deactivate them");
  const [[updated]] = await db.batch([
    db.update(users).set({ status: "deactivated", deactivatedAt: now.toISOString() }).where(eq(users.id, id)).returning(),
    db.delete(adminSessions).where(eq(adminSessions.userId, id)),
    auditInsert(db, { actor, action: "user.deactivate", entityType: "user", entityId: id, detail: { email: user.email } }, now),
  ]);
  return updated!;
}

export async function reactivateUser(db: Db, actor: string, id: string, now = new Date()): Promise<User> {
  const user = await getUser(db, id);
  if (user.status === "active") return user;
  const [[updated]] = await db.batch([
    db.update(users).set({ status: "active", deactivatedAt: null }).where(eq(users.id, id)).returning(),
    auditInsert(db, { actor, action: "user.reactivate", entityType: "user", entityId: id, detail: { email: user.email } }, now),
  ]);
  return updated!;
}
