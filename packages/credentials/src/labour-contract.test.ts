import { describe, expect, test } from 'vitest';
import { catchHaven, expectClaimsInvalid } from '../test/helpers.js';
import { LABOUR_CONTRACT, zLabourContractClaims } from './labour-contract.js';
import { validateClaims } from './registry.js';

const T = LABOUR_CONTRACT;
const valid = () => T.template();
const check = (input: unknown) => () => validateClaims('labour-contract', input);
const NOW = new Date('2026-01-20T00:00:00Z');

describe('labour-contract schema', () => {
  test('accepts its template, and a contract without end date', () => {
    expect(zLabourContractClaims.safeParse(valid()).success).toBe(true);
    const { end_date: _e, ...open } = valid();
    expect(validateClaims('labour-contract', open)).toEqual(open);
  });

  test('an unknown claim, or an unknown member of wage, is refused by path', () => {
    expectClaimsInvalid(
      check({ ...valid(), passport_number: 'P1234567' }),
      [['passport_number']],
      ['P1234567'],
    );
    expectClaimsInvalid(
      check({ ...valid(), wage: { ...valid().wage, bonus: '999.99' } }),
      [['wage', 'bonus']],
      ['999.99'],
    );
  });

  test('wage amount is a positive decimal string: no number, no exponent, no sign, no zero', () => {
    for (const amount of [1850, '1e3', '-5', '0', '0.00', '01850', '1850.123456', '1,850.00', ' 1850']) {
      expectClaimsInvalid(
        check({ ...valid(), wage: { ...valid().wage, amount } }),
        [['wage', 'amount']],
        [String(amount)].filter((a) => a.length > 2),
      );
    }
    expect(
      validateClaims('labour-contract', {
        ...valid(),
        wage: { amount: '12.5', currency: 'EUR', period: 'hour' },
      }),
    ).toBeDefined();
  });

  test('currency is an upper-case ISO 4217 code; period is one of hour…year', () => {
    expectClaimsInvalid(
      check({ ...valid(), wage: { amount: '10', currency: 'eur', period: 'fortnight' } }),
      [
        ['wage', 'currency'],
        ['wage', 'period'],
      ],
      ['fortnight'],
    );
    expectClaimsInvalid(
      check({ ...valid(), recruitment_fees_paid_by_worker: { amount: '0', currency: 'EU' } }),
      [['recruitment_fees_paid_by_worker', 'currency']],
    );
  });

  test('hours_per_week is in (0, 168]', () => {
    for (const hours of [0, -1, 168.5, 200, Number.NaN, '35']) {
      expectClaimsInvalid(check({ ...valid(), hours_per_week: hours }), [['hours_per_week']]);
    }
    expect(validateClaims('labour-contract', { ...valid(), hours_per_week: 168 })).toBeDefined();
    expect(validateClaims('labour-contract', { ...valid(), hours_per_week: 37.5 })).toBeDefined();
  });

  test('end_date before start_date is refused at end_date; equal is fine', () => {
    expectClaimsInvalid(check({ ...valid(), end_date: '2026-01-31' }), [['end_date']], ['2026-01-31']);
    expect(validateClaims('labour-contract', { ...valid(), end_date: valid().start_date })).toBeDefined();
  });

  test('dates must be calendar days', () => {
    expectClaimsInvalid(check({ ...valid(), start_date: '2026-02-29' }), [['start_date']], ['2026-02-29']);
  });

  test('sector is an ISIC Rev. 4 section letter', () => {
    expectClaimsInvalid(check({ ...valid(), sector: 'Garments' }), [['sector']], ['Garments']);
    expectClaimsInvalid(check({ ...valid(), sector: 'V' }), [['sector']]);
  });

  test('workplace needs locality and country', () => {
    expectClaimsInvalid(check({ ...valid(), workplace: { street_address: '1 Rue' } }), [
      ['workplace', 'locality'],
      ['workplace', 'country'],
    ]);
  });

  test('contract digest is sha-256 with a 32-byte base64url value', () => {
    const d = valid().contract_document_digest;
    expectClaimsInvalid(check({ ...valid(), contract_document_digest: { ...d, alg: 'md5' } }), [
      ['contract_document_digest', 'alg'],
    ]);
    expectClaimsInvalid(check({ ...valid(), contract_document_digest: { ...d, value: `${d.value}A` } }), [
      ['contract_document_digest', 'value'],
    ]);
    // Non-zero unused trailing bits: not canonical base64url of 32 bytes.
    expectClaimsInvalid(
      check({ ...valid(), contract_document_digest: { ...d, value: `${d.value.slice(0, 42)}B` } }),
      [['contract_document_digest', 'value']],
    );
  });

  test('recruitment fees may be zero but not negative', () => {
    expectClaimsInvalid(
      check({ ...valid(), recruitment_fees_paid_by_worker: { amount: '-1', currency: 'EUR' } }),
      [['recruitment_fees_paid_by_worker', 'amount']],
    );
  });

  test('worker_keeps_identity_documents is a boolean, not a string', () => {
    expectClaimsInvalid(check({ ...valid(), worker_keeps_identity_documents: 'yes' }), [
      ['worker_keeps_identity_documents'],
    ]);
  });
});

