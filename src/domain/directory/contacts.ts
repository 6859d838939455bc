import { and, asc, eq, gt, inArray, ne } from "drizzle-orm";
import { z } from "zod";
import { selectInChunks } from "../../db/batch";
import type { Db } from "../../db/client";
import { accounts, contacts, roles, type Contact } from "../../db/schema";
import { badRequest, conflict, notFound, type FieldError } from "../../lib/errors";
import { Email, Locale } from "../../lib/fields";
import { newId, randomUnit } from "../../lib/ids";
import { auditInsert } from "../audit/log";
import { getSettings } from "../settings/settings";
import { changeDetail } from "../audit/changes";
import { emailHmac, suppressionReason, suppressionUpsertByHmac, type SuppressionReason } from "./suppression";

/** Contact fields as the API and the imports accept them (normalized on parse). */
export const contactFields = {
  email: Email,
  name: z.string().trim().max(200).nullable(),
  role: z.string().trim().min(1, "must not be empty").max(64),
  locale: Locale,
  accountId: z.string().trim().min(1).max(100),
};

export const ContactCreate = z.strictObject({
  accountId: contactFields.accountId,
  email: contactFields.email,
  name: contactFields.name.optional(),
  role: contactFields.role,
  locale: contactFields.locale.optional(),
});

/** Erasure has its own endpoint; opting out here also puts the address on the suppression list. */
export const ContactPatch = ContactCreate.partial().extend({
  status: z.enum(["active", "unsubscribed", "bounced"]).optional(),
});

export type ContactInput = z.output<typeof ContactCreate>;
export type ContactPatchInput = z.output<typeof ContactPatch>;

export interface ContactFilter {
  accountId?: string;
  role?: string;
  status?: Contact["status"];
  email?: string;
  after?: string;
  limit: number;
}

export function listContacts(db: Db, filter: ContactFilter) {
  return db
    .select()
    .from(contacts)
    .where(
      and(
        filter.accountId ? eq(contacts.accountId, filter.accountId) : undefined,
        filter.role ? eq(contacts.role, filter.role) : undefined,
        filter.status ? eq(contacts.status, filter.status) : undefined,
        filter.email ? eq(contacts.email, filter.email.toLowerCase()) : undefined,
        filter.after ? gt(contacts.id, filter.after) : undefined,
      ),
    )
    .orderBy(asc(contacts.id))
    .limit(filter.limit + 1)
    .all();
}

export async function getContact(db: Db, id: string): Promise<Contact> {
  const contact = await db.select().from(contacts).where(eq(contacts.id, id)).get();
  if (!contact) throw notFound(`Contact '${id}'`);
  return contact;
}

/** The role keys that exist, for checks and for messages that name them. */
export async function roleKeys(db: Db): Promise<string[]> {
  const rows = await db.select({ key: roles.key }).from(roles).orderBy(asc(roles.key)).all();
  return rows.map((r) => r.key);
}

export const unknownRoleMessage = (role: string, valid: string[]) => `unknown role '${role}'; valid roles: ${valid.join(", ")}`;

/** Why an address may not be (re-)added, as the person reading the error needs it. */
export const suppressedMessage = (reason: SuppressionReason) =>
  ({
    unsubscribed: "this address unsubscribed and is on the suppression list; it is not added again",
    bounced: "mail to this address bounced and it is on the suppression list; it is not added again",
    erased: "this person asked to be erased and the address is on the suppression list; it is not added again",
  })[reason];

export async function createContact(db: Db, actor: string, secret: string, input: ContactInput, now = new Date()): Promise<Contact> {
  await assertReferences(db, input);
  await assertEmailUsable(db, secret, input.email);
  const locale = input.locale ?? (await getSettings(db)).defaultLocale;
  const id = newId("con", now);
  const stamp = now.toISOString();
  const row = { id, accountId: input.accountId, email: input.email, name: input.name ?? null, role: input.role, locale, status: "active" as const, prn: randomUnit(), createdAt: stamp, updatedAt: stamp };
  const [[created]] = await db.batch([
    db.insert(contacts).values(row).returning(),
    auditInsert(db, { actor, action: "contact.create", entityType: "contact", entityId: id, detail: { accountId: row.accountId, role: row.role, locale } }, now),
  ]);
  return created!;
}

