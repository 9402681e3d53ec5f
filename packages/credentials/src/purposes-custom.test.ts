import { describe, expect, test } from 'vitest';
import { checkDcqlAgainstPurpose } from './dcql/check-dcql-against-purpose.js';
import { dcqlForPurpose } from './dcql/dcql-for-purpose.js';
import { parseDcqlQuery } from './dcql/dcql-query.js';
import { checkRequestAgainstPurpose, PURPOSES, parsePurpose, resolvePurpose } from './purposes.js';

const BAR = {
  id: 'bar.age-check',
  description: 'A bar checks that a guest is 18 or over.',
  legalBasis: 'National licensing law.',
  credentialTypes: { 'refugee-registration': [['age_over_18']], 'identity-restoration': [['age_over_18']] },
};

function codeOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return { code: (e as { code?: string }).code, details: (e as { details?: unknown }).details };
  }
  return 'no error';
}

describe('application-defined purposes (relying-party registrations kept by the application)', () => {
  test('a well-formed purpose is returned frozen, types in canonical order', () => {
    const purpose = parsePurpose(BAR);
    expect(Object.isFrozen(purpose)).toBe(true);
    expect(Object.isFrozen(purpose.credentialTypes)).toBe(true);
    expect(Object.keys(purpose.credentialTypes)).toEqual(['identity-restoration', 'refugee-registration']);
    expect(resolvePurpose(BAR)).toEqual(purpose);
    expect(resolvePurpose('age-check')).toBe(PURPOSES['age-check']);
  });

  test('every Haven purpose passes its own rules', () => {
    for (const purpose of Object.values(PURPOSES)) expect(parsePurpose(purpose)).toEqual(purpose);
  });

  test.each([
    ['an unknown member', { ...BAR, extra: 1 }, 'extra'],
    ['an id with upper case', { ...BAR, id: 'Bar' }, 'id'],
    ['an id ending with a dot', { ...BAR, id: 'bar.' }, 'id'],
    ['an empty description', { ...BAR, description: '  ' }, 'description'],
    ['no legal basis', { ...BAR, legalBasis: undefined }, 'legalBasis'],
    ['a terminal escape in the description', { ...BAR, description: 'Age \u001b[2Jcheck' }, 'description'],
    ['a bidi override in the legal basis', { ...BAR, legalBasis: 'Law \u202e' }, 'legalBasis'],
    ['a zero-width space in the description', { ...BAR, description: 'Age\u200bcheck' }, 'description'],
    ['a tag character in the legal basis', { ...BAR, legalBasis: 'Law \u{e0041}' }, 'legalBasis'],
    ['no credential type', { ...BAR, credentialTypes: {} }, 'credentialTypes'],
    ['an unknown type', { ...BAR, credentialTypes: { passport: [['x']] } }, 'credentialTypes.?'],
    [
      'an empty path list',
      { ...BAR, credentialTypes: { 'labour-contract': [] } },
      'credentialTypes.labour-contract',
    ],
    [
      'a claim the type does not have',
      { ...BAR, credentialTypes: { 'labour-contract': [['birthdate']] } },
      'credentialTypes.labour-contract.0',
    ],
    [
      'a malformed path',
      { ...BAR, credentialTypes: { 'labour-contract': [[]] } },
      'credentialTypes.labour-contract.0',
    ],
    [
      'a repeated path',
      { ...BAR, credentialTypes: { 'labour-contract': [['job_title'], ['job_title']] } },
      'credentialTypes.labour-contract.1',
    ],
  ])('PURPOSE_INVALID: %s', (_name, value, path) => {
    expect(codeOf(() => parsePurpose(value))).toMatchObject({
      code: 'PURPOSE_INVALID',
      details: { paths: [path] },
    });
  });

  test('a part of a claim counts as a claim of the type (wage amount under wage)', () => {
    expect(parsePurpose({ ...BAR, credentialTypes: { 'labour-contract': [['wage', 'amount']] } }).id).toBe(
      BAR.id,
    );
  });

  test('dcqlForPurpose and the over-asking checks take a purpose object', () => {
    const query = dcqlForPurpose(BAR);
    expect(query.credentials.map((c) => c.id)).toHaveLength(2);
    expect(checkDcqlAgainstPurpose(BAR, query).credentialTypes).toEqual([
      'identity-restoration',
      'refugee-registration',
    ]);
    const wider = parseDcqlQuery(dcqlForPurpose('clinic.identity-minimal'));
    expect(codeOf(() => checkDcqlAgainstPurpose(BAR, wider))).toMatchObject({
      code: 'OVER_ASKING',
      details: { purpose: 'bar.age-check' },
    });
    expect(
      codeOf(() =>
        checkRequestAgainstPurpose(BAR, [
          { credentialType: 'identity-restoration', claims: [['birthdate']] },
        ]),
      ),
    ).toMatchObject({ code: 'OVER_ASKING' });
    expect(codeOf(() => dcqlForPurpose({ ...BAR, id: '' }))).toMatchObject({ code: 'PURPOSE_INVALID' });
  });
});
