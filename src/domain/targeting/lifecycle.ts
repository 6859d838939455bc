import { sql } from "drizzle-orm";
import { runBatch } from "../../db/batch";
import type { Db } from "../../db/client";
import { historyStatement } from "../frequency/admit";

/** A reminder goes this long after the invitation was sent, if it is not complete. */
export const REMINDER_AFTER_DAYS = 4;
/** Rows touched per step per tick: bounded work, the rest next tick. */
const STEP_LIMIT = 200;

const OPEN = `('sent', 'opened', 'started')`;

/**
 * Claims the invitations due a reminder (sent ≥ 4 days ago, not complete, not expired or revoked, never reminded)
 * by stamping reminder_sent_at in one UPDATE — so no invitation is ever reminded twice, even by overlapping ticks.
 * Reminders are exempt from frequency rules. Returns the claimed ids, to be queued as `reminder` deliveries.
 */
export async function claimReminders(db: Db, now: Date): Promise<string[]> {
  const at = now.toISOString();
  const sentBefore = new Date(now.getTime() - REMINDER_AFTER_DAYS * 86_400_000).toISOString();
  const [rows] = await runBatch<{ id: string }>(db, [
    sql`UPDATE invitations SET reminder_sent_at = ${at}, updated_at = ${at}
      WHERE id IN (SELECT id FROM invitations WHERE status IN ${sql.raw(OPEN)} AND reminder_sent_at IS NULL AND revoked_at IS NULL
                   AND sent_at <= ${sentBefore} AND (expires_at IS NULL OR expires_at > ${at}) ORDER BY sent_at LIMIT ${STEP_LIMIT})
      RETURNING id`,
  ]);
  return (rows ?? []).map((r) => r.id);
}

/** Admitted invitations whose time is up become `expired` (their links die with them). */
export async function expireInvitations(db: Db, now: Date): Promise<string[]> {
  const at = now.toISOString();
  const [rows] = await runBatch<{ id: string }>(db, [
    sql`UPDATE invitations SET status = 'expired', updated_at = ${at}
      WHERE id IN (SELECT id FROM invitations WHERE status IN ('queued', 'sent', 'opened', 'started') AND expires_at <= ${at} LIMIT ${STEP_LIMIT})
      RETURNING id`,
  ]);
  const ids = (rows ?? []).map((r) => r.id);
  if (ids.length) await runBatch(db, [historyStatement(ids, now)]);
  return ids;
}

/** Queued this long without any delivery attempt: its queue message was probably lost (the enqueue failed after the commit). */
const LOST_AFTER_MINUTES = 15;

/**
 * Admitted invitations of the last day that never reached the delivery ledger are queued again, at most once per
 * 15 minutes each (updated_at is the marker). A duplicate message is harmless: the ledger claim sends once.
 */
export async function reclaimLostDeliveries(db: Db, now: Date): Promise<string[]> {
  const at = now.toISOString();
  const quietSince = new Date(now.getTime() - LOST_AFTER_MINUTES * 60_000).toISOString();
  const dayAgo = new Date(now.getTime() - 86_400_000).toISOString();
  const [rows] = await runBatch<{ id: string }>(db, [
    sql`UPDATE invitations SET updated_at = ${at}
      WHERE id IN (SELECT i.id FROM invitations i WHERE i.status = 'queued' AND i.admitted_at >= ${dayAgo} AND i.updated_at < ${quietSince}
                   AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.invitation_id = i.id) LIMIT ${STEP_LIMIT})
      RETURNING id`,
  ]);
  return (rows ?? []).map((r) => r.id);
}
