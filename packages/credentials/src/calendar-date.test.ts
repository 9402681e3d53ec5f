import { describe, expect, test } from 'vitest';
import {
  calendarDateAt,
  compareCalendarDates,
  formatCalendarDate,
  parseCalendarDate,
  zCalendarDate,
} from './calendar-date.js';

describe('claim dates are real calendar days (RFC 3339 full-date)', () => {
  test.each(['2024-02-29', '2000-02-29', '2026-12-31', '1900-01-01', '2199-12-31'])(
    '%s is accepted',
    (text) => {
      expect(parseCalendarDate(text)).toBeDefined();
      expect(zCalendarDate.safeParse(text).success).toBe(true);
    },
  );

  test.each([
    ['2026-02-30', 'no 30 February'],
    ['2025-02-29', 'not a leap year'],
    ['1900-02-29', 'century not divisible by 400'],
    ['2026-04-31', 'April has 30 days'],
    ['2026-13-01', 'month 13'],
    ['2026-00-10', 'month 0'],
    ['2026-01-00', 'day 0'],
    ['1899-12-31', 'before 1900'],
    ['2200-01-01', 'after 2199'],
    ['0026-01-01', 'two-digit year typo'],
    ['2026-1-01', 'not zero-padded'],
    ['2026-01-01T00:00:00Z', 'a date-time, not a date'],
    [' 2026-01-01', 'leading space'],
    ['20260101', 'basic format'],
  ])('%s is refused (%s)', (text) => {
    expect(parseCalendarDate(text)).toBeUndefined();
    expect(zCalendarDate.safeParse(text).success).toBe(false);
  });

  test('compareCalendarDates orders days', () => {
    expect(compareCalendarDates('2026-01-31', '2026-02-01')).toBe(-1);
    expect(compareCalendarDates('2026-02-01', '2026-02-01')).toBe(0);
    expect(compareCalendarDates('2027-01-01', '2026-12-31')).toBe(1);
  });

  test('calendarDateAt takes the UTC day of a Date or of epoch seconds', () => {
    expect(calendarDateAt(new Date('2026-03-01T23:59:59Z'))).toEqual({ year: 2026, month: 3, day: 1 });
    expect(calendarDateAt(1_767_225_600)).toEqual({ year: 2026, month: 1, day: 1 });
    expect(formatCalendarDate({ year: 2026, month: 3, day: 1 })).toBe('2026-03-01');
  });

  test.each([[new Date('nope')], [Number.NaN], [-1], [Number.POSITIVE_INFINITY]])(
    'an invalid now (%s) is CLOCK_INVALID',
    (now) => {
      expect(() => calendarDateAt(now)).toThrow(expect.objectContaining({ code: 'CLOCK_INVALID' }));
    },
  );
});
