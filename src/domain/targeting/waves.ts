import { and, eq, gte, isNotNull, lte, sql, type SQL } from "drizzle-orm";
import { runAll } from "../../db/batch";
import { holidays, settings, surveys, type Survey } from "../../db/schema";
import type { Calendar } from "../scoring/periods";
import { emailHmac } from "../directory/suppression";
import { admitAll, type AdmissionResult } from "../frequency/admit";
import type { Db } from "../../db/client";
import { isTimeZone } from "../../lib/fields";
import { notFound } from "../../lib/errors";
import type { Settings } from "../settings/settings";
import { businessDays, localDate, type SendWindow } from "./calendar";
import { admittedIds, enqueueDeliveries } from "./enqueue";
import { dueRanges, programCause, programEpoch, waveAt, waveWindow } from "./program";
import type { SendDeps } from "./sends";

/** What a dispatcher tick may spend: guarded inserts left in this invocation (D1 allows 1,000 queries). */
export interface Budget {
  remaining: number;
}

export interface ProgramContext {
  calendar: Calendar;
  holidays: ReadonlySet<string>;
  /** When scheduled work may go out (working days, local hours); absent: any time (tests of the rotation alone). */
  window?: SendWindow;
}

/** The reads behind the program context (settings, holidays around `now`), for a caller that batches them with its own. */
export function programContextReads(db: Db, now: Date) {
  const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  return [
    db.select().from(settings).where(eq(settings.id, 1)),
    db.select({ date: holidays.date }).from(holidays).where(and(gte(holidays.date, day(-400)), lte(holidays.date, day(800)))),
  ] as const;
}

/** The organization's calendar, holidays and send window from the rows of programContextReads. */
export function programContextFrom(settingRows: Pick<Settings, "timeZone" | "fiscalYearStartMonth" | "sendWindowStart" | "sendWindowEnd">[], holidayRows: { date: string }[]): ProgramContext {
  const setting = settingRows[0];
  if (!setting) throw notFound("The settings row");
  // A zone Intl does not know would stop every tick; business days then fall back to UTC.
  const timeZone = isTimeZone(setting.timeZone) ? setting.timeZone : "UTC";
  const calendar: Calendar = { timeZone, fiscalYearStartMonth: setting.fiscalYearStartMonth };
  const dates = new Set(holidayRows.map((h) => h.date));
  return { calendar, holidays: dates, window: { timeZone, holidays: dates, start: setting.sendWindowStart, end: setting.sendWindowEnd } };
}

/** The organization's calendar, holidays around `now` and send window, read once per tick (one round trip). */
export async function loadProgramContext(db: Db, now: Date): Promise<ProgramContext> {
  const [settingRows, holidayRows] = await db.batch(programContextReads(db, now));
  return programContextFrom(settingRows, holidayRows);
}

export interface SliceReport {
  surveyId: string;
  wave: number;
  workingDay: number | null;
  invitations: AdmissionResult[];
}

/** Active relational surveys, oldest first; unexecuted, so a caller may await it or put it in a batch. */
export function activeRelationalSurveys(db: Db) {
  return db
    .select()
    .from(surveys)
    .where(and(eq(surveys.kind, "relational"), eq(surveys.status, "active"), isNotNull(surveys.currentVersionId)))
    .orderBy(surveys.createdAt);
}

/** Today's place in the survey's current wave: the wave, its prn window, and the working day (null: not a working day). */
export function waveToday(survey: Survey, ctx: ProgramContext, now: Date) {
  const tz = ctx.calendar.timeZone;
  const wave = waveAt(programEpoch(survey, ctx.calendar), survey.wavesPerYear, now, tz);
  if (!wave) return null;
  const days = businessDays(localDate(wave.start, tz), localDate(wave.end, tz), ctx.holidays);
  const day = days.indexOf(localDate(now, tz));
  return { wave, window: waveWindow(wave.index, survey.fractionPerWave), workingDay: day < 0 ? null : day, workingDays: days.length };
}

export const prnIn = (ranges: [number, number][]): SQL =>
  sql`(${sql.join(ranges.map(([from, to]) => sql`(c.prn >= ${from} AND c.prn < ${to})`), sql` OR `)})`;

/**
 * One slice of a relational survey's current wave: the active contacts (active accounts, target roles) whose send day
 * has come and who have no invitation of this wave yet, lowest prn first, each through the guarded insert.
 */
export async function runWaveSlice(deps: SendDeps, survey: Survey, ctx: ProgramContext, now: Date, budget: Budget): Promise<SliceReport | null> {
  const today = waveToday(survey, ctx, now);
  if (!today) return null;
  const report: SliceReport = { surveyId: survey.id, wave: today.wave.index, workingDay: today.workingDay, invitations: [] };
  if (today.workingDay === null || budget.remaining <= 0) return report;
  const cause = programCause(survey.id, today.wave.index);
  const roles = survey.targetRoles ?? [];
  const due = await runAll<{ id: string; email: string | null }>(
    deps.db,
    sql`SELECT c.id, c.email FROM contacts c JOIN accounts a ON a.id = c.account_id AND a.status = 'active'
      WHERE c.status = 'active' AND ${prnIn(dueRanges(today.window, today.workingDay, today.workingDays))}
        ${roles.length ? sql`AND c.role IN (SELECT value FROM json_each(${JSON.stringify(roles)}))` : sql``}
        AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.survey_id = ${survey.id} AND i.contact_id = c.id
                        AND i.cause_type = 'program' AND i.cause_id = ${cause})
      ORDER BY c.prn LIMIT ${budget.remaining}`,
  );
  report.invitations = await admitProgram(deps, survey.id, cause, due, now);
  budget.remaining -= due.length;
  return report;
}

/** Program invitations for these contacts (cause "survey:wave", so never twice in one wave), queued ones enqueued. */
export async function admitProgram(deps: SendDeps, surveyId: string, cause: string, who: { id: string; email: string | null }[], now: Date) {
  const admissions = await Promise.all(
    who.map(async (c) => ({
      contactId: c.id,
      surveyId,
      cause: { type: "program" as const, id: cause },
      emailHmac: c.email ? await emailHmac(deps.hmacSecret, c.email) : null,
    })),
  );
  const results = await admitAll(deps.db, admissions, now);
  await enqueueDeliveries(deps.queue, admittedIds(results));
  return results;
}
