// What customers said (SPEC §12 Responses, §9 API): complete responses, newest submit first, with their NPS / OSAT /
// CES answers and verbatims (text answers), the names of contact, account and survey beside the ids.
import { and, asc, desc, eq, gte, lt, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { accounts, answerRevisions, answers, contacts, journeyStages, responses, roles, settings, surveys } from "../../db/schema";
import { splitPage } from "../../lib/pages";

export const SCORE_BANDS = { promoter: [9, 10], passive: [7, 8], detractor: [0, 6] } as const;
export type ScoreBand = keyof typeof SCORE_BANDS;

export interface ResponseFilter {
  /** Submitted in [from, to) (ISO instants), e.g. a quarter's bounds. */
  from?: string;
  to?: string;
  surveyId?: string;
  accountId?: string;
  contactId?: string;
  /** The role and journey stage of the response snapshot. */
  role?: string;
  stage?: string;
  /** The NPS answer's band. */
  band?: ScoreBand;
  /** Only responses with a non-empty text answer. */
  withText?: boolean;
}

/** Position after which a page continues: the last row's submit time and id. */
export interface ResponseCursor {
  submittedAt: string;
  id: string;
}

export interface ResponseListItem {
  id: string;
  submittedAt: string;
  surveyId: string;
  surveyName: string | null;
  contactId: string;
  contactName: string | null;
  accountId: string;
  accountName: string | null;
  role: string;
  journeyStage: string;
  country: string | null;
  segment: string | null;
  nps: number | null;
  osat: number | null;
  ces: number | null;
  /** The text answers, in question order, joined by blank lines; null when the contact wrote nothing. */
  verbatim: string | null;
}

export const RESPONSE_PAGE_MAX = 200;

const answerOf = (type: "nps" | "osat" | "ces") =>
  sql<number | null>`(SELECT a.num_value FROM answers a WHERE a.response_id = ${responses.id} AND a.type = ${type} AND a.num_value IS NOT NULL LIMIT 1)`.as(`${type}_value`);
const verbatimOf = sql<string | null>`(SELECT group_concat(t.text_value, char(10) || char(10)) FROM (SELECT a.text_value FROM answers a
  WHERE a.response_id = ${responses.id} AND a.type = 'text' AND trim(COALESCE(a.text_value, '')) != '' ORDER BY a.question_id) t)`.as("verbatim");

function conditions(filter: ResponseFilter, after: ResponseCursor | undefined): SQL | undefined {
  const band = filter.band ? SCORE_BANDS[filter.band] : null;
  return and(
    eq(responses.status, "complete"),
    filter.from ? gte(responses.submittedAt, filter.from) : undefined,
    filter.to ? lt(responses.submittedAt, filter.to) : undefined,
    filter.surveyId ? eq(responses.surveyId, filter.surveyId) : undefined,
    filter.accountId ? eq(responses.accountId, filter.accountId) : undefined,
    filter.contactId ? eq(responses.contactId, filter.contactId) : undefined,
    filter.role ? eq(responses.role, filter.role) : undefined,
    filter.stage ? eq(responses.journeyStage, filter.stage) : undefined,
    band
      ? sql`EXISTS (SELECT 1 FROM answers a WHERE a.response_id = ${responses.id} AND a.type = 'nps' AND a.num_value BETWEEN ${band[0]} AND ${band[1]})`
      : undefined,
    // IN, not EXISTS: SQLite then starts from the text answers (answers_type index) instead of walking every response
    // when comments are rare (2.8 s → 20 ms at 1M responses without a comment).
    filter.withText ? sql`${responses.id} IN (SELECT a.response_id FROM answers a WHERE a.type = 'text' AND trim(COALESCE(a.text_value, '')) != '')` : undefined,
    after ? or(lt(responses.submittedAt, after.submittedAt), and(eq(responses.submittedAt, after.submittedAt), lt(responses.id, after.id))) : undefined,
  );
}

// Aliased: a D1 batch returns rows as objects, so equal column names ("name") would collapse.
const listColumns = {
  id: responses.id,
  submittedAt: sql<string>`${responses.submittedAt}`.as("submitted_at"),
  surveyId: responses.surveyId,
  surveyName: sql<string | null>`${surveys.name}`.as("survey_name"),
  contactId: responses.contactId,
  contactName: sql<string | null>`${contacts.name}`.as("contact_name"),
  accountId: responses.accountId,
  accountName: sql<string | null>`${accounts.name}`.as("account_name"),
  role: responses.role,
  journeyStage: responses.journeyStage,
  country: responses.country,
  segment: responses.segment,
  nps: answerOf("nps"),
  osat: answerOf("osat"),
  ces: answerOf("ces"),
  verbatim: verbatimOf,
};

const withNames = (db: Db, columns: typeof listColumns & { status?: typeof responses.status }) =>
  db
    .select(columns)
    .from(responses)
    .leftJoin(contacts, eq(contacts.id, responses.contactId))
    .leftJoin(accounts, eq(accounts.id, responses.accountId))
    .leftJoin(surveys, eq(surveys.id, responses.surveyId));

/** The query for one page (`limit + 1` rows), unexecuted so a page can batch it with its other reads. */
export function responsesQuery(db: Db, filter: ResponseFilter, page: { after?: ResponseCursor; limit: number }) {
  return withNames(db, listColumns)
    .where(conditions(filter, page.after))
    .orderBy(desc(responses.submittedAt), desc(responses.id))
    .limit(Math.min(page.limit, RESPONSE_PAGE_MAX) + 1);
}

/** Splits `limit + 1` rows into the page and the cursor of the next one. */
export function responsePage(rows: ResponseListItem[], limit: number): { items: ResponseListItem[]; next: ResponseCursor | null } {
  return splitPage(rows, limit, (last): ResponseCursor => ({ submittedAt: last.submittedAt, id: last.id }));
}

export async function listResponses(db: Db, filter: ResponseFilter, page: { after?: ResponseCursor; limit: number }) {
  const limit = Math.min(page.limit, RESPONSE_PAGE_MAX);
  return responsePage(await responsesQuery(db, filter, { ...page, limit }).all(), limit);
}

/** A cursor as one opaque string and back; null when it is not one we handed out. */
export const encodeResponseCursor = (c: ResponseCursor) => btoa(`${c.submittedAt}|${c.id}`).replace(/=+$/, "");
export function decodeResponseCursor(text: string): ResponseCursor | null {
  try {
    const [submittedAt, id, ...rest] = atob(text).split("|");
    return submittedAt && id && rest.length === 0 && !Number.isNaN(Date.parse(submittedAt)) ? { submittedAt, id } : null;
  } catch {
    return null;
  }
}

/** One response (complete or partial) with every answer and the revisions of answers changed after submit. */
export async function responseDetail(db: Db, id: string) {
  const [rows, answerRows, revisionRows] = await db.batch([
    withNames(db, { ...listColumns, status: responses.status }).where(eq(responses.id, id)),
    db.select().from(answers).where(eq(answers.responseId, id)).orderBy(asc(answers.questionId)),
    db.select().from(answerRevisions).where(eq(answerRevisions.responseId, id)).orderBy(asc(answerRevisions.id)),
  ]);
  const row = rows[0];
  if (!row?.status) return null;
  return { ...row, status: row.status, submittedAt: row.submittedAt as string | null, answers: answerRows, revisions: revisionRows };
}

/** What the responses feed's filters offer, and the organization's calendar for its quarters. One round trip. */
export async function feedOptions(db: Db, accountId: string | undefined) {
  const [settingsRows, surveyRows, roleRows, stageRows, accountRows] = await db.batch([
    db.select({ timeZone: settings.timeZone, fiscalYearStartMonth: settings.fiscalYearStartMonth }).from(settings).limit(1),
    db.select({ id: surveys.id, name: surveys.name }).from(surveys).orderBy(asc(surveys.name)).limit(300),
    db.select({ key: roles.key, label: roles.label }).from(roles).orderBy(asc(roles.label)),
    db.select({ key: journeyStages.key, label: journeyStages.label }).from(journeyStages).orderBy(asc(journeyStages.position)),
    db.select({ id: accounts.id, name: accounts.name }).from(accounts).where(eq(accounts.id, accountId ?? "")).limit(1),
  ]);
  return {
    calendar: settingsRows[0] ?? { timeZone: "UTC", fiscalYearStartMonth: 1 },
    surveys: surveyRows,
    roles: roleRows,
    stages: stageRows,
    account: accountRows[0] ?? null,
  };
}
