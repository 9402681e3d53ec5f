import { fixedClock, HavenError } from '@haven/core';
import { type DcqlQuery, dcqlForPurpose, vctFor } from '@haven/credentials';
import { type ClaimPath, issueSdJwtVcSync } from '@haven/sd-jwt';
import { describe, expect, it } from 'vitest';
import {
  CLIENT_ID,
  HOLDER,
  ISSUER,
  issueCredential,
  NONCE,
  NOW,
  OTHER_HOLDER,
  present,
  presentationClock,
  ROGUE_ISSUER,
  statusChecker,
  trustedIssuerKey,
  VALID_STATUS,
} from '../fixtures/presentation-fixture.js';
import type { VerifyVpTokenOptions } from './contracts.js';
import { VP_TOKEN_LIMITS, verifyVpToken } from './verify-vp-token.js';

const AGE_CHECK = dcqlForPurpose('age-check');
const RIGHT_TO_WORK = dcqlForPurpose('employer.right-to-work');
const REGISTRATION_CHECK = dcqlForPurpose('refugee-services.registration-check');
const INSPECTOR_PATHS: ClaimPath[] = [
  ['employer_name'],
  ['job_title'],
  ['workplace'],
  ['start_date'],
  ['end_date'],
  ['wage'],
  ['no_recruitment_fees_paid'],
];
const CONTRACT_VALIDITY = dcqlForPurpose('inspector.contract-validity', {
  claims: { 'labour-contract': INSPECTOR_PATHS },
});
const REGISTRATION_PATHS = REGISTRATION_CHECK.credentials[0]?.claims?.map((c) => c.path) ?? [];
const RIGHT_TO_WORK_REFUGEE_PATHS = RIGHT_TO_WORK.credentials[1]?.claims?.map((c) => c.path) ?? [];
const RIGHT_TO_WORK_IDENTITY_PATHS = RIGHT_TO_WORK.credentials[0]?.claims?.map((c) => c.path) ?? [];

const identity = issueCredential('identity-restoration');
const refugee = issueCredential('refugee-registration');
const contract = issueCredential('labour-contract');

function options(overrides: Partial<VerifyVpTokenOptions> = {}): VerifyVpTokenOptions {
  return {
    dcqlQuery: AGE_CHECK,
    nonce: NONCE,
    clientId: CLIENT_ID,
    purpose: 'age-check',
    issuerKey: trustedIssuerKey,
    status: statusChecker(),
    clock: presentationClock,
    ...overrides,
  };
}

/** The HavenError `promise` rejects with (fails the test when it resolves or throws something else). */
async function rejection(promise: Promise<unknown>): Promise<HavenError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HavenError);
  return error as HavenError;
}

const ageToken = (presentation: string) => ({ identity_restoration: [presentation] });

