import { sql, type SQL } from "drizzle-orm";
import { runBatch, type Statement } from "../../db/batch";
import type { Db } from "../../db/client";
import type { Invitation } from "../../db/schema";
import { newId } from "../../lib/ids";
import { deferLimit, expiryFrom, optOutReason, withDecision, type Verdict } from "./verdict";

export type CauseType = Invitation["causeType"];

/** One invitation to decide: who, which survey, why, and whether rules apply. */
export interface Admission {
  contactId: string;
  surveyId: string;
  cause: { type: CauseType; id?: string | null };
  /** HMAC of the contact's address (suppression list); null skips that lookup. */
  emailHmac?: string | null;
  /** An admin forcing the send past the frequency rules (never past an opt-out). */
  override?: { reason: string } | null;
  /** Reminders' siblings: closed-loop re-checks are exempt from rules (still never to opted-out people). */
  exempt?: boolean;
  /** A pre-assigned id (e.g. for an audit row written in the same batch); generated otherwise. */
  invitationId?: string;
}

export interface AdmissionResult {
  invitationId: string;
  contactId: string;
  /** `scheduled` only for a pending invitation answered instead of a new one. */
  status: Verdict | "scheduled";
  blockingRule: string | null;
  /** Deferred: when the dispatcher re-checks it. */
  scheduledFor: string | null;
  /** True: the contact already had this survey pending (scheduled or deferred); that invitation is answered, nothing new written. */
  pending?: boolean;
}

/** The contact's invitation of the survey that is still pending (scheduled or deferred): a new one would duplicate it. */
export const pendingOf = (contactId: SQL, surveyId: SQL) =>
  sql`(SELECT p.id FROM invitations p WHERE p.survey_id = ${surveyId} AND p.contact_id = ${contactId} AND p.status IN ('scheduled', 'deferred') LIMIT 1)`;

const suppressionOf = (hmac: string | null | undefined) =>
  sql`(SELECT reason FROM suppressions WHERE email_hmac = ${hmac ?? null})`;

/** The candidate row of a new invitation, read from the contact and the survey inside the same statement. */
export function newCandidate(a: Pick<Admission, "contactId" | "surveyId" | "emailHmac" | "override" | "exempt">, now: string): SQL {
  return sql`SELECT c.id AS cand_key, c.id AS contact_id, c.account_id, c.role,
      s.id AS survey_id, s.current_version_id AS version_id, s.kind, s.journey_stage AS stage, ${now} AS now,
      ${optOutReason(sql`c.status`, suppressionOf(a.emailHmac))} AS opted_out,
      ${deferLimit(sql`${now}`)} AS defer_limit, ${a.override ? 1 : 0} AS override, ${a.exempt ? 1 : 0} AS exempt,
      ${a.override ? sql`NULL` : pendingOf(sql`c.id`, sql`s.id`)} AS pending_id
    FROM contacts c JOIN surveys s ON s.id = ${a.surveyId} AND s.current_version_id IS NOT NULL
    WHERE c.id = ${a.contactId}`;
}

const RETURNING = sql.raw(
  `RETURNING id AS invitationId, contact_id AS contactId, status, blocking_rule AS blockingRule, scheduled_for AS scheduledFor`,
);

/**
 * The guarded insert: ONE statement that counts every matching rule's events and inserts the invitation as
 * `queued` (admitted) only when no cap would be exceeded — otherwise as `deferred`/`suppressed` with the rule.
 * SQLite runs a statement alone, so concurrent triggers for one contact or account can never both pass a cap.
 * OR IGNORE: a program wave or journey event invites a contact at most once (unique index of migration 0030).
 */
export function admitStatement(a: Admission, now: Date, invitationId = newId("inv", now)): SQL {
  const at = now.toISOString();
  return sql`${withDecision(newCandidate(a, at), { single: true })}
    INSERT OR IGNORE INTO invitations (id, survey_id, survey_version_id, contact_id, account_id, kind, journey_stage, status,
      blocking_rule, cause_type, cause_id, scheduled_for, deferred_since, admitted_at, expires_at, override_reason, created_at, updated_at)
    SELECT ${invitationId}, survey_id, version_id, contact_id, account_id, kind, stage, status, blocking_rule,
      ${a.cause.type}, ${a.cause.id ?? null},
      CASE status WHEN 'deferred' THEN until END,
      CASE status WHEN 'deferred' THEN now END,
      CASE status WHEN 'queued' THEN now END,
      CASE status WHEN 'queued' THEN ${expiryFrom(sql`now`)} END,
      ${a.override?.reason ?? null}, now, now
    FROM decision WHERE pending_id IS NULL ${RETURNING}`;
}

