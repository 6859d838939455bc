import { eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { runBatch } from "../../db/batch";
import type { Db } from "../../db/client";
import { answers, invitations, responses, surveys, surveyVersions, type Question, type QuestionType, type Survey, type SurveyVersion } from "../../db/schema";
import { badRequest, notFound } from "../../lib/errors";
import { Email } from "../../lib/fields";
import { newId } from "../../lib/ids";
import { auditInsert } from "../audit/log";
import type { ImportContext, ImportError, ImportOptions, ImportReport, RowReport } from "../directory/import/options";
import { issuesToImportErrors, jsonInserts, readColumns, rowLines, withoutBad } from "../directory/import/shared";
import { parseImport, requireColumns, type HeaderAliases, type ImportRow } from "../directory/import/source";
import { squash } from "../directory/import/values";
import { NUMERIC_SCALES, isNumericType } from "../surveys/questions";
import { MAX_TEXT_LENGTH } from "./answers";

/**
 * History import: past answers exported from another feedback tool (Delighted, Qualtrics, SurveyMonkey, a
 * spreadsheet) stored as complete responses in their original periods, so a team switching to Quorum keeps its
 * trends from day one. Each answer becomes
 * - an invitation that was never sent (status completed, no admission, no send, no mail): it does not count as
 *   "invited" in cohort figures (response rate, true promoter share, silence), since the other tool's invitations
 *   are unknown, and nothing is queued — no email, no case, no webhook for old answers;
 * - a complete response whose first submittedAt is the given date (a date without a time is placed at 12:00 UTC,
 *   which is that same calendar day in every organization time zone from UTC−11 to UTC+11), with the snapshot taken
 *   from the contact and its account at import, marked `importedAt`;
 * - its answers: the score on the survey's question of that type, the comment on its first free-text question.
 * They count in scoring like any complete response. Re-importing the same file changes nothing (same contact,
 * survey and time = the same answer).
 */
export const MAX_HISTORY_ROWS = 50_000;

export const HISTORY_COLUMNS: HeaderAliases = {
  email: ["Email", "Email Address", "Respondent Email", "Recipient Email", "RecipientEmail", "Person Email", "Contact Email", "E-mail"],
  submittedAt: [
    "Date",
    "Response Date",
    "Submitted At",
    "Response Timestamp",
    "Responded At",
    "Created At",
    "Date Submitted",
    "Completed At",
    "RecordedDate",
    "Recorded Date",
    "EndDate",
    "End Date",
    "Timestamp",
  ],
  score: [
    "Score",
    "NPS",
    "NPS Score",
    "Rating",
    "Likelihood to recommend",
    "How likely are you to recommend us to a friend or colleague?",
    "How likely is it that you would recommend this company to a friend or colleague?",
  ],
  comment: ["Comment", "Comments", "Feedback", "Reason", "Open Text", "Verbatim", "Why", "What is the primary reason for your score?"],
  survey: ["Survey", "Survey Name", "Survey Title"],
  question: ["Question", "Question Type", "Metric"],
};

const HistoryRow = z.object({
  email: Email,
  submittedAt: z.string({ error: "required: the date the answer was given" }),
  score: z.preprocess(leadingInteger, z.number({ error: "use a whole number such as 9" }).int("use a whole number such as 9")),
  comment: z.string().max(MAX_TEXT_LENGTH, `at most ${MAX_TEXT_LENGTH} characters`).optional(),
  survey: z.string().trim().max(300).optional(),
  question: z.string().trim().max(500).optional(),
});

/** "9", "10 - Extremely likely", "9.0" → the whole number; anything else stays as is for validation. */
function leadingInteger(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const match = /^\s*(\d{1,2})(?:\.0+)?(?:\s*[-–:(].*)?\s*$/.exec(value);
  return match ? Number(match[1]) : value;
}

type Target = { survey: Survey; version: SurveyVersion };
type ContactRow = { id: string; email: string; accountId: string; role: string; country: string | null; segment: string | null; revenue: number | null };

export interface HistoryOptions extends ImportOptions {
  /** The survey every row belongs to, unless a `survey` column names one per row (by name or id). */
  surveyId?: string;
}

export async function importResponseHistory(db: Db, { actor, now = new Date() }: ImportContext, mediaType: string | undefined, body: ArrayBuffer, options: HistoryOptions): Promise<ImportReport> {
  const parsed = parseImport(mediaType, body, HISTORY_COLUMNS, { mapping: options.mapping, maxRows: MAX_HISTORY_ROWS });
  requireColumns(parsed, HISTORY_COLUMNS, ["email", "submittedAt", "score"]);
  if (!options.surveyId && !parsed.columns.includes("survey")) {
    throw badRequest("Name the survey these answers belong to: give surveyId, or a 'Survey' column naming a survey per row.", [{ path: "surveyId", message: "required without a survey column" }]);
  }
  const errors: ImportError[] = [...parsed.errors];
  parsed.rows = withoutToolHeaderRows(parsed.rows);
  const formats = readColumns(parsed.rows, { dates: ["submittedAt"] }, options, errors);
  const targets = await surveyTargets(db, options.surveyId);
  const valid = parsed.rows.flatMap(({ row, values }) => {
    const bad = formats.badRows.get(row);
    const result = HistoryRow.safeParse(bad ? { ...withoutBad(values, bad), submittedAt: "" } : values);
    if (!result.success) errors.push(...issuesToImportErrors(row, result.error.issues));
    if (!result.success || bad) return [];
    const data = result.data;
    const submittedAt = formats.dateOnly.get(row)?.has("submittedAt") ? `${data.submittedAt.slice(0, 10)}T12:00:00.000Z` : data.submittedAt;
    if (submittedAt > now.toISOString()) {
      errors.push({ row, field: "submittedAt", message: `${submittedAt} is in the future; history is what was already answered` });
      return [];
    }
    return [{ row, values: { ...data, submittedAt } }];
  });
  const contactsByEmail = await contactsWithAccounts(db, valid.map((r) => r.values.email));
  const existing = await importedKeys(db, [...new Set([...contactsByEmail.values()].map((c) => c.id))]);

  const stamp = now.toISOString();
  const lines: RowReport[] = [];
  const seen = new Map<string, number>();
  const invitationRows: Record<string, unknown>[] = [];
  const responseRows: Record<string, unknown>[] = [];
  const answerRows: Record<string, unknown>[] = [];
  for (const { row, values } of valid) {
    const target = options.surveyId ? targets.byKey.get(options.surveyId) : values.survey ? targets.byKey.get(squash(values.survey)) ?? targets.byKey.get(values.survey) : undefined;
    if (!target) {
      errors.push({ row, field: "survey", message: values.survey ? `no published survey is named '${values.survey}'; surveys: ${targets.names.join(", ") || "(none published)"}` : "required: name the survey (or give surveyId)" });
      continue;
    }
    const question = scoreQuestion(target.version.questions, values.question);
    if (!question || !isNumericType(question.type)) {
      errors.push({ row, field: values.question ? "question" : "score", message: `the survey '${target.survey.name}' has no ${values.question ? `question '${values.question}'` : "NPS, OSAT, CES or rating question"} to hold the score` });
      continue;
    }
    const scale = NUMERIC_SCALES[question.type as keyof typeof NUMERIC_SCALES];
    if (values.score < scale.min || values.score > scale.max) {
      errors.push({ row, field: "score", message: `${values.score} is outside ${question.type.toUpperCase()}'s ${scale.min}–${scale.max}` });
      continue;
    }
    const textQuestion = target.version.questions.find((q) => q.type === "text");
    if (values.comment && !textQuestion) {
      errors.push({ row, field: "comment", message: `the survey '${target.survey.name}' has no free-text question to hold the comment` });
      continue;
    }
    const contact = contactsByEmail.get(values.email);
    if (!contact) {
      errors.push({ row, field: "email", message: `no contact has the address ${values.email}; import the contacts first (an erased person's answers are not imported)` });
      continue;
    }
    const key = `${contact.id}|${target.survey.id}|${values.submittedAt}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({ row, field: "submittedAt", message: `the same person, survey and time already appear in row ${first}; only that row is imported` });
      continue;
    }
    seen.set(key, row);
    const earlier = existing.get(key);
    if (earlier) {
      lines.push({ row, outcome: "unchanged", key: values.email, id: earlier });
      continue;
    }
    const at = new Date(values.submittedAt);
    const invitationId = newId("inv", at);
    const responseId = newId("rsp", at);
    lines.push({ row, outcome: "created", key: values.email, ...(options.dryRun ? {} : { id: responseId }) });
    invitationRows.push({
      id: invitationId,
      surveyId: target.survey.id,
      surveyVersionId: target.version.id,
      contactId: contact.id,
      accountId: contact.accountId,
      kind: target.survey.kind,
      journeyStage: target.survey.journeyStage,
      status: "completed",
      causeType: "manual",
      causeId: "history-import",
      completedAt: values.submittedAt,
      createdAt: stamp,
      updatedAt: stamp,
    });
    responseRows.push({
      id: responseId,
      invitationId,
      surveyId: target.survey.id,
      surveyVersionId: target.version.id,
      contactId: contact.id,
      status: "complete",
      accountId: contact.accountId,
      role: contact.role,
      journeyStage: target.survey.journeyStage,
      country: contact.country,
      segment: contact.segment,
      revenue: contact.revenue,
      firstAnswerAt: values.submittedAt,
      submittedAt: values.submittedAt,
      importedAt: stamp,
      createdAt: stamp,
      updatedAt: stamp,
    });
    answerRows.push({ responseId, questionId: question.id, type: question.type, numValue: values.score, updatedAt: stamp });
    if (values.comment) answerRows.push({ responseId, questionId: textQuestion!.id, type: "text", textValue: values.comment, updatedAt: stamp });
  }

  const rows = rowLines(lines, errors);
  const created = rows.filter((r) => r.outcome === "created").length;
  const unchanged = rows.filter((r) => r.outcome === "unchanged").length;
  const report: ImportReport = {
    dryRun: options.dryRun === true,
    created,
    updated: 0,
    unchanged,
    errors,
    rows,
    mapping: parsed.mapping,
    ignoredColumns: parsed.ignoredColumns,
    numberFormat: null,
    dateFormat: formats.dateFormat,
  };
  if (options.dryRun || created === 0) return report;
  // Written in batches of WRITE_BATCH_ROWS answers, each one transaction of a few statements: D1 runs one statement at
  // a time, so one giant batch would hold respondents' submissions for its whole duration. Should a later batch fail,
  // running the same file again imports the rest (rows already stored are reported unchanged).
  const answersOf = new Map<string, Record<string, unknown>[]>();
  for (const answer of answerRows) answersOf.set(answer.responseId as string, [...(answersOf.get(answer.responseId as string) ?? []), answer]);
  for (let i = 0; i < responseRows.length; i += WRITE_BATCH_ROWS) {
    const slice = responseRows.slice(i, i + WRITE_BATCH_ROWS);
    const last = i + WRITE_BATCH_ROWS >= responseRows.length;
    await runBatch(db, [
      ...jsonInserts(invitations, invitationRows.slice(i, i + WRITE_BATCH_ROWS)),
      ...jsonInserts(responses, slice),
      ...jsonInserts(answers, slice.flatMap((r) => answersOf.get(r.id as string) ?? [])),
      ...(last ? [auditInsert(db, { actor, action: "response.import", entityType: "import", detail: { created, unchanged, errors: errors.length, surveys: [...new Set(responseRows.map((r) => r.surveyId))] } }, now)] : []),
    ]);
  }
  return report;
}

/** Answers written per D1 batch (about a second of work each at benchmark scale). */
const WRITE_BATCH_ROWS = 2000;

/**
 * Survey tools write more header rows than one: Qualtrics the question texts and then {"ImportId": …} for every
 * column, SurveyMonkey a row of "Response" / "Open-Ended Response". They are headers, not answers: left out.
 */
function withoutToolHeaderRows(rows: ImportRow[]): ImportRow[] {
  const cells = (r: ImportRow | undefined) => Object.values(r?.values ?? {}).map((v) => String(v));
  const qualtrics = rows.findIndex((r, i) => i < 2 && cells(r).some((c) => c.startsWith('{"ImportId"')));
  if (qualtrics !== -1) return rows.slice(qualtrics + 1);
  const surveyMonkey = cells(rows[0]).some((c) => c === "Response" || c === "Open-Ended Response") && rows[0]?.values.email === undefined;
  return surveyMonkey ? rows.slice(1) : rows;
}

/** Published surveys by id and by name (squashed), or the one given. */
async function surveyTargets(db: Db, surveyId: string | undefined): Promise<{ byKey: Map<string, Target>; names: string[] }> {
  const rows = await db
    .select({ survey: surveys, version: surveyVersions })
    .from(surveys)
    .innerJoin(surveyVersions, eq(surveyVersions.id, surveys.currentVersionId))
    .where(surveyId ? eq(surveys.id, surveyId) : undefined)
    .all();
  if (surveyId && rows.length === 0) {
    const draft = await db.select({ id: surveys.id }).from(surveys).where(eq(surveys.id, surveyId)).get();
    if (draft) throw badRequest(`Survey '${surveyId}' has no published version yet; publish it first, then import its history.`, [{ path: "surveyId", message: "not published" }]);
    throw notFound(`Survey '${surveyId}'`);
  }
  const byKey = new Map<string, Target>();
  for (const target of rows) {
    byKey.set(target.survey.id, target);
    byKey.set(squash(target.survey.name), target);
  }
  return { byKey, names: rows.map((r) => r.survey.name) };
}

/** The question the score belongs to: named by the row (type, id or text), else the survey's NPS question, else its first scale. */
function scoreQuestion(questions: Question[], named: string | undefined): Question | undefined {
  if (named) {
    const key = squash(named);
    return questions.find((q) => squash(q.type) === key || squash(q.id) === key || Object.values(q.text).some((text) => squash(text) === key));
  }
  const byType = (type: QuestionType) => questions.find((q) => q.type === type);
  return byType("nps") ?? questions.find((q) => isNumericType(q.type));
}

/** Contacts (not erased) with their account's country, segment and revenue, by address: JSON-list chunks, one batch. */
async function contactsWithAccounts(db: Db, emails: string[]): Promise<Map<string, ContactRow>> {
  const rows = await inJsonChunks<ContactRow>(
    db,
    [...new Set(emails)],
    (list) => sql`SELECT c.id, c.email, c.account_id AS accountId, c.role, a.country, a.segment, a.annual_revenue AS revenue
      FROM contacts c JOIN accounts a ON a.id = c.account_id
      WHERE c.email IN (SELECT value FROM json_each(${list})) AND c.status <> 'erased'`,
  );
  return new Map(rows.map((row) => [row.email, row]));
}

/** Imported answers already held for these contacts: "contact|survey|submittedAt" → response id. */
async function importedKeys(db: Db, contactIds: string[]): Promise<Map<string, string>> {
  const rows = await inJsonChunks<{ id: string; contactId: string; surveyId: string; submittedAt: string }>(
    db,
    contactIds,
    (list) => sql`SELECT id, contact_id AS contactId, survey_id AS surveyId, submitted_at AS submittedAt FROM responses
      WHERE imported_at IS NOT NULL AND contact_id IN (SELECT value FROM json_each(${list}))`,
  );
  return new Map(rows.map((row) => [`${row.contactId}|${row.surveyId}|${row.submittedAt}`, row.id]));
}

/** Values per JSON list: one bound parameter each, so only the statement's length limits it. */
const JSON_LIST_CHUNK = 5000;

/** One lookup over many values as JSON lists (`IN (SELECT value FROM json_each(?))`), every chunk in one batch. */
async function inJsonChunks<Row>(db: Db, values: string[], statementFor: (list: string) => SQL): Promise<Row[]> {
  const statements: SQL[] = [];
  for (let i = 0; i < values.length; i += JSON_LIST_CHUNK) statements.push(statementFor(JSON.stringify(values.slice(i, i + JSON_LIST_CHUNK))));
  return (await runBatch<Row>(db, statements)).flat();
}
