import { sql, type SQL } from "drizzle-orm";
import { runBatch } from "../../db/batch";
import type { Db } from "../../db/client";
import { newId } from "../../lib/ids";
import { NUMERIC_SCALES } from "../surveys/questions";
import { MAX_TEXT_LENGTH, MAX_VENDORS, type Submission } from "./answers";
import { ANSWERABLE_STATUSES, contextQueries, openedStatements, toContext, type RespondentContext } from "./context";

export interface SaveResult {
  /** null: the invitation does not exist. */
  context: RespondentContext | null;
  /** Question ids of posted answers that were refused (nothing was written when this is not empty). */
  invalid: string[];
}

const NUMERIC_CHECKS = Object.entries(NUMERIC_SCALES)
  .map(([type, { min, max }]) => `WHEN '${type}' THEN typeof(sub.n) = 'integer' AND sub.n BETWEEN ${min} AND ${max}`)
  .join("\n");
const NUMERIC_TYPES = Object.keys(NUMERIC_SCALES)
  .map((type) => `'${type}'`)
  .join(", ");
const OPTION_VALUES = "SELECT json_extract(o.value, '$.value') FROM json_each(qs.def, '$.options') o";

/** Each posted answer checked against its question in the invitation's survey version (types, ranges, options, length). */
const VALIDITY = sql.raw(`coalesce(CASE qs.type
  ${NUMERIC_CHECKS}
  WHEN 'text' THEN length(sub.t) BETWEEN 1 AND ${MAX_TEXT_LENGTH}
  WHEN 'choice' THEN sub.t IN (${OPTION_VALUES})
  WHEN 'multi' THEN json_array_length(sub.c) > 0 AND NOT EXISTS (SELECT 1 FROM json_each(sub.c) x WHERE x.value NOT IN (${OPTION_VALUES}))
  WHEN 'vendor_rank' THEN typeof(sub.vc) = 'integer' AND typeof(sub.vr) = 'integer' AND sub.vc BETWEEN 1 AND ${MAX_VENDORS} AND sub.vr BETWEEN 1 AND sub.vc
  ELSE 0 END, 0)`);

const ANSWERABLE = sql.raw(ANSWERABLE_STATUSES.map((s) => `'${s}'`).join(", "));

/**
 * The shared head of every statement of a save: the invitation if it may still be answered (`inv`), its questions
 * (`qs`), the posted answers (`sub`) checked against them (`checked`), their column values (`fresh`), and
 * `accepted`, which has a row only when the invitation is answerable and every posted answer is valid. Every write
 * is guarded by `accepted`, so a refused post writes nothing — all inside one batch, with no read before it.
 */
function head(invitationId: string, submission: Submission, now: string): SQL {
  return sql`
    WITH inv AS (
      SELECT i.* FROM invitations i JOIN contacts c ON c.id = i.contact_id
      WHERE i.id = ${invitationId} AND i.revoked_at IS NULL AND (i.expires_at IS NULL OR i.expires_at > ${now})
        AND i.status IN (${ANSWERABLE}) AND c.status <> 'erased'
    ),
    qs AS (
      SELECT json_extract(q.value, '$.id') AS id, json_extract(q.value, '$.type') AS type, q.value AS def
      FROM inv JOIN survey_versions v ON v.id = inv.survey_version_id, json_each(v.questions) q
    ),
    sub AS (
      SELECT json_extract(s.value, '$.q') AS q, json_extract(s.value, '$.n') AS n, json_extract(s.value, '$.t') AS t,
             json_extract(s.value, '$.c') AS c, json_extract(s.value, '$.vc') AS vc, json_extract(s.value, '$.vr') AS vr
      FROM json_each(${JSON.stringify(submission.answers)}) s
    ),
    checked AS (SELECT sub.*, qs.type, ${VALIDITY} AS ok FROM sub LEFT JOIN qs ON qs.id = sub.q),
    fresh AS (
      SELECT q AS question_id, type,
             CASE WHEN type IN (${sql.raw(NUMERIC_TYPES)}) THEN n END AS num_value,
             CASE WHEN type IN ('text', 'choice') THEN t END AS text_value,
             CASE WHEN type = 'multi' THEN c END AS choice_values,
             CASE WHEN type = 'vendor_rank' THEN vc END AS vendor_count,
             CASE WHEN type = 'vendor_rank' THEN vr END AS vendor_rank
      FROM checked
    ),
    accepted AS (SELECT 1 FROM inv WHERE EXISTS (SELECT 1 FROM sub) AND NOT EXISTS (SELECT 1 FROM checked WHERE NOT ok))`;
}

const CHANGED = (left: string, right: string) =>
  sql.raw(
    ["num_value", "text_value", "choice_values", "vendor_count", "vendor_rank"].map((col) => `${left}.${col} IS NOT ${right}.${col}`).join(" OR "),
  );

/**
 * Saves posted answers (and submits when asked) in ONE D1 round trip: the response row (created on the first answer
 * with the point-in-time snapshot and paradata, one per invitation even under concurrent posts), revision rows for
 * answers changed after submit, the answers, the first submit (never moved later), the invitation's status with its
 * events — and then reads the context back for the page.
 */
