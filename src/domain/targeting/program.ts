// The relational program (SPEC §5): permanent-random-number rotation. Wave W (counted from the survey's epoch, never
// restarting) selects contacts whose prn lies in [s, s + f) mod 1 with s = frac(W·f); a contact's day inside the wave
// is fixed by its position in that window, so its sends stay about 1/f waves apart.
import type { Survey } from "../../db/schema";
import { localMidnight, quarterAt, quarterPeriod, type Calendar } from "../scoring/periods";

export interface WaveSpan {
  index: number;
  start: Date;
  end: Date;
}

/** Start of wave 0: the survey's programEpoch, else the start of the quarter it was created in. */
export function programEpoch(survey: Pick<Survey, "programEpoch" | "createdAt">, calendar: Calendar): Date {
  if (survey.programEpoch) return new Date(survey.programEpoch);
  return new Date(quarterPeriod(quarterAt(new Date(survey.createdAt), calendar), calendar).start);
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

/** s = frac(W·f): where wave W's window starts on the prn circle. */
export const windowStart = (wave: number, fraction: number) => {
  const x = wave * fraction;
  return x - Math.floor(x);
};

/** (prn − s) mod 1: the contact's position from the window's start. */
export const offsetOf = (prn: number, s: number) => {
  const d = prn - s;
  return d - Math.floor(d);
};

export const inWindow = (prn: number, s: number, fraction: number) => offsetOf(prn, s) < fraction;

/** The working day (0-based) of the wave on which a contact in the window is sent. */
export const sendDay = (prn: number, s: number, fraction: number, workingDays: number) =>
  Math.floor((offsetOf(prn, s) / fraction) * workingDays);

/**
 * prn ranges [from, to) of the contacts due by working day `day`: sendDay ≤ day ⟺ offset < (day + 1)·f / D.
 * One range, or two when the window wraps past 1.
 */
export function dueRanges(s: number, fraction: number, day: number, workingDays: number): [number, number][] {
  const span = Math.min(fraction, ((day + 1) * fraction) / workingDays);
  const end = s + span;
  return end <= 1 ? [[s, end]] : [[s, 1], [0, end - 1]];
}

export const programCause = (surveyId: string, wave: number) => `${surveyId}:${wave}`;
