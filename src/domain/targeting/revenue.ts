// The revenue rule (SPEC §5): accounts holding the top 80 % of revenue get at least one invited committee-role
// contact each quarter — a committee role not heard from in the trailing 12 months first — through the frequency
// rules, never forced past them. The top-up has its own cause (the quarter's top-up), picks only a contact §4 admits
// at that moment, and never one whose regular wave send it would block; where no committee contact is admissible,
// the shortfall lists each candidate's reason.
import { sql, type SQL } from "drizzle-orm";
import { runAll, runBatch } from "../../db/batch";
import type { Db } from "../../db/client";
import type { Survey } from "../../db/schema";
import { pendingOf } from "../frequency/admit";
import { deferLimit, isTargeted, NOT_TARGETED, optOutReason, withDecision } from "../frequency/verdict";
import type { Period } from "../scoring/periods";
import { nextRegularSendSql, regularSendWaves } from "./program";
import type { SendDeps } from "./sends";
import { admitProgram, type Budget, type ProgramContext, type SliceReport } from "./waves";

/** Share of total revenue the rule covers, largest accounts first. */
export const TOP_REVENUE_SHARE = 0.8;
/** A top-up would take the place of (or block) this contact's regular wave send: it is due within a rule's window. */
export const REGULAR_SEND_DUE = "regular-send-due";

/** Active accounts, largest first, while the revenue before them is under 80 % of the total (the account crossing the line is in). */
const TOP_ACCOUNTS = sql.raw(`top AS (
  SELECT id, name, annual_revenue, total FROM (
    SELECT a.id, a.name, a.annual_revenue,
           sum(a.annual_revenue) OVER (ORDER BY a.annual_revenue DESC, a.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before,
           sum(a.annual_revenue) OVER () AS total
    FROM accounts a WHERE a.status = 'active' AND a.annual_revenue > 0)
  WHERE coalesce(before, 0) < ${TOP_REVENUE_SHARE} * total)`);

/** A committee-role contact of the account admitted (queued or later, not failed) in the quarter. */
const covered = (quarter: Pick<Period, "start" | "end">, accountId: SQL) => sql`EXISTS (
  SELECT 1 FROM invitations i JOIN contacts c ON c.id = i.contact_id JOIN roles r ON r.key = c.role AND r.committee = 1
  WHERE i.account_id = ${accountId} AND i.admitted_at >= ${quarter.start} AND i.admitted_at < ${quarter.end} AND i.status <> 'failed')`;

/** The quarter's top-up cause: at most one top-up invitation per contact, survey and quarter (unique index of 0030). */
export const topUpCause = (surveyId: string, quarter: Pick<Period, "start">) => `${surveyId}:topup:${quarter.start.slice(0, 10)}`;

export interface CommitteeCandidate {
  contactId: string;
  contactName: string | null;
  role: string;
  /** null: §4 admits this contact now; else why not (opted-out, bounced, erased, not-targeted, a rule id, defer-limit, regular-send-due, tried). */
  reason: string | null;
  /** When that reason lapses, where it does. */
  until: string | null;
}

export interface CoverageRow {
  accountId: string;
  name: string;
  annualRevenue: number;
  covered: boolean;
  /** Null when covered; otherwise why not, with each committee contact's own reason. */
  shortfall: null | {
    reason: "no-committee-contact" | "blocked" | "not-yet-tried";
    /** The distinct reasons of the candidates (rule ids, opt-outs, not-targeted, regular-send-due…). */
    blockingRules: string[];
    candidates: CommitteeCandidate[];
  };
}

interface CandidateRow {
  accountId: string;
  name: string;
  annualRevenue: number;
  covered: number;
  contactId: string | null;
  contactName: string | null;
  role: string | null;
  /** Why §4 is not even asked (not-targeted, tried, regular-send-due, no-relational-survey), else null. */
  held: string | null;
  /** When `held` lapses (the regular send's day, for regular-send-due). */
  heldUntil: string | null;
}

/**
 * Top accounts with their committee contacts (any status, so opt-outs are named) and the reasons decided before §4: not
 * targeted, already tried this quarter, or a regular wave send due within the contact's guard window (so a top-up now
 * would take its place or block it). `cand_key` sorts in the order the top-up tries them — roles not heard from in
 * 12 months first, then by prn — so the account's caps are shared in that order.
 */
