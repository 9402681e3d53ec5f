import { describe, expect, test } from 'vitest';
import { catchHaven, expectClaimsInvalid } from '../test/helpers.js';
import {
  IDENTITY_RESTORATION,
  PORTRAIT_MAX_BYTES,
  zIdentityRestorationClaims,
} from './identity-restoration.js';
import { validateClaims } from './registry.js';

const T = IDENTITY_RESTORATION;
const valid = () => T.template();
const check = (input: unknown) => () => validateClaims('identity-restoration', input);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9]).toString(
  'base64url',
);
const NOW = new Date('2026-02-01T10:00:00Z');

describe('identity-restoration schema', () => {
  test('accepts its template, with and without the optional claims', () => {
    expect(zIdentityRestorationClaims.safeParse(valid()).success).toBe(true);
    const { place_of_birth: _p, nationalities: _n, ...minimal } = valid();
    expect(validateClaims('identity-restoration', minimal)).toEqual(minimal);
    expect(validateClaims('identity-restoration', { ...valid(), portrait: JPEG }).portrait).toBe(JPEG);
  });

  test('trims and NFC-normalises text claims', () => {
    const out = validateClaims('identity-restoration', { ...valid(), given_name: '  Ame\u0301lie ' });
    expect(out.given_name).toBe('Amélie');
  });

  test('an unknown claim is refused, named by its path, and its value is not echoed', () => {
    expectClaimsInvalid(check({ ...valid(), religion: 'SecretFaith' }), [['religion']], ['SecretFaith']);
  });

  test('iss, vct, cnf, status are not claims the issuer provides here', () => {
    expectClaimsInvalid(check({ ...valid(), iss: 'https://x.example', vct: 'v', cnf: {}, status: {} }), [
      ['iss'],
      ['vct'],
      ['cnf'],
      ['status'],
    ]);
  });

  test('an unknown key that is not field-shaped is not echoed either', () => {
    expectClaimsInvalid(
      check({ ...valid(), 'Amal Specimen 1990': 1 }),
      [['(unrecognized key)']],
      ['Amal Specimen'],
    );
  });

  test('bad values are reported by path, never by value', () => {
    expectClaimsInvalid(
      check({
        ...valid(),
        given_name: 7,
        birthdate: '1990-02-30',
        nationalities: ['sn', 'UK'],
        issuing_country: 'SEN',
        assurance_level: 'medium-secret',
        place_of_birth: { country: 'ZZ' },
      }),
      [
        ['given_name'],
        ['birthdate'],
        ['nationalities', 0],
        ['nationalities', 1],
        ['issuing_country'],
        ['assurance_level'],
        ['place_of_birth', 'country'],
      ],
      ['1990-02-30', 'medium-secret', 'SEN', 'ZZ'],
    );
  });

  test('a missing required claim is reported by path', () => {
    const { family_name: _f, ...rest } = valid();
    expectClaimsInvalid(check(rest), [['family_name']]);
  });

  test('a blank name (only spaces) is refused after trimming', () => {
    expectClaimsInvalid(check({ ...valid(), family_name: '   ' }), [['family_name']]);
  });

  test('control and bidi-override characters are refused in names', () => {
    expectClaimsInvalid(check({ ...valid(), family_name: 'Spec\u202Eimen' }), [['family_name']]);
    expectClaimsInvalid(check({ ...valid(), family_name: 'Spec\nimen' }), [['family_name']]);
  });

  test('names are length-capped', () => {
    expectClaimsInvalid(check({ ...valid(), given_name: 'a'.repeat(151) }), [['given_name']]);
  });

  test('nationalities: at least one, no repeats, upper-case ISO 3166-1 alpha-2', () => {
    expectClaimsInvalid(check({ ...valid(), nationalities: [] }), [['nationalities']]);
    expectClaimsInvalid(check({ ...valid(), nationalities: ['SN', 'SN'] }), [['nationalities']]);
    expect(validateClaims('identity-restoration', { ...valid(), nationalities: ['SN', 'XK'] })).toBeDefined();
  });

  test('place_of_birth needs at least one member and no unknown ones', () => {
    expectClaimsInvalid(check({ ...valid(), place_of_birth: {} }), [['place_of_birth']]);
    expectClaimsInvalid(check({ ...valid(), place_of_birth: { city: 'X' } }), [
      ['place_of_birth', 'city'],
      ['place_of_birth'],
    ]);
    expectClaimsInvalid(check({ ...valid(), place_of_birth: { country: 'SN', city: 'X' } }), [
      ['place_of_birth', 'city'],
    ]);
  });

  test('restoration_date before birthdate is refused at restoration_date', () => {
    expectClaimsInvalid(check({ ...valid(), restoration_date: '1989-01-01' }), [['restoration_date']]);
  });

  test('an invalid birthdate is reported once, without a misleading date-order issue', () => {
    expectClaimsInvalid(check({ ...valid(), birthdate: '2030-02-30' }), [['birthdate']]);
  });

  test('portrait must be canonical base64url of a JPEG, without a data: prefix', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).toString('base64url');
    expectClaimsInvalid(check({ ...valid(), portrait: png }), [['portrait']], [png]);
    expectClaimsInvalid(check({ ...valid(), portrait: `data:image/jpeg;base64,${JPEG}` }), [['portrait']]);
    expectClaimsInvalid(check({ ...valid(), portrait: `${JPEG}=` }), [['portrait']]);
    const noMarker = Buffer.from([0xff, 0xd8, 0x00, 0xe0, 0, 16]).toString('base64url');
    expectClaimsInvalid(check({ ...valid(), portrait: noMarker }), [['portrait']]);
  });

  test('portrait is size-capped', () => {
    const big = Buffer.alloc(PORTRAIT_MAX_BYTES + 3, 0);
    big.set([0xff, 0xd8, 0xff, 0xe0]);
    expectClaimsInvalid(check({ ...valid(), portrait: big.toString('base64url') }), [['portrait']]);
    const fits = Buffer.alloc(PORTRAIT_MAX_BYTES - 2, 0);
    fits.set([0xff, 0xd8, 0xff, 0xe0]);
    expect(
      validateClaims('identity-restoration', { ...valid(), portrait: fits.toString('base64url') }),
    ).toBeDefined();
  });

  test('a non-object input is CREDENTIAL_CLAIMS_INVALID at the root', () => {
    expectClaimsInvalid(check('Amal'), [['(claims)']], ['Amal']);
    expectClaimsInvalid(check(null), [['(claims)']]);
  });
});

