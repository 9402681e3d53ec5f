import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { catchHaven } from '../../test/helpers.js';
import { DCQL_LIMITS, parseDcqlQuery } from './dcql-query.js';

// The OpenID4VP 1.0 DCQL examples, copied from /work/shared/vectors/dcql.
const VECTORS_DIR = fileURLToPath(new URL('../fixtures/dcql', import.meta.url));
const VECTOR_FILES = readdirSync(VECTORS_DIR).filter((f) => f.endsWith('.json'));

function vector(name: string): unknown {
  return JSON.parse(readFileSync(join(VECTORS_DIR, name), 'utf8'));
}

const SD_JWT = { id: 'pid', format: 'dc+sd-jwt', meta: { vct_values: ['https://example.test/pid'] } };

function query(credential: Record<string, unknown>, rest: Record<string, unknown> = {}) {
  return { credentials: [{ ...SD_JWT, ...credential }], ...rest };
}

/** Expects DCQL_QUERY_INVALID naming `path` (with `reason` when given), and no secret in the error. */
function expectInvalid(input: unknown, path: (string | number)[], reason?: string, secret?: string) {
  const err = catchHaven(() => parseDcqlQuery(input), 'DCQL_QUERY_INVALID');
  const text = JSON.stringify(path);
  expect(err.details?.paths).toContain(text);
  if (reason !== undefined) expect(err.details?.issues).toContain(`${text} ${reason}`);
  if (secret !== undefined) {
    expect(err.message).not.toContain(secret);
    expect(JSON.stringify(err.details)).not.toContain(secret);
  }
}

describe('openid4vp §6 DCQL examples (shared vectors) parse', () => {
  test('there are vectors to test', () => {
    expect(VECTOR_FILES.length).toBeGreaterThanOrEqual(7);
  });

  for (const file of VECTOR_FILES) {
    test(`§6 ${file} parses with every credential query kept`, () => {
      const raw = vector(file) as { credentials: { id: string; format: string }[] };
      const parsed = parseDcqlQuery(raw);
      expect(parsed.credentials.map((c) => [c.id, c.format])).toEqual(
        raw.credentials.map((c) => [c.id, c.format]),
      );
    });
  }

  test('§6 claims_alternatives.json keeps claim ids and claim_sets in order', () => {
    const parsed = parseDcqlQuery(vector('claims_alternatives.json'));
    expect(parsed.credentials[0]?.claim_sets).toEqual([
      ['a', 'c', 'd', 'e'],
      ['a', 'b', 'e'],
    ]);
  });

  test('§6.2 credentials_alternatives.json keeps credential_sets and required: false', () => {
    const parsed = parseDcqlQuery(vector('credentials_alternatives.json'));
    expect(parsed.credential_sets?.map((s) => s.required)).toEqual([undefined, false]);
    expect(parsed.credential_sets?.[0]?.options).toEqual([
      ['pid'],
      ['other_pid'],
      ['pid_reduced_cred_1', 'pid_reduced_cred_2'],
    ]);
  });

  test('§6.3 value_matching_simple.json keeps values', () => {
    const parsed = parseDcqlQuery(vector('value_matching_simple.json'));
    expect(parsed.credentials[0]?.claims?.[3]?.values).toEqual(['90210', '90211']);
  });
});

describe('openid4vp §6 top level', () => {
  test('§6 credentials is required and non-empty', () => {
    expectInvalid({}, ['credentials']);
    expectInvalid({ credentials: [] }, ['credentials'], 'too_small');
  });

  test('§6 a query that is not an object is refused', () => {
    for (const input of [null, 'query', 42, [], undefined]) {
      catchHaven(() => parseDcqlQuery(input), 'DCQL_QUERY_INVALID');
    }
  });

  test('§6 unknown members are ignored at every level (accepted, then dropped)', () => {
    const parsed = parseDcqlQuery({
      credentials: [
        {
          ...SD_JWT,
          extension: { x: 1 },
          meta: { vct_values: ['https://example.test/pid'], future_meta: true },
          claims: [{ path: ['a'], future_claim: 1 }],
        },
      ],
      credential_sets: [{ options: [['pid']], future_set: 1 }],
      future_top_level: 'x',
    });
    expect(parsed).toEqual({
      credentials: [{ ...SD_JWT, claims: [{ path: ['a'] }] }],
      credential_sets: [{ options: [['pid']] }],
    });
  });

  test('§6 credential_sets, when present, is non-empty', () => {
    expectInvalid(query({}, { credential_sets: [] }), ['credential_sets'], 'too_small');
  });

  test('§6 a `__proto__` member (from JSON.parse) neither pollutes nor survives', () => {
    const raw = JSON.parse(
      '{"credentials":[{"id":"pid","format":"dc+sd-jwt","meta":{"vct_values":["v"]},"__proto__":{"multiple":true}}],"__proto__":{"credential_sets":1}}',
    );
    const parsed = parseDcqlQuery(raw);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(parsed.credentials[0]?.multiple).toBeUndefined();
    expect(parsed.credential_sets).toBeUndefined();
    expect(({} as Record<string, unknown>).multiple).toBeUndefined();
  });
});

