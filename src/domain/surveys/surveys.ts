import { and, asc, desc, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client";
import { isUniqueViolation } from "../../db/errors";
import { journeyStages, surveys, surveyVersions, type Survey, type SurveyVersion } from "../../db/schema";
import { badRequest, conflict, notFound, type FieldError } from "../../lib/errors";
import { Locale } from "../../lib/fields";
import { newId } from "../../lib/ids";
import { auditInsert } from "../audit/log";
import { roleKeys, unknownRoleMessage } from "../directory/contacts";
import { getSettings } from "../settings/settings";
import { atMostMaxLocales, LocaleKey, MAX_LOCALES, missingLocaleTexts, QuestionList } from "./questions";

const SurveyTextsSchema = z.strictObject({
  title: z.string().trim().min(1).max(200),
  intro: z.string().trim().min(1).max(2000).describe("Why we ask and what we will do with the answer."),
  emailSubject: z.string().trim().min(1).max(200).optional(),
});

/** Editable survey fields. questions, texts and defaultLocale are frozen into a version on publish; the rest applies at once. */
export const surveyFields = {
  name: z.string().trim().min(1).max(200),
  kind: z.enum(["relational", "transactional"]),
  journeyStage: z.string().trim().min(1).max(64),
  targetRoles: z
    .array(z.string().min(1).max(64))
    .max(50)
    .refine((roles) => new Set(roles).size === roles.length, "list each role once"),
  defaultLocale: Locale,
  texts: z.record(LocaleKey, SurveyTextsSchema).refine(atMostMaxLocales, `at most ${MAX_LOCALES} locales`),
  questions: QuestionList,
  delayDays: z.number().int().min(0).max(365),
  wavesPerYear: z.number().int().min(1).max(52),
  fractionPerWave: z.number().gt(0, "must be more than 0").max(1, "must be at most 1"),
};

export const SurveyCreate = z.strictObject({
  ...surveyFields,
  targetRoles: surveyFields.targetRoles.default([]),
  defaultLocale: surveyFields.defaultLocale.optional(),
  delayDays: surveyFields.delayDays.default(0),
  wavesPerYear: surveyFields.wavesPerYear.default(4),
  fractionPerWave: surveyFields.fractionPerWave.default(0.5),
});
export const SurveyPatch = z.strictObject(surveyFields).partial();

export type SurveyInput = z.output<typeof SurveyCreate>;
export type SurveyPatchInput = z.output<typeof SurveyPatch>;
type Draft = Pick<Survey, "journeyStage" | "targetRoles" | "defaultLocale" | "texts" | "questions">;

export interface SurveyFilter {
  status?: Survey["status"];
  kind?: Survey["kind"];
  journeyStage?: string;
  after?: string;
  limit: number;
}

export function listSurveys(db: Db, filter: SurveyFilter) {
  return db
    .select()
    .from(surveys)
    .where(
      and(
        filter.status ? eq(surveys.status, filter.status) : undefined,
        filter.kind ? eq(surveys.kind, filter.kind) : undefined,
        filter.journeyStage ? eq(surveys.journeyStage, filter.journeyStage) : undefined,
        filter.after ? gt(surveys.id, filter.after) : undefined,
      ),
    )
    .orderBy(asc(surveys.id))
    .limit(filter.limit + 1)
    .all();
}

export async function getSurvey(db: Db, id: string): Promise<Survey> {
  const survey = await db.select().from(surveys).where(eq(surveys.id, id)).get();
  if (!survey) throw notFound(`Survey '${id}'`);
  return survey;
}

export function listVersions(db: Db, surveyId: string) {
  return db.select().from(surveyVersions).where(eq(surveyVersions.surveyId, surveyId)).orderBy(desc(surveyVersions.version)).all();
}

/** A new survey is a draft: nothing is sent until it is published. */
export async function createSurvey(db: Db, actor: string, input: SurveyInput, now = new Date()): Promise<Survey> {
  const draft = { ...input, defaultLocale: input.defaultLocale ?? (await getSettings(db)).defaultLocale };
  await assertDraftValid(db, draft);
  const id = newId("sur", now);
  const stamp = now.toISOString();
  const [[created]] = await db.batch([
    db.insert(surveys).values({ ...draft, id, status: "draft", createdAt: stamp, updatedAt: stamp }).returning(),
    auditInsert(db, { actor, action: "survey.create", entityType: "survey", entityId: id, detail: { name: draft.name, kind: draft.kind } }, now),
  ]);
  return created!;
}

/** Edits the draft; sent invitations keep pointing at the published version until the next publish. */
export async function updateSurvey(db: Db, actor: string, id: string, patch: SurveyPatchInput, now = new Date()): Promise<Survey> {
  const existing = await getSurvey(db, id);
  if (existing.status === "archived") throw conflict("This survey is archived; create a new survey instead of editing it.");
  if (patch.kind && patch.kind !== existing.kind && existing.currentVersionId) {
    throw conflict("A published survey keeps its kind (frequency rules and scores depend on it); create a new survey instead.", [
      { path: "kind", message: "fixed once published" },
    ]);
  }
  const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as SurveyPatchInput;
  if (Object.keys(changes).length === 0) return existing;
  await assertDraftValid(db, { ...existing, ...changes });
  const [[updated]] = await db.batch([
    db.update(surveys).set({ ...changes, updatedAt: now.toISOString() }).where(eq(surveys.id, id)).returning(),
    auditInsert(db, { actor, action: "survey.update", entityType: "survey", entityId: id, detail: { fields: Object.keys(changes) } }, now),
  ]);
  return updated!;
}

/**
 * Freezes the draft as version n + 1 and makes the survey active. Publishing an unchanged draft creates no new
 * version. The first publish of a relational survey starts its wave program on that day (SPEC §5 epoch).
 */
export async function publishSurvey(db: Db, actor: string, id: string, now = new Date()): Promise<{ survey: Survey; version: SurveyVersion }> {
  const survey = await getSurvey(db, id);
  if (survey.status === "archived") throw conflict("This survey is archived and cannot be published again; create a new survey.");
  await assertDraftValid(db, survey);
  const current = survey.currentVersionId
    ? await db.select().from(surveyVersions).where(eq(surveyVersions.id, survey.currentVersionId)).get()
    : undefined;
  // Wave 0 starts on the day of the first publish (the program takes its local date), never a backlog of past days.
  const programEpoch = survey.programEpoch ?? (survey.kind === "relational" ? now.toISOString() : null);
  if (current && sameContent(current, survey)) {
    if (survey.status === "active") return { survey, version: current };
    const [[activated]] = await db.batch([
      db.update(surveys).set({ status: "active", programEpoch, updatedAt: now.toISOString() }).where(eq(surveys.id, id)).returning(),
      auditInsert(db, { actor, action: "survey.publish", entityType: "survey", entityId: id, detail: { version: current.version } }, now),
    ]);
    return { survey: activated!, version: current };
  }
  const versionId = newId("ver", now);
  const nextNumber = sql<number>`(SELECT coalesce(max(${surveyVersions.version}), 0) + 1 FROM ${surveyVersions} WHERE ${surveyVersions.surveyId} = ${id})`;
  const [[version], [published]] = await db
    .batch([
      db
        .insert(surveyVersions)
        .values({ id: versionId, surveyId: id, version: nextNumber, questions: survey.questions, texts: survey.texts, defaultLocale: survey.defaultLocale, publishedAt: now.toISOString() })
        .returning(),
      db
        .update(surveys)
        .set({ status: "active", currentVersionId: versionId, programEpoch, updatedAt: now.toISOString() })
        .where(eq(surveys.id, id))
        .returning(),
      auditInsert(db, { actor, action: "survey.publish", entityType: "survey", entityId: id, detail: { versionId } }, now),
    ])
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) throw conflict("This survey was published by another request at the same moment; reload it and try again.");
      throw error;
    });
  return { survey: published!, version: version! };
}

