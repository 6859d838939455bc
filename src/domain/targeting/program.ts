// The relational program (SPEC §5): permanent-random-number rotation. Wave W (counted from the survey's epoch, never
// restarting) selects contacts whose prn lies in [s, s + f) mod 1 with s = frac(W·f); a contact's day inside the wave
// is fixed by its position in that window, so its sends stay about 1/f waves apart.
import { sql, type SQL } from "drizzle-orm";
import type { Survey } from "../../db/schema";
import { localMidnight, type Calendar } from "../scoring/periods";
import { businessDays, localDate } from "./calendar";

export interface WaveSpan {
  index: number;
  start: Date;
  end: Date;
}

/**
 * Start of wave 0: local midnight (organization time zone) of the day the survey was first published (its
 * programEpoch; else the day it was created). Never earlier: send days that had passed before publishing would all
 * come due on the first tick (SPEC §5 epoch).
 */
export function programEpoch(survey: Pick<Survey, "programEpoch" | "createdAt">, calendar: Calendar): Date {
  const [year, month, day] = localParts(new Date(survey.programEpoch ?? survey.createdAt), calendar.timeZone);
  return localMidnight(year, month, day, calendar.timeZone);
}

const DAY = 86_400_000;

/** Start of wave `index`: whole months when the year divides evenly (4 → quarters), else equal slices of a year. */
export function waveStart(epoch: Date, wavesPerYear: number, index: number, timeZone: string): Date {
  if (12 % wavesPerYear === 0) {
    const [year, month, day] = localParts(epoch, timeZone);
    return localMidnight(year, month + index * (12 / wavesPerYear), day, timeZone);
  }
  return new Date(epoch.getTime() + Math.round((index * 365.2425 * DAY) / wavesPerYear));
}

function localParts(instant: Date, timeZone: string): [number, number, number] {
  const text = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(instant);
  const [y, m, d] = text.split("-").map(Number) as [number, number, number];
  return [y, m, d];
}

/** The wave `now` falls in (null before the epoch). */
export function waveAt(epoch: Date, wavesPerYear: number, now: Date, timeZone: string): WaveSpan | null {
  if (now < epoch) return null;
  let index = Math.floor(((now.getTime() - epoch.getTime()) / (365.2425 * DAY)) * wavesPerYear);
  while (index > 0 && waveStart(epoch, wavesPerYear, index, timeZone) > now) index--;
  while (waveStart(epoch, wavesPerYear, index + 1, timeZone) <= now) index++;
  return { index, start: waveStart(epoch, wavesPerYear, index, timeZone), end: waveStart(epoch, wavesPerYear, index + 1, timeZone) };
}

/** frac(W·f): where wave W's window starts on the prn circle. */
const frac = (x: number) => x - Math.floor(x);

/** A wave's window [s, e) mod 1 on the prn circle; e is computed exactly as the next wave's s, so windows tile. */
export interface PrnWindow {
  s: number;
  e: number;
  fraction: number;
}

export function waveWindow(wave: number, fraction: number): PrnWindow {
  return { s: frac(wave * fraction), e: frac((wave + 1) * fraction), fraction };
}

/** (prn − s) mod 1: the contact's position from the window's start. */
export const offsetOf = (prn: number, s: number) => frac(prn - s);

export function inWindow(prn: number, w: PrnWindow): boolean {
  if (w.fraction >= 1) return true;
  return w.s < w.e ? prn >= w.s && prn < w.e : prn >= w.s || prn < w.e;
}

/** The working day (0-based) of the wave on which a contact in the window is sent. */
export const sendDay = (prn: number, w: PrnWindow, workingDays: number) =>
  Math.min(workingDays - 1, Math.floor((offsetOf(prn, w.s) / Math.min(1, w.fraction)) * workingDays));

/**
 * prn ranges [from, to) of the contacts due by working day `day`: sendDay ≤ day ⟺ offset < (day + 1)·f / D.
 * One range, or two when the window wraps past 1; on the last working day, exactly the whole window.
 */
