import { describe, expect, test } from 'vitest';
import { catchHaven } from '../../test/helpers.js';
import { vctFor } from '../credential-type.js';
import { checkDcqlAgainstPurpose } from './check-dcql-against-purpose.js';
import { dcqlForPurpose, w3cTypeIriFor } from './dcql-for-purpose.js';
import { type DcqlQuery, parseDcqlQuery } from './dcql-query.js';

const IDENTITY_VCT = vctFor('identity-restoration');
const REFUGEE_VCT = vctFor('refugee-registration');

function sdJwt(claims: unknown[] | undefined, vct: string = IDENTITY_VCT, extra: object = {}): DcqlQuery {
  return parseDcqlQuery({
    credentials: [
      {
        id: 'pid',
        format: 'dc+sd-jwt',
        meta: { vct_values: [vct] },
        ...(claims ? { claims } : {}),
        ...extra,
      },
    ],
  });
}

function w3c(format: 'ldp_vc' | 'jwt_vc_json', typeValues: string[][], claims?: unknown[]): DcqlQuery {
  return parseDcqlQuery({
    credentials: [{ id: 'vc', format, meta: { type_values: typeValues }, ...(claims ? { claims } : {}) }],
  });
}

function overAsking(purpose: string, query: DcqlQuery) {
  return catchHaven(() => checkDcqlAgainstPurpose(purpose, query), 'OVER_ASKING');
}

describe('openid4vp §6.3 claims within the purpose', () => {
  test('allowed paths pass and are reported per type', () => {
    const report = checkDcqlAgainstPurpose('age-check', sdJwt([{ path: ['age_over_18'] }]));
    expect(report).toEqual({
      credentialTypes: ['identity-restoration'],
      paths: { 'identity-restoration': [['age_over_18']] },
    });
  });

  test('values on an allowed path pass (§6.3 values leak nothing beyond the path)', () => {
    const query = sdJwt([{ path: ['age_over_18'], values: [true] }]);
    expect(checkDcqlAgainstPurpose('age-check', query).credentialTypes).toEqual(['identity-restoration']);
  });

  test('a wildcard below an allowed parent passes (["nationalities", null] under ["nationalities"])', () => {
    const query = sdJwt([{ path: ['nationalities', null] }]);
    expect(checkDcqlAgainstPurpose('employer.right-to-work', query).paths['identity-restoration']).toEqual([
      ['nationalities', null],
    ]);
  });

  test('several vct_values: the paths must be allowed for every type they name', () => {
    const query = parseDcqlQuery({
      credentials: [
        {
          id: 'either',
          format: 'dc+sd-jwt',
          meta: { vct_values: [IDENTITY_VCT, REFUGEE_VCT] },
          claims: [{ path: ['given_name'] }],
        },
      ],
    });
    expect(checkDcqlAgainstPurpose('clinic.identity-minimal', query).credentialTypes).toEqual([
      'identity-restoration',
      'refugee-registration',
    ]);
    // `nationalities` is allowed for identity but not for a refugee registration.
    const wider = parseDcqlQuery({
      credentials: [
        {
          id: 'either',
          format: 'dc+sd-jwt',
          meta: { vct_values: [IDENTITY_VCT, REFUGEE_VCT] },
          claims: [{ path: ['nationalities'] }],
        },
      ],
    });
    expect(overAsking('employer.right-to-work', wider).details?.paths).toEqual(['["nationalities"]']);
  });

  test('§B.1.1 W3C: type_values by expanded IRI or short name, paths under credentialSubject', () => {
    const claims = [{ path: ['credentialSubject', 'age_over_18'] }];
    for (const alt of [
      [w3cTypeIriFor('refugee-registration')],
      ['VerifiableCredential', 'RefugeeRegistrationCredential'],
    ]) {
      expect(checkDcqlAgainstPurpose('age-check', w3c('ldp_vc', [alt], claims)).paths).toEqual({
        'refugee-registration': [['age_over_18']],
      });
    }
  });
});

