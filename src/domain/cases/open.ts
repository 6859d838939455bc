// SPEC §8: a response case opens from a queue message after the response is stored — at most one per response,
// re-evaluated on edits (it may open a case, never silently closes one). Case.opened and response webhooks from the
// same message; the assignee is emailed the verbatim and a link.
import { sql, type SQL } from "drizzle-orm";
import { runBatch } from "../../db/batch";
import type { Db } from "../../db/client";
import { inListChunks } from "../../db/limits";
import { newId } from "../../lib/ids";
import type { MailProvider, SendResult } from "../delivery/provider";
import type { LoopMessage } from "../messages";
import { emitWebhookEvent, emitWebhookEvents } from "../webhooks/emit";
import { caseUrl, formatLocalInstant, sendNotices, type Notice } from "./notify";
import { routeTeam, type Route } from "./routing";
import { describeTrigger, priorityOf, triggersOf } from "./rules";
import { caseDueTimes, TOP_REVENUE_SHARE } from "./sla";

export interface LoopDeps {
  db: Db;
  queue: Queue<LoopMessage>;
  provider: MailProvider;
  publicUrl: string;
}

interface ResponseRow {
  id: string;
  status: "partial" | "complete";
  account_id: string;
  contact_id: string;
  survey_id: string;
  submitted_at: string | null;
  updated_at: string;
  cause_type: string;
  cause_id: string | null;
  owner_email: string | null;
  account_name: string;
  percentile: number;
  top: number;
  owner_user: string | null;
  case_id: string | null;
  case_nps_max: number;
  case_osat_max: number;
  case_ces_max: number;
}

interface AnswerRow {
  question_id: string;
  type: string;
  num_value: number | null;
  text_value: string | null;
  choice_values: string | null;
}

/** The account's revenue percentile among active accounts: the share whose revenue is at most its own (largest = 1). */
export const percentileOf = (account: string) => sql.raw(`coalesce(
  (SELECT CAST(count(*) AS REAL) FROM accounts p WHERE p.status = 'active' AND p.annual_revenue <= ${account}.annual_revenue)
  / nullif((SELECT count(*) FROM accounts p WHERE p.status = 'active'), 0), 0)`);

/**
 * In the top 20 % of revenue: among the smallest set of active accounts, largest first (ties by id), holding 20 % of
 * the revenue — the same "top X %" as the scoring run's and the revenue rule's.
 */
export const topRevenueOf = (account: string) => sql.raw(`(${account}.status = 'active' AND ${account}.annual_revenue > 0 AND coalesce(
  (SELECT sum(p.annual_revenue) FROM accounts p WHERE p.status = 'active'
     AND (p.annual_revenue > ${account}.annual_revenue OR (p.annual_revenue = ${account}.annual_revenue AND p.id < ${account}.id))), 0)
  < ${TOP_REVENUE_SHARE} * (SELECT sum(p.annual_revenue) FROM accounts p WHERE p.status = 'active'))`);

/** The active user (by email) who takes an account's cases: the owner's user, else (the caller's fallback) the team's assignee. */
export const ownerUserOf = (account: string) => sql.raw(`(SELECT u.email FROM users u WHERE u.email = lower(${account}.owner_email) AND u.status = 'active')`);

export type SubmittedOutcome = { caseId: string | null; opened: boolean; notified: SendResult };

/** Everything a stored (complete) response causes: response webhooks, the case (once), the re-check answer on its case. */
export async function handleSubmittedResponse(deps: LoopDeps, responseId: string, now: Date): Promise<SubmittedOutcome> {
  return handleSubmitted(deps, sql`r.id = ${responseId}`, now);
}

/** The same, for the response of an invitation (the respondent's POST knows the invitation). */
export async function handleSubmittedInvitation(deps: LoopDeps, invitationId: string, now: Date): Promise<SubmittedOutcome> {
  return handleSubmitted(deps, sql`r.invitation_id = ${invitationId}`, now);
}

