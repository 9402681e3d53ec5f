import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { catchHaven, expectClaimsInvalid } from '../test/helpers.js';
import { zClaimText } from './claim-text.js';
import { COUNTRY_CODES, zCountryCode, zCurrencyCode } from './country-codes.js';
import { compareDecimalAmounts, isZeroAmount, zPositiveDecimalAmount } from './decimal-amount.js';
import { parseClaims } from './parse-claims.js';

describe('ISO 3166-1 alpha-2 country codes', () => {
  test('249 officially assigned codes plus XK', () => {
    expect(COUNTRY_CODES.size).toBe(250);
    for (const code of ['GB', 'FR', 'SN', 'SD', 'SY', 'UA', 'PS', 'SS', 'XK'])
      expect(COUNTRY_CODES.has(code)).toBe(true);
  });

  test.each(['UK', 'EU', 'YU', 'AN', 'XX', 'ZZ', 'gb', 'GBR', 'G'])('%s is refused', (code) => {
    expect(zCountryCode.safeParse(code).success).toBe(false);
  });

  test('currency codes are three upper-case letters', () => {
    expect(zCurrencyCode.safeParse('XOF').success).toBe(true);
    for (const code of ['eur', 'EURO', 'E1R', '€']) expect(zCurrencyCode.safeParse(code).success).toBe(false);
  });
});

describe('decimal amounts compare exactly', () => {
  test('written precision does not matter', () => {
    expect(compareDecimalAmounts('12.5', '12.5000')).toBe(0);
    expect(compareDecimalAmounts('0.1', '0.3')).toBe(-1);
    expect(compareDecimalAmounts('999999999999.9999', '999999999999.9998')).toBe(1);
    expect(isZeroAmount('0.0000')).toBe(true);
  });

  test('a malformed amount never reaches the arithmetic (no exception quoting it)', () => {
    expect(zPositiveDecimalAmount.safeParse('1e3').success).toBe(false);
    expect(zPositiveDecimalAmount.safeParse('0x10').success).toBe(false);
  });
});

describe('free-text claims', () => {
  test('a huge string is refused by length without being trimmed or normalised first', () => {
    const schema = z.strictObject({ name: zClaimText(10) });
    const huge = ` ${'x'.repeat(1_000_000)} `;
    expectClaimsInvalid(() => parseClaims(schema, { name: huge }, 'identity-restoration'), [['name']]);
  });

  test('Arabic names with RLM are accepted; bidi overrides are not', () => {
    expect(zClaimText(50).safeParse('أمل\u200F').success).toBe(true);
    expect(zClaimText(50).safeParse('أمل\u2067x').success).toBe(false);
  });
});

describe('parseClaims', () => {
  test('details list at most 50 paths', () => {
    const schema = z.strictObject({});
    const input = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, i]));
    const caught = catchHaven(
      () => parseClaims(schema, input, 'labour-contract'),
      'CREDENTIAL_CLAIMS_INVALID',
    );
    expect(caught.details?.paths).toHaveLength(50);
  });

  test('a refinement that throws becomes INTERNAL_ERROR with no message, value or cause from it', () => {
    const schema = z.string().refine((v) => {
      throw new Error(`boom ${v}`);
    });
    const caught = catchHaven(() => parseClaims(schema, 'SecretValue', 'labour-contract'), 'INTERNAL_ERROR');
    expect(caught.message).not.toContain('SecretValue');
    expect(caught.cause).toBeUndefined();
  });

  test('issues pair each path with a zod issue code, not a message', () => {
    const caught = catchHaven(
      () => parseClaims(z.strictObject({ a: z.string() }), { a: 1 }, 'labour-contract'),
      'CREDENTIAL_CLAIMS_INVALID',
    );
    expect(caught.details?.issues).toEqual(['["a"] invalid_type']);
  });
});
