import { sql } from "drizzle-orm";
import { runAll } from "../../db/batch";
import type { Db } from "../../db/client";
import { newCandidate } from "./admit";
import { DEFER_LIMIT, isTargeted, NOT_TARGETED, withDecision, type BlockingRule, type Verdict } from "./verdict";

export interface Eligibility {
  /** True only when the contact is targeted by the survey AND an invitation now would be admitted. */
  eligible: boolean;
  /** The contact's role is in the survey's targetRoles (events and the program invite only targeted contacts). */
  targeted: boolean;
  /** What an invitation now would become under the frequency rules. */
  decision: Verdict;
  /** The one reason an invitation would carry: not-targeted, an opt-out, a rule id, or defer-limit; null when eligible. */
  blockingRule: string | null;
  /** not-targeted / defer-limit first when they apply, then an opt-out alone or every rule whose cap is reached. */
  blockingRules: BlockingRule[];
  /** When every blocking rule has lapsed (now, if eligible); null when an opt-out or the targeting blocks for good. */
  nextEligibleAt: string | null;
  contactName: string | null;
  accountName: string | null;
}

interface DecisionRow {
  status: Verdict;
  blockingRule: string | null;
  optedOut: string | null;
  until: string | null;
  rules: string | null;
  targeted: number;
  contactName: string | null;
  accountName: string | null;
}

/** Decision rows → the blocking rules: an opt-out alone, or every rule whose cap is reached (latest first). */
export function blockingRulesOf(row: Pick<DecisionRow, "optedOut" | "rules">): BlockingRule[] {
  if (row.optedOut) return [{ id: row.optedOut, until: null }];
  const rules = row.rules ? (JSON.parse(row.rules) as BlockingRule[]) : [];
  return rules.sort((a, b) => (b.until ?? "").localeCompare(a.until ?? "") || a.id.localeCompare(b.id));
}

/** The SELECT list that reads a decision row's explanation (shared by eligibility and plans). */
export const EXPLAINED = sql.raw(`d.status, d.blocking_rule AS blockingRule, d.opted_out AS optedOut, d.until, d.rules,
  (SELECT name FROM contacts WHERE id = d.contact_id) AS contactName, (SELECT name FROM accounts WHERE id = d.account_id) AS accountName`);

/**
 * May this contact be sent this survey now, and if not, which rules block it until when? The same SQL as the
 * guarded insert, read-only: the explanation can never disagree with what a send would do.
 */
export async function explainEligibility(
  db: Db,
  input: { contactId: string; surveyId: string; emailHmac: string | null },
  now: Date,
): Promise<Eligibility> {
  const at = now.toISOString();
  const [row] = await runAll<DecisionRow>(
    db,
    sql`${withDecision(newCandidate(input, at), { single: true })} SELECT ${EXPLAINED},
      ${isTargeted(sql`d.role`, sql`(SELECT target_roles FROM surveys WHERE id = d.survey_id)`)} AS targeted FROM decision d`,
  );
  if (!row) throw new Error("explainEligibility: contact or survey vanished"); // callers check both exist first
  const targeted = row.targeted === 1;
  const rules = blockingRulesOf(row);
  const blockingRules = [
    ...(targeted ? [] : [{ id: NOT_TARGETED, until: null }]),
    ...(row.blockingRule === DEFER_LIMIT ? [{ id: DEFER_LIMIT, until: row.until }] : []),
    ...rules,
  ];
  const open = row.status === "queued";
  return {
    eligible: targeted && open,
    targeted,
    decision: row.status,
    blockingRule: targeted ? row.blockingRule : NOT_TARGETED,
    blockingRules,
    nextEligibleAt: !targeted || row.optedOut ? null : open ? at : row.until,
    contactName: row.contactName,
    accountName: row.accountName,
  };
}
