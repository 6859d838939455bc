import { sql } from "drizzle-orm";
import { runAll } from "../../db/batch";
import type { Db } from "../../db/client";
import { blockingRulesOf } from "../frequency/eligibility";
import { withDecision, type BlockingRule, type Verdict } from "../frequency/verdict";
import { assertSelectionExists, selectionCandidates, type Selection } from "./selection";
import { sendableSurvey } from "./surveys";

export interface PlanItem {
  contactId: string;
  accountId: string;
  wouldBe: Verdict;
  blockingRule: string | null;
  /** Deferred: when it would be re-checked. */
  until: string | null;
  blockingRules: BlockingRule[];
}

export interface PlanTotals {
  candidates: number;
  queued: number;
  deferred: number;
  suppressed: number;
  /** How many candidates each rule (or opt-out reason, or defer-limit) holds back. */
  byRule: Record<string, number>;
}

export interface Plan {
  surveyId: string;
  totals: PlanTotals;
  items: PlanItem[];
  nextCursor: string | null;
}

interface PlanRow {
  contactId: string;
  accountId: string;
  status: Verdict;
  blockingRule: string | null;
  until: string | null;
  rules: string | null;
  optedOut: string | null;
  summary: string;
}

type SummaryRow = { status: Verdict; rule: string | null; n: number };

function totalsOf(summary: SummaryRow[]): PlanTotals {
  const totals: PlanTotals = { candidates: 0, queued: 0, deferred: 0, suppressed: 0, byRule: {} };
  for (const { status, rule, n } of summary) {
    totals.candidates += n;
    totals[status] += n;
    if (rule) totals.byRule[rule] = (totals.byRule[rule] ?? 0) + n;
  }
  return totals;
}

const SUMMARY = sql.raw(`(SELECT json_group_array(json_object('status', status, 'rule', blocking_rule, 'n', n))
   FROM (SELECT status, blocking_rule, count(*) AS n FROM decision GROUP BY status, blocking_rule))`);

/**
 * Who a send would invite and who not, and why — one read-only statement over the whole selection (the same rule
 * SQL as the guarded insert, candidates sharing account caps in send order). Totals cover the whole selection;
 * items are paged by contact id.
 */
export async function planSend(
  db: Db,
  input: { surveyId: string; selection: Selection; override?: boolean; cursor?: string; limit: number },
  now: Date,
): Promise<Plan> {
  await sendableSurvey(db, input.surveyId);
  await assertSelectionExists(db, input.selection);
  const at = now.toISOString();
  const rows = await runAll<PlanRow>(
    db,
    sql`${withDecision(selectionCandidates(input.surveyId, input.selection, at, input.override ?? false))}
      SELECT contact_id AS contactId, account_id AS accountId, status, blocking_rule AS blockingRule, until, rules,
        opted_out AS optedOut, ${SUMMARY} AS summary
      FROM decision ${input.cursor ? sql`WHERE cand_key > ${input.cursor}` : sql``} ORDER BY cand_key LIMIT ${input.limit + 1}`,
  );
  const summary: SummaryRow[] = rows[0] ? JSON.parse(rows[0].summary) : [];
  const items = rows.slice(0, input.limit).map((row) => ({
    contactId: row.contactId,
    accountId: row.accountId,
    wouldBe: row.status,
    blockingRule: row.blockingRule,
    until: row.status === "deferred" ? row.until : null,
    blockingRules: blockingRulesOf(row),
  }));
  const last = items[items.length - 1];
  return { surveyId: input.surveyId, totals: totalsOf(summary), items, nextCursor: rows.length > input.limit && last ? last.contactId : null };
}
