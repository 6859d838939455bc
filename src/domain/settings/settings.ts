import { and, asc, eq, gte, lte } from "drizzle-orm";
import type { Db } from "../../db/client";
import { holidays, settings } from "../../db/schema";
import { conflict, notFound } from "../../lib/errors";
import { auditInsert } from "../audit/log";

export type Settings = Omit<typeof settings.$inferSelect, "id">;
export type SettingsPatch = Partial<Omit<Settings, "updatedAt">>;
export type Holiday = typeof holidays.$inferSelect;

const SETTINGS_ID = 1;

/** The one settings row (migration 0002 ships it). */
export async function getSettings(db: Db): Promise<Settings> {
  const row = await db.select().from(settings).where(eq(settings.id, SETTINGS_ID)).get();
  if (!row) throw notFound("The settings row");
  const { id: _id, ...rest } = row;
  return rest;
}

export async function updateSettings(db: Db, actor: string, patch: SettingsPatch, now = new Date()): Promise<Settings> {
  const before = await getSettings(db);
  const changed = Object.fromEntries(
    Object.entries(patch).filter(([key, value]) => before[key as keyof Settings] !== value),
  ) as SettingsPatch;
  if (Object.keys(changed).length === 0) return before;
  const [[row]] = await db.batch([
    db.update(settings).set({ ...changed, updatedAt: now.toISOString() }).where(eq(settings.id, SETTINGS_ID)).returning(),
    auditInsert(db, { actor, action: "settings.update", entityType: "settings", entityId: String(SETTINGS_ID), detail: { before: pick(before, changed), after: changed } }, now),
  ]);
  const { id: _id, ...rest } = row!;
  return rest;
}

function pick(source: Settings, keysOf: SettingsPatch): Partial<Settings> {
  return Object.fromEntries(Object.keys(keysOf).map((key) => [key, source[key as keyof Settings]]));
}

/** Holidays (business-day calculations skip them), in date order. */
export function listHolidays(db: Db, range: { from?: string; to?: string } = {}) {
  return db
    .select()
    .from(holidays)
    .where(and(range.from ? gte(holidays.date, range.from) : undefined, range.to ? lte(holidays.date, range.to) : undefined))
    .orderBy(asc(holidays.date))
    .all();
}

export async function addHoliday(db: Db, actor: string, holiday: Holiday, now = new Date()): Promise<Holiday> {
  const existing = await db.select().from(holidays).where(eq(holidays.date, holiday.date)).get();
  if (existing) throw conflict(`${holiday.date} is already a holiday ('${existing.label}').`, [{ path: "date", message: "already a holiday" }]);
  const [[created]] = await db.batch([
    db.insert(holidays).values(holiday).returning(),
    auditInsert(db, { actor, action: "holiday.create", entityType: "holiday", entityId: holiday.date, detail: holiday }, now),
  ]);
  return created!;
}

export async function deleteHoliday(db: Db, actor: string, date: string, now = new Date()): Promise<void> {
  const existing = await db.select().from(holidays).where(eq(holidays.date, date)).get();
  if (!existing) throw notFound(`A holiday on ${date}`);
  await db.batch([
    db.delete(holidays).where(eq(holidays.date, date)),
    auditInsert(db, { actor, action: "holiday.delete", entityType: "holiday", entityId: date, detail: existing }, now),
  ]);
}
