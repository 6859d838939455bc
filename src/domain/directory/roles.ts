import { asc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { contacts, roles, surveys, type Role } from "../../db/schema";
import { conflict, notFound } from "../../lib/errors";
import { auditInsert } from "../audit/log";

export type RoleInput = Pick<Role, "key" | "label"> & Partial<Pick<Role, "weight" | "committee" | "decisionMaker">>;
export type RolePatch = Partial<Omit<RoleInput, "key">>;

export function listRoles(db: Db) {
  return db.select().from(roles).orderBy(asc(roles.key)).all();
}

export async function getRole(db: Db, key: string): Promise<Role> {
  const role = await db.select().from(roles).where(eq(roles.key, key)).get();
  if (!role) throw notFound(`Role '${key}'`);
  return role;
}

export async function createRole(db: Db, actor: string, input: RoleInput, now = new Date()): Promise<Role> {
  const existing = await db.select({ key: roles.key }).from(roles).where(eq(roles.key, input.key)).get();
  if (existing) throw conflict(`A role with key '${input.key}' already exists.`, [{ path: "key", message: "already exists" }]);
  const stamp = now.toISOString();
  const [[created]] = await db.batch([
    db.insert(roles).values({ ...input, createdAt: stamp, updatedAt: stamp }).returning(),
    auditInsert(db, { actor, action: "role.create", entityType: "role", entityId: input.key, detail: input }, now),
  ]);
  return created!;
}

export async function updateRole(db: Db, actor: string, key: string, patch: RolePatch, now = new Date()): Promise<Role> {
  await getRole(db, key);
  const [[updated]] = await db.batch([
    db.update(roles).set({ ...patch, updatedAt: now.toISOString() }).where(eq(roles.key, key)).returning(),
    auditInsert(db, { actor, action: "role.update", entityType: "role", entityId: key, detail: patch }, now),
  ]);
  return updated!;
}

export async function deleteRole(db: Db, actor: string, key: string, now = new Date()): Promise<void> {
  await getRole(db, key);
  const inUse = await db.select({ n: sql<number>`count(*)` }).from(contacts).where(eq(contacts.role, key)).get();
  if (inUse && inUse.n > 0) {
    throw conflict(`Role '${key}' is held by ${inUse.n} contact(s); move them to another role first.`);
  }
  const targeting = await db
    .select({ id: surveys.id })
    .from(surveys)
    .where(sql`exists (select 1 from json_each(${surveys.targetRoles}) where value = ${key})`)
    .get();
  if (targeting) {
    throw conflict(`Role '${key}' is a target role of survey '${targeting.id}'; remove it from the survey's targetRoles first.`);
  }
  await db.batch([
    db.delete(roles).where(eq(roles.key, key)),
    auditInsert(db, { actor, action: "role.delete", entityType: "role", entityId: key }, now),
  ]);
}