describe('labour-contract derived claims', () => {
  test('no_recruitment_fees_paid is true for a zero fee, whatever its written precision', () => {
    for (const amount of ['0', '0.00', '0.0000']) {
      const c = T.deriveClaims(
        { ...valid(), recruitment_fees_paid_by_worker: { amount, currency: 'USD' } },
        { now: NOW },
      );
      expect(c.no_recruitment_fees_paid).toBe(true);
    }
  });

  test('no_recruitment_fees_paid is false for any fee, however small (ILO: the worker pays none)', () => {
    const c = T.deriveClaims(
      { ...valid(), recruitment_fees_paid_by_worker: { amount: '0.01', currency: 'USD' } },
      { now: NOW },
    );
    expect(c.no_recruitment_fees_paid).toBe(false);
  });

  test('wage_meets_legal_minimum: equal to the minimum meets it', () => {
    const c = T.deriveClaims(valid(), {
      now: NOW,
      legalMinimumWage: { amount: '1850', currency: 'EUR', period: 'month' },
    });
    expect(c.wage_meets_legal_minimum).toBe(true);
  });

  test('wage_meets_legal_minimum: one cent below is false (exact decimal compare, no float)', () => {
    const c = T.deriveClaims(valid(), {
      now: NOW,
      legalMinimumWage: { amount: '1850.01', currency: 'EUR', period: 'month' },
    });
    expect(c.wage_meets_legal_minimum).toBe(false);
    const d = T.deriveClaims(
      { ...valid(), wage: { amount: '0.3', currency: 'EUR', period: 'hour' } },
      { now: NOW, legalMinimumWage: { amount: '0.30', currency: 'EUR', period: 'hour' } },
    );
    expect(d.wage_meets_legal_minimum).toBe(true);
  });

  test('wage_meets_legal_minimum is omitted when the minimum is in another currency', () => {
    const c = T.deriveClaims(valid(), {
      now: NOW,
      legalMinimumWage: { amount: '10', currency: 'USD', period: 'month' },
    });
    expect(c).not.toHaveProperty('wage_meets_legal_minimum');
  });

  test('wage_meets_legal_minimum is omitted when the minimum is for another period', () => {
    const c = T.deriveClaims(valid(), {
      now: NOW,
      legalMinimumWage: { amount: '10', currency: 'EUR', period: 'hour' },
    });
    expect(c).not.toHaveProperty('wage_meets_legal_minimum');
  });

  test('wage_meets_legal_minimum is omitted without a legal minimum', () => {
    expect(T.deriveClaims(valid(), { now: NOW })).not.toHaveProperty('wage_meets_legal_minimum');
  });

  test('a malformed legal minimum is CREDENTIAL_OPTIONS_INVALID', () => {
    catchHaven(
      () =>
        T.deriveClaims(valid(), {
          now: NOW,
          legalMinimumWage: { amount: 1801.8 as unknown as string, currency: 'EUR', period: 'month' },
        }),
      'CREDENTIAL_OPTIONS_INVALID',
    );
  });
});
