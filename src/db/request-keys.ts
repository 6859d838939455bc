// One-time request keys — an API client's Idempotency-Key or the planner's send key (send_requests, with the send's
// result to replay) and the admin forms' keys (form_requests) — are remembered for KEY_RETENTION_DAYS, then
// forgotten in bounded chunks by the dispatcher tick, so neither table grows without end.
import { sql } from "drizzle-orm";
import type { Db } from "./client";
import { formRequests, sendRequests } from "./schema";

export const KEY_RETENTION_DAYS = 30;
const CHUNK = 500;

/** Deletes up to CHUNK keys older than the retention from each table (one batch); answers how many went. */
export async function forgetOldRequestKeys(db: Db, now: Date): Promise<number> {
  const before = new Date(now.getTime() - KEY_RETENTION_DAYS * 86_400_000).toISOString();
  const results = await db.batch([
    db.delete(sendRequests).where(sql`rowid IN (SELECT rowid FROM send_requests WHERE created_at < ${before} LIMIT ${CHUNK})`),
    db.delete(formRequests).where(sql`rowid IN (SELECT rowid FROM form_requests WHERE created_at < ${before} LIMIT ${CHUNK})`),
  ]);
  return results.reduce((sum, r) => sum + r.meta.changes, 0);
}