/** The candidate row of an existing scheduled or deferred invitation that has come due. */
function dueCandidate(invitationId: string, emailHmac: string | null, now: string): SQL {
  return sql`SELECT i.id AS cand_key, i.contact_id, i.account_id, c.role, i.survey_id, i.survey_version_id AS version_id,
      i.kind, i.journey_stage AS stage, ${now} AS now,
      -- A survey archived while the invitation waited is never sent: held back like an opt-out, with its reason.
      -- A program invitation of an account that churned while it waited leaves with the account (SPEC §5).
      CASE WHEN s.status <> 'active' THEN 'survey-inactive' WHEN i.cause_type = 'program' AND a.status = 'churned' THEN 'account-churned'
           ELSE ${optOutReason(sql`c.status`, suppressionOf(emailHmac))} END AS opted_out,
      ${deferLimit(sql`coalesce(i.deferred_since, ${now})`)} AS defer_limit, 0 AS override, 0 AS exempt, NULL AS pending_id
    FROM invitations i JOIN contacts c ON c.id = i.contact_id JOIN surveys s ON s.id = i.survey_id JOIN accounts a ON a.id = i.account_id
    WHERE i.id = ${invitationId} AND i.status IN ('scheduled', 'deferred') AND i.scheduled_for <= ${now}`;
}

/** Re-checks a due scheduled/deferred invitation against every rule, in one guarded UPDATE (same check as the insert). */
export function recheckStatement(invitationId: string, emailHmac: string | null, now: Date): SQL {
  const at = now.toISOString();
  return sql`${withDecision(dueCandidate(invitationId, emailHmac, at), { single: true })}
    UPDATE invitations SET
      status = d.status,
      blocking_rule = d.blocking_rule,
      scheduled_for = CASE d.status WHEN 'deferred' THEN d.until ELSE invitations.scheduled_for END,
      deferred_since = CASE d.status WHEN 'deferred' THEN coalesce(invitations.deferred_since, d.now) ELSE invitations.deferred_since END,
      admitted_at = CASE d.status WHEN 'queued' THEN d.now END,
      expires_at = CASE d.status WHEN 'queued' THEN ${expiryFrom(sql`d.now`)} END,
      updated_at = d.now
    FROM decision d WHERE invitations.id = d.cand_key ${RETURNING}`;
}

/** One status-history row per invitation just written (one statement for a whole batch of them). */
export function historyStatement(invitationIds: string[], now: Date): SQL {
  return sql`INSERT INTO invitation_events (invitation_id, status, at, detail)
    SELECT id, status, updated_at, blocking_rule FROM invitations
    WHERE id IN (SELECT value FROM json_each(${JSON.stringify(invitationIds)})) AND updated_at = ${now.toISOString()}`;
}

/** Guarded inserts per D1 batch: a batch is one transaction, so later candidates see earlier ones' admissions. */
const ADMISSIONS_PER_BATCH = 40;

/**
 * Decides and writes many invitations in order (each one a guarded insert). `extra` statements (the audit row, the
 * journey event) ride in the first batch; `oneBatch` writes everything in a single transaction (all or nothing). Returns one result
 * per written invitation; candidates already invited for the same cause (wave, event) are absent.
 */
export async function admitAll(
  db: Db,
  admissions: Admission[],
  now: Date,
  extra: Statement[] = [],
  options: { oneBatch?: boolean } = {},
): Promise<AdmissionResult[]> {
  const results: AdmissionResult[] = [];
  const unwritten: Admission[] = [];
  const perBatch = options.oneBatch ? Math.max(1, admissions.length) : ADMISSIONS_PER_BATCH;
  let first = true;
  for (let i = 0; first || i < admissions.length; i += perBatch) {
    const chunk = admissions.slice(i, i + perBatch);
    const ids = chunk.map((a) => a.invitationId ?? newId("inv", now));
    const leading = first ? extra : [];
    const statements = [...leading, ...chunk.map((a, k) => admitStatement(a, now, ids[k])), ...(chunk.length ? [historyStatement(ids, now)] : [])];
    const rows = await runBatch<AdmissionResult>(db, statements);
    chunk.forEach((admission, k) => {
      const row = rows[leading.length + k]?.[0];
      if (row) results.push(row);
      else unwritten.push(admission);
    });
    first = false;
  }
  return unwritten.length ? [...results, ...(await pendingInstead(db, unwritten))] : results;
}

/** The pending invitations that held back a second row for the same contact and survey (one statement). */
async function pendingInstead(db: Db, admissions: Pick<Admission, "contactId" | "surveyId">[]): Promise<AdmissionResult[]> {
  const pairs = JSON.stringify(admissions.map((a) => [a.contactId, a.surveyId]));
  const [rows = []] = await runBatch<AdmissionResult>(db, [
    sql`SELECT i.id AS invitationId, i.contact_id AS contactId, i.status, i.blocking_rule AS blockingRule, i.scheduled_for AS scheduledFor, 1 AS pending
      FROM json_each(${pairs}) p JOIN invitations i ON i.contact_id = json_extract(p.value, '$[0]') AND i.survey_id = json_extract(p.value, '$[1]')
      WHERE i.status IN ('scheduled', 'deferred')`,
  ]);
  return rows.map((r) => ({ ...r, pending: true }));
}

/** Re-checks due invitations (scheduled or deferred) in one batch; returns the ones that were still due. */
export async function recheckAll(db: Db, due: { id: string; emailHmac: string | null }[], now: Date): Promise<AdmissionResult[]> {
  if (due.length === 0) return [];
  const rows = await runBatch<AdmissionResult>(db, [
    ...due.map((d) => recheckStatement(d.id, d.emailHmac, now)),
    historyStatement(due.map((d) => d.id), now),
  ]);
  return rows.slice(0, due.length).flat();
}
