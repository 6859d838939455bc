import { sql } from "drizzle-orm";
import { runAll } from "../../db/batch";
import type { Db } from "../../db/client";
import { newCandidate } from "./admit";
import { withDecision, type BlockingRule, type Verdict } from "./verdict";

export interface Eligibility {
  eligible: boolean;
  /** What an invitation now would become. */
  decision: Verdict;
  blockingRules: BlockingRule[];
  /** When every blocking rule has lapsed (now, if eligible); null when an opt-out blocks for good. */
  nextEligibleAt: string | null;
}

interface DecisionRow {
  status: Verdict;
  optedOut: string | null;
  until: string | null;
  rules: string | null;
}

/** Decision rows → the blocking rules: an opt-out alone, or every rule whose cap is reached (latest first). */
export function blockingRulesOf(row: Pick<DecisionRow, "optedOut" | "rules">): BlockingRule[] {
  if (row.optedOut) return [{ id: row.optedOut, until: null }];
  const rules = row.rules ? (JSON.parse(row.rules) as BlockingRule[]) : [];
  return rules.sort((a, b) => (b.until ?? "").localeCompare(a.until ?? "") || a.id.localeCompare(b.id));
}

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
    sql`${withDecision(newCandidate(input, at))} SELECT status, opted_out AS optedOut, until, rules FROM decision`,
  );
  if (!row) throw new Error("explainEligibility: contact or survey vanished"); // callers check both exist first
  const blockingRules = blockingRulesOf(row);
  return {
    eligible: row.status === "queued",
    decision: row.status,
    blockingRules,
    nextEligibleAt: row.optedOut ? null : row.status === "queued" ? at : row.until,
  };
}
