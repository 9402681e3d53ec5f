import type { ClaimPath } from '@haven/sd-jwt';
import { describe, expect, test } from 'vitest';
import { catchHaven } from '../../test/helpers.js';
import type { CredentialTypeId } from '../credential-type.js';
import { vctFor } from '../credential-type.js';
import { prepareIssuance } from '../prepare-issuance.js';
import { PURPOSES } from '../purposes.js';
import { claimsTemplate } from '../registry.js';
import { checkDcqlAgainstPurpose } from './check-dcql-against-purpose.js';
import { dcqlForPurpose, w3cTypeIriFor } from './dcql-for-purpose.js';
import { parseDcqlQuery } from './dcql-query.js';
import { type DcqlHeldCredential, evaluateDcqlQuery } from './evaluate-dcql-query.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const OTHER_BASE = 'https://labour.gov.example/vct';

// With a legal minimum wage the labour contract also carries `wage_meets_legal_minimum`, which the
// inspector's purpose asks for.
const LEGAL_MINIMUM_WAGE = { amount: '1801.80', currency: 'EUR', period: 'month' } as const;

function issued(type: CredentialTypeId, vctBase?: string) {
  const options = { now: NOW, legalMinimumWage: LEGAL_MINIMUM_WAGE };
  return prepareIssuance(
    type,
    claimsTemplate(type),
    vctBase === undefined ? options : { ...options, vctBase },
  );
}

function heldSdJwt(type: CredentialTypeId, vctBase?: string): DcqlHeldCredential {
  const p = issued(type, vctBase);
  return { id: `held-${type}`, format: 'dc+sd-jwt', vct: p.vct, claims: p.claims };
}

function heldLdp(type: CredentialTypeId): DcqlHeldCredential {
  return {
    id: `held-ldp-${type}`,
    format: 'ldp_vc',
    types: ['https://www.w3.org/2018/credentials#VerifiableCredential', w3cTypeIriFor(type)],
    claims: { credentialSubject: issued(type).claims },
  };
}

