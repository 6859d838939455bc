import { sql, type SQL } from "drizzle-orm";
import { runAll } from "../../db/batch";
import type { Db } from "../../db/client";
import { unprocessable } from "../../lib/errors";
import { pendingOf } from "../frequency/admit";
import { deferLimit, ENABLED_ACCOUNT_RULES, isTargeted, NOT_TARGETED, optOutReason } from "../frequency/verdict";

export interface ContactFilter {
  roles?: string[];
  countries?: string[];
  segments?: string[];
  minAnnualRevenue?: number;
}

/** Who a manual send or plan is for: named contacts, whole accounts, or a filter over active accounts. */
export type Selection = { contactIds: string[] } | { accountIds: string[] } | { filter: ContactFilter };

const inJson = (column: SQL, values: string[]) => sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;

/** Contacts the survey's targetRoles admit (empty = every role). */
export const TARGETED = isTargeted(sql`c.role`, sql`s.target_roles`);

/**
 * The WHERE clause of a selection over `contacts c JOIN accounts a JOIN surveys s`. Named contacts are taken as named
 * (an opted-out one is then reported as suppressed, one outside the survey's roles as not-targeted); accounts and
 * filters take active contacts in the survey's roles (every role with `includeOffTarget`).
 * Id lists travel as one JSON parameter, so any number of ids stays within D1's statement and parameter limits.
 */
function selectionWhere(selection: Selection, includeOffTarget = false): SQL {
  if ("contactIds" in selection) return inJson(sql`c.id`, selection.contactIds);
  const targeted = includeOffTarget ? sql`c.status = 'active'` : sql`c.status = 'active' AND ${TARGETED}`;
  if ("accountIds" in selection) return sql`${inJson(sql`c.account_id`, selection.accountIds)} AND ${targeted}`;
  const f = selection.filter;
  const parts: SQL[] = [sql`a.status = 'active'`, targeted];
  if (f.roles?.length) parts.push(inJson(sql`c.role`, f.roles));
  if (f.countries?.length) parts.push(inJson(sql`a.country`, f.countries));
  if (f.segments?.length) parts.push(inJson(sql`a.segment`, f.segments));
  if (f.minAnnualRevenue !== undefined) parts.push(sql`a.annual_revenue >= ${f.minAnnualRevenue}`);
  return sql.join(parts, sql` AND `);
}

const FROM = (surveyId: string) =>
  sql`FROM contacts c JOIN accounts a ON a.id = c.account_id JOIN surveys s ON s.id = ${surveyId} AND s.current_version_id IS NOT NULL`;

/** A slice of a selection by account id: [from, to), `to` null for "to the end". */
export interface AccountRange {
  from: string;
  to: string | null;
  /** Enabled account-scope rules, read in the same statement (≤ 1 lets the plan use the shorter closed form). */
  accountRules: number;
}

const inRange = (range?: AccountRange) =>
  range ? sql`AND c.account_id >= ${range.from} ${range.to ? sql`AND c.account_id < ${range.to}` : sql``}` : sql``;

/**
 * The candidate rows (for `withDecision`) of a selection, or of one account range of it (every contact of an
 * account lands in the same range, so account caps are shared exactly as in the send).
 * The suppression list is not consulted here (it needs each address's HMAC); imports and bounces keep contact
 * status in step with it, and the real send checks it per contact.
 */
export function selectionCandidates(
  surveyId: string,
  selection: Selection,
  now: string,
  override: boolean,
  range?: AccountRange,
  includeOffTarget = false,
): SQL {
  // A named contact outside the survey's roles is held back like an opt-out (no account slot), reported as not-targeted.
  const held = includeOffTarget
    ? optOutReason(sql`c.status`, sql`NULL`)
    : sql`CASE WHEN NOT ${TARGETED} THEN ${NOT_TARGETED} ELSE ${optOutReason(sql`c.status`, sql`NULL`)} END`;
  return sql`SELECT c.id AS cand_key, c.id AS contact_id, c.account_id, c.role, s.id AS survey_id, s.current_version_id AS version_id,
      s.kind, s.journey_stage AS stage, ${now} AS now, ${held} AS opted_out,
      ${deferLimit(sql`${now}`)} AS defer_limit, ${override ? 1 : 0} AS override, 0 AS exempt,
      ${pendingOf(sql`c.id`, sql`s.id`)} AS pending_id
    ${FROM(surveyId)} WHERE ${selectionWhere(selection, includeOffTarget)} ${inRange(range)}`;
}

/**
 * The first account of every range of about `accountsPerRange` accounts of a selection, with the enabled account
 * rules: a query builder, so a plan reads it in one batch with the survey and the selection check.
 */
export function accountRangeStarts(db: Db, surveyId: string, selection: Selection, accountsPerRange: number, includeOffTarget = false) {
  return db
    .select({ id: sql<string>`account_id`, accountRules: sql<number>`(${ENABLED_ACCOUNT_RULES})` })
    .from(
      sql`(SELECT c.account_id, row_number() OVER (ORDER BY c.account_id) AS n ${FROM(surveyId)} WHERE ${selectionWhere(selection, includeOffTarget)} GROUP BY c.account_id)`,
    )
    .where(sql`(n - 1) % ${accountsPerRange} = 0`)
    .orderBy(sql`account_id`);
}

/** Range starts → ranges [from, next start). */
export function rangesFrom(starts: { id: string; accountRules: number }[]): AccountRange[] {
  return starts.map((start, i) => ({ from: start.id, to: starts[i + 1]?.id ?? null, accountRules: start.accountRules }));
}

export interface SelectedContact {
  id: string;
  email: string | null;
  name: string | null;
  accountName: string;
  /** 1 when the contact's role is in the survey's target roles. */
  targeted: number;
}

/** The next `limit` selected contacts after `after` (by id), with their addresses for the suppression-list check. */
export function selectedContacts(db: Db, surveyId: string, selection: Selection, limit: number, after?: string, includeOffTarget = false) {
  return runAll<SelectedContact>(
    db,
    sql`SELECT c.id, c.email, c.name, a.name AS accountName, ${TARGETED} AS targeted ${FROM(surveyId)}
      WHERE ${selectionWhere(selection, includeOffTarget)} ${after ? sql`AND c.id > ${after}` : sql``} ORDER BY c.id LIMIT ${limit}`,
  );
}

/** Which named contacts or accounts do not exist (up to 20; none for a filter): a query builder for a caller's batch. */
export function missingIds(db: Db, selection: Selection) {
  const [table, ids] = "contactIds" in selection ? ["contacts", selection.contactIds] : "accountIds" in selection ? ["accounts", selection.accountIds] : ["accounts", []];
  return db
    .select({ value: sql<string>`value` })
    .from(sql`json_each(${JSON.stringify(ids)})`)
    .where(sql`value NOT IN (SELECT id FROM ${sql.raw(table)})`)
    .limit(20);
}

/** Named contacts or accounts that do not exist (read by `missingIds`): a 422 that lists them, before anything is written. */
export function assertNoneMissing(selection: Selection, missing: { value: string }[]): void {
  if (!missing.length || "filter" in selection) return;
  const path = "contactIds" in selection ? "contactIds" : "accountIds";
  throw unprocessable(`Unknown ${path}: ${missing.map((r) => r.value).join(", ")}. Nothing was sent.`, missing.map((r) => ({ path, message: `no such id '${r.value}'` })));
}
