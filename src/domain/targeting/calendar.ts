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