describe('identity-restoration derived claims', () => {
  test('deriveClaims validates and adds age_over_14 … age_over_65 at now', () => {
    const claims = T.deriveClaims({ ...valid(), birthdate: '2008-02-02' }, { now: NOW });
    expect(claims).toMatchObject({
      age_over_14: true,
      age_over_16: true,
      age_over_18: false,
      age_over_21: false,
      age_over_65: false,
    });
    expect(T.deriveClaims({ ...valid(), birthdate: '2008-02-01' }, { now: NOW }).age_over_18).toBe(true);
  });

  test('deriveClaims refuses invalid claims before deriving anything', () => {
    expectClaimsInvalid(
      () => T.deriveClaims({ ...valid(), birthdate: '2008-02-30' }, { now: NOW }),
      [['birthdate']],
    );
  });

  test('deriveClaims refuses a birth date after now', () => {
    expectClaimsInvalid(
      () =>
        T.deriveClaims({ ...valid(), birthdate: '2026-03-01', restoration_date: '2026-03-05' }, { now: NOW }),
      [['birthdate']],
    );
  });

  test('deriveClaims refuses an invalid now with CLOCK_INVALID', () => {
    catchHaven(() => T.deriveClaims(valid(), { now: new Date('invalid') }), 'CLOCK_INVALID');
  });

  test('deriveClaims returns a fresh object and leaves the input alone', () => {
    const input = valid();
    const out = T.deriveClaims(input, { now: NOW });
    expect(out).not.toBe(input);
    expect(input).not.toHaveProperty('age_over_18');
  });
});