/**
 * Moving a contact to another account keeps the contact (and its prn); past invitations keep the account they
 * were sent for. Setting status unsubscribed/bounced also suppresses the address.
 */
export async function updateContact(db: Db, actor: string, secret: string, id: string, patch: ContactPatchInput, now = new Date()): Promise<Contact> {
  const existing = await getContact(db, id);
  if (existing.status === "erased") throw conflict("This contact was erased; nothing about it can be changed.");
  const changes = Object.fromEntries(
    Object.entries(patch).filter(([key, value]) => value !== undefined && existing[key as keyof Contact] !== value),
  ) as ContactPatchInput;
  if (Object.keys(changes).length === 0) return existing;
  await assertReferences(db, changes);
  if (changes.email) await assertEmailUsable(db, secret, changes.email, id);
  const email = changes.email ?? existing.email!;
  const hmac = await emailHmac(secret, email);
  if (changes.status === "active") await assertNotSuppressed(db, secret, email);
  const suppress = changes.status === "unsubscribed" || changes.status === "bounced" ? changes.status : null;
  const [[updated]] = await db.batch([
    db.update(contacts).set({ ...changes, updatedAt: now.toISOString() }).where(eq(contacts.id, id)).returning(),
    ...(suppress ? [suppressionUpsertByHmac(db, hmac, suppress, now)] : []),
    auditInsert(db, { actor, action: "contact.update", entityType: "contact", entityId: id, detail: changeDetail(existing, redactEmail(changes)) }, now),
  ]);
  return updated!;
}

/** The audit log records that an email changed, not the address. */
function redactEmail<T extends { email?: string }>(changes: T): T {
  return changes.email ? { ...changes, email: "(changed)" } : changes;
}

async function assertReferences(db: Db, input: { accountId?: string; role?: string }) {
  const errors: FieldError[] = [];
  const [account, validRoles] = await Promise.all([
    input.accountId ? db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, input.accountId)).get() : undefined,
    input.role ? roleKeys(db) : ([] as string[]),
  ]);
  if (input.accountId && !account) errors.push({ path: "accountId", message: `no account has id '${input.accountId}'` });
  if (input.role && !validRoles.includes(input.role)) errors.push({ path: "role", message: unknownRoleMessage(input.role, validRoles) });
  if (errors.length) throw badRequest(errors.map((e) => e.message).join("; "), errors);
}

async function assertEmailUsable(db: Db, secret: string, email: string, exceptId?: string) {
  const taken = await db
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.email, email), exceptId ? ne(contacts.id, exceptId) : undefined))
    .get();
  if (taken) {
    throw conflict(`Contact ${taken.id} already has the email ${email}; update that contact instead.`, [
      { path: "email", message: "already used by another contact" },
    ]);
  }
  await assertNotSuppressed(db, secret, email);
}

async function assertNotSuppressed(db: Db, secret: string, email: string) {
  const reason = await suppressionReason(db, secret, email);
  if (reason) throw conflict(`The address ${email} is suppressed: ${suppressedMessage(reason)}.`, [{ path: "email", message: suppressedMessage(reason) }]);
}

/** Contacts by their (lower-cased) emails, looked up in chunks that stay under D1's bound-parameter limit. */
export async function contactsByEmail(db: Db, emails: string[]): Promise<Map<string, Contact>> {
  const rows = await selectInChunks(db, emails, (chunk) => db.select().from(contacts).where(inArray(contacts.email, chunk)));
  return new Map(rows.map((row) => [row.email!, row]));
}
