import { describe, expect, test } from 'vitest';
import { expectClaimsInvalid } from '../test/helpers.js';
import { REFUGEE_REGISTRATION, zRefugeeRegistrationClaims } from './refugee-registration.js';
import { validateClaims } from './registry.js';

const T = REFUGEE_REGISTRATION;
const valid = () => T.template();
const check = (input: unknown) => () => validateClaims('refugee-registration', input);

describe('refugee-registration schema', () => {
  test('accepts its template', () => {
    expect(zRefugeeRegistrationClaims.safeParse(valid()).success).toBe(true);
  });

  test('protection_status is one of the documented categories', () => {
    for (const status of [
      'asylum_seeker',
      'refugee',
      'prima_facie_refugee',
      'temporary_protection',
      'stateless',
      'other',
    ]) {
      expect(
        validateClaims('refugee-registration', { ...valid(), protection_status: status }).protection_status,
      ).toBe(status);
    }
    expectClaimsInvalid(
      check({ ...valid(), protection_status: 'illegal' }),
      [['protection_status']],
      ['illegal'],
    );
  });

  test('household_size is an integer ≥ 1', () => {
    for (const size of [0, -1, 2.5, '3', 51]) {
      expectClaimsInvalid(check({ ...valid(), household_size: size }), [['household_size']]);
    }
  });

  test('valid_until before registration_date is refused at valid_until; same day is fine', () => {
    expectClaimsInvalid(check({ ...valid(), valid_until: '2026-01-19' }), [['valid_until']], ['2026-01-19']);
    expect(validateClaims('refugee-registration', { ...valid(), valid_until: '2026-01-20' })).toBeDefined();
  });

  test('registration_date before birthdate is refused at registration_date', () => {
    expectClaimsInvalid(check({ ...valid(), birthdate: '2026-02-01' }), [['registration_date']]);
  });

  test('country_of_origin is an assigned ISO 3166-1 alpha-2 code', () => {
    expectClaimsInvalid(
      check({ ...valid(), country_of_origin: 'Sudan' }),
      [['country_of_origin']],
      ['Sudan'],
    );
    expectClaimsInvalid(check({ ...valid(), country_of_origin: 'XX' }), [['country_of_origin']]);
  });

  test('an unknown claim (e.g. ethnicity) is refused by path without its value', () => {
    expectClaimsInvalid(check({ ...valid(), ethnicity: 'SecretGroup' }), [['ethnicity']], ['SecretGroup']);
  });
});

describe('refugee-registration derived claims', () => {
  test('age_over_18 flips on the 18th birthday', () => {
    const input = { ...valid(), birthdate: '2008-01-20' };
    expect(T.deriveClaims(input, { now: new Date('2026-01-19T23:59:59Z') }).age_over_18).toBe(false);
    expect(T.deriveClaims(input, { now: new Date('2026-01-20T00:00:00Z') }).age_over_18).toBe(true);
  });

  test('all age_over_NN flags are derived', () => {
    const c = T.deriveClaims(valid(), { now: new Date('2026-02-01T00:00:00Z') });
    expect(Object.keys(c).filter((k) => k.startsWith('age_over_'))).toEqual([
      'age_over_14',
      'age_over_16',
      'age_over_18',
      'age_over_21',
      'age_over_65',
    ]);
  });
});