function candidatesSql(survey: Survey | null, ctx: ProgramContext, quarter: Pick<Period, "start" | "end">, now: Date): SQL {
  const yearAgo = new Date(now.getTime() - 365 * 86_400_000).toISOString();
  const surveyId = survey?.id ?? null;
  const next = survey ? nextRegularSendSql(sql`coalesce(y.prn, 0)`, regularSendWaves(survey, ctx, now)) : sql`NULL`;
  return sql`SELECT x.*, x.accountId || ' ' || x.heard || ' ' || printf('%.12f', coalesce(x.prn, 0)) || ' ' || x.contactId AS cand_key,
      CASE WHEN x.contactId IS NULL THEN NULL WHEN ${surveyId} IS NULL THEN 'no-relational-survey' WHEN x.targeted <> 1 THEN ${NOT_TARGETED}
        WHEN x.tried = 1 THEN 'tried' WHEN x.guardDays AND x.nextMs < ${now.getTime()} + x.guardDays * 86400000 THEN ${REGULAR_SEND_DUE} END AS held,
      CASE WHEN x.targeted = 1 AND x.tried = 0 AND x.guardDays AND x.nextMs < ${now.getTime()} + x.guardDays * 86400000
        THEN strftime('%Y-%m-%dT%H:%M:%fZ', x.nextMs / 1000.0, 'unixepoch') END AS heldUntil
    FROM (SELECT y.*, ${next} AS nextMs FROM (
      WITH ${TOP_ACCOUNTS}, t AS (SELECT top.*, ${covered(quarter, sql`top.id`)} AS is_covered FROM top)
      SELECT t.id AS accountId, t.name, t.annual_revenue AS annualRevenue, t.is_covered AS covered,
        c.id AS contactId, c.name AS contactName, c.role, c.prn,
        ${isTargeted(sql`c.role`, sql`coalesce(s.target_roles, '[]')`)} AS targeted,
        EXISTS (SELECT 1 FROM responses x WHERE x.account_id = t.id AND x.role = c.role AND x.status = 'complete' AND x.submitted_at >= ${yearAgo}) AS heard,
        EXISTS (SELECT 1 FROM invitations i WHERE i.survey_id = ${surveyId} AND i.contact_id = c.id AND i.cause_type = 'program'
                AND i.cause_id = ${survey ? topUpCause(survey.id, quarter) : null}) AS tried,
        (SELECT max(r.window_days) FROM frequency_rules r WHERE r.enabled = 1 AND r.scope = 'contact' AND r.counts = 'sent'
           AND (r.match_kind IS NULL OR r.match_kind = s.kind) AND (r.match_survey_id IS NULL OR r.match_survey_id = s.id)
           AND (r.match_journey_stage IS NULL OR r.match_journey_stage = s.journey_stage) AND (r.match_role IS NULL OR r.match_role = c.role)) AS guardDays
      FROM t
      -- Candidates only for uncovered accounts: a covered account needs no top-up and no explanation.
      LEFT JOIN (contacts c JOIN roles ro ON ro.key = c.role AND ro.committee = 1) ON c.account_id = t.id AND t.is_covered = 0
      LEFT JOIN surveys s ON s.id = ${surveyId}) y) x`;
}

/** The candidates for display, in the order the top-up tries them. */
const candidateRows = (candidates: SQL) =>
  sql`SELECT accountId, name, annualRevenue, covered, contactId, contactName, role, held, heldUntil FROM (${candidates}) ORDER BY annualRevenue DESC, accountId, cand_key`;

/** What §4 says now about each candidate, read-only (the guarded insert's SQL), the reasons decided beforehand held like opt-outs. */
function decisionRows(survey: Survey, candidates: SQL, now: Date) {
  const at = now.toISOString();
  return sql`${withDecision(sql`SELECT k.cand_key, c.id AS contact_id, c.account_id, c.role, s.id AS survey_id,
        s.current_version_id AS version_id, s.kind, s.journey_stage AS stage, ${at} AS now,
        coalesce(k.held, ${optOutReason(sql`c.status`, sql`NULL`)}) AS opted_out,
        ${deferLimit(sql`${at}`)} AS defer_limit, 0 AS override, 0 AS exempt, ${pendingOf(sql`c.id`, sql`s.id`)} AS pending_id
      FROM (${candidates}) k JOIN contacts c ON c.id = k.contactId JOIN surveys s ON s.id = ${survey.id}`)}
      SELECT contact_id AS contactId, status, blocking_rule AS reason, until FROM decision`;
}

