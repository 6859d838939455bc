// The relational program (SPEC §5): permanent-random-number rotation. Wave W (counted from the survey's epoch, never
// restarting) selects contacts whose prn lies in [s, s + f) mod 1 with s = frac(W·f); a contact's day inside the wave
// is fixed by its position in that window, so its sends stay about 1/f waves apart.
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
  const tz = ctx.calendar.timeZone;
  const epoch = programEpoch(survey, ctx.calendar);
  const current = waveAt(epoch, survey.wavesPerYear, now, tz);
  const first = current?.index ?? 0;
  const today = localDate(now, tz);
  for (let index = first; index <= first + Math.ceil(1 / survey.fractionPerWave) + 1; index++) {
    const window = waveWindow(index, survey.fractionPerWave);
    if (!inWindow(prn, window)) continue;
    const start = waveStart(epoch, survey.wavesPerYear, index, tz);
    const end = waveStart(epoch, survey.wavesPerYear, index + 1, tz);
    const days = businessDays(localDate(start, tz), localDate(end, tz), ctx.holidays);
    const day = days[sendDay(prn, window, days.length)];
    if (day && day >= today) {
      const [y, m, d] = day.split("-").map(Number) as [number, number, number];
      return localMidnight(y, m, d, tz);
    }
  }
  return null;
}
