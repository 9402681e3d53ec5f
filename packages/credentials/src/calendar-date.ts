import { HavenError } from '@haven/core';
import { z } from 'zod';

/** A calendar date as its parts (proleptic Gregorian, no time zone). */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

// Dates in our claims are births, registrations and contracts; anything outside this range is a typo
// (0026 for 2026) rather than a fact, and keeps arithmetic far from any edge.
const MIN_YEAR = 1900;
const MAX_YEAR = 2199;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Parses `YYYY-MM-DD` (RFC 3339 `full-date`) into its parts when, and only when, it names a real day:
 * `2026-02-30` and `2025-02-29` are refused, `2024-02-29` is accepted.
 *
 * @example
 * ```ts
 * parseCalendarDate('2024-02-29') // { year: 2024, month: 2, day: 29 }
 * parseCalendarDate('2026-02-30') // undefined
 * ```
 */
export function parseCalendarDate(text: string): CalendarDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12) return undefined;
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

/**
 * Compares two valid `YYYY-MM-DD` strings. Zero-padded dates sort as text, so this is a string compare.
 *
 * @example
 * ```ts
 * compareCalendarDates('2026-01-31', '2026-02-01') // -1
 * ```
 */
export function compareCalendarDates(a: string, b: string): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * For cross-field checks: false only when both are real calendar dates and `later` is before `earlier`.
 * A field that is itself invalid has its own issue already; no second, misleading one is added.
 *
 * @example
 * ```ts
 * datesInOrder('2026-01-01', '2025-12-31') // false
 * datesInOrder('2026-02-30', '2025-12-31') // true (the first date is reported on its own)
 * ```
 */
export function datesInOrder(earlier: unknown, later: unknown): boolean {
  if (typeof earlier !== 'string' || typeof later !== 'string') return true;
  if (parseCalendarDate(earlier) === undefined || parseCalendarDate(later) === undefined) return true;
  return compareCalendarDates(earlier, later) <= 0;
}

/**
 * The UTC calendar date at `now` (a `Date` or epoch seconds, the JWT NumericDate unit). Throws
 * `CLOCK_INVALID` for an invalid `Date`, a non-finite or negative number.
 *
 * @example
 * ```ts
 * calendarDateAt(1_767_225_600) // { year: 2026, month: 1, day: 1 }
 * ```
 */
export function calendarDateAt(now: Date | number): CalendarDate {
  const ms = now instanceof Date ? now.getTime() : typeof now === 'number' ? now * 1000 : Number.NaN;
  if (!Number.isFinite(ms) || ms < 0) {
    throw new HavenError('CLOCK_INVALID', 'now must be a valid Date or non-negative epoch seconds');
  }
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * Formats calendar date parts as `YYYY-MM-DD`.
 *
 * @example
 * ```ts
 * formatCalendarDate({ year: 2026, month: 3, day: 1 }) // '2026-03-01'
 * ```
 */
export function formatCalendarDate(date: CalendarDate): string {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/**
 * Zod schema of a claim date: `YYYY-MM-DD` naming a real day between 1900 and 2199. `z.iso.date()` gives
 * the JSON Schema `format: date`; the refinement adds the year range and our own calendar check.
 *
 * @example
 * ```ts
 * zCalendarDate.parse('2024-02-29') // ok
 * zCalendarDate.safeParse('2026-02-30').success // false
 * ```
 */
export const zCalendarDate = z.iso.date().refine((s) => parseCalendarDate(s) !== undefined, {
  message: 'not a calendar date between 1900 and 2199',
});