describe('openid4vp §6.1 credential query', () => {
  test('§6.1 id must be non-empty alphanumeric, underscore or hyphen', () => {
    for (const id of ['', 'a b', 'ä', 'a.b', 'a/b', '<script>', 7]) {
      expectInvalid(query({ id }), ['credentials', 0, 'id']);
    }
    expect(parseDcqlQuery(query({ id: 'A-z_09' })).credentials[0]?.id).toBe('A-z_09');
  });

  test(`§6.1 an id longer than ${DCQL_LIMITS.idLength} characters is refused (Haven bound)`, () => {
    expectInvalid(query({ id: 'a'.repeat(DCQL_LIMITS.idLength + 1) }), ['credentials', 0, 'id'], 'too_big');
  });

  test('§6.1 the same credential id twice is refused', () => {
    expectInvalid({ credentials: [SD_JWT, SD_JWT] }, ['credentials', 1, 'id'], 'duplicate_id');
  });

  test('§6.1 `__proto__` is a well-formed id and stays an ordinary id', () => {
    const parsed = parseDcqlQuery(
      query({ id: '__proto__' }, { credential_sets: [{ options: [['__proto__']] }] }),
    );
    expect(parsed.credentials[0]?.id).toBe('__proto__');
    expectInvalid(
      {
        credentials: [
          { ...SD_JWT, id: '__proto__' },
          { ...SD_JWT, id: '__proto__' },
        ],
      },
      ['credentials', 1, 'id'],
      'duplicate_id',
    );
  });

  test('§6.1 format must be one Haven knows (dc+sd-jwt, jwt_vc_json, ldp_vc, mso_mdoc)', () => {
    for (const format of ['vc+sd-jwt', 'jwt_vc', 'DC+SD-JWT', '', undefined]) {
      expectInvalid(query({ format }), ['credentials', 0, 'format']);
    }
  });

  test('§6.1 meta is required', () => {
    expectInvalid(query({ meta: undefined }), ['credentials', 0, 'meta']);
  });

  test('§B.3.5 dc+sd-jwt meta needs a non-empty vct_values of strings', () => {
    expectInvalid(query({ meta: {} }), ['credentials', 0, 'meta', 'vct_values']);
    expectInvalid(query({ meta: { vct_values: [] } }), ['credentials', 0, 'meta', 'vct_values'], 'too_small');
    expectInvalid(query({ meta: { vct_values: [1] } }), ['credentials', 0, 'meta', 'vct_values', 0]);
  });

  test('§B.1.1 W3C meta needs type_values: a non-empty array of non-empty string arrays', () => {
    for (const format of ['jwt_vc_json', 'ldp_vc']) {
      const ok = parseDcqlQuery(query({ format, meta: { type_values: [['VerifiableCredential', 'X']] } }));
      expect(ok.credentials[0]?.format).toBe(format);
      expectInvalid(query({ format, meta: {} }), ['credentials', 0, 'meta', 'type_values']);
      expectInvalid(query({ format, meta: { type_values: [] } }), ['credentials', 0, 'meta', 'type_values']);
      expectInvalid(query({ format, meta: { type_values: [[]] } }), [
        'credentials',
        0,
        'meta',
        'type_values',
        0,
      ]);
      expectInvalid(query({ format, meta: { type_values: ['X'] } }), [
        'credentials',
        0,
        'meta',
        'type_values',
        0,
      ]);
    }
  });

  test('§6.1 multiple and require_cryptographic_holder_binding must be booleans', () => {
    expectInvalid(query({ multiple: 'true' }), ['credentials', 0, 'multiple']);
    expectInvalid(query({ require_cryptographic_holder_binding: 1 }), [
      'credentials',
      0,
      'require_cryptographic_holder_binding',
    ]);
  });

  test('§6.1.1 trusted_authorities: non-empty, each with a type and non-empty string values', () => {
    const parsed = parseDcqlQuery(
      query({ trusted_authorities: [{ type: 'aki', values: ['s9tIpPmhxdiuNkHMEWNpYim8S8Y'] }] }),
    );
    expect(parsed.credentials[0]?.trusted_authorities?.[0]?.type).toBe('aki');
    expectInvalid(query({ trusted_authorities: [] }), ['credentials', 0, 'trusted_authorities']);
    expectInvalid(query({ trusted_authorities: [{ type: 'aki', values: [] }] }), [
      'credentials',
      0,
      'trusted_authorities',
      0,
      'values',
    ]);
  });

  test('§6.1 claims, when present, is non-empty; claim_sets is not allowed without claims', () => {
    expectInvalid(query({ claims: [] }), ['credentials', 0, 'claims'], 'too_small');
    expectInvalid(
      query({ claim_sets: [['a']] }),
      ['credentials', 0, 'claim_sets'],
      'claim_sets_without_claims',
    );
  });

  test('§6.1 claim_sets must be non-empty arrays of existing claim ids', () => {
    const claims = [{ id: 'a', path: ['a'] }];
    expectInvalid(query({ claims, claim_sets: [] }), ['credentials', 0, 'claim_sets'], 'too_small');
    expectInvalid(query({ claims, claim_sets: [[]] }), ['credentials', 0, 'claim_sets', 0], 'too_small');
    expectInvalid(
      query({ claims, claim_sets: [['a'], ['a', 'b']] }),
      ['credentials', 0, 'claim_sets', 1, 1],
      'unknown_claim_id',
    );
    expectInvalid(
      query({ claims, claim_sets: [['__proto__']] }),
      ['credentials', 0, 'claim_sets', 0, 0],
      'unknown_claim_id',
    );
  });
});

