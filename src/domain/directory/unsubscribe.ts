import { sql } from "drizzle-orm";
import { runBatch } from "../../db/batch";
import type { Db } from "../../db/client";
import { auditInsert } from "../audit/log";
import { emailHmac, suppressionUpsertByHmac } from "./suppression";

/** The contact an unsubscribe link belongs to (through its invitation), with what the page needs to greet them. */
export interface UnsubscribeTarget {
  contactId: string;
  email: string | null;
  status: "active" | "unsubscribed" | "bounced" | "erased";
  locale: string;
  organizationName: string;
}

export async function unsubscribeTarget(db: Db, invitationId: string): Promise<UnsubscribeTarget | null> {
  const row = await db.get<{ contact_id: string; email: string | null; status: UnsubscribeTarget["status"]; locale: string; organization_name: string | null }>(sql`
    SELECT c.id AS contact_id, c.email, c.status, c.locale, s.organization_name
    FROM invitations i JOIN contacts c ON c.id = i.contact_id LEFT JOIN settings s ON s.id = 1
    WHERE i.id = ${invitationId}`);
  if (!row) return null;
  return { contactId: row.contact_id, email: row.email, status: row.status, locale: row.locale, organizationName: row.organization_name ?? "Quorum" };
}

/**
 * Opts the contact out for good, in one batch: status `unsubscribed`, the address on the suppression list (so a CRM
 * re-import cannot bring it back), invitations not yet sent suppressed as `opted-out`, and an audit row.
 * Idempotent: a second click changes nothing.
 */
export async function unsubscribe(db: Db, hmacSecret: string, target: UnsubscribeTarget, now: Date): Promise<void> {
  if (target.status !== "active" || !target.email) return;
  const at = now.toISOString();
  // The hash is computed first: the suppression helper's async variant would run its insert outside this batch.
  const hmac = await emailHmac(hmacSecret, target.email);
  await runBatch(db, [
    sql`UPDATE contacts SET status = 'unsubscribed', updated_at = ${at} WHERE id = ${target.contactId} AND status = 'active'`,
    suppressionUpsertByHmac(db, hmac, "unsubscribed", now),
    sql`
      INSERT INTO invitation_events (invitation_id, status, at, detail)
      SELECT id, 'suppressed', ${at}, 'opted-out' FROM invitations
      WHERE contact_id = ${target.contactId} AND status IN ('scheduled', 'deferred', 'queued')`,
    sql`
      UPDATE invitations SET status = 'suppressed', blocking_rule = 'opted-out', updated_at = ${at}
      WHERE contact_id = ${target.contactId} AND status IN ('scheduled', 'deferred', 'queued')`,
    auditInsert(db, { actor: `contact:${target.contactId}`, action: "contact.unsubscribe", entityType: "contact", entityId: target.contactId }, now),
  ]);
}

/** An address as the unsubscribe pages show it: the first character of the local part, then •••, then the domain. */
export function maskEmail(email: string | null): string {
  if (!email) return "•••";
  const at = email.lastIndexOf("@");
  if (at < 1) return "•••";
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}

/**
 * Undo from the confirmation page: the contact is active again and off the suppression list, in one batch with an
 * audit row. Only an unsubscribe is undone (never a bounce or an erasure); invitations suppressed meanwhile stay so.
 */
export async function resubscribe(db: Db, hmacSecret: string, target: UnsubscribeTarget, now: Date): Promise<void> {
  if (target.status !== "unsubscribed" || !target.email) return;
  const at = now.toISOString();
  const hmac = await emailHmac(hmacSecret, target.email);
  await runBatch(db, [
    sql`UPDATE contacts SET status = 'active', updated_at = ${at} WHERE id = ${target.contactId} AND status = 'unsubscribed'`,
    sql`DELETE FROM suppressions WHERE email_hmac = ${hmac} AND reason = 'unsubscribed'`,
    auditInsert(db, { actor: `contact:${target.contactId}`, action: "contact.resubscribe", entityType: "contact", entityId: target.contactId }, now),
  ]);
}
