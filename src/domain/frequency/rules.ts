import { asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { frequencyRules, journeyStages, roles, surveys, type FrequencyRule } from "../../db/schema";
import { conflict, notFound, unprocessable, type FieldError } from "../../lib/errors";
import { auditInsert } from "../audit/log";

/** A rule as SPEC §4 writes it: `match` nested, the row's flat match_* columns hidden. */
export interface RuleView {
  id: string;
  scope: FrequencyRule["scope"];
  match: { kind?: NonNullable<FrequencyRule["matchKind"]>; surveyId?: string; journeyStage?: string; role?: string };
  per: FrequencyRule["per"];
  counts: FrequencyRule["counts"];
  windowDays: number;
  max: number;
  action: FrequencyRule["action"];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export type RuleInput = Omit<RuleView, "createdAt" | "updatedAt" | "enabled" | "per"> & { enabled?: boolean; per?: FrequencyRule["per"] };
export type RulePatch = Partial<Omit<RuleInput, "id">>;

export function toView(row: FrequencyRule): RuleView {
  const match: RuleView["match"] = {};
  if (row.matchKind) match.kind = row.matchKind;
  if (row.matchSurveyId) match.surveyId = row.matchSurveyId;
  if (row.matchJourneyStage) match.journeyStage = row.matchJourneyStage;
  if (row.matchRole) match.role = row.matchRole;
  return {
    id: row.id,
    scope: row.scope,
    match,
    per: row.per,
    counts: row.counts,
    windowDays: row.windowDays,
    max: row.max,
    action: row.action,
    enabled: row.enabled,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toColumns(input: RulePatch) {
  const { match, ...rest } = input;
  return {
    ...rest,
    ...(match
      ? { matchKind: match.kind ?? null, matchSurveyId: match.surveyId ?? null, matchJourneyStage: match.journeyStage ?? null, matchRole: match.role ?? null }
      : {}),
  };
}

export async function listRules(db: Db): Promise<RuleView[]> {
  return (await db.select().from(frequencyRules).orderBy(asc(frequencyRules.id)).all()).map(toView);
}

async function getRow(db: Db, id: string): Promise<FrequencyRule> {
  const row = await db.select().from(frequencyRules).where(eq(frequencyRules.id, id)).get();
  if (!row) throw notFound(`Frequency rule '${id}'`);
  return row;
}

export const getRule = async (db: Db, id: string) => toView(await getRow(db, id));

/** A rule may only name surveys, stages and roles that exist, or it would silently never match. */
async function assertMatchExists(db: Db, match: RuleView["match"] | undefined): Promise<void> {
  if (!match) return;
  const errors: FieldError[] = [];
  if (match.surveyId && !(await db.select({ id: surveys.id }).from(surveys).where(eq(surveys.id, match.surveyId)).get())) {
    errors.push({ path: "match.surveyId", message: `no survey '${match.surveyId}'` });
  }
  if (match.journeyStage && !(await db.select({ k: journeyStages.key }).from(journeyStages).where(eq(journeyStages.key, match.journeyStage)).get())) {
    errors.push({ path: "match.journeyStage", message: `no journey stage '${match.journeyStage}'` });
  }
  if (match.role && !(await db.select({ k: roles.key }).from(roles).where(eq(roles.key, match.role)).get())) {
    errors.push({ path: "match.role", message: `no role '${match.role}'` });
  }
  if (errors.length) throw unprocessable("The rule's match names something that does not exist.", errors);
}

export async function createRule(db: Db, actor: string, input: RuleInput, now = new Date()): Promise<RuleView> {
  if (await db.select({ id: frequencyRules.id }).from(frequencyRules).where(eq(frequencyRules.id, input.id)).get()) {
    throw conflict(`A frequency rule with id '${input.id}' already exists.`, [{ path: "id", message: "already exists" }]);
  }
  await assertMatchExists(db, input.match);
  const stamp = now.toISOString();
  const [[row]] = await db.batch([
    db.insert(frequencyRules).values({ ...toColumns(input), id: input.id, scope: input.scope, counts: input.counts, windowDays: input.windowDays, max: input.max, action: input.action, createdAt: stamp, updatedAt: stamp }).returning(),
    auditInsert(db, { actor, action: "frequency_rule.create", entityType: "frequency_rule", entityId: input.id, detail: { ...input } }, now),
  ]);
  return toView(row!);
}

export async function updateRule(db: Db, actor: string, id: string, patch: RulePatch, now = new Date()): Promise<RuleView> {
  const before = await getRow(db, id);
  await assertMatchExists(db, patch.match);
  const [[row]] = await db.batch([
    db.update(frequencyRules).set({ ...toColumns(patch), updatedAt: now.toISOString() }).where(eq(frequencyRules.id, id)).returning(),
    auditInsert(db, { actor, action: "frequency_rule.update", entityType: "frequency_rule", entityId: id, detail: { before: toView(before), patch } }, now),
  ]);
  return toView(row!);
}

export async function deleteRule(db: Db, actor: string, id: string, now = new Date()): Promise<void> {
  const before = await getRow(db, id);
  await db.batch([
    db.delete(frequencyRules).where(eq(frequencyRules.id, id)),
    auditInsert(db, { actor, action: "frequency_rule.delete", entityType: "frequency_rule", entityId: id, detail: { before: toView(before) } }, now),
  ]);
}