describe('openid4vp §6.3 claims query', () => {
  test('§6.3 claim ids are unique within a credential query', () => {
    expectInvalid(
      query({
        claims: [
          { id: 'a', path: ['a'] },
          { id: 'a', path: ['b'] },
        ],
      }),
      ['credentials', 0, 'claims', 1, 'id'],
      'duplicate_id',
    );
  });

  test('§6.3 the same claim id in two credential queries is fine', () => {
    const claims = [{ id: 'a', path: ['a'] }];
    const parsed = parseDcqlQuery({
      credentials: [
        { ...SD_JWT, claims },
        { ...SD_JWT, id: 'other', claims },
      ],
    });
    expect(parsed.credentials).toHaveLength(2);
  });

  test('§6.3 claim ids are required when claim_sets is present, optional otherwise', () => {
    expectInvalid(
      query({ claims: [{ id: 'a', path: ['a'] }, { path: ['b'] }], claim_sets: [['a']] }),
      ['credentials', 0, 'claims', 1, 'id'],
      'missing_id',
    );
    expect(parseDcqlQuery(query({ claims: [{ path: ['b'] }] })).credentials[0]?.claims).toEqual([
      { path: ['b'] },
    ]);
  });

  test('§6.1 pointing at the same claim twice is refused', () => {
    expectInvalid(
      query({ claims: [{ path: ['address', 'locality'] }, { path: ['address', 'locality'] }] }),
      ['credentials', 0, 'claims', 1, 'path'],
      'duplicate_path',
    );
  });

  test('§7 path must be a non-empty array of strings, non-negative integers and null', () => {
    for (const path of [[], 'family_name', [-1], [1.5], [true], [{}], [['a']], [''], null, undefined]) {
      expectInvalid(query({ claims: [{ path }] }), ['credentials', 0, 'claims', 0, 'path']);
    }
    const ok = parseDcqlQuery(
      query({ claims: [{ path: ['nationalities', null] }, { path: ['a', 0, 'b'] }] }),
    );
    expect(ok.credentials[0]?.claims?.map((c) => c.path)).toEqual([
      ['nationalities', null],
      ['a', 0, 'b'],
    ]);
  });

  test('§7 an over-long path is refused (Haven bound: 16 components)', () => {
    expectInvalid(query({ claims: [{ path: Array.from({ length: 17 }, () => 'a') }] }), [
      'credentials',
      0,
      'claims',
      0,
      'path',
    ]);
  });

  test('§6.3 values are a non-empty array of strings, integers and booleans only', () => {
    const ok = parseDcqlQuery(query({ claims: [{ path: ['a'], values: ['x', 3, false] }] }));
    expect(ok.credentials[0]?.claims?.[0]?.values).toEqual(['x', 3, false]);
    expectInvalid(
      query({ claims: [{ path: ['a'], values: [] }] }),
      ['credentials', 0, 'claims', 0, 'values'],
      'too_small',
    );
    for (const bad of [1.5, null, {}, ['x'], Number.NaN]) {
      expectInvalid(query({ claims: [{ path: ['a'], values: ['ok', bad] }] }), [
        'credentials',
        0,
        'claims',
        0,
        'values',
        1,
      ]);
    }
  });

  test('§6.3 a refused value is never echoed in the error', () => {
    const secret = 'Olena-Kovalenko-1987';
    expectInvalid(
      query({ claims: [{ path: ['a'], values: [{ secret }] }] }),
      ['credentials', 0, 'claims', 0, 'values', 0],
      undefined,
      secret,
    );
    expectInvalid(
      query({ id: secret.replace(/-/g, ' ') }),
      ['credentials', 0, 'id'],
      undefined,
      secret.replace(/-/g, ' '),
    );
  });
});

