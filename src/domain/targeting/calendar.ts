/** Business days for spreading sends: the organization's time zone, Monday to Friday, minus its holiday list. */

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The local calendar date (YYYY-MM-DD) of an instant in an IANA time zone. */
export function localDate(instant: Date, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dateFormats.set(timeZone, format);
  }
  return format.format(instant);
}

const nextDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const isWeekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());

/** Working days from `from` (inclusive) to `to` (exclusive), both local dates, in order. */
export function businessDays(from: string, to: string, holidays: ReadonlySet<string>): string[] {
  const days: string[] = [];
  for (let day = from; day < to; day = nextDate(day)) {
    if (!isWeekend(day) && !holidays.has(day)) days.push(day);
  }
  return days;
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** The local wall-clock time (HH:MM, 24 h) of an instant in an IANA time zone. */
export function localTime(instant: Date, timeZone: string): string {
  let format = timeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    timeFormats.set(timeZone, format);
  }
  return format.format(instant);
}

export interface SendWindow {
  timeZone: string;
  holidays: ReadonlySet<string>;
  /** Local HH:MM, inclusive. */
  start: string;
  /** Local HH:MM, exclusive. */
  end: string;
}

/** Whether scheduled sends may go out now: a working day (not a weekend or holiday) and between start and end, local time. */
export function inSendWindow(now: Date, window: SendWindow): boolean {
  const day = localDate(now, window.timeZone);
  if (isWeekend(day) || window.holidays.has(day)) return false;
  const time = localTime(now, window.timeZone);
  return time >= window.start && time < window.end;
}