type DecisionRow = { contactId: string; status: string; reason: string | null; until: string | null };

interface AccountCandidates {
  accountId: string;
  name: string;
  annualRevenue: number;
  covered: boolean;
  /** In the order the top-up tries them: roles not heard from in 12 months first, then by prn. */
  candidates: CommitteeCandidate[];
}

/**
 * Every top account, covered or not, and for the uncovered ones each committee contact's standing now: admissible
 * (reason null) or why not. One batch (one round trip): the candidates, and one read-only decision over all of them.
 */
export async function committeeCandidates(
  db: Db,
  survey: Survey | null,
  ctx: ProgramContext,
  quarter: Pick<Period, "start" | "end">,
  now: Date,
): Promise<AccountCandidates[]> {
  const candidates = candidatesSql(survey, ctx, quarter, now);
  const [rows = [], decided = []] = await runBatch<CandidateRow & DecisionRow>(db, [candidateRows(candidates), ...(survey ? [decisionRows(survey, candidates, now)] : [])]);
  const verdicts = new Map((decided as DecisionRow[]).map((r) => [r.contactId, r]));
  const accounts = new Map<string, AccountCandidates>();
  for (const row of rows as CandidateRow[]) {
    const account = accounts.get(row.accountId) ?? { accountId: row.accountId, name: row.name, annualRevenue: row.annualRevenue, covered: row.covered === 1, candidates: [] };
    accounts.set(row.accountId, account);
    if (!row.contactId || account.covered) continue;
    const verdict = verdicts.get(row.contactId);
    const admitted = verdict?.status === "queued";
    account.candidates.push({
      contactId: row.contactId,
      contactName: row.contactName,
      role: row.role ?? "",
      reason: verdict ? (admitted ? null : verdict.reason) : row.held,
      until: row.heldUntil ?? (verdict && !admitted ? verdict.until : null),
    });
  }
  return [...accounts.values()];
}

/**
 * The quarter's top-up: for each top account not yet covered, the first committee contact (not heard from first,
 * then by prn) that §4 admits now and whose regular wave send it would not block, invited under the quarter's own
 * top-up cause through the guarded insert.
 */
export async function topUpCommitteeCoverage(
  deps: SendDeps,
  survey: Survey,
  ctx: ProgramContext,
  quarter: Pick<Period, "start" | "end">,
  now: Date,
  budget: Budget,
): Promise<SliceReport> {
  const report: SliceReport = { surveyId: survey.id, wave: -1, workingDay: null, invitations: [] };
  if (budget.remaining <= 0) return report;
  const accounts = await committeeCandidates(deps.db, survey, ctx, quarter, now);
  const picks = accounts
    .filter((a) => !a.covered)
    .map((a) => a.candidates.find((c) => c.reason === null))
    .filter((c): c is CommitteeCandidate => !!c)
    .slice(0, budget.remaining);
  if (picks.length === 0) return report;
  const emails = await runAll<{ id: string; email: string | null }>(
    deps.db,
    sql`SELECT id, email FROM contacts WHERE id IN (SELECT value FROM json_each(${JSON.stringify(picks.map((p) => p.contactId))}))`,
  );
  report.invitations = await admitProgram(deps, survey.id, topUpCause(survey.id, quarter), emails, now);
  budget.remaining -= picks.length;
  return report;
}

/** Per top-revenue account: covered this quarter, or the shortfall with each committee contact's reason. */
export async function committeeCoverage(
  db: Db,
  survey: Survey | null,
  ctx: ProgramContext,
  quarter: Pick<Period, "start" | "end">,
  now: Date,
): Promise<CoverageRow[]> {
  const accounts = await committeeCandidates(db, survey, ctx, quarter, now);
  return accounts.map((account) => {
    const { candidates, ...rest } = account;
    if (account.covered) return { ...rest, shortfall: null };
    const reasons = [...new Set(candidates.map((c) => c.reason).filter((r): r is string => !!r))].sort();
    const reason = candidates.length === 0 ? "no-committee-contact" : candidates.some((c) => c.reason === null) ? "not-yet-tried" : "blocked";
    return { ...rest, shortfall: { reason, blockingRules: reasons, candidates } };
  });
}
