import {
  type CalendarDate,
  calendarDateAt,
  compareCalendarDates,
  formatCalendarDate,
  parseCalendarDate,
} from './calendar-date.js';
import { failCredentials } from './errors.js';

function parseBirthdate(birthdate: string): CalendarDate {
  const birth = parseCalendarDate(birthdate);
  if (birth === undefined) {
    failCredentials('CREDENTIAL_CLAIMS_INVALID', 'birthdate is not a valid calendar date', {
      details: { paths: ['["birthdate"]'] },
    });
  }
  return birth;
}

/**
 * The ages for which credentials carry `age_over_NN` booleans: the PID rulebook's age attestations that
 * matter to our holders (14, 16: minimum working ages under ILO C138 and national law; 18: majority;
 * 21; 65: pension and services).
 */
export const AGE_THRESHOLDS = [14, 16, 18, 21, 65] as const;

/** One of {@link AGE_THRESHOLDS}. */
export type AgeThreshold = (typeof AGE_THRESHOLDS)[number];

/** The derived age claims, `age_over_14` … `age_over_65`. */
export type AgeOverClaims = { [K in AgeThreshold as `age_over_${K}`]: boolean };

function before(a: CalendarDate, month: number, day: number): boolean {
  return a.month < month || (a.month === month && a.day < day);
}

/**
 * Completed years between a birth date and the UTC calendar date at `now`. A year is complete on the
 * birthday's month and day; someone born on 29 February completes it on 1 March in common years (the
 * convention of, e.g., UK and Hong Kong law) — never a day early, so an `age_over` flag is never true
 * before the law would say so in any of the usual conventions.
 *
 * @example
 * ```ts
 * ageInYears('2008-03-10', new Date('2026-03-10T00:00:00Z')) // 18
 * ageInYears('2008-03-10', new Date('2026-03-09T23:59:59Z')) // 17
 * ```
 */
export function ageInYears(birthdate: string, now: Date | number): number {
  const birth = parseBirthdate(birthdate);
  const today = calendarDateAt(now);
  const years = today.year - birth.year;
  return before(today, birth.month, birth.day) ? years - 1 : years;
}

/**
 * The `age_over_NN` booleans at `now` (UTC calendar date). Derived so a verifier can learn "over 18"
 * without the birth date (OpenID4VP §7.1 recommends asking for `age_over_18` over `birthdate`).
 *
 * A `false` flag turns stale on the holder's next threshold birthday; see {@link nextAgeFlagChange} to
 * bound the credential's `exp`.
 *
 * @example
 * ```ts
 * deriveAgeOverClaims('2008-03-10', new Date('2026-03-10T00:00:00Z')).age_over_18 // true
 * ```
 */
export function deriveAgeOverClaims(birthdate: string, now: Date | number): AgeOverClaims {
  const age = ageInYears(birthdate, now);
  return {
    age_over_14: age >= 14,
    age_over_16: age >= 16,
    age_over_18: age >= 18,
    age_over_21: age >= 21,
    age_over_65: age >= 65,
  };
}

/**
 * The first date (`YYYY-MM-DD`, UTC) after `now` on which one of the `age_over_NN` flags derived at `now`
 * would change, or `undefined` when all are already true. An issuer that wants its age flags to stay
 * true sets `exp` no later than this date.
 *
 * @example
 * ```ts
 * nextAgeFlagChange('2008-03-10', new Date('2026-01-01T00:00:00Z')) // '2026-03-10'
 * nextAgeFlagChange('2004-02-29', new Date('2025-01-01T00:00:00Z')) // '2025-03-01'
 * ```
 */
export function nextAgeFlagChange(birthdate: string, now: Date | number): string | undefined {
  const birth = parseBirthdate(birthdate);
  const age = ageInYears(birthdate, now);
  const next = AGE_THRESHOLDS.find((t) => t > age);
  if (next === undefined) return undefined;
  const year = birth.year + next;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  // Same convention as ageInYears: a 29 February birthday is reached on 1 March in a common year.
  return birth.month === 2 && birth.day === 29 && !leap
    ? formatCalendarDate({ year, month: 3, day: 1 })
    : formatCalendarDate({ year, month: birth.month, day: birth.day });
}

/**
 * Throws `CREDENTIAL_CLAIMS_INVALID` (path `["birthdate"]`) when the birth date is after the UTC date at
 * `now`: age flags derived from a future birth date would all be false and mean nothing.
 *
 * @example
 * ```ts
 * assertBornBy('2030-01-01', new Date('2026-01-01')) // throws
 * ```
 */
export function assertBornBy(birthdate: string, now: Date | number): void {
  if (compareCalendarDates(birthdate, formatCalendarDate(calendarDateAt(now))) > 0) {
    failCredentials('CREDENTIAL_CLAIMS_INVALID', 'birthdate is after the issuance date', {
      details: { paths: ['["birthdate"]'] },
    });
  }
}
