import { inArray, eq } from "drizzle-orm";
import { selectInChunks } from "../../db/batch";
import type { Db } from "../../db/client";
import { contactAddresses, contacts, suppressions, type Contact } from "../../db/schema";
import { hmacSha256Hex } from "../../lib/crypto";

/**
 * The suppression list: HMACs of email addresses (never the addresses), so an opted-out, bounced or erased person
 * never comes back through a CRM re-import or a send. The one place that hashes, checks and adds entries.
 */
export type SuppressionReason = (typeof suppressions.$inferSelect)["reason"];


export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** HMAC of the normalized (trimmed, lower-cased) address; `secret` is env.HMAC_SECRET. */
export function emailHmac(secret: string, email: string): Promise<string> {
  return hmacSha256Hex(secret, normalizeEmail(email));
}

/** Why an address is suppressed, or null when it may be contacted. */
export async function suppressionReason(db: Db, secret: string, email: string): Promise<SuppressionReason | null> {
  const row = await db
    .select({ reason: suppressions.reason })
    .from(suppressions)
    .where(eq(suppressions.emailHmac, await emailHmac(secret, email)))
    .get();
  return row?.reason ?? null;
}

/** Reasons for many HMACs at once (chunked lookups); HMACs not on the list are absent from the map. */
export async function suppressionReasonsByHmac(db: Db, hmacs: string[]): Promise<Map<string, SuppressionReason>> {
  const rows = await selectInChunks(db, hmacs, (chunk) =>
    db.select({ emailHmac: suppressions.emailHmac, reason: suppressions.reason }).from(suppressions).where(inArray(suppressions.emailHmac, chunk)),
  );
  return new Map(rows.map((row) => [row.emailHmac, row.reason]));
}

/** Puts an address on the list now. To batch it with the change it belongs to, use suppressionUpsertByHmac. */
export async function addSuppression(db: Db, secret: string, email: string, reason: SuppressionReason, now = new Date()): Promise<void> {
  await suppressionUpsertByHmac(db, await emailHmac(secret, email), reason, now).run();
}

/**
 * The statement that puts an address on the list, for a `db.batch([...])` with the status change it belongs to
 * (get the HMAC first with emailHmac: a drizzle query is thenable, so it cannot come out of an async function unrun).
 * A later, stronger reason replaces an earlier one (e.g. unsubscribed, then erased).
 */
export function suppressionUpsertByHmac(db: Db, hmac: string, reason: SuppressionReason, now = new Date()) {
  return db
    .insert(suppressions)
    .values({ emailHmac: hmac, reason, createdAt: now.toISOString() })
    .onConflictDoUpdate({ target: suppressions.emailHmac, set: { reason } });
}

/** Every address a contact had before its current one (kept by a trigger whenever contacts.email changes). */
export async function formerAddresses(db: Db, contactId: string): Promise<string[]> {
  const rows = await db.select({ email: contactAddresses.email }).from(contactAddresses).where(eq(contactAddresses.contactId, contactId)).all();
  return rows.map((r) => r.email);
}

/** For addresses that were once another contact's: whose, and that contact's status now. */
export async function formerAddressOwners(db: Db, emails: string[]): Promise<Map<string, { contactId: string; status: Contact["status"] }>> {
  const found = new Map<string, { contactId: string; status: Contact["status"] }>();
  const rows = await selectInChunks(db, emails, (chunk) =>
    db
      .select({ email: contactAddresses.email, contactId: contacts.id, status: contacts.status })
      .from(contactAddresses)
      .innerJoin(contacts, eq(contacts.id, contactAddresses.contactId))
      .where(inArray(contactAddresses.email, chunk)),
  );
  // An address held by several people over time: the one who opted out wins (never brought back).
  for (const row of rows) if (!found.has(row.email) || row.status !== "active") found.set(row.email, { contactId: row.contactId, status: row.status });
  return found;
}
