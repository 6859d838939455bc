import { eq, sql } from "drizzle-orm";
import { runBatch } from "../../db/batch";
import type { Db } from "../../db/client";
import { invitations, type Invitation } from "../../db/schema";
import { notFound } from "../../lib/errors";
import { auditInsert } from "../audit/log";
import { historyStatement } from "../frequency/admit";

/**
 * An admin revokes an invitation: its survey link stops working at once (the invitation row is the source of truth,
 * whatever the JWT says; opting out keeps working), no email or reminder goes out for it, and one not yet admitted
 * (scheduled or deferred) becomes `suppressed` (`revoked`) so the dispatcher never admits it. Revoking again keeps
 * the first time. The change and its audit row are one batch.
 */
export async function revokeInvitation(db: Db, actor: string, id: string, now: Date): Promise<Invitation> {
  const existing = await db.select({ id: invitations.id }).from(invitations).where(eq(invitations.id, id)).get();
  if (!existing) throw notFound(`Invitation '${id}'`);
  const at = now.toISOString();
  await runBatch(db, [
    sql`UPDATE invitations SET status = 'suppressed', blocking_rule = 'revoked', updated_at = ${at}
      WHERE id = ${id} AND revoked_at IS NULL AND status IN ('scheduled', 'deferred')`,
    historyStatement([id], now),
    sql`UPDATE invitations SET revoked_at = ${at}, updated_at = ${at} WHERE id = ${id} AND revoked_at IS NULL`,
    auditInsert(db, { actor, action: "invitation.revoke", entityType: "invitation", entityId: id }, now),
  ]);
  return (await db.select().from(invitations).where(eq(invitations.id, id)).get())!;
}