describe('openid4vp §8.1 / §6.4: accepted vp_tokens', () => {
  it('openid4vp §8.1: age-check answered with an identity credential returns age_over_18 only', async () => {
    const result = await verifyVpToken(ageToken(present(identity, [['age_over_18']])), options());
    expect(result.answeredQueries).toEqual(['identity_restoration']);
    expect(result.credentials).toHaveLength(1);
    const [credential] = result.credentials;
    expect(credential).toEqual({
      queryId: 'identity_restoration',
      format: 'dc+sd-jwt',
      credentialType: 'identity-restoration',
      vct: vctFor('identity-restoration'),
      issuer: ISSUER.id,
      claims: { age_over_18: true },
      disclosed: [['age_over_18']],
      status: VALID_STATUS,
    });
  });

  it('openid4vp §8.1: a vp_token given as JSON text is accepted', async () => {
    const text = JSON.stringify({ refugee_registration: [present(refugee, [['age_over_18']])] });
    const result = await verifyVpToken(text, options());
    expect(result.answeredQueries).toEqual(['refugee_registration']);
    expect(result.credentials[0]?.credentialType).toBe('refugee-registration');
    expect(result.credentials[0]?.claims).toEqual({ age_over_18: true });
  });

  it('openid4vp §6.1: inspector.contract-validity returns the labour contract claims asked for, nested', async () => {
    const result = await verifyVpToken(
      { labour_contract: [present(contract, INSPECTOR_PATHS)] },
      options({ dcqlQuery: CONTRACT_VALIDITY, purpose: 'inspector.contract-validity' }),
    );
    const claims = result.credentials[0]?.claims ?? {};
    expect(Object.keys(claims).sort()).toEqual(INSPECTOR_PATHS.map((p) => p[0]).sort());
    expect(claims.workplace).toEqual({
      street_address: '1 Specimen Street',
      locality: 'Specimen Town (fictional)',
      postal_code: '00000',
      country: 'FR',
    });
    expect(claims).not.toHaveProperty('worker_reference');
    expect(claims).not.toHaveProperty('iss');
    expect(claims).not.toHaveProperty('cnf');
    expect(result.credentials[0]?.credentialType).toBe('labour-contract');
  });

  it('openid4vp §7.1: a nested claim path discloses only that member of an object', async () => {
    const query = dcqlForPurpose('inspector.contract-validity', {
      claims: { 'labour-contract': [['employer_name'], ['workplace', 'locality']] },
    });
    const result = await verifyVpToken(
      { labour_contract: [present(contract, [['employer_name'], ['workplace', 'locality']])] },
      options({ dcqlQuery: query, purpose: 'inspector.contract-validity' }),
    );
    expect(result.credentials[0]?.claims).toEqual({
      employer_name: 'Specimen Textiles Ltd (fictional)',
      workplace: { locality: 'Specimen Town (fictional)' },
    });
  });

  it('openid4vp §6.2: refugee-services.registration-check is answered by a refugee registration', async () => {
    const result = await verifyVpToken(
      { refugee_registration: [present(refugee, REGISTRATION_PATHS)] },
      options({ dcqlQuery: REGISTRATION_CHECK, purpose: 'refugee-services.registration-check' }),
    );
    expect(result.credentials[0]?.claims).toEqual({
      registration_number: 'SPECIMEN-REG-0001',
      given_name: 'Yusuf',
      family_name: 'Specimen',
      protection_status: 'refugee',
      valid_until: '2028-01-19',
      household_size: 3,
    });
  });

  it('openid4vp §6.2: employer.right-to-work accepts either credential_sets option', async () => {
    const byRefugee = await verifyVpToken(
      { refugee_registration: [present(refugee, RIGHT_TO_WORK_REFUGEE_PATHS)] },
      options({ dcqlQuery: RIGHT_TO_WORK, purpose: 'employer.right-to-work' }),
    );
    expect(byRefugee.answeredQueries).toEqual(['refugee_registration']);
    const byIdentity = await verifyVpToken(
      { identity_restoration: [present(identity, RIGHT_TO_WORK_IDENTITY_PATHS)] },
      options({ dcqlQuery: RIGHT_TO_WORK, purpose: 'employer.right-to-work' }),
    );
    expect(byIdentity.credentials[0]?.claims.nationalities).toEqual(['SN']);
  });

  it('openid4vp §6.1: multiple: true accepts several presentations, each verified, in order', async () => {
    const query: DcqlQuery = {
      credentials: [{ ...(AGE_CHECK.credentials[0] as DcqlQuery['credentials'][number]), multiple: true }],
    };
    const second = issueCredential('identity-restoration', { statusIndex: 9 });
    const result = await verifyVpToken(
      { identity_restoration: [present(identity, [['age_over_18']]), present(second, [['age_over_18']])] },
      options({ dcqlQuery: query }),
    );
    expect(result.credentials.map((c) => c.queryId)).toEqual([
      'identity_restoration',
      'identity_restoration',
    ]);
  });
});

