/** UTC day helpers. Every day in homecall is a UTC calendar day written `YYYY-MM-DD`. */

/** Milliseconds in a day (UTC days have no leap seconds in epoch time). */
export const DAY_MS = 86_400_000;

/** A UTC day as `YYYY-MM-DD`. */
export type Day = string;

// The last day dayOf computed and where it starts: ingest and aggregation ask for the same day
// over and over, and formatting a date is the costly part.
let lastStart = Number.NaN;
// Stryker disable next-line StringLiteral: equivalent; read only on a hit, and no moment is at or after NaN
let lastDay: Day = '';

/** The UTC day a moment falls on. */
export function dayOf(time: Date | number): Day {
  const ms = typeof time === 'number' ? time : time.getTime();
  // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: equivalent; a check that hits less (never, or not on the day's first millisecond) only formats afresh, to the same day
  if (ms >= lastStart && ms < lastStart + DAY_MS) return lastDay;
  const day = new Date(ms).toISOString().slice(0, 10);
  lastStart = ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
  lastDay = day;
  return day;
}

/** Whether `value` is a real calendar day in `YYYY-MM-DD` form (2026-02-30 is not). */
export function isDay(value: string): boolean {
  // dayOf writes only `YYYY-MM-DD` (years 0–9999): being its own day is the form check too.
  const parsed = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(parsed) && dayOf(parsed) === value;
}

/** Midnight UTC at the start of `day`, in epoch milliseconds. */
export function startOfDay(day: Day): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/** The day `n` days after `day` (negative `n` goes back). */
export function addDays(day: Day, n: number): Day {
  return dayOf(startOfDay(day) + n * DAY_MS);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: Day, to: Day): number {
  return Math.round((startOfDay(to) - startOfDay(from)) / DAY_MS);
}

/** Every day from `from` to `to`, both included, in order. */
export function dayRange(from: Day, to: Day): Day[] {
  const days: Day[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

/** Every month from the month of `from` to the month of `to`, in order. */
export function monthsBetween(from: Day, to: Day): string[] {
  const months: string[] = [];
  let year = Number(from.slice(0, 4));
  let month = Number(from.slice(5, 7));
  // Stryker disable next-line MethodExpression: equivalent; a month's key compares with the whole day as with its month (2026-11 < 2026-11-28 < 2026-12)
  const last = to.slice(0, 7);
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    if (key > last) return months;
    months.push(key);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
}
