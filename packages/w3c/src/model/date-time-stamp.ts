import { failW3c } from '../errors.js';

// XML Schema 1.1 dateTimeStamp: a dateTime whose time zone is required (VCDM 2.0 §4.9 requires it for
// validFrom/validUntil). Years are four digits here: five-digit and negative years are legal in XSD but
// no credential needs them, and `Date` cannot represent all of them.
const DATE_TIME_STAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Parses an XML Schema `dateTimeStamp` (e.g. `2026-01-01T00:00:00Z`, `2026-01-01T01:00:00+01:00`) to
 * epoch seconds. A value without a time zone, with an impossible calendar date or time (`02-30`,
 * `25:00`), or with a zone offset beyond ±14:00 is `W3C_DATE_INVALID`; `field` names the property in the
 * message (never the value).
 *
 * @example
 * ```ts
 * parseDateTimeStamp('2026-01-01T00:00:00Z', 'validFrom') // 1767225600
 * ```
 */
export function parseDateTimeStamp(value: unknown, field: string): number {
  const match = typeof value === 'string' ? DATE_TIME_STAMP.exec(value) : null;
  if (!match) {
    failW3c('W3C_DATE_INVALID', `${field} must be a date-time with a time zone (XML Schema dateTimeStamp)`);
  }
  const [, y, mo, d, h, mi, s, frac, zone, sign, zh, zm] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  // XSD allows 24:00:00 only as the end of a day; credentials have no use for it, and refusing it keeps
  // one spelling per instant.
  const validTime = hour <= 23 && minute <= 59 && second <= 59;
  const validDate = year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const oh = Number(zh);
    const om = Number(zm);
    if (oh > 14 || om > 59 || (oh === 14 && om !== 0)) {
      failW3c('W3C_DATE_INVALID', `${field} has an impossible time zone offset`);
    }
    offsetMinutes = (sign === '-' ? -1 : 1) * (oh * 60 + om);
  }
  if (!validDate || !validTime) failW3c('W3C_DATE_INVALID', `${field} is not a real calendar date and time`);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  const utc = date.getTime() / 1000;
  const fraction = frac === undefined ? 0 : Number(`0.${frac}`);
  return utc - offsetMinutes * 60 + fraction;
}

/**
 * Formats epoch seconds as a `dateTimeStamp` in UTC, to the second (`2026-01-01T00:00:00Z`).
 *
 * @example
 * ```ts
 * formatDateTimeStamp(1767225600) // '2026-01-01T00:00:00Z'
 * ```
 */
export function formatDateTimeStamp(epochSeconds: number): string {
  if (!Number.isFinite(epochSeconds)) failW3c('W3C_DATE_INVALID', 'time is not a finite number');
  return new Date(Math.floor(epochSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