async function handleSubmitted(deps: LoopDeps, which: SQL, now: Date): Promise<SubmittedOutcome> {
  const at = now.toISOString();
  const responseId = sql`(SELECT r.id FROM responses r WHERE ${which})`;
  const [rows = [], answerRows = [], routes = [], teams = []] = await runBatch(deps.db, [
    sql`SELECT r.id, r.status, r.account_id, r.contact_id, r.survey_id, r.submitted_at, r.updated_at, i.cause_type, i.cause_id,
        a.owner_email, a.name AS account_name, ${percentileOf("a")} AS percentile, ${topRevenueOf("a")} AS top, ${ownerUserOf("a")} AS owner_user,
        (SELECT k.id FROM cases k WHERE k.response_id = r.id) AS case_id,
        s.case_nps_max, s.case_osat_max, s.case_ces_max
      FROM responses r JOIN invitations i ON i.id = r.invitation_id JOIN accounts a ON a.id = r.account_id
      JOIN settings s ON s.id = 1
      WHERE ${which}`,
    sql`SELECT a.question_id, a.type, a.num_value, a.text_value, a.choice_values
      FROM answers a JOIN responses r ON r.id = a.response_id JOIN survey_versions v ON v.id = r.survey_version_id
      LEFT JOIN json_each(v.questions) q ON json_extract(q.value, '$.id') = a.question_id
      WHERE a.response_id = ${responseId} ORDER BY coalesce(q.key, 1000), a.question_id`,
    sql`SELECT kind, question_id AS questionId, match, team FROM case_routes ORDER BY position, id`,
    sql`SELECT key, assignee_email FROM case_teams`,
  ]);
  const response = rows[0] as unknown as ResponseRow | undefined;
  const none: SubmittedOutcome = { caseId: null, opened: false, notified: { ok: true } };
  if (!response || response.status !== "complete") return none;
  const answers = answerRows as unknown as AnswerRow[];

  await announceResponse(deps, response, answers, now);
  if (response.cause_type === "recheck" && response.cause_id) {
    await recordRecheckAnswer(deps.db, response, answers, at);
    return none;
  }

  const triggers = triggersOf(
    answers.map((a) => ({ type: a.type, value: a.num_value })),
    { caseNpsMax: response.case_nps_max, caseOsatMax: response.case_osat_max, caseCesMax: response.case_ces_max },
  );
  if (response.case_id) {
    await noteReevaluation(deps.db, response, triggers.map(describeTrigger), at);
    return { caseId: response.case_id, opened: false, notified: await notifyOpened(deps, response.case_id, now) };
  }
  if (triggers.length === 0) return none;

  const verbatim = answers.filter((a) => a.type === "text" && a.text_value).map((a) => a.text_value).join("\n\n") || null;
  const team = routeTeam(routes as unknown as Route[], answers.map((a) => ({ questionId: a.question_id, type: a.type, text: a.text_value, choices: parseChoices(a.choice_values) })));
  const teamAssignee = (teams as { key: string; assignee_email: string | null }[]).find((t) => t.key === team)?.assignee_email ?? null;
  const top = response.top === 1;
  const severity = triggers[0]!.severity;
  const caseId = newId("cas", now);
  const dueAt = (await caseDueTimes(deps.db, now))[top ? "top" : "other"];

  const [inserted = []] = await runBatch(deps.db, [
    sql`INSERT INTO cases (id, type, response_id, account_id, contact_id, status, severity, revenue_percentile, top_account, priority,
        team, owner_email, assignee_email, verbatim, trigger, due_at, opened_at, updated_at)
      VALUES (${caseId}, 'response', ${response.id}, ${response.account_id}, ${response.contact_id}, 'open', ${severity},
        ${response.percentile}, ${top ? 1 : 0}, ${priorityOf(severity, response.percentile)}, ${team}, ${response.owner_email},
        ${response.owner_user ?? teamAssignee}, ${verbatim}, ${triggers.map(describeTrigger).join("; ")}, ${dueAt}, ${at}, ${at})
      ON CONFLICT (response_id) DO NOTHING RETURNING id`,
    sql`INSERT INTO case_events (case_id, at, actor, kind, ref, detail)
      SELECT ${caseId}, ${at}, 'system', 'opened', 'opened', json_object('trigger', ${triggers.map(describeTrigger).join("; ")}, 'team', ${team},
        'assignee', ${response.owner_user ?? teamAssignee}, 'dueAt', ${dueAt})
      WHERE EXISTS (SELECT 1 FROM cases WHERE id = ${caseId})`,
  ]);
  // A concurrent message for the same response won the insert: that one notifies.
  const winner = inserted.length > 0 ? caseId : ((await caseIdOfResponse(deps.db, response.id)) ?? caseId);
  await emitCaseOpened(deps, winner, now);
  return { caseId: winner, opened: inserted.length > 0, notified: await notifyOpened(deps, winner, now) };
}