describe('openid4vp §8.6 / §14.1 / rfc9901 §7.3: presentations that fail verification', () => {
  async function presentationFailure(presentation: string, overrides: Partial<VerifyVpTokenOptions> = {}) {
    const error = await rejection(verifyVpToken(ageToken(presentation), options(overrides)));
    expect(error.code).toBe('OID4VP_PRESENTATION_INVALID');
    expect(error.details?.queryId).toBe('identity_restoration');
    return error.details?.cause;
  }

  it('openid4vp §14.1: rejects a KB-JWT with another nonce', async () => {
    expect(
      await presentationFailure(present(identity, [['age_over_18']], { nonce: 'another-nonce-value' })),
    ).toBe('SDJWT_KB_NONCE_MISMATCH');
  });

  it('openid4vp §8.6: rejects a KB-JWT made for another verifier', async () => {
    const aud = 'x509_san_dns:other-verifier.example.org';
    expect(await presentationFailure(present(identity, [['age_over_18']], { aud }))).toBe(
      'SDJWT_KB_AUD_MISMATCH',
    );
  });

  it('openid4vp §8.6: rejects a KB-JWT whose aud is the client_id without its prefix', async () => {
    const aud = 'verifier.example.org';
    expect(await presentationFailure(present(identity, [['age_over_18']], { aud }))).toBe(
      'SDJWT_KB_AUD_MISMATCH',
    );
  });

  it('rfc9901 §7.3: rejects a presentation without a KB-JWT', async () => {
    expect(await presentationFailure(present(identity, [['age_over_18']], { noKeyBinding: true }))).toBe(
      'SDJWT_KB_REQUIRED',
    );
  });

  it('rfc9901 §7.3 step 5: rejects a stale KB-JWT', async () => {
    const stale = present(identity, [['age_over_18']], { clock: fixedClock(NOW - 3600) });
    expect(await presentationFailure(stale)).toBe('SDJWT_KB_INVALID');
    // The same presentation passes with a verifier that accepts older proofs: the age is what failed.
    await expect(
      verifyVpToken(ageToken(stale), options({ maxKeyBindingAgeSeconds: 7200 })),
    ).resolves.toBeDefined();
  });

  it('rfc9901 §7.3: rejects a KB-JWT signed by a key other than the credential holder key', async () => {
    expect(
      await presentationFailure(present(identity, [['age_over_18']], { signer: OTHER_HOLDER.signer })),
    ).toBe('SDJWT_KB_INVALID');
  });

  it('rfc9901 §7.1: rejects a tampered issuer signature', async () => {
    const presentation = present(identity, [['age_over_18']]);
    const [jwt = '', ...rest] = presentation.split('~');
    const [header, payload, signature = ''] = jwt.split('.');
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    const tampered = [`${header}.${payload}.${flipped}`, ...rest].join('~');
    expect(await presentationFailure(tampered)).toBe('JWS_SIGNATURE_INVALID');
  });

  it('openid4vp §14.1: rejects a credential from an issuer the verifier does not trust', async () => {
    const rogue = issueCredential('identity-restoration', { issuer: ROGUE_ISSUER });
    expect(await presentationFailure(present(rogue, [['age_over_18']]))).toBe('SDJWT_ISSUER_UNTRUSTED');
  });

  it('openid4vp §14.1: rejects a revoked credential', async () => {
    const revoked = issueCredential('identity-restoration', { statusIndex: 42 });
    expect(
      await presentationFailure(present(revoked, [['age_over_18']]), { status: statusChecker([42]) }),
    ).toBe('STATUS_REVOKED');
  });

  it('openid4vp §6.1: rejects a vct that is not in the query vct_values', async () => {
    // A refugee registration sent under the identity query id.
    expect(await presentationFailure(present(refugee, [['age_over_18']]))).toBe('SDJWT_VC_CLAIM_INVALID');
  });

  it('openid4vp §8.6: a good first presentation does not excuse a bad second one', async () => {
    const query: DcqlQuery = {
      credentials: [{ ...(AGE_CHECK.credentials[0] as DcqlQuery['credentials'][number]), multiple: true }],
    };
    const error = await rejection(
      verifyVpToken(
        {
          identity_restoration: [
            present(identity, [['age_over_18']]),
            present(identity, [['age_over_18']], { nonce: 'another-nonce-value' }),
          ],
        },
        options({ dcqlQuery: query }),
      ),
    );
    expect(error.code).toBe('OID4VP_PRESENTATION_INVALID');
    expect(error.details).toEqual({
      queryId: 'identity_restoration',
      index: 1,
      cause: 'SDJWT_KB_NONCE_MISMATCH',
    });
  });

  it('openid4vp §14.1: a status checker is required, never "unchecked"', async () => {
    const error = await rejection(
      verifyVpToken(
        ageToken(present(identity, [['age_over_18']])),
        options({ status: 'unchecked' as unknown as VerifyVpTokenOptions['status'] }),
      ),
    );
    expect(error.code).toBe('OID4VP_OPTIONS_INVALID');
  });
});

