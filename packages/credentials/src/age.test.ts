import { describe, expect, test } from 'vitest';
import { catchHaven } from '../test/helpers.js';
import { ageInYears, assertBornBy, deriveAgeOverClaims, nextAgeFlagChange } from './age.js';

describe('age_over_NN at birthday boundaries (UTC calendar date at now)', () => {
  test('the day before the 18th birthday: age_over_18 is false', () => {
    const flags = deriveAgeOverClaims('2008-03-10', new Date('2026-03-09T23:59:59Z'));
    expect(flags.age_over_18).toBe(false);
    expect(flags.age_over_16).toBe(true);
  });

  test('on the 18th birthday: age_over_18 is true', () => {
    expect(deriveAgeOverClaims('2008-03-10', new Date('2026-03-10T00:00:00Z')).age_over_18).toBe(true);
  });

  test('now as epoch seconds gives the same answer as a Date', () => {
    expect(deriveAgeOverClaims('2008-03-10', Date.parse('2026-03-09T12:00:00Z') / 1000).age_over_18).toBe(
      false,
    );
    expect(deriveAgeOverClaims('2008-03-10', Date.parse('2026-03-10T12:00:00Z') / 1000).age_over_18).toBe(
      true,
    );
  });

  test('born 29 February: in a common year the age is reached on 1 March, not 28 February', () => {
    expect(ageInYears('2008-02-29', new Date('2026-02-28T12:00:00Z'))).toBe(17);
    expect(deriveAgeOverClaims('2008-02-29', new Date('2026-02-28T12:00:00Z')).age_over_18).toBe(false);
    expect(deriveAgeOverClaims('2008-02-29', new Date('2026-03-01T00:00:00Z')).age_over_18).toBe(true);
  });

  test('born 29 February: in a leap year the age is reached on 29 February itself', () => {
    expect(deriveAgeOverClaims('2004-02-29', new Date('2022-02-28T12:00:00Z')).age_over_18).toBe(false);
    expect(deriveAgeOverClaims('2004-02-29', new Date('2022-03-01T00:00:00Z')).age_over_18).toBe(true);
    expect(deriveAgeOverClaims('2012-02-29', new Date('2030-02-28T12:00:00Z')).age_over_18).toBe(false);
    expect(deriveAgeOverClaims('2008-02-29', new Date('2024-02-28T12:00:00Z')).age_over_16).toBe(false);
    expect(deriveAgeOverClaims('2008-02-29', new Date('2024-02-29T00:00:00Z')).age_over_16).toBe(true);
  });

  test('every threshold: 14, 16, 18, 21, 65', () => {
    const flags = deriveAgeOverClaims('1961-06-15', new Date('2026-06-15T00:00:00Z'));
    expect(flags).toEqual({
      age_over_14: true,
      age_over_16: true,
      age_over_18: true,
      age_over_21: true,
      age_over_65: true,
    });
    expect(deriveAgeOverClaims('1961-06-15', new Date('2026-06-14T00:00:00Z')).age_over_65).toBe(false);
    expect(deriveAgeOverClaims('2012-01-01', new Date('2026-01-01T00:00:00Z'))).toEqual({
      age_over_14: true,
      age_over_16: false,
      age_over_18: false,
      age_over_21: false,
      age_over_65: false,
    });
  });

  test('nextAgeFlagChange is the next threshold birthday (1 March for a 29 February birth in a common year)', () => {
    expect(nextAgeFlagChange('2008-03-10', new Date('2026-01-01T00:00:00Z'))).toBe('2026-03-10');
    expect(nextAgeFlagChange('2004-02-29', new Date('2025-01-01T00:00:00Z'))).toBe('2025-03-01');
    expect(nextAgeFlagChange('1950-01-01', new Date('2026-01-01T00:00:00Z'))).toBeUndefined();
  });

  test('a birth date after now is CREDENTIAL_CLAIMS_INVALID at ["birthdate"]', () => {
    const err = catchHaven(
      () => assertBornBy('2026-01-02', new Date('2026-01-01T12:00:00Z')),
      'CREDENTIAL_CLAIMS_INVALID',
    );
    expect(err.details?.paths).toEqual(['["birthdate"]']);
    expect(() => assertBornBy('2026-01-01', new Date('2026-01-01T12:00:00Z'))).not.toThrow();
  });
});