const parseChoices = (value: string | null): string[] => {
  if (!value) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
};

async function caseIdOfResponse(db: Db, responseId: string): Promise<string | null> {
  const [rows = []] = await runBatch<{ id: string }>(db, [sql`SELECT id FROM cases WHERE response_id = ${responseId}`]);
  return rows[0]?.id ?? null;
}

/** response.completed once per response; response.updated once per edit (keyed by the edit's time). */
async function announceResponse(deps: LoopDeps, response: ResponseRow, answers: AnswerRow[], now: Date) {
  const data = {
    responseId: response.id,
    surveyId: response.survey_id,
    accountId: response.account_id,
    contactId: response.contact_id,
    submittedAt: response.submitted_at,
    updatedAt: response.updated_at,
    answers: answers.map((a) => ({ questionId: a.question_id, type: a.type, value: a.num_value ?? parseChoicesOrText(a) })),
  };
  await emitWebhookEvent(deps.db, deps.queue, { type: "response.completed", key: `response.completed:${response.id}`, data }, now);
  if (response.submitted_at && response.updated_at > response.submitted_at) {
    await emitWebhookEvent(deps.db, deps.queue, { type: "response.updated", key: `response.updated:${response.id}:${response.updated_at}`, data }, now);
  }
}

const parseChoicesOrText = (a: AnswerRow) => (a.choice_values ? parseChoices(a.choice_values) : a.text_value);

/** An edit after submit re-ran the rules on a response that already has its case: the timeline says what it found. */
async function noteReevaluation(db: Db, response: ResponseRow, triggers: string[], at: string) {
  await runBatch(db, [
    sql`INSERT OR IGNORE INTO case_events (case_id, at, actor, kind, ref, detail)
      VALUES (${response.case_id}, ${at}, 'system', 'reevaluated', ${response.updated_at},
        json_object('stillMeetsRules', ${triggers.length > 0 ? 1 : 0}, 'trigger', ${triggers.join("; ") || null}))`,
  ]);
}

async function recordRecheckAnswer(db: Db, response: ResponseRow, answers: AnswerRow[], at: string) {
  const answer = answers.find((a) => a.question_id === "resolved")?.text_value ?? null;
  await runBatch(db, [
    sql`INSERT OR IGNORE INTO case_events (case_id, at, actor, kind, ref, detail)
      SELECT id, ${at}, 'contact', 'recheck_answer', ${`${response.id}:${response.updated_at}`}, json_object('resolved', ${answer}, 'responseId', ${response.id})
      FROM cases WHERE id = ${response.cause_id}`,
  ]);
}

/** case.opened for every subscribed endpoint, once per case. */
export async function emitCaseOpened(deps: Pick<LoopDeps, "db" | "queue">, caseId: string, now: Date) {
  await emitCasesOpened(deps, [caseId], now);
}

/** case.opened for each of these cases: one read per IN-list chunk and the events emitted together. */
export async function emitCasesOpened(deps: Pick<LoopDeps, "db" | "queue">, caseIds: string[], now: Date) {
  const chunks = inListChunks(caseIds);
  if (chunks.length === 0) return;
  const rows = (await runBatch(deps.db, chunks.map((ids) => sql`SELECT * FROM cases WHERE id IN ${ids}`))).flat();
  await emitWebhookEvents(
    deps.db,
    deps.queue,
    rows.map((row) => ({ type: "case.opened" as const, key: `case.opened:${row.id}`, data: caseEventData(row) })),
    now,
  );
}

