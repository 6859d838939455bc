import { sql } from "drizzle-orm";
import { runAll } from "../../db/batch";
import type { Db } from "../../db/client";
import { blockingRulesOf } from "../frequency/eligibility";
import { withDecision, type BlockingRule, type Verdict } from "../frequency/verdict";
import { accountRanges, assertSelectionExists, selectionCandidates, type AccountRange, type Selection } from "./selection";
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

/** Accounts per statement: keeps each read short (≈ 2,000 candidates), so D1 serves other queries in between. */
const ACCOUNTS_PER_STATEMENT = 200;

/** The plan's page position: items are ordered by account, then contact. */
const encodeCursor = (row: { accountId: string; contactId: string }) => `${row.accountId} ${row.contactId}`;
function decodeCursor(cursor: string | undefined): [string, string] | null {
  const [account, contact] = cursor?.split(" ") ?? [];
  return account && contact ? [account, contact] : null;
}

/** One account range: its summary, and up to `limit` items after the cursor. */
function rangeStatement(input: PlanInput, range: AccountRange, at: string, after: [string, string] | null, limit: number) {
  return sql`${withDecision(selectionCandidates(input.surveyId, input.selection, at, input.override ?? false, range))}
    SELECT NULL AS contactId, NULL AS accountId, NULL AS status, NULL AS blockingRule, NULL AS until, NULL AS rules, NULL AS optedOut, ${SUMMARY} AS summary
    UNION ALL
    SELECT * FROM (
      SELECT contact_id, account_id, status, blocking_rule, until, rules, opted_out, NULL FROM decision
      ${after ? sql`WHERE (account_id, cand_key) > (${after[0]}, ${after[1]})` : sql``}
      ORDER BY account_id, cand_key LIMIT ${limit})`;
}

export interface PlanInput {
  surveyId: string;
  selection: Selection;
  override?: boolean;
  cursor?: string;
  limit: number;
}

/**
 * Who a send would invite and who not, and why — read-only, the same rule SQL as the guarded insert, candidates of
 * one account sharing its caps in send order. Evaluated one account range per statement (short statements, D1 runs
 * one at a time); totals cover the whole selection, items are paged by (account, contact).
 */
export async function planSend(db: Db, input: PlanInput, now: Date): Promise<Plan> {
  await sendableSurvey(db, input.surveyId);
  await assertSelectionExists(db, input.selection);
  const at = now.toISOString();
  const after = decodeCursor(input.cursor);
  const summary: SummaryRow[] = [];
  const rows: PlanRow[] = [];
  for (const range of await accountRanges(db, input.surveyId, input.selection, ACCOUNTS_PER_STATEMENT)) {
    const wanted = input.limit + 1 - rows.length;
    const reached = !after || range.to === null || range.to > after[0];
    const [head, ...items] = await runAll<PlanRow>(db, rangeStatement(input, range, at, after, reached ? wanted : 0));
    summary.push(...(JSON.parse(head!.summary) as SummaryRow[]));
    rows.push(...items);
  }
  const items = rows.slice(0, input.limit).map((row) => ({
    contactId: row.contactId,
    accountId: row.accountId,
    wouldBe: row.status,
    blockingRule: row.blockingRule,
    until: row.status === "deferred" ? row.until : null,
    blockingRules: blockingRulesOf(row),
  }));
  const last = items[items.length - 1];
  return { surveyId: input.surveyId, totals: totalsOf(summary), items, nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null };
}