describe('openid4vp §6 over-asking (OVER_ASKING)', () => {
  test('an extra path is named in details, as a path and never a value', () => {
    const err = overAsking(
      'age-check',
      sdJwt([{ path: ['age_over_18'] }, { path: ['birthdate'], values: ['1990-01-01'] }]),
    );
    expect(err.details).toMatchObject({
      purpose: 'age-check',
      credentialTypes: ['identity-restoration'],
      credentialQueries: ['pid'],
      paths: ['["birthdate"]'],
    });
    expect(JSON.stringify(err.details)).not.toContain('1990');
    expect(err.message).not.toContain('birthdate');
  });

  test('§6.4.1 claim_sets: every listed claim counts, even in a later alternative', () => {
    const query = sdJwt(
      [
        { id: 'a', path: ['age_over_18'] },
        { id: 'b', path: ['birthdate'] },
      ],
      IDENTITY_VCT,
      {
        claim_sets: [['a'], ['b']],
      },
    );
    expect(overAsking('age-check', query).details?.paths).toEqual(['["birthdate"]']);
  });

  test('a parent path covering more than the allowed children (W3C ["credentialSubject"])', () => {
    const query = w3c('ldp_vc', [[w3cTypeIriFor('identity-restoration')]], [{ path: ['credentialSubject'] }]);
    expect(overAsking('age-check', query).details?.paths).toEqual(['["credentialSubject"]']);
  });

  test('a W3C path outside credentialSubject is not a purpose claim', () => {
    const query = w3c('ldp_vc', [[w3cTypeIriFor('identity-restoration')]], [{ path: ['issuer'] }]);
    expect(overAsking('age-check', query).details?.paths).toEqual(['["issuer"]']);
  });

  test('§7 a null wildcard expanding beyond the allowed paths', () => {
    expect(overAsking('age-check', sdJwt([{ path: [null] }])).details?.paths).toEqual(['[null]']);
  });

  test('§6.4.1 a credential query without claims asks for the whole credential', () => {
    const err = overAsking('age-check', sdJwt(undefined));
    expect(err.details).toMatchObject({ credentialQueries: ['pid'], paths: [] });
  });

  test('§6.4.1 jwt_vc_json has no selective disclosure: always the whole credential', () => {
    const query = w3c(
      'jwt_vc_json',
      [[w3cTypeIriFor('identity-restoration')]],
      [{ path: ['credentialSubject', 'age_over_18'] }],
    );
    // Reported as a whole-credential request (no single offending path), not for the path's shape.
    expect(overAsking('age-check', query).details).toMatchObject({ credentialQueries: ['vc'], paths: [] });
  });

  test('offending paths of several credential queries are all reported', () => {
    const query = parseDcqlQuery({
      credentials: [
        {
          id: 'a',
          format: 'dc+sd-jwt',
          meta: { vct_values: [IDENTITY_VCT] },
          claims: [{ path: ['portrait'] }],
        },
        {
          id: 'b',
          format: 'dc+sd-jwt',
          meta: { vct_values: [REFUGEE_VCT] },
          claims: [{ path: ['birthdate'] }],
        },
      ],
    });
    const err = overAsking('age-check', query);
    expect(err.details).toMatchObject({
      credentialQueries: ['a', 'b'],
      credentialTypes: ['identity-restoration', 'refugee-registration'],
      paths: ['["portrait"]', '["birthdate"]'],
    });
  });
});

