import { sql } from "drizzle-orm";
import { runBatch } from "../../db/batch";
import type { Db } from "../../db/client";
import type { InvitationStatus, Question, SurveyTexts } from "../../db/schema";
import type { AnswerValue } from "./answers";

/** Everything the respondent page needs, read in one batch (one D1 round trip). */
export interface RespondentContext {
  invitationId: string;
  status: InvitationStatus;
  openedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  contactStatus: string;
  contactName: string | null;
  contactLocale: string | null;
  accountName: string;
  ownerName: string | null;
  organizationName: string;
  timeZone: string;
  questions: Question[];
  texts: Record<string, SurveyTexts>;
  defaultLocale: string;
  response: { status: "partial" | "complete"; submittedAt: string | null; updatedAt: string } | null;
  answers: Map<string, AnswerValue>;
}

/** Statuses in which a link may be answered: admitted and not ended. */
export const ANSWERABLE_STATUSES: InvitationStatus[] = ["queued", "sent", "opened", "started", "completed"];

interface ContextRow {
  id: string;
  status: InvitationStatus;
  opened_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  contact_status: string;
  contact_name: string | null;
  contact_locale: string | null;
  account_name: string;
  owner_name: string | null;
  organization_name: string | null;
  time_zone: string | null;
  questions: string;
  texts: string;
  default_locale: string;
  response_status: "partial" | "complete" | null;
  submitted_at: string | null;
  response_updated_at: string | null;
}

interface AnswerRow {
  question_id: string;
  num_value: number | null;
  text_value: string | null;
  choice_values: string | null;
  vendor_count: number | null;
  vendor_rank: number | null;
}

/** The two SELECTs of the context; callers put them in a batch (alone on GET, after the writes on POST). */
export function contextQueries(invitationId: string) {
  return [
    sql`
      SELECT i.id, i.status, i.opened_at, i.expires_at, i.revoked_at,
             c.status AS contact_status, c.name AS contact_name, c.locale AS contact_locale,
             a.name AS account_name, a.owner_name,
             s.organization_name, s.time_zone,
             v.questions, v.texts, v.default_locale,
             r.status AS response_status, r.submitted_at, r.updated_at AS response_updated_at
      FROM invitations i
      JOIN survey_versions v ON v.id = i.survey_version_id
      JOIN contacts c ON c.id = i.contact_id
      JOIN accounts a ON a.id = i.account_id
      LEFT JOIN settings s ON s.id = 1
      LEFT JOIN responses r ON r.invitation_id = i.id
      WHERE i.id = ${invitationId}`,
    sql`
      SELECT a.question_id, a.num_value, a.text_value, a.choice_values, a.vendor_count, a.vendor_rank
      FROM answers a JOIN responses r ON r.id = a.response_id
      WHERE r.invitation_id = ${invitationId}`,
  ];
}

/** Turns the two result sets of contextQueries into the context, or null for an unknown invitation. */
export function toContext(rows: unknown[], answers: unknown[]): RespondentContext | null {
  const row = (rows as ContextRow[])[0];
  const answerRows = answers as AnswerRow[];
  if (!row) return null;
  return {
    invitationId: row.id,
    status: row.status,
    openedAt: row.opened_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    contactStatus: row.contact_status,
    contactName: row.contact_name,
    contactLocale: row.contact_locale,
    accountName: row.account_name,
    ownerName: row.owner_name,
    organizationName: row.organization_name ?? "Quorum",
    timeZone: row.time_zone ?? "UTC",
    questions: JSON.parse(row.questions) as Question[],
    texts: JSON.parse(row.texts) as Record<string, SurveyTexts>,
    defaultLocale: row.default_locale,
    response: row.response_status
      ? { status: row.response_status, submittedAt: row.submitted_at, updatedAt: row.response_updated_at ?? "" }
      : null,
    answers: new Map(
      answerRows.map((a) => [
        a.question_id,
        {
          num: a.num_value,
          text: a.text_value,
          choices: a.choice_values ? (JSON.parse(a.choice_values) as string[]) : null,
          vendorCount: a.vendor_count,
          vendorRank: a.vendor_rank,
        },
      ]),
    ),
  };
}

export async function loadContext(db: Db, invitationId: string): Promise<RespondentContext | null> {
  const [rows = [], answers = []] = await runBatch(db, contextQueries(invitationId));
  return toContext(rows, answers);
}

/** Whether the link still works: the invitation row decides (revoked, expired, ended or erased kill it). */
export function isAnswerable(context: RespondentContext, now: Date): boolean {
  return (
    context.revokedAt === null &&
    (context.expiresAt === null || context.expiresAt > now.toISOString()) &&
    ANSWERABLE_STATUSES.includes(context.status) &&
    context.contactStatus !== "erased"
  );
}

/**
 * "Opened" paradata (SPEC §6): set by the page's script or the first POST, never by a bare GET (mail scanners follow
 * every link). The invitation becomes `opened` (status only moves forward) with its event row, once, while its link
 * still works. Two statements for the caller's batch.
 */
export function openedStatements(invitationId: string, now: Date) {
  const at = now.toISOString();
  const live = sql`id = ${invitationId} AND opened_at IS NULL AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ${at})`;
  return [
    sql`INSERT INTO invitation_events (invitation_id, status, at)
      SELECT id, 'opened', ${at} FROM invitations WHERE ${live} AND status IN ('queued', 'sent')`,
    sql`UPDATE invitations
      SET opened_at = ${at}, updated_at = ${at}, status = CASE WHEN status IN ('queued', 'sent') THEN 'opened' ELSE status END
      WHERE ${live} AND status IN (${sql.raw(ANSWERABLE_STATUSES.map((s) => `'${s}'`).join(", "))})`,
  ];
}

/** The page's script reports that the page was opened in a browser: one batch (one round trip). */
export async function markOpened(db: Db, invitationId: string, now: Date): Promise<void> {
  await runBatch(db, openedStatements(invitationId, now));
}