describe('openid4vp §6 round trip for every registered purpose', () => {
  for (const [purposeId, purpose] of Object.entries(PURPOSES)) {
    const types = Object.keys(purpose.credentialTypes) as CredentialTypeId[];
    test(`${purposeId}: derive → parse → check → evaluate (dc+sd-jwt and ldp_vc)`, () => {
      const query = dcqlForPurpose(purposeId, { formats: ['dc+sd-jwt', 'ldp_vc'] });
      expect(parseDcqlQuery(JSON.parse(JSON.stringify(query)))).toEqual(query);
      const report = checkDcqlAgainstPurpose(purposeId, query);
      expect(report.credentialTypes.sort()).toEqual([...types].sort());
      for (const type of types) {
        expect(report.paths[type]).toEqual(purpose.credentialTypes[type]);
        // §6.2: any single credential satisfies the one required credential set.
        for (const held of [heldSdJwt(type), heldLdp(type)]) {
          const result = evaluateDcqlQuery(query, [held]);
          expect(result.satisfied).toBe(true);
          const matches = Object.values(result.matches).flat();
          expect(matches).toHaveLength(1);
          const expected = (purpose.credentialTypes[type] ?? []).map((p) =>
            held.format === 'ldp_vc' ? ['credentialSubject', ...p] : [...p],
          );
          expect(matches[0]?.claimPaths).toEqual(expected);
        }
      }
    });
  }

  test('§6.1 ids: credential query ids derive from the type and format, claim ids from the path', () => {
    const query = dcqlForPurpose('employer.right-to-work', { formats: ['dc+sd-jwt', 'ldp_vc'] });
    expect(query.credentials.map((c) => c.id)).toEqual([
      'identity_restoration',
      'identity_restoration_ldp_vc',
      'refugee_registration',
      'refugee_registration_ldp_vc',
    ]);
    expect(query.credentials[0]?.claims?.map((c) => c.id)).toEqual([
      'given_name',
      'family_name',
      'nationalities',
      'age_over_16',
      'age_over_18',
    ]);
    expect(query.credential_sets).toEqual([
      {
        options: [
          ['identity_restoration'],
          ['identity_restoration_ldp_vc'],
          ['refugee_registration'],
          ['refugee_registration_ldp_vc'],
        ],
      },
    ]);
  });

  test('§B.3.5 / §B.1.1 meta: vct_values carry the vct, type_values the expanded Haven type IRI', () => {
    const query = dcqlForPurpose('inspector.contract-validity', { formats: ['dc+sd-jwt', 'ldp_vc'] });
    expect(query.credentials[0]?.meta).toEqual({ vct_values: [vctFor('labour-contract')] });
    expect(query.credentials[1]?.meta).toEqual({
      type_values: [['https://haven.example/ns/credentials#LabourContractCredential']],
    });
    expect(query.credentials[1]?.claims?.[0]?.path).toEqual(['credentialSubject', 'employer_name']);
  });

  test('§6.2 a single credential query needs no credential_sets', () => {
    const query = dcqlForPurpose('employer.right-to-work', { credentialTypes: ['refugee-registration'] });
    expect(query.credentials).toHaveLength(1);
    expect(query.credential_sets).toBeUndefined();
  });

  test('a held credential of a type the query does not ask for does not satisfy it', () => {
    const query = dcqlForPurpose('employer.right-to-work', { credentialTypes: ['refugee-registration'] });
    expect(evaluateDcqlQuery(query, [heldSdJwt('identity-restoration')]).satisfied).toBe(false);
  });

  test('vctBase: the query names the vct under that base, and only such credentials match', () => {
    const query = dcqlForPurpose('inspector.contract-validity', { vctBase: OTHER_BASE });
    expect(query.credentials[0]?.meta).toEqual({ vct_values: [vctFor('labour-contract', OTHER_BASE)] });
    expect(evaluateDcqlQuery(query, [heldSdJwt('labour-contract')]).satisfied).toBe(false);
    expect(evaluateDcqlQuery(query, [heldSdJwt('labour-contract', OTHER_BASE)]).satisfied).toBe(true);
    expect(
      checkDcqlAgainstPurpose('inspector.contract-validity', query, { vctBase: OTHER_BASE }),
    ).toBeDefined();
  });
});

describe('claims subsets', () => {
  test('a subset of the allowed paths is asked for as given, a child of an allowed parent included', () => {
    const claims: ClaimPath[] = [['workplace', 'country'], ['no_recruitment_fees_paid']];
    const query = dcqlForPurpose('inspector.contract-validity', { claims: { 'labour-contract': claims } });
    expect(query.credentials[0]?.claims).toEqual([
      { id: 'workplace_country', path: ['workplace', 'country'] },
      { id: 'no_recruitment_fees_paid', path: ['no_recruitment_fees_paid'] },
    ]);
    expect(checkDcqlAgainstPurpose('inspector.contract-validity', query).paths['labour-contract']).toEqual(
      claims,
    );
  });

  test('OVER_ASKING: a subset path outside the purpose, named in details (a path, never a value)', () => {
    const err = catchHaven(
      () =>
        dcqlForPurpose('age-check', { claims: { 'identity-restoration': [['age_over_18'], ['birthdate']] } }),
      'OVER_ASKING',
    );
    expect(err.details).toMatchObject({ purpose: 'age-check', paths: ['["birthdate"]'] });
  });

  test('OVER_ASKING: a wildcard subset wider than the allowed path', () => {
    catchHaven(
      () => dcqlForPurpose('age-check', { claims: { 'identity-restoration': [[null]] } }),
      'OVER_ASKING',
    );
  });

  test('OVER_ASKING: jwt_vc_json has no selective disclosure, so it would present every claim', () => {
    catchHaven(() => dcqlForPurpose('age-check', { formats: ['jwt_vc_json'] }), 'OVER_ASKING');
  });

  test('duplicate subset paths are asked for once (§6.1: never the same claim twice)', () => {
    const query = dcqlForPurpose('age-check', {
      credentialTypes: ['identity-restoration'],
      claims: { 'identity-restoration': [['age_over_18'], ['age_over_18']] },
    });
    expect(query.credentials[0]?.claims).toEqual([{ id: 'age_over_18', path: ['age_over_18'] }]);
  });
});