/** Stops all new invitations; sent ones stay answerable until they expire. Idempotent. */
export async function archiveSurvey(db: Db, actor: string, id: string, now = new Date()): Promise<Survey> {
  const survey = await getSurvey(db, id);
  if (survey.status === "archived") return survey;
  const [[archived]] = await db.batch([
    db.update(surveys).set({ status: "archived", updatedAt: now.toISOString() }).where(eq(surveys.id, id)).returning(),
    auditInsert(db, { actor, action: "survey.archive", entityType: "survey", entityId: id, detail: { from: survey.status } }, now),
  ]);
  return archived!;
}

function sameContent(version: SurveyVersion, survey: Survey): boolean {
  return (
    version.defaultLocale === survey.defaultLocale &&
    JSON.stringify(version.questions) === JSON.stringify(survey.questions) &&
    JSON.stringify(version.texts) === JSON.stringify(survey.texts)
  );
}

/**
 * The respondent page must stay ≤ 20 KB (SPEC §6, §10). Its markup for the largest survey allowed (5 questions × 20
 * options) takes about 13 KB and its error messages up to 3 KB more, so the survey's own texts may add at most this
 * much, counted as the page shows them: HTML-escaped UTF-8, the title twice (<title> and <h1>), and for each text
 * its longest locale (a page falls back between locales, so any of them may be shown).
 */
