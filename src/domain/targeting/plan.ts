import { sql } from "drizzle-orm";
import type { BatchResponse } from "drizzle-orm/batch";
import { runAll } from "../../db/batch";
import type { Db } from "../../db/client";
import { blockingRulesOf } from "../frequency/eligibility";
import { NOT_TARGETED, withDecision, type BlockingRule, type Verdict } from "../frequency/verdict";
import { sendTotals, type SendTotals } from "./sends";
import { accountRangeStarts, assertNoneMissing, missingIds, rangesFrom, selectionCandidates, type AccountRange, type Selection } from "./selection";
import { assertSendable, surveyRow } from "./surveys";

export interface PlanItem {
  contactId: string;
  contactName: string | null;
  accountId: string;
  accountName: string;
  /** What the send would answer for this contact (the pending invitation's status when `pending`). */
  wouldBe: Verdict | "scheduled" | "not-targeted";
  blockingRule: string | null;
  /** Deferred or pending: when it would be re-checked. */
  until: string | null;
  blockingRules: BlockingRule[];
  /** The contact already has this survey scheduled or deferred: the send answers with that invitation. */
  pending: boolean;
}

export interface PlanTotals extends SendTotals {
  /** How many candidates each rule (or opt-out reason, not-targeted, or defer-limit) holds back. */
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
  contactName: string | null;
  accountId: string;
  accountName: string;
  pending: number;
  status: PlanItem["wouldBe"];
  blockingRule: string | null;
  until: string | null;
  rules: string | null;
  optedOut: string | null;
  summary: string;
}

type SummaryRow = { status: PlanItem["wouldBe"]; rule: string | null; pending: number; n: number };

function totalsOf(summary: SummaryRow[]): PlanTotals {
  const totals: PlanTotals = { ...sendTotals([]), byRule: {} };
  for (const { status, rule, pending, n } of summary) {
    const counted = sendTotals(Array.from({ length: n }, () => ({ status, pending: pending === 1 })));
    for (const key of Object.keys(counted) as (keyof SendTotals)[]) totals[key] += counted[key];
    if (rule && !pending) totals.byRule[rule] = (totals.byRule[rule] ?? 0) + n;
  }
  return totals;
}

/**
 * What the send would answer per candidate: not-targeted for a named contact outside the survey's roles, else the
 * pending invitation (status, rule, date) when there is one, else the rules' decision.
 */
const SHOWN = sql.raw(`shown AS (
  SELECT d.cand_key, d.contact_id, d.account_id, d.rules, d.opted_out, p.id IS NOT NULL AS pending,
    CASE WHEN p.id IS NOT NULL THEN p.status WHEN d.blocking_rule = '${NOT_TARGETED}' THEN '${NOT_TARGETED}' ELSE d.status END AS status,
    CASE WHEN p.id IS NOT NULL THEN p.blocking_rule ELSE d.blocking_rule END AS blocking_rule,
    CASE WHEN p.id IS NOT NULL THEN p.scheduled_for WHEN d.status = 'deferred' THEN d.until END AS until
  FROM decision d LEFT JOIN invitations p ON p.id = d.pending_id AND d.opted_out IS NOT '${NOT_TARGETED}')`);

const SUMMARY = sql.raw(`(SELECT json_group_array(json_object('status', status, 'rule', blocking_rule, 'pending', pending, 'n', n))
   FROM (SELECT status, blocking_rule, pending, count(*) AS n FROM shown GROUP BY status, blocking_rule, pending))`);

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
  const candidates = selectionCandidates(input.surveyId, input.selection, at, input.override ?? false, range, input.includeOffTarget ?? false);
  return sql`${withDecision(candidates, { accountRules: range.accountRules })}, ${SHOWN}
    SELECT NULL AS contactId, NULL AS contactName, NULL AS accountId, NULL AS accountName, NULL AS pending, NULL AS status, NULL AS blockingRule,
      NULL AS until, NULL AS rules, NULL AS optedOut, ${SUMMARY} AS summary
    UNION ALL
    SELECT * FROM (
      SELECT x.contact_id, c.name, x.account_id, a.name, x.pending, x.status, x.blocking_rule, x.until, x.rules, x.opted_out, NULL
      FROM shown x JOIN contacts c ON c.id = x.contact_id JOIN accounts a ON a.id = x.account_id
      ${after ? sql`WHERE (x.account_id, x.cand_key) > (${after[0]}, ${after[1]})` : sql``}
      ORDER BY x.account_id, x.cand_key LIMIT ${limit})`;
}

export interface PlanInput {
  surveyId: string;
  selection: Selection;
  override?: boolean;
  includeOffTarget?: boolean;
  cursor?: string;
  limit: number;
}

/**
 * What a plan reads before its statements — the survey, the named ids that do not exist, the account ranges — as query
 * builders, so they go in one batch (one D1 round trip), alongside a page's own reads if it has any.
 */
export function planReads(db: Db, input: PlanInput) {
  return [
    surveyRow(db, input.surveyId),
    missingIds(db, input.selection),
    accountRangeStarts(db, input.surveyId, input.selection, ACCOUNTS_PER_STATEMENT, input.includeOffTarget ?? false),
  ] as const;
}

export type PlanReads = BatchResponse<ReturnType<typeof planReads>>;

/**
 * Who a send would invite and who not, and why — read-only, the same rule SQL as the guarded insert, candidates of
 * one account sharing its caps in send order. One batch of reads, then one statement per range of 200 accounts
 * (short statements, D1 serves others in between; a plan of up to 200 accounts is one); totals cover the whole
 * selection, items are paged by (account, contact).
 */
export async function planSend(db: Db, input: PlanInput, now: Date): Promise<Plan> {
  return planFrom(db, input, await db.batch(planReads(db, input)), now);
}

/** The plan, from the reads of `planReads` (read by the caller, in its own batch). */
export async function planFrom(db: Db, input: PlanInput, [survey, missing, starts]: PlanReads, now: Date): Promise<Plan> {
  assertSendable(survey[0], input.surveyId);
  assertNoneMissing(input.selection, missing);
  const at = now.toISOString();
  const after = decodeCursor(input.cursor);
  const summary: SummaryRow[] = [];
  const rows: PlanRow[] = [];
  for (const range of rangesFrom(starts)) {
    const wanted = input.limit + 1 - rows.length;
    const reached = !after || range.to === null || range.to > after[0];
    const [head, ...items] = await runAll<PlanRow>(db, rangeStatement(input, range, at, after, reached ? wanted : 0));
    summary.push(...(JSON.parse(head!.summary) as SummaryRow[]));
    rows.push(...items);
  }
  const items = rows.slice(0, input.limit).map(
    (row): PlanItem => ({
      contactId: row.contactId,
      contactName: row.contactName,
      accountId: row.accountId,
      accountName: row.accountName,
      wouldBe: row.status,
      blockingRule: row.blockingRule,
      until: row.until,
      blockingRules: row.pending
        ? row.blockingRule ? [{ id: row.blockingRule, until: row.until }] : []
        : row.status === NOT_TARGETED ? [{ id: NOT_TARGETED, until: null }] : blockingRulesOf(row),
      pending: row.pending === 1,
    }),
  );
  const last = items[items.length - 1];
  return { surveyId: input.surveyId, totals: totalsOf(summary), items, nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null };
}