export function dueRanges(w: PrnWindow, day: number, workingDays: number): [number, number][] {
  if (w.fraction >= 1 && day + 1 >= workingDays) return [[0, 1]];
  const end = day + 1 >= workingDays ? w.e : frac(w.s + ((day + 1) * w.fraction) / workingDays);
  return w.s < end ? [[w.s, end]] : end === 0 ? [[w.s, 1]] : [[w.s, 1], [0, end]];
}

export const programCause = (surveyId: string, wave: number) => `${surveyId}:${wave}`;

/** A wave nextRegularSend looks at: its prn window and its working days' local midnights (ms; null for days before today). */
export interface RegularWave {
  s: number;
  e: number;
  f: number;
  days: (number | null)[];
}

/** The current wave and the 1/f + 1 after it, as data (also passed to SQL, so SQL and JavaScript answer alike). */
export function regularSendWaves(
  survey: Pick<Survey, "programEpoch" | "createdAt" | "wavesPerYear" | "fractionPerWave">,
  ctx: { calendar: Calendar; holidays: ReadonlySet<string> },
  now: Date,
): RegularWave[] {
  const tz = ctx.calendar.timeZone;
  const epoch = programEpoch(survey, ctx.calendar);
  const first = waveAt(epoch, survey.wavesPerYear, now, tz)?.index ?? 0;
  const today = localDate(now, tz);
  const waves: RegularWave[] = [];
  for (let index = first; index <= first + Math.ceil(1 / survey.fractionPerWave) + 1; index++) {
    const window = waveWindow(index, survey.fractionPerWave);
    const start = waveStart(epoch, survey.wavesPerYear, index, tz);
    const end = waveStart(epoch, survey.wavesPerYear, index + 1, tz);
    const days = businessDays(localDate(start, tz), localDate(end, tz), ctx.holidays).map((day) => {
      const [y, m, d] = day.split("-").map(Number) as [number, number, number];
      return day >= today ? localMidnight(y, m, d, tz).getTime() : null;
    });
    waves.push({ s: window.s, e: window.e, f: window.fraction, days });
  }
  return waves;
}

/** A contact's send day in a wave (local midnight, ms), or null when its prn is outside the window or the day has passed. */
function sendDayIn(wave: RegularWave, prn: number): number | null {
  const window = { s: wave.s, e: wave.e, fraction: wave.f };
  if (!inWindow(prn, window)) return null;
  return wave.days[sendDay(prn, window, wave.days.length)] ?? null;
}

/**
 * When the contact's next regular wave send is due (local midnight of its send day), from now on: its send day in the
 * current wave if that has not passed, else the first later wave whose window holds its prn. Null if none within 1/f + 1 waves.
 */
export function nextRegularSend(
  survey: Pick<Survey, "programEpoch" | "createdAt" | "wavesPerYear" | "fractionPerWave">,
  ctx: { calendar: Calendar; holidays: ReadonlySet<string> },
  prn: number,
  now: Date,
): Date | null {
  for (const wave of regularSendWaves(survey, ctx, now)) {
    const day = sendDayIn(wave, prn);
    if (day !== null) return new Date(day);
  }
  return null;
}

/**
 * The same, in SQL, for a prn column: the earliest send day (ms) over `regularSendWaves` (waves tile time, so the
 * earliest is the first wave's), with the same float arithmetic as inWindow and sendDay.
 */
export function nextRegularSendSql(prn: SQL, waves: RegularWave[]): SQL {
  const field = (name: string) => sql.raw(`json_extract(w.value, '$.${name}')`);
  const offset = sql`(CASE WHEN ${prn} - ${field("s")} >= 0 THEN ${prn} - ${field("s")} ELSE ${prn} - ${field("s")} + 1 END)`;
  const n = sql`json_array_length(w.value, '$.days')`;
  const day = sql`min(${n} - 1, CAST((${offset} / min(1, ${field("f")})) * ${n} AS INTEGER))`;
  const inside = sql`(${field("f")} >= 1 OR CASE WHEN ${field("s")} < ${field("e")} THEN ${prn} >= ${field("s")} AND ${prn} < ${field("e")} ELSE ${prn} >= ${field("s")} OR ${prn} < ${field("e")} END)`;
  return sql`(SELECT min(json_extract(w.value, '$.days[' || ${day} || ']')) FROM json_each(${JSON.stringify(waves)}) w WHERE ${n} > 0 AND ${inside})`;
}