export const MAX_PAGE_TEXT_BYTES = 4000;

const htmlBytes = (text: string) => new TextEncoder().encode(text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;")).length;
const longest = (texts: (string | undefined)[]) => Math.max(0, ...texts.map((t) => (t ? htmlBytes(t) : 0)));

export function pageTextBytes(draft: Pick<Draft, "texts" | "questions">): number {
  const surveyTexts = Object.values(draft.texts);
  let bytes = 2 * longest(surveyTexts.map((t) => t.title)) + longest(surveyTexts.map((t) => t.intro));
  for (const question of draft.questions) {
    bytes += longest(Object.values(question.text));
    for (const option of question.options ?? []) bytes += longest(Object.values(option.label));
  }
  return bytes;
}

/** Cross-field rules and references: the default locale has every text, the stage and roles exist. */
async function assertDraftValid(db: Db, draft: Draft): Promise<void> {
  const errors: FieldError[] = [];
  const textBytes = pageTextBytes(draft);
  if (textBytes > MAX_PAGE_TEXT_BYTES) {
    errors.push({
      path: "questions",
      message: `the survey's texts take ${textBytes} bytes on the respondent page (title twice, intro, questions, option labels; longest locale); keep them within ${MAX_PAGE_TEXT_BYTES} so the page stays under 20 KB on a phone: shorten the intro, the questions or the option labels`,
    });
  }
  if (!draft.texts[draft.defaultLocale]) {
    errors.push({ path: `texts.${draft.defaultLocale}`, message: `give the title and intro in the default locale '${draft.defaultLocale}'` });
  }
  for (const path of missingLocaleTexts(draft.questions, draft.defaultLocale)) {
    errors.push({ path: ["questions", ...path].join("."), message: `give this text in the default locale '${draft.defaultLocale}'` });
  }
  const [stage, validRoles] = await Promise.all([
    db.select({ key: journeyStages.key }).from(journeyStages).where(eq(journeyStages.key, draft.journeyStage)).get(),
    draft.targetRoles.length ? roleKeys(db) : Promise.resolve([] as string[]),
  ]);
  if (!stage) errors.push({ path: "journeyStage", message: `unknown journey stage '${draft.journeyStage}'` });
  draft.targetRoles.forEach((role, i) => {
    if (!validRoles.includes(role)) errors.push({ path: `targetRoles.${i}`, message: unknownRoleMessage(role, validRoles) });
  });
  if (errors.length) throw badRequest("The survey is not consistent; see errors.", errors);
}