describe('openid4vp §6.4.1 / ARF RPRC_21: nothing disclosed beyond the query and the purpose', () => {
  it('openid4vp §6.4.1: rejects a presentation that discloses a claim the query did not ask for', async () => {
    const error = await rejection(
      verifyVpToken(ageToken(present(identity, [['age_over_18'], ['birthdate']])), options()),
    );
    expect(error.code).toBe('OID4VP_OVER_DISCLOSED');
    expect(error.details).toEqual({ queryId: 'identity_restoration', index: 0, paths: ['["birthdate"]'] });
    expect(JSON.stringify(error.details)).not.toContain('1990');
  });

  it('openid4vp §6.4.1: rejects a whole object where only one member was asked for', async () => {
    const query = dcqlForPurpose('inspector.contract-validity', {
      claims: { 'labour-contract': [['employer_name'], ['workplace', 'locality']] },
    });
    const error = await rejection(
      verifyVpToken(
        { labour_contract: [present(contract, [['employer_name'], ['workplace']])] },
        options({ dcqlQuery: query, purpose: 'inspector.contract-validity' }),
      ),
    );
    expect(error.code).toBe('OID4VP_OVER_DISCLOSED');
    expect(error.details?.paths).toContain('["workplace","country"]');
  });

  it('ARF RPRC_21: rejects a plain (never concealed) claim that is neither registered nor asked for', async () => {
    const leaky = issueSdJwtVcSync(
      {
        iss: ISSUER.id,
        vct: vctFor('identity-restoration'),
        iat: NOW - 60,
        exp: NOW + 86_400,
        age_over_18: true,
        birthdate: '1990-04-12',
        status: { status_list: { idx: 1, uri: 'https://issuer.example.org/status/1' } },
      },
      { signer: ISSUER.signer, frame: { _sd: ['age_over_18'] }, holderPublicJwk: HOLDER.publicJwk },
    );
    const error = await rejection(verifyVpToken(ageToken(present(leaky, [['age_over_18']])), options()));
    expect(error.code).toBe('OID4VP_OVER_DISCLOSED');
    expect(error.details?.paths).toEqual(['["birthdate"]']);
  });
  it('openid4vp §6.3: rejects an array element disclosed beside the one the query values ask for', async () => {
    const twoNationalities = issueCredential('identity-restoration', {
      claims: { nationalities: ['SN', 'FR'] },
    });
    // The purpose query's own claims (and the claim sets naming them) give way to one claim with values.
    const { claim_sets: _sets, ...base } = RIGHT_TO_WORK.credentials[0] as DcqlQuery['credentials'][number];
    const query: DcqlQuery = {
      credentials: [{ ...base, claims: [{ path: ['nationalities', null], values: ['SN'] }] }],
    };
    const verify = (disclose: ClaimPath[]) =>
      verifyVpToken(
        { identity_restoration: [present(twoNationalities, disclose)] },
        options({ dcqlQuery: query, purpose: 'employer.right-to-work' }),
      );
    const error = await rejection(verify([['nationalities', null]]));
    expect(error.code).toBe('OID4VP_OVER_DISCLOSED');
    expect(error.details?.paths).toEqual(['["nationalities",1]']);
    const result = await verify([['nationalities', 0]]);
    expect(result.credentials[0]?.claims).toEqual({ nationalities: ['SN'] });
  });

  it('ARF RPRC_21: rejects a registered claim (sub) that was selectively disclosed without being asked', async () => {
    const withSub = issueSdJwtVcSync(
      {
        iss: ISSUER.id,
        vct: vctFor('identity-restoration'),
        iat: NOW - 60,
        exp: NOW + 86_400,
        sub: 'holder-subject-identifier',
        age_over_18: true,
        status: { status_list: { idx: 1, uri: 'https://issuer.example.org/status/1' } },
      },
      { signer: ISSUER.signer, frame: { _sd: ['age_over_18', 'sub'] }, holderPublicJwk: HOLDER.publicJwk },
    );
    const error = await rejection(
      verifyVpToken(ageToken(present(withSub, [['age_over_18'], ['sub']])), options()),
    );
    expect(error.code).toBe('OID4VP_OVER_DISCLOSED');
    expect(error.details?.paths).toEqual(['["sub"]']);
    await expect(
      verifyVpToken(ageToken(present(withSub, [['age_over_18']])), options()),
    ).resolves.toBeDefined();
  });
});