describe('hostile options', () => {
  test('PURPOSE_UNKNOWN for an unknown or prototype-named purpose', () => {
    catchHaven(() => dcqlForPurpose('no.such-purpose'), 'PURPOSE_UNKNOWN');
    catchHaven(() => dcqlForPurpose('__proto__'), 'PURPOSE_UNKNOWN');
    catchHaven(() => dcqlForPurpose('toString'), 'PURPOSE_UNKNOWN');
  });

  test('PURPOSE_TYPE_NOT_ALLOWED for a type outside the purpose; CREDENTIAL_TYPE_UNKNOWN for a non-type', () => {
    catchHaven(
      () => dcqlForPurpose('age-check', { credentialTypes: ['labour-contract'] }),
      'PURPOSE_TYPE_NOT_ALLOWED',
    );
    catchHaven(
      () => dcqlForPurpose('age-check', { credentialTypes: ['passport' as CredentialTypeId] }),
      'CREDENTIAL_TYPE_UNKNOWN',
    );
  });

  test('CREDENTIAL_OPTIONS_INVALID for empty or repeated lists, unknown formats, stray subsets, bad vctBase', () => {
    const code = 'CREDENTIAL_OPTIONS_INVALID';
    catchHaven(() => dcqlForPurpose('age-check', { credentialTypes: [] }), code);
    catchHaven(() => dcqlForPurpose('age-check', { formats: [] }), code);
    catchHaven(() => dcqlForPurpose('age-check', { formats: ['ldp_vc', 'ldp_vc'] }), code);
    catchHaven(() => dcqlForPurpose('age-check', { formats: ['mso_mdoc' as 'ldp_vc'] }), code);
    catchHaven(
      () =>
        dcqlForPurpose('age-check', {
          credentialTypes: ['identity-restoration'],
          claims: { 'refugee-registration': [['age_over_18']] },
        }),
      code,
    );
    catchHaven(() => dcqlForPurpose('age-check', { vctBase: 'http://plain.example/vct' }), code);
  });

  test('CLAIM_PATH_INVALID for an empty subset or a malformed path', () => {
    catchHaven(
      () => dcqlForPurpose('age-check', { claims: { 'identity-restoration': [] } }),
      'CLAIM_PATH_INVALID',
    );
    catchHaven(
      () => dcqlForPurpose('age-check', { claims: { 'identity-restoration': [['age_over_18', -1]] } }),
      'CLAIM_PATH_INVALID',
    );
  });
});

describe('no claim sets in purpose queries: an absent claim can carry meaning', () => {
  test('§6.4.1 every claim a purpose asks for is required: a holder cannot leave out end_date or nationalities', () => {
    // A fixed-term contract shown without its end date would look open-ended to the inspector; an
    // identity shown without nationalities would look stateless to the employer. So no claim sets.
    for (const purpose of ['inspector.contract-validity', 'employer.right-to-work']) {
      for (const query of dcqlForPurpose(purpose).credentials) expect(query.claim_sets).toBeUndefined();
    }
    const query = dcqlForPurpose('inspector.contract-validity');
    const held = heldSdJwt('labour-contract');
    const { end_date: _end, ...withoutEnd } = held.claims;
    expect(evaluateDcqlQuery(query, [held]).satisfied).toBe(true);
    expect(evaluateDcqlQuery(query, [{ ...held, claims: withoutEnd }]).satisfied).toBe(false);
  });
});