describe('types outside the purpose (PURPOSE_TYPE_NOT_ALLOWED)', () => {
  test('a Haven type the purpose does not list', () => {
    const query = sdJwt([{ path: ['employer_name'] }], vctFor('labour-contract'));
    const err = catchHaven(() => checkDcqlAgainstPurpose('age-check', query), 'PURPOSE_TYPE_NOT_ALLOWED');
    expect(err.details).toMatchObject({ credentialQueries: ['pid'], credentialTypes: ['labour-contract'] });
  });

  test('an unknown vct, and a Haven vct under another base than the registered one', () => {
    const code = 'PURPOSE_TYPE_NOT_ALLOWED';
    catchHaven(
      () => checkDcqlAgainstPurpose('age-check', sdJwt([{ path: ['age_over_18'] }], 'urn:eu:pid:1')),
      code,
    );
    const other = sdJwt(
      [{ path: ['age_over_18'] }],
      vctFor('identity-restoration', 'https://evil.example/vct'),
    );
    catchHaven(() => checkDcqlAgainstPurpose('age-check', other), code);
    catchHaven(
      () =>
        checkDcqlAgainstPurpose('age-check', sdJwt([{ path: ['age_over_18'] }]), {
          vctBase: 'https://evil.example/vct',
        }),
      code,
    );
  });

  test('one unknown vct among known ones refuses the query', () => {
    const query = sdJwt([{ path: ['age_over_18'] }], IDENTITY_VCT);
    const credential = query.credentials[0];
    if (credential?.format !== 'dc+sd-jwt') throw new Error('unreachable');
    credential.meta.vct_values.push('https://other.example/pid');
    catchHaven(() => checkDcqlAgainstPurpose('age-check', query), 'PURPOSE_TYPE_NOT_ALLOWED');
  });

  test('§B.1.1 a type_values alternative that is not exactly one Haven type matches anything', () => {
    const claims = [{ path: ['credentialSubject', 'age_over_18'] }];
    const code = 'PURPOSE_TYPE_NOT_ALLOWED';
    catchHaven(
      () => checkDcqlAgainstPurpose('age-check', w3c('ldp_vc', [['VerifiableCredential']], claims)),
      code,
    );
    const both = [w3cTypeIriFor('identity-restoration'), w3cTypeIriFor('refugee-registration')];
    catchHaven(() => checkDcqlAgainstPurpose('age-check', w3c('ldp_vc', [both], claims)), code);
    const mixed = [[w3cTypeIriFor('identity-restoration')], ['https://other.example/#Pid']];
    catchHaven(() => checkDcqlAgainstPurpose('age-check', w3c('ldp_vc', mixed, claims)), code);
  });

  test('an mdoc credential query is never a Haven type', () => {
    const query = parseDcqlQuery({
      credentials: [
        {
          id: 'mdl',
          format: 'mso_mdoc',
          meta: { doctype_value: 'org.iso.18013.5.1.mDL' },
          claims: [{ path: ['org.iso.18013.5.1', 'age_over_18'] }],
        },
      ],
    });
    catchHaven(() => checkDcqlAgainstPurpose('age-check', query), 'PURPOSE_TYPE_NOT_ALLOWED');
  });
});

describe('hostile input', () => {
  test('PURPOSE_UNKNOWN for an unknown purpose, before the query is looked at', () => {
    catchHaven(() => checkDcqlAgainstPurpose('no.such-purpose', sdJwt(undefined)), 'PURPOSE_UNKNOWN');
    catchHaven(() => checkDcqlAgainstPurpose('__proto__', sdJwt(undefined)), 'PURPOSE_UNKNOWN');
  });

  test('an unparsed query with no credentials or a malformed path is refused', () => {
    catchHaven(() => checkDcqlAgainstPurpose('age-check', {} as DcqlQuery), 'DCQL_QUERY_INVALID');
    const bad = {
      credentials: [
        { id: 'x', format: 'dc+sd-jwt', meta: { vct_values: [IDENTITY_VCT] }, claims: [{ path: [] }] },
      ],
    } as unknown as DcqlQuery;
    catchHaven(() => checkDcqlAgainstPurpose('age-check', bad), 'CLAIM_PATH_INVALID');
  });

  test('an id that is not id-shaped is never echoed', () => {
    const query = {
      credentials: [{ id: 'secret value 1990', format: 'dc+sd-jwt', meta: { vct_values: [IDENTITY_VCT] } }],
    } as unknown as DcqlQuery;
    const err = overAsking('age-check', query);
    expect(JSON.stringify(err.details)).not.toContain('1990');
  });

  test('a query derived for one purpose is refused by a narrower one', () => {
    const query = dcqlForPurpose('clinic.identity-minimal');
    expect(overAsking('age-check', query).details?.paths).toEqual([
      '["given_name"]',
      '["family_name"]',
      '["birthdate"]',
    ]);
  });
});