export const caseEventData = (row: Record<string, unknown>) => ({
  caseId: row.id,
  type: row.type,
  accountId: row.account_id,
  contactId: row.contact_id,
  responseId: row.response_id,
  period: row.period,
  status: row.status,
  severity: row.severity,
  priority: row.priority,
  team: row.team,
  assignee: row.assignee_email,
  verbatim: row.verbatim,
  dueAt: row.due_at,
  openedAt: row.opened_at,
  closedAt: row.closed_at,
  resolution: row.resolution,
});

/**
 * Emails the assignee once: the claim (notified_at) is taken first; a failed send releases it so the redelivered
 * message tries again. A case without an assignee has nobody to tell (it shows in the team's queue).
 */
export async function notifyOpened(deps: LoopDeps, caseId: string, now: Date): Promise<SendResult> {
  return notifyOpenedCases(deps, [caseId], now);
}

interface OpenedNoticeRow {
  id: string;
  assignee_email: string;
  verbatim: string | null;
  trigger: string | null;
  due_at: string;
  type: string;
  period: string | null;
  account_name: string | null;
  contact_name: string | null;
  organization_name: string | null;
  time_zone: string | null;
}

/**
 * The same for many cases: all claimed in one round trip, one email each, the failed ones released together.
 * Returns the first failure (later emails still go out), else ok.
 */
export async function notifyOpenedCases(deps: LoopDeps, caseIds: string[], now: Date): Promise<SendResult> {
  const at = now.toISOString();
  const claimed = (
    await runBatch<OpenedNoticeRow>(
      deps.db,
      inListChunks(caseIds).map(
        (ids) => sql`UPDATE cases SET notified_at = ${at} WHERE id IN ${ids} AND notified_at IS NULL AND assignee_email IS NOT NULL
          RETURNING id, assignee_email, verbatim, trigger, due_at, type, period,
            (SELECT name FROM accounts a WHERE a.id = cases.account_id) AS account_name,
            (SELECT name FROM contacts c WHERE c.id = cases.contact_id) AS contact_name,
            (SELECT organization_name FROM settings WHERE id = 1) AS organization_name,
            (SELECT time_zone FROM settings WHERE id = 1) AS time_zone`,
      ),
    )
  ).flat();
  let outcome: SendResult = { ok: true };
  const failed: string[] = [];
  for (const row of claimed) {
    const result = await sendNotices(deps.provider, [openedNotice(row, deps.publicUrl)], row.organization_name ?? "Quorum");
    if (result.ok) continue;
    failed.push(row.id);
    if (outcome.ok) outcome = result;
  }
  await runBatch(deps.db, inListChunks(failed).map((ids) => sql`UPDATE cases SET notified_at = NULL WHERE id IN ${ids} AND notified_at = ${at}`));
  return outcome;
}

function openedNotice(row: OpenedNoticeRow, publicUrl: string): Notice {
  const who = row.contact_name ? `${row.contact_name} at ${row.account_name}` : row.account_name;
  return {
    kind: "case_opened",
    key: `${row.id}:case_opened`,
    to: row.assignee_email,
    subject: row.type === "silence" ? `New case: ${row.account_name} has gone silent` : `New case: ${who} — ${row.trigger}`,
    lines: [
      row.type === "silence" ? `${row.account_name} was silent in ${row.period} (${row.trigger}).` : `${who} answered ${row.trigger}.`,
      row.verbatim ? `In their words:\n${row.verbatim}` : "They left no comment.",
      `Due (acknowledge by): ${formatLocalInstant(row.due_at, row.time_zone)}`,
    ],
    link: { label: "Open the case", url: caseUrl(publicUrl, row.id) },
  };
}
