import { sql } from "drizzle-orm";
import { runAll } from "../../db/batch";
import { emailHmac } from "../directory/suppression";
import type { SendDeps } from "../targeting/sends";
import type { Budget } from "../targeting/waves";
import { recheckAll, type AdmissionResult } from "./admit";

/** Re-checks per batch (each one a guarded UPDATE; the batch runs them in order, as one transaction). */
const RECHECKS_PER_BATCH = 40;

/**
 * Scheduled (delayDays) and deferred invitations that have come due, first in first out (by when they were first
 * held back), each checked against every rule again: admitted, deferred again, or suppressed (incl. defer-limit).
 */
export async function recheckDue(deps: SendDeps, now: Date, budget: Budget): Promise<AdmissionResult[]> {
  if (budget.remaining <= 0) return [];
  const at = now.toISOString();
  const due = await runAll<{ id: string; email: string | null }>(
    deps.db,
    sql`SELECT i.id, c.email FROM invitations i JOIN contacts c ON c.id = i.contact_id
      WHERE i.status IN ('scheduled', 'deferred') AND i.scheduled_for <= ${at}
      ORDER BY coalesce(i.deferred_since, i.scheduled_for), i.id LIMIT ${budget.remaining}`,
  );
  budget.remaining -= due.length;
  const withKeys = await Promise.all(due.map(async (d) => ({ id: d.id, emailHmac: d.email ? await emailHmac(deps.hmacSecret, d.email) : null })));
  const results: AdmissionResult[] = [];
  for (let i = 0; i < withKeys.length; i += RECHECKS_PER_BATCH) {
    results.push(...(await recheckAll(deps.db, withKeys.slice(i, i + RECHECKS_PER_BATCH), now)));
  }
  return results;
}
