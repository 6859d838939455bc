import { asc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { frequencyRules, journeyStages, surveys, type JourneyStage } from "../../db/schema";
import { conflict, notFound } from "../../lib/errors";
import { auditInsert } from "../audit/log";

export type JourneyStageInput = Pick<JourneyStage, "key" | "label"> & Partial<Pick<JourneyStage, "position">>;
export type JourneyStagePatch = Partial<Omit<JourneyStageInput, "key">>;

export function listJourneyStages(db: Db) {
  return db.select().from(journeyStages).orderBy(asc(journeyStages.position), asc(journeyStages.key)).all();
}

export async function getJourneyStage(db: Db, key: string): Promise<JourneyStage> {
  const stage = await db.select().from(journeyStages).where(eq(journeyStages.key, key)).get();
  if (!stage) throw notFound(`Journey stage '${key}'`);
  return stage;
}

/** A new stage goes last unless a position is given. */
export async function createJourneyStage(db: Db, actor: string, input: JourneyStageInput, now = new Date()): Promise<JourneyStage> {
  const existing = await db.select({ key: journeyStages.key }).from(journeyStages).where(eq(journeyStages.key, input.key)).get();
  if (existing) throw conflict(`A journey stage with key '${input.key}' already exists.`, [{ path: "key", message: "already exists" }]);
  const stamp = now.toISOString();
  const position = input.position ?? sql<number>`(SELECT coalesce(max(${journeyStages.position}), 0) + 1 FROM ${journeyStages})`;
  const [[created]] = await db.batch([
    db.insert(journeyStages).values({ ...input, position, createdAt: stamp, updatedAt: stamp }).returning(),
    auditInsert(db, { actor, action: "journey_stage.create", entityType: "journey_stage", entityId: input.key, detail: input }, now),
  ]);
  return created!;
}

export async function updateJourneyStage(db: Db, actor: string, key: string, patch: JourneyStagePatch, now = new Date()): Promise<JourneyStage> {
  await getJourneyStage(db, key);
  const [[updated]] = await db.batch([
    db.update(journeyStages).set({ ...patch, updatedAt: now.toISOString() }).where(eq(journeyStages.key, key)).returning(),
    auditInsert(db, { actor, action: "journey_stage.update", entityType: "journey_stage", entityId: key, detail: patch }, now),
  ]);
  return updated!;
}

/** Refused while a survey or a frequency rule refers to the stage: their history would point at nothing. */
export async function deleteJourneyStage(db: Db, actor: string, key: string, now = new Date()): Promise<void> {
  await getJourneyStage(db, key);
  const [usedBySurveys, usedByRules] = await db.batch([
    db.select({ n: sql<number>`count(*)` }).from(surveys).where(eq(surveys.journeyStage, key)),
    db.select({ n: sql<number>`count(*)` }).from(frequencyRules).where(eq(frequencyRules.matchJourneyStage, key)),
  ]);
  const surveyCount = usedBySurveys[0]?.n ?? 0;
  const ruleCount = usedByRules[0]?.n ?? 0;
  if (surveyCount > 0) {
    throw conflict(`Journey stage '${key}' is used by ${surveyCount} survey(s) (archived ones included); move them to another stage first.`);
  }
  if (ruleCount > 0) throw conflict(`Journey stage '${key}' is matched by ${ruleCount} frequency rule(s); change those rules first.`);
  await db.batch([
    db.delete(journeyStages).where(eq(journeyStages.key, key)),
    auditInsert(db, { actor, action: "journey_stage.delete", entityType: "journey_stage", entityId: key }, now),
  ]);
}