describe('openid4vp §8.1 / §6.4.2: vp_tokens that do not answer the query', () => {
  async function tokenFailure(vpToken: unknown, overrides: Partial<VerifyVpTokenOptions> = {}) {
    const error = await rejection(verifyVpToken(vpToken, options(overrides)));
    expect(error.code).toBe('OID4VP_VP_TOKEN_INVALID');
    return error.details;
  }
  const good = present(identity, [['age_over_18']]);

  it('openid4vp §8.1: rejects an unknown Credential Query id without echoing it', async () => {
    expect(await tokenFailure({ identity_restoration: [good], surprise: [good] })).toBeUndefined();
  });

  it('openid4vp §6.4.2: rejects a vp_token missing a required Credential Query', async () => {
    const both = dcqlForPurpose('age-check');
    const query: DcqlQuery = { credentials: both.credentials };
    expect(await tokenFailure(ageToken(good), { dcqlQuery: query })).toEqual({
      queryId: 'refugee_registration',
    });
  });

  it('openid4vp §6.4.2: rejects a vp_token answering no required credential set', async () => {
    expect(await tokenFailure({ labour_contract: [good] })).toBeUndefined();
    const query: DcqlQuery = { ...RIGHT_TO_WORK };
    expect(await tokenFailure({}, { dcqlQuery: query, purpose: 'employer.right-to-work' })).toBeUndefined();
  });

  it('openid4vp §6.1: rejects two presentations where multiple is false', async () => {
    expect(await tokenFailure({ identity_restoration: [good, good] })).toEqual({
      queryId: 'identity_restoration',
    });
  });

  it('openid4vp §6.4.2: rejects an extra credential outside the chosen credential_sets option', async () => {
    const details = await tokenFailure({
      identity_restoration: [good],
      refugee_registration: [present(refugee, [['age_over_18']])],
    });
    // Both options of the one set answered: a set is satisfied by ONE option.
    expect(details).toBeUndefined();
  });

  it('openid4vp §6.4.2: rejects a credential that no credential_sets option names', async () => {
    const query: DcqlQuery = {
      credentials: AGE_CHECK.credentials,
      credential_sets: [{ options: [['identity_restoration']] }],
    };
    const token = {
      identity_restoration: [good],
      refugee_registration: [present(refugee, [['age_over_18']])],
    };
    expect(await tokenFailure(token, { dcqlQuery: query })).toEqual({ queryId: 'refugee_registration' });
    // With the refugee registration in an optional set, the same vp_token is accepted.
    const optional: DcqlQuery = {
      credentials: AGE_CHECK.credentials,
      credential_sets: [
        { options: [['identity_restoration']] },
        { options: [['refugee_registration']], required: false },
      ],
    };
    const result = await verifyVpToken(token, options({ dcqlQuery: optional }));
    expect(result.answeredQueries).toEqual(['identity_restoration', 'refugee_registration']);
    expect(result.credentials.map((c) => c.credentialType)).toEqual([
      'identity-restoration',
      'refugee-registration',
    ]);
  });

  it('openid4vp §6.3: rejects a claim whose value is not one of the query values', async () => {
    const base = AGE_CHECK.credentials[0] as DcqlQuery['credentials'][number];
    const query: DcqlQuery = {
      credentials: [{ ...base, claims: [{ path: ['age_over_18'], values: [false] }] }],
    };
    expect(await tokenFailure(ageToken(good), { dcqlQuery: query })).toEqual({
      queryId: 'identity_restoration',
    });
    // The same token satisfies the query asking for `true`.
    const accepting: DcqlQuery = {
      credentials: [{ ...base, claims: [{ path: ['age_over_18'], values: [true] }] }],
    };
    await expect(verifyVpToken(ageToken(good), options({ dcqlQuery: accepting }))).resolves.toBeDefined();
  });

  it('openid4vp §6.4.1: rejects a presentation that lacks a claim the query requires', async () => {
    const partial = present(refugee, [['registration_number'], ['given_name']]);
    expect(
      await tokenFailure(
        { refugee_registration: [partial] },
        { dcqlQuery: REGISTRATION_CHECK, purpose: 'refugee-services.registration-check' },
      ),
    ).toEqual({ queryId: 'refugee_registration' });
  });

  it('openid4vp §8.1: rejects malformed vp_tokens', async () => {
    expect(await tokenFailure([good])).toBeUndefined();
    expect(await tokenFailure(null)).toBeUndefined();
    expect(await tokenFailure(good)).toEqual({ reason: 'JSON_INVALID' });
    expect(await tokenFailure({ identity_restoration: [] })).toEqual({ queryId: 'identity_restoration' });
    expect(await tokenFailure({ identity_restoration: good })).toEqual({ queryId: 'identity_restoration' });
    expect(await tokenFailure({ identity_restoration: [{ nested: [good] }] })).toEqual({
      queryId: 'identity_restoration',
    });
    expect(await tokenFailure({ identity_restoration: [''] })).toEqual({ queryId: 'identity_restoration' });
    expect(await tokenFailure('{"identity_restoration":[[[[["deep"]]]]]}')).toEqual({
      reason: 'JSON_TOO_DEEP',
    });
    expect(await tokenFailure('{"identity_restoration":["a"],"identity_restoration":["b"]}')).toEqual({
      reason: 'JSON_DUPLICATE_KEY',
    });
    const huge = JSON.stringify({ identity_restoration: ['x'.repeat(VP_TOKEN_LIMITS.maxJsonLength)] });
    expect(await tokenFailure(huge)).toEqual({ reason: 'JSON_TOO_LARGE' });
  });

  it('openid4vp §8.1: rejects more presentations than the limit allows', async () => {
    const query: DcqlQuery = {
      credentials: [{ ...(AGE_CHECK.credentials[0] as DcqlQuery['credentials'][number]), multiple: true }],
    };
    const many = Array.from({ length: VP_TOKEN_LIMITS.presentationsPerQuery + 1 }, () => good);
    expect(await tokenFailure({ identity_restoration: many }, { dcqlQuery: query })).toEqual({
      queryId: 'identity_restoration',
    });
  });

  it('openid4vp Appendix B: rejects a vp_token answering a query of another format', async () => {
    const query = dcqlForPurpose('age-check', {
      formats: ['ldp_vc'],
      credentialTypes: ['identity-restoration'],
    });
    const id = query.credentials[0]?.id as string;
    expect(await tokenFailure({ [id]: [good] }, { dcqlQuery: query })).toEqual({ queryId: id });
  });
});