export async function saveAnswers(
  db: Db,
  input: { invitationId: string; submission: Submission; deviceClass: "mobile" | "desktop" },
  now: Date,
): Promise<SaveResult> {
  const { invitationId, submission } = input;
  const at = now.toISOString();
  const with_ = head(invitationId, submission, at);
  const isComplete = sql`EXISTS (SELECT 1 FROM responses WHERE invitation_id = ${invitationId} AND status = 'complete')`;

  const statements = [
    sql`${with_} SELECT q FROM checked WHERE NOT ok`,
    sql`${with_},
      prior AS (
        SELECT p.reminder_sent_at FROM invitations p, inv
        WHERE p.contact_id = inv.contact_id AND p.id <> inv.id AND p.sent_at IS NOT NULL AND p.completed_at IS NULL
          AND p.sent_at < coalesce(inv.sent_at, ${at})
          AND p.sent_at > coalesce((SELECT max(r.submitted_at) FROM responses r WHERE r.contact_id = inv.contact_id AND r.status = 'complete'), '')
      )
      INSERT INTO responses (id, invitation_id, survey_id, survey_version_id, contact_id, status, account_id, role, journey_stage,
        country, segment, revenue, first_opened_at, first_answer_at, prior_unanswered_invitations, prior_reminders, device_class,
        created_at, updated_at)
      SELECT ${newId("rsp", now)}, inv.id, inv.survey_id, inv.survey_version_id, inv.contact_id, 'partial', inv.account_id, c.role,
        inv.journey_stage, a.country, a.segment, a.annual_revenue, coalesce(inv.opened_at, ${at}), ${at},
        (SELECT count(*) FROM prior), (SELECT count(reminder_sent_at) FROM prior) + (inv.reminder_sent_at IS NOT NULL),
        ${input.deviceClass}, ${at}, ${at}
      FROM inv JOIN contacts c ON c.id = inv.contact_id JOIN accounts a ON a.id = inv.account_id
      WHERE EXISTS (SELECT 1 FROM accepted)
      ON CONFLICT (invitation_id) DO UPDATE SET updated_at = excluded.updated_at`,
    sql`${with_}
      INSERT INTO answer_revisions (response_id, question_id, old_value, changed_at)
      SELECT a.response_id, a.question_id,
        json_object('num', a.num_value, 'text', a.text_value, 'choices', json(a.choice_values), 'vendorCount', a.vendor_count, 'vendorRank', a.vendor_rank),
        ${at}
      FROM accepted, responses r JOIN answers a ON a.response_id = r.id JOIN fresh f ON f.question_id = a.question_id
      WHERE r.invitation_id = ${invitationId} AND r.status = 'complete' AND (${CHANGED("a", "f")})`,
    sql`${with_}
      INSERT INTO answers (response_id, question_id, type, num_value, text_value, choice_values, vendor_count, vendor_rank, updated_at)
      SELECT r.id, f.question_id, f.type, f.num_value, f.text_value, f.choice_values, f.vendor_count, f.vendor_rank, ${at}
      FROM accepted, fresh f JOIN responses r ON r.invitation_id = ${invitationId}
      WHERE true
      ON CONFLICT (response_id, question_id) DO UPDATE SET
        num_value = excluded.num_value, text_value = excluded.text_value, choice_values = excluded.choice_values,
        vendor_count = excluded.vendor_count, vendor_rank = excluded.vendor_rank, updated_at = excluded.updated_at
      WHERE ${CHANGED("answers", "excluded")}`,
    ...(submission.action === "submit" ? [submitStatement(invitationId, with_, at)] : []),
    // The first POST opens the invitation (a bare GET never does: link scanners prefetch).
    ...openedStatements(invitationId, now),
    sql`${with_}
      INSERT INTO invitation_events (invitation_id, status, at)
      SELECT inv.id, 'started', ${at} FROM inv WHERE inv.started_at IS NULL AND EXISTS (SELECT 1 FROM accepted)`,
    sql`${with_}
      INSERT INTO invitation_events (invitation_id, status, at)
      SELECT inv.id, 'completed', ${at} FROM inv WHERE inv.completed_at IS NULL AND ${isComplete}`,
    sql`${with_}
      UPDATE invitations SET
        status = CASE WHEN ${isComplete} THEN 'completed' WHEN status IN ('queued', 'sent', 'opened') THEN 'started' ELSE status END,
        opened_at = coalesce(opened_at, ${at}),
        started_at = coalesce(started_at, ${at}),
        completed_at = CASE WHEN completed_at IS NULL AND ${isComplete} THEN ${at} ELSE completed_at END,
        updated_at = ${at}
      WHERE id = ${invitationId} AND EXISTS (SELECT 1 FROM accepted)`,
    ...contextQueries(invitationId),
  ];

  const results = await runBatch(db, statements);
  const invalid = (results[0] ?? []).map((row) => String(row.q));
  const [rows = [], answers = []] = results.slice(-2);
  return { context: toContext(rows, answers), invalid };
}

/**
 * Completes the response when every required (unconditional) question has an answer. The first submittedAt and
 * secondsToComplete never move: a response belongs to the period of its first submit.
 */
function submitStatement(invitationId: string, with_: SQL, at: string) {
  return sql`${with_}
    UPDATE responses SET
      status = 'complete',
      submitted_at = coalesce(submitted_at, ${at}),
      seconds_to_complete = coalesce(seconds_to_complete, CAST(round((julianday(${at}) - julianday(first_opened_at)) * 86400) AS INTEGER)),
      updated_at = ${at}
    WHERE invitation_id = ${invitationId} AND EXISTS (SELECT 1 FROM accepted)
      AND NOT EXISTS (
        SELECT 1 FROM qs
        WHERE json_extract(qs.def, '$.required') = 1 AND json_extract(qs.def, '$.showIf') IS NULL
          AND NOT EXISTS (SELECT 1 FROM answers a WHERE a.response_id = responses.id AND a.question_id = qs.id))`;
}
