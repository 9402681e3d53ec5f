import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { catchHaven } from '../../test/helpers.js';
import { type DcqlQuery, parseDcqlQuery } from './dcql-query.js';
import { type DcqlHeldCredential, evaluateDcqlQuery, HELD_CREDENTIALS_MAX } from './evaluate-dcql-query.js';

function vector(name: string): DcqlQuery {
  return parseDcqlQuery(
    JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/dcql/${name}`, import.meta.url)), 'utf8')),
  );
}

const PID_VCT = 'https://credentials.example.com/identity_credential';

const PID_CLAIMS = {
  family_name: 'Doe',
  given_name: 'Jane',
  address: { street_address: '1 Main Street' },
  postal_code: '90210',
  locality: 'Beverly Hills',
  region: 'California',
  date_of_birth: '1990-01-01',
};

function held(
  id: string,
  vct: string,
  claims: Record<string, unknown>,
  format = 'dc+sd-jwt',
): DcqlHeldCredential {
  return { id, format, vct, claims };
}

function without(claims: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(claims).filter(([k]) => !keys.includes(k)));
}

const PID = held('held-pid', PID_VCT, PID_CLAIMS);
const OTHER_PID = held('held-other-pid', 'https://othercredentials.example/pid', PID_CLAIMS);
const REDUCED_1 = held('held-reduced-1', 'https://credentials.example.com/reduced_identity_credential', {
  family_name: 'Doe',
  given_name: 'Jane',
});
const REDUCED_2 = held('held-reduced-2', 'https://cred.example/residence_credential', {
  postal_code: '90210',
  locality: 'Beverly Hills',
  region: 'California',
});
const REWARDS = held('held-rewards', 'https://company.example/company_rewards', { rewards_number: '0042' });

function query(credential: Record<string, unknown>, rest: Record<string, unknown> = {}): DcqlQuery {
  return parseDcqlQuery({
    credentials: [{ id: 'q', format: 'dc+sd-jwt', meta: { vct_values: [PID_VCT] }, ...credential }],
    ...rest,
  });
}

describe('openid4vp §6.4 simple.json', () => {
  const simple = vector('simple.json');

  test('§6.4.1 a holder of the credential discloses exactly the three requested paths', () => {
    expect(evaluateDcqlQuery(simple, [REWARDS, PID])).toEqual({
      satisfied: true,
      matches: {
        my_credential: [
          {
            credentialId: 'held-pid',
            claimPaths: [['family_name'], ['given_name'], ['address', 'street_address']],
          },
        ],
      },
      unsupported: [],
    });
  });

  test('§6.4.1 a credential missing one requested claim is not returned', () => {
    const partial = held('held-pid', PID_VCT, { ...PID_CLAIMS, address: { locality: 'x' } });
    expect(evaluateDcqlQuery(simple, [partial])).toEqual({ satisfied: false, matches: {}, unsupported: [] });
  });

  test('§B.3.5 a credential of another vct is not returned', () => {
    expect(evaluateDcqlQuery(simple, [OTHER_PID]).satisfied).toBe(false);
    expect(evaluateDcqlQuery(simple, [{ ...PID, vct: undefined }]).satisfied).toBe(false);
  });

  test('§6.1 a credential of another format is not returned, even with the same vct and claims', () => {
    expect(evaluateDcqlQuery(simple, [{ ...PID, format: 'jwt_vc_json' }]).satisfied).toBe(false);
  });

  test('§6.4.2 no held credentials: not satisfied', () => {
    expect(evaluateDcqlQuery(simple, []).satisfied).toBe(false);
  });
});

describe('openid4vp §6.4.1 claim_sets (claims_alternatives.json)', () => {
  const alternatives = vector('claims_alternatives.json');

  test('§6.4.1 the first claim set the credential satisfies is taken', () => {
    const result = evaluateDcqlQuery(alternatives, [PID]);
    expect(result.matches.pid).toEqual([
      {
        credentialId: 'held-pid',
        claimPaths: [['family_name'], ['locality'], ['region'], ['date_of_birth']],
      },
    ]);
  });

  test('§6.4.1 the second set is taken when the first cannot be satisfied (no region)', () => {
    const result = evaluateDcqlQuery(alternatives, [held('h', PID_VCT, without(PID_CLAIMS, 'region'))]);
    expect(result.matches.pid).toEqual([
      { credentialId: 'h', claimPaths: [['family_name'], ['postal_code'], ['date_of_birth']] },
    ]);
  });

  test('§6.4.1 no satisfiable claim set: the credential is not returned at all', () => {
    const result = evaluateDcqlQuery(alternatives, [
      held('h', PID_VCT, without(PID_CLAIMS, 'region', 'postal_code')),
    ]);
    expect(result).toEqual({ satisfied: false, matches: {}, unsupported: [] });
  });

  test('§6.4.1 claim_sets order wins over claims order', () => {
    const q = query({
      claims: [
        { id: 'dob', path: ['date_of_birth'] },
        { id: 'name', path: ['family_name'] },
      ],
      claim_sets: [['name'], ['dob']],
    });
    expect(evaluateDcqlQuery(q, [PID]).matches.q?.[0]?.claimPaths).toEqual([['family_name']]);
  });
});

describe('openid4vp §6.4.2 credential_sets (credentials_alternatives.json)', () => {
  const alternatives = vector('credentials_alternatives.json');

  test('§6.4.2 the first satisfiable option of a required set is taken; others are not returned', () => {
    const result = evaluateDcqlQuery(alternatives, [OTHER_PID, PID, REDUCED_1, REDUCED_2]);
    expect(result.satisfied).toBe(true);
    expect(Object.keys(result.matches)).toEqual(['pid']);
    expect(result.matches.pid?.[0]?.credentialId).toBe('held-pid');
  });

  test('§6.4.2 a later option is taken when the earlier ones cannot be satisfied', () => {
    expect(Object.keys(evaluateDcqlQuery(alternatives, [OTHER_PID]).matches)).toEqual(['other_pid']);
    const reduced = evaluateDcqlQuery(alternatives, [REDUCED_2, REDUCED_1]);
    expect(reduced.satisfied).toBe(true);
    expect(reduced.matches).toEqual({
      pid_reduced_cred_1: [{ credentialId: 'held-reduced-1', claimPaths: [['family_name'], ['given_name']] }],
      pid_reduced_cred_2: [
        { credentialId: 'held-reduced-2', claimPaths: [['postal_code'], ['locality'], ['region']] },
      ],
    });
  });

  test('§6.4.2 an option is satisfied only when every credential in it matches', () => {
    expect(evaluateDcqlQuery(alternatives, [REDUCED_1, REWARDS])).toEqual({
      satisfied: false,
      matches: {},
      unsupported: [],
    });
  });

  test('§6.2 an optional set is added when satisfiable and skipped when not', () => {
    expect(Object.keys(evaluateDcqlQuery(alternatives, [PID, REWARDS]).matches)).toEqual([
      'pid',
      'nice_to_have',
    ]);
    const withoutRewards = evaluateDcqlQuery(alternatives, [PID]);
    expect(withoutRewards.satisfied).toBe(true);
    expect(Object.keys(withoutRewards.matches)).toEqual(['pid']);
  });

  test('§6.4.2 an optional set alone does not satisfy the required one', () => {
    expect(evaluateDcqlQuery(alternatives, [REWARDS]).satisfied).toBe(false);
  });

  test('§6.4.2 a credential query no set selects is not answered', () => {
    const q = parseDcqlQuery({
      credentials: [
        { id: 'a', format: 'dc+sd-jwt', meta: { vct_values: [PID_VCT] } },
        { id: 'b', format: 'dc+sd-jwt', meta: { vct_values: [PID_VCT] } },
      ],
      credential_sets: [{ options: [['a']] }],
    });
    expect(Object.keys(evaluateDcqlQuery(q, [PID]).matches)).toEqual(['a']);
  });

  test('§6.4.2 without credential_sets every credential query must match', () => {
    const q = parseDcqlQuery({
      credentials: [
        { id: 'a', format: 'dc+sd-jwt', meta: { vct_values: [PID_VCT] } },
        { id: 'b', format: 'dc+sd-jwt', meta: { vct_values: [REWARDS.vct] } },
      ],
    });
    expect(evaluateDcqlQuery(q, [PID]).satisfied).toBe(false);
    expect(Object.keys(evaluateDcqlQuery(q, [PID, REWARDS]).matches)).toEqual(['a', 'b']);
  });

  test('§6.1 two credential queries may be answered by the same held credential', () => {
    const q = parseDcqlQuery({
      credentials: [
        { id: 'a', format: 'dc+sd-jwt', meta: { vct_values: [PID_VCT] }, claims: [{ path: ['given_name'] }] },
        { id: 'b', format: 'dc+sd-jwt', meta: { vct_values: [PID_VCT] }, claims: [{ path: ['region'] }] },
      ],
    });
    const result = evaluateDcqlQuery(q, [PID]);
    expect(result.matches.a?.[0]?.credentialId).toBe('held-pid');
    expect(result.matches.b?.[0]?.credentialId).toBe('held-pid');
  });
});

describe('openid4vp §6.3 values (value_matching_simple.json)', () => {
  const valueMatching = vector('value_matching_simple.json');

  test('§6.3 matching values: satisfied, with the plain paths', () => {
    expect(evaluateDcqlQuery(valueMatching, [PID]).matches.my_credential?.[0]?.claimPaths).toEqual([
      ['family_name'],
      ['given_name'],
      ['address', 'street_address'],
      ['postal_code'],
    ]);
    const other = held('h', PID_VCT, { ...PID_CLAIMS, postal_code: '90211' });
    expect(evaluateDcqlQuery(valueMatching, [other]).satisfied).toBe(true);
  });

  test('§6.4.1 a non-matching value counts as an absent claim', () => {
    const smith = held('h', PID_VCT, { ...PID_CLAIMS, family_name: 'Smith' });
    expect(evaluateDcqlQuery(valueMatching, [smith]).satisfied).toBe(false);
  });

  test('§6.3 type and value must both match: the number 90210 is not the string "90210"', () => {
    const numeric = held('h', PID_VCT, { ...PID_CLAIMS, postal_code: 90210 });
    expect(evaluateDcqlQuery(valueMatching, [numeric]).satisfied).toBe(false);
  });

  test('§6.3 booleans and integers match exactly by type', () => {
    const q = query({
      claims: [
        { path: ['age_over_18'], values: [true] },
        { path: ['household_size'], values: [3] },
      ],
    });
    const ok = held('h', PID_VCT, { age_over_18: true, household_size: 3 });
    expect(evaluateDcqlQuery(q, [ok]).satisfied).toBe(true);
    expect(
      evaluateDcqlQuery(q, [held('h', PID_VCT, { age_over_18: 'true', household_size: 3 })]).satisfied,
    ).toBe(false);
    expect(
      evaluateDcqlQuery(q, [held('h', PID_VCT, { age_over_18: true, household_size: '3' })]).satisfied,
    ).toBe(false);
    expect(evaluateDcqlQuery(q, [held('h', PID_VCT, { age_over_18: 1, household_size: 3 })]).satisfied).toBe(
      false,
    );
  });

  test('§6.3 an object or array claim never matches values', () => {
    const q = query({ claims: [{ path: ['address'], values: ['1 Main Street'] }] });
    expect(evaluateDcqlQuery(q, [PID]).satisfied).toBe(false);
  });
});

describe('openid4vp §7.1 null wildcard in evaluation', () => {
  const NATIONALS = held('h', PID_VCT, {
    nationalities: ['UA', 'MD', 'RO'],
    degrees: [{ type: 'BSc' }, { type: 'MSc' }],
  });

  test('§7.1 without values, a wildcard path is disclosed as asked (every element)', () => {
    const q = query({ claims: [{ path: ['nationalities', null] }, { path: ['degrees', null, 'type'] }] });
    expect(evaluateDcqlQuery(q, [NATIONALS]).matches.q?.[0]?.claimPaths).toEqual([
      ['nationalities', null],
      ['degrees', null, 'type'],
    ]);
  });

  test('§6.3 with values, only the matching elements are disclosed, by index', () => {
    const q = query({ claims: [{ path: ['nationalities', null], values: ['MD', 'PL'] }] });
    expect(evaluateDcqlQuery(q, [NATIONALS]).matches.q?.[0]?.claimPaths).toEqual([['nationalities', 1]]);
  });

  test('§7.1 a wildcard over a missing or empty array, or over a non-array, does not match', () => {
    const q = query({ claims: [{ path: ['nationalities', null] }] });
    expect(evaluateDcqlQuery(q, [held('h', PID_VCT, { nationalities: [] })]).satisfied).toBe(false);
    expect(evaluateDcqlQuery(q, [held('h', PID_VCT, { nationalities: 'UA' })]).satisfied).toBe(false);
    expect(evaluateDcqlQuery(q, [held('h', PID_VCT, {})]).satisfied).toBe(false);
  });
});

describe('openid4vp §6.1 multiple and claims', () => {
  const SECOND = held('held-pid-2', PID_VCT, PID_CLAIMS);

  test('§6.1 multiple omitted: one credential, the first held', () => {
    const result = evaluateDcqlQuery(vector('simple.json'), [PID, SECOND]);
    expect(result.matches.my_credential?.map((m) => m.credentialId)).toEqual(['held-pid']);
  });

  test('§6.1 multiple: true returns every matching credential', () => {
    const q = query({ multiple: true, claims: [{ path: ['given_name'] }] });
    const result = evaluateDcqlQuery(q, [PID, OTHER_PID, SECOND]);
    expect(result.matches.q?.map((m) => m.credentialId)).toEqual(['held-pid', 'held-pid-2']);
  });

  test('§6.4.1 no claims query: the credential matches and nothing selectively disclosable is disclosed', () => {
    expect(evaluateDcqlQuery(query({}), [PID]).matches.q).toEqual([
      { credentialId: 'held-pid', claimPaths: [] },
    ]);
  });
});

describe('openid4vp §B.1.1 W3C type_values', () => {
  const w3c = (format: string, types: string[]): DcqlHeldCredential => ({
    id: `w3c-${format}`,
    format,
    types,
    claims: { credentialSubject: { name: 'Jane' } },
  });
  const q = (format: string) =>
    parseDcqlQuery({
      credentials: [
        {
          id: 'degree',
          format,
          meta: {
            type_values: [
              ['https://example.org/examples#Alumni', 'https://example.org/examples#Bachelor'],
              ['IdentityCredential'],
            ],
          },
          claims: [{ path: ['credentialSubject', 'name'] }],
        },
      ],
    });

  test('§B.1.1 a credential carrying every type of one alternative matches, in any order, with extra types', () => {
    for (const format of ['jwt_vc_json', 'ldp_vc']) {
      const types = [
        'VerifiableCredential',
        'https://example.org/examples#Bachelor',
        'https://example.org/examples#Alumni',
      ];
      expect(evaluateDcqlQuery(q(format), [w3c(format, types)]).satisfied).toBe(true);
      expect(
        evaluateDcqlQuery(q(format), [w3c(format, ['VerifiableCredential', 'IdentityCredential'])]).satisfied,
      ).toBe(true);
    }
  });

  test('§B.1.1 a credential carrying only part of each alternative does not match', () => {
    const types = ['VerifiableCredential', 'https://example.org/examples#Bachelor'];
    expect(evaluateDcqlQuery(q('ldp_vc'), [w3c('ldp_vc', types)]).satisfied).toBe(false);
    expect(evaluateDcqlQuery(q('ldp_vc'), [{ ...w3c('ldp_vc', []), types: undefined }]).satisfied).toBe(
      false,
    );
  });

  test('§B.1 jwt_vc_json and ldp_vc are distinct formats', () => {
    expect(evaluateDcqlQuery(q('ldp_vc'), [w3c('jwt_vc_json', ['IdentityCredential'])]).satisfied).toBe(
      false,
    );
  });
});

describe('openid4vp §B.2 mdoc queries are reported unsupported', () => {
  test('§B.2 simple_mdoc.json: unsupported, not satisfied, no crash', () => {
    expect(evaluateDcqlQuery(vector('simple_mdoc.json'), [PID])).toEqual({
      satisfied: false,
      matches: {},
      unsupported: ['my_credential'],
    });
  });

  test('§B.2 complex_mdoc.json: every query unsupported, required set unsatisfiable', () => {
    expect(evaluateDcqlQuery(vector('complex_mdoc.json'), [PID])).toEqual({
      satisfied: false,
      matches: {},
      unsupported: ['mdl-id', 'mdl-address', 'photo_card-id', 'photo_card-address'],
    });
  });

  test('§B.2 multi_credentials.json: the SD-JWT part matches but the mdoc part makes it unsatisfiable', () => {
    expect(evaluateDcqlQuery(vector('multi_credentials.json'), [PID])).toEqual({
      satisfied: false,
      matches: {},
      unsupported: ['mdl'],
    });
  });

  test('§B.2 a held credential claiming format mso_mdoc is never matched', () => {
    expect(evaluateDcqlQuery(vector('simple_mdoc.json'), [{ ...PID, format: 'mso_mdoc' }]).satisfied).toBe(
      false,
    );
  });

  test('§6.4.2 an mdoc alternative in an optional set leaves the query satisfiable', () => {
    const q = parseDcqlQuery({
      credentials: [
        { id: 'pid', format: 'dc+sd-jwt', meta: { vct_values: [PID_VCT] } },
        { id: 'mdl', format: 'mso_mdoc', meta: { doctype_value: 'org.iso.18013.5.1.mDL' } },
      ],
      credential_sets: [{ options: [['pid']] }, { required: false, options: [['mdl']] }],
    });
    expect(evaluateDcqlQuery(q, [PID])).toEqual({
      satisfied: true,
      matches: { pid: [{ credentialId: 'held-pid', claimPaths: [] }] },
      unsupported: ['mdl'],
    });
  });
});

describe('hostile inputs to evaluation', () => {
  test('§6.1 a `__proto__` query id is an ordinary key of matches and pollutes nothing', () => {
    const q = parseDcqlQuery({
      credentials: [
        {
          id: '__proto__',
          format: 'dc+sd-jwt',
          meta: { vct_values: [PID_VCT] },
          claims: [{ path: ['given_name'] }],
        },
      ],
    });
    const result = evaluateDcqlQuery(q, [PID]);
    expect(Object.hasOwn(result.matches, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(result.matches)).toBe(Object.prototype);
    expect(Object.keys(result.matches)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).credentialId).toBeUndefined();
  });

  test('§7.1 a path through inherited members (constructor, __proto__) does not match', () => {
    for (const key of ['constructor', '__proto__', 'toString']) {
      expect(evaluateDcqlQuery(query({ claims: [{ path: [key] }] }), [PID]).satisfied).toBe(false);
    }
  });

  test('malformed held credentials are refused with DCQL_HELD_CREDENTIALS_INVALID', () => {
    const simple = vector('simple.json');
    const bad: unknown[] = [
      null,
      {},
      [null],
      [{ ...PID, id: '' }],
      [{ ...PID, id: 1 }],
      [{ ...PID, format: undefined }],
      [{ ...PID, claims: null }],
      [{ ...PID, claims: ['a'] }],
      [{ ...PID, vct: 1 }],
      [{ ...PID, types: 'VerifiableCredential' }],
      [{ ...PID, types: [1] }],
    ];
    for (const input of bad) {
      catchHaven(
        () => evaluateDcqlQuery(simple, input as DcqlHeldCredential[]),
        'DCQL_HELD_CREDENTIALS_INVALID',
      );
    }
  });

  test(`more than ${HELD_CREDENTIALS_MAX} held credentials are refused`, () => {
    const many = Array.from({ length: HELD_CREDENTIALS_MAX + 1 }, (_, i) => ({ ...PID, id: `h${i}` }));
    catchHaven(() => evaluateDcqlQuery(vector('simple.json'), many), 'DCQL_HELD_CREDENTIALS_INVALID');
    expect(evaluateDcqlQuery(vector('simple.json'), many.slice(1)).satisfied).toBe(true);
  });
});