describe('openid4vp §6 / purposes: the query itself must stay within the purpose', () => {
  it('rejects a DCQL query that asks beyond the registered purpose (OVER_ASKING)', async () => {
    const error = await rejection(
      verifyVpToken(ageToken(present(identity, [['age_over_18']])), options({ dcqlQuery: RIGHT_TO_WORK })),
    );
    expect(error.code).toBe('OVER_ASKING');
  });
});

describe('openid4vp §6.4.1: claim_sets — the verifier asked for one combination', () => {
  const vct = vctFor('identity-restoration');
  const EITHER_NAME: DcqlQuery = {
    credentials: [
      {
        id: 'identity',
        format: 'dc+sd-jwt',
        meta: { vct_values: [vct] },
        claims: [
          { id: 'given', path: ['given_name'] },
          { id: 'family', path: ['family_name'] },
        ],
        claim_sets: [['given'], ['family']],
      },
    ],
  };
  const clinic = (dcqlQuery: DcqlQuery) => options({ dcqlQuery, purpose: 'clinic.identity-minimal' });

  it('openid4vp §6.4.1: one alternative alone is accepted, and only its claim is returned', async () => {
    const result = await verifyVpToken(
      { identity: [present(identity, [['family_name']])] },
      clinic(EITHER_NAME),
    );
    expect(Object.keys(result.credentials[0]?.claims ?? {})).toEqual(['family_name']);
  });

  it('openid4vp §6.4.1: the claims of two alternatives together are over-disclosure', async () => {
    const both = present(identity, [['given_name'], ['family_name']]);
    const error = await rejection(verifyVpToken({ identity: [both] }, clinic(EITHER_NAME)));
    expect(error.code).toBe('OID4VP_OVER_DISCLOSED');
  });
});