describe('openid4vp §6.2 credential set query', () => {
  test('§6.2 options must be non-empty arrays of existing credential ids', () => {
    expectInvalid(
      query({}, { credential_sets: [{ options: [] }] }),
      ['credential_sets', 0, 'options'],
      'too_small',
    );
    expectInvalid(
      query({}, { credential_sets: [{ options: [[]] }] }),
      ['credential_sets', 0, 'options', 0],
      'too_small',
    );
    expectInvalid(query({}, { credential_sets: [{}] }), ['credential_sets', 0, 'options']);
    expectInvalid(
      query({}, { credential_sets: [{ options: [['pid'], ['pid', 'ghost']] }] }),
      ['credential_sets', 0, 'options', 1, 1],
      'unknown_credential_id',
    );
    expectInvalid(
      query({}, { credential_sets: [{ options: [['constructor']] }] }),
      ['credential_sets', 0, 'options', 0, 0],
      'unknown_credential_id',
    );
  });

  test('§6.2 required must be a boolean', () => {
    expectInvalid(query({}, { credential_sets: [{ options: [['pid']], required: 'no' }] }), [
      'credential_sets',
      0,
      'required',
    ]);
  });
});

describe('Haven bounds on hostile queries', () => {
  test(`more than ${DCQL_LIMITS.credentials} credential queries are refused`, () => {
    const credentials = Array.from({ length: DCQL_LIMITS.credentials + 1 }, (_, i) => ({
      ...SD_JWT,
      id: `c${i}`,
    }));
    expectInvalid({ credentials }, ['credentials'], 'too_big');
    expect(parseDcqlQuery({ credentials: credentials.slice(1) }).credentials).toHaveLength(
      DCQL_LIMITS.credentials,
    );
  });

  test(`more than ${DCQL_LIMITS.claims} claims queries in one credential query are refused`, () => {
    const claims = Array.from({ length: DCQL_LIMITS.claims + 1 }, (_, i) => ({ path: [`c${i}`] }));
    expectInvalid(query({ claims }), ['credentials', 0, 'claims'], 'too_big');
    expect(parseDcqlQuery(query({ claims: claims.slice(1) })).credentials[0]?.claims).toHaveLength(
      DCQL_LIMITS.claims,
    );
  });

  test(`more than ${DCQL_LIMITS.entries} values, options or claim sets are refused`, () => {
    const many = DCQL_LIMITS.entries + 1;
    expectInvalid(query({ claims: [{ path: ['a'], values: Array.from({ length: many }, (_, i) => i) }] }), [
      'credentials',
      0,
      'claims',
      0,
      'values',
    ]);
    expectInvalid(
      query({}, { credential_sets: Array.from({ length: many }, () => ({ options: [['pid']] })) }),
      ['credential_sets'],
    );
    expectInvalid(
      query({ claims: [{ id: 'a', path: ['a'] }], claim_sets: Array.from({ length: many }, () => ['a']) }),
      ['credentials', 0, 'claim_sets'],
    );
  });

  test('a huge array is refused without echoing it and the error stays small', () => {
    const credentials = Array.from({ length: 100_000 }, (_, i) => ({ ...SD_JWT, id: `c${i}` }));
    const err = catchHaven(() => parseDcqlQuery({ credentials }), 'DCQL_QUERY_INVALID');
    expect(JSON.stringify(err.details).length).toBeLessThan(2000);
  });

  test('many issues are reported, but at most 50', () => {
    const credentials = Array.from({ length: DCQL_LIMITS.credentials }, () => ({ ...SD_JWT, id: 'bad id' }));
    const err = catchHaven(() => parseDcqlQuery({ credentials }), 'DCQL_QUERY_INVALID');
    expect(err.details?.issues).toHaveLength(50);
  });

  test('a throwing getter in the query is refused as DCQL_QUERY_INVALID', () => {
    const hostile = {
      get credentials(): never {
        throw new Error('secret-from-getter');
      },
    };
    const err = catchHaven(() => parseDcqlQuery(hostile), 'DCQL_QUERY_INVALID');
    expect(err.message).not.toContain('secret');
    expect(err.cause).toBeUndefined();
  });
});
