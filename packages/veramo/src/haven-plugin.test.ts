import { fixedClock, peekJwsHeader } from '@haven/core';
import { claimsForPurpose, claimsTemplate } from '@haven/credentials';
import { createDidJwk, createDidResolver } from '@haven/did';
import { createIssuerKeySource, verifySdJwtVc } from '@haven/sd-jwt';
import { beforeAll, describe, expect, test } from 'vitest';
import { createIdentifiers, createTestAgent, type TestAgent } from '../test/agent.js';

const NOW = 1_780_304_400; // 2026-06-01T09:00:00Z
const clock = fixedClock(NOW);
const YEAR = 365 * 86_400;
const NONCE = 'n-Zx81_qL0pA';
const AUDIENCE = 'https://inspection.labour.example';
const PURPOSE = 'inspector.contract-validity';
// A fixed P-384 public key, for a DID that none of the agent's keys belongs to.
const P384_X = '5sEVMEIIkte_ZnThH4zUe-8FmucacYDvhO0w5Odg2DiAjFyTO_cbRgDboHlzY8gF';
const P384_Y = 'tgSg6c7ILtiQlZ2xGgPDYN6HlURXrnusqPFBqG4pVFFtKYWUpwrAnX7uObB9stnI';
const LEGAL_MINIMUM_WAGE = { amount: '1801.80', currency: 'EUR', period: 'month' };

let agent: TestAgent;
let ids: Awaited<ReturnType<typeof createIdentifiers>>;
let workerJwk: Record<string, unknown>;

async function rejection(
  promise: Promise<unknown>,
): Promise<{ code?: string; message?: string } | undefined> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message?: string };
  }
  return undefined;
}

function issueContract(issuer: string, extra: Record<string, unknown> = {}) {
  return agent.havenIssueSdJwtVc({
    issuer,
    type: 'labour-contract',
    claims: claimsTemplate('labour-contract'),
    legalMinimumWage: LEGAL_MINIMUM_WAGE,
    holderDid: ids.worker.did,
    expiresAt: NOW + YEAR,
    ...extra,
  });
}

beforeAll(async () => {
  agent = createTestAgent(clock);
  ids = await createIdentifiers(agent);
  const resolved = await createDidResolver().resolveKey(ids.worker.did, { relationship: 'authentication' });
  workerJwk = { ...resolved.publicJwk };
});

describe('havenIssueSdJwtVc', () => {
  test('a did:key Ed25519 identifier issues an SD-JWT VC signed by its KMS key, kid under assertionMethod', async () => {
    const issued = await issueContract('employer');
    expect(issued.issuer).toBe(ids.employer.did);
    expect(issued.credentialType).toBe('labour-contract');
    const header = peekJwsHeader(issued.credential);
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'dc+sd-jwt' });
    expect(String(header.kid).startsWith(`${ids.employer.did}#`)).toBe(true);
    // Haven's plain verifier (no Veramo) accepts it, and the worker's key is bound in cnf.
    const result = await verifySdJwtVc(issued.credential, {
      issuerKey: createIssuerKeySource({ issuers: [ids.employer.did], dids: createDidResolver() }),
      clock,
      holderBinding: { required: false },
    });
    expect(result.verified).toBe(true);
    if (result.verified) {
      expect(result.claims.cnf).toEqual({ jwk: workerJwk });
      expect(result.claims.wage_meets_legal_minimum).toBe(true);
      expect(result.claims.iat).toBe(NOW);
    }
  });

  test('a did:jwk Secp256r1 identifier signs ES256 with kid #0', async () => {
    const issued = await issueContract(ids.employerP256.did, { holderDid: undefined, holderJwk: workerJwk });
    expect(peekJwsHeader(issued.credential)).toMatchObject({
      alg: 'ES256',
      kid: `${ids.employerP256.did}#0`,
    });
  });

  test('a Secp256k1 identifier is refused with VERAMO_KEY_UNSUPPORTED before anything is signed', async () => {
    const error = await rejection(issueContract('legacy-secp256k1'));
    expect(error?.code).toBe('VERAMO_KEY_UNSUPPORTED');
  });

  test('an identifier the agent does not manage is VERAMO_IDENTIFIER_NOT_FOUND, and the alias is not echoed', async () => {
    const error = await rejection(issueContract('employer-that-does-not-exist'));
    expect(error?.code).toBe('VERAMO_IDENTIFIER_NOT_FOUND');
    expect(error?.message).not.toContain('employer-that-does-not-exist');
  });

  test('a keyRef that is not a key of the identifier is VERAMO_KEY_NOT_FOUND', async () => {
    const error = await rejection(issueContract('employer', { keyRef: ids.worker.keys[0]?.kid }));
    expect(error?.code).toBe('VERAMO_KEY_NOT_FOUND');
  });

  test('a key that is not in the DID document as Haven resolves it is refused', async () => {
    // A broken import: the identifier's DID is another key's did:jwk (a fixed P-384 public key).
    const kid = 'mismatched-key';
    const did = createDidJwk({ kty: 'EC', crv: 'P-384', x: P384_X, y: P384_Y });
    await agent.didManagerImport({
      did,
      provider: 'did:jwk',
      controllerKeyId: kid,
      keys: [{ kid, kms: 'local', type: 'Ed25519', privateKeyHex: 'b2'.repeat(32) }],
      services: [],
    });
    const error = await rejection(issueContract(did));
    expect(error?.code).toBe('VERAMO_KEY_NOT_IN_DID_DOCUMENT');
  });

  test("Veramo's did:jwk for a P-256 key whose x starts with a zero byte is not a valid JWK, and is not issued from", async () => {
    // A fixed key whose public x coordinate begins with 0x00: @veramo/utils writes it 31 bytes long.
    const short = await agent.didManagerCreate({
      provider: 'did:jwk',
      options: {
        keyType: 'Secp256r1',
        privateKeyHex: '86d582fa044bee9d8582bc595f061ec6346b6dbb6b5fddcb0c2b8720ea035445',
      },
    });
    const jwk = JSON.parse(Buffer.from(short.did.slice('did:jwk:'.length), 'base64url').toString('utf8'));
    expect(Buffer.from(jwk.x, 'base64url')).toHaveLength(31);
    const error = await rejection(issueContract(short.did));
    expect(error?.code).toBe('DID_INVALID_PUBLIC_KEY');
  });

  test('claims are validated by the credential type: a missing claim is CREDENTIAL_CLAIMS_INVALID', async () => {
    const claims = claimsTemplate('labour-contract');
    delete claims.employer_name;
    const error = await rejection(issueContract('employer', { claims }));
    expect(error?.code).toBe('CREDENTIAL_CLAIMS_INVALID');
  });

  test('arguments are validated: an unknown type, an expiry in the past, both holder forms', async () => {
    expect((await rejection(issueContract('employer', { type: 'passport' })))?.code).toBe(
      'VERAMO_ARGUMENT_INVALID',
    );
    expect((await rejection(issueContract('employer', { expiresAt: NOW - 1 })))?.code).toBe(
      'VERAMO_ARGUMENT_INVALID',
    );
    const both = await rejection(issueContract('employer', { holderJwk: workerJwk }));
    expect(both?.code).toBe('VERAMO_ARGUMENT_INVALID');
  });
});

describe('havenPresentSdJwtVc and havenVerifySdJwtVc', () => {
  const disclose = claimsForPurpose(PURPOSE, 'labour-contract').filter((p) => p[0] !== 'end_date');

  test('the worker presents only what inspector.contract-validity allows, and the inspector verifies it', async () => {
    const { credential } = await issueContract('employer');
    const presentation = await agent.havenPresentSdJwtVc({
      credential,
      disclose,
      holder: 'worker',
      nonce: NONCE,
      audience: AUDIENCE,
      purpose: PURPOSE,
    });
    const result = await agent.havenVerifySdJwtVc({
      presentation,
      trustedIssuers: [ids.employer.did],
      nonce: NONCE,
      audience: AUDIENCE,
      status: 'unchecked',
    });
    expect(result.verified).toBe(true);
    if (!result.verified) return;
    expect(result.holderBound).toBe(true);
    expect(result.claims.worker_reference).toBeUndefined();
    expect(result.claims.recruitment_fees_paid_by_worker).toBeUndefined();
    expect(result.disclosed.map((p) => p[0])).not.toContain('worker_reference');
  });

  test('disclosing beyond the named purpose is refused with OVER_ASKING', async () => {
    const { credential } = await issueContract('employer');
    const error = await rejection(
      agent.havenPresentSdJwtVc({
        credential,
        disclose: [...disclose, ['worker_reference']],
        holder: 'worker',
        nonce: NONCE,
        audience: AUDIENCE,
        purpose: PURPOSE,
      }),
    );
    expect(error?.code).toBe('OVER_ASKING');
  });

  test("presenting with a key that is not the credential's cnf is VERAMO_HOLDER_KEY_MISMATCH", async () => {
    const { credential } = await issueContract('employer');
    const error = await rejection(
      agent.havenPresentSdJwtVc({
        credential,
        disclose,
        holder: 'employer-p256',
        nonce: NONCE,
        audience: AUDIENCE,
      }),
    );
    expect(error?.code).toBe('VERAMO_HOLDER_KEY_MISMATCH');
  });

  test('the verifier refuses another nonce, an untrusted issuer, and a missing status policy', async () => {
    const { credential } = await issueContract('employer');
    const presentation = await agent.havenPresentSdJwtVc({
      credential,
      disclose,
      holder: 'worker',
      nonce: NONCE,
      audience: AUDIENCE,
    });
    const base = { presentation, trustedIssuers: [ids.employer.did], nonce: NONCE, audience: AUDIENCE };
    const replay = await agent.havenVerifySdJwtVc({ ...base, nonce: 'another-nonce', status: 'unchecked' });
    expect(replay.verified || replay.error.code).toBe('SDJWT_KB_NONCE_MISMATCH');
    const untrusted = await agent.havenVerifySdJwtVc({
      ...base,
      trustedIssuers: [ids.employerP256.did],
      status: 'unchecked',
    });
    expect(untrusted.verified || untrusted.error.code).toBe('SDJWT_ISSUER_UNTRUSTED');
    const error = await rejection(agent.havenVerifySdJwtVc(base as never));
    expect(error?.code).toBe('VERAMO_ARGUMENT_INVALID');
    const noBinding = await rejection(
      agent.havenVerifySdJwtVc({ presentation, trustedIssuers: [ids.employer.did], status: 'unchecked' }),
    );
    expect(noBinding?.code).toBe('VERAMO_ARGUMENT_INVALID');
  });

  test('a status claim is handed to the status checker', async () => {
    const status = { status_list: { idx: 412, uri: 'https://employer.example/status/1' } };
    const { credential } = await issueContract('employer', { status });
    const seen: unknown[] = [];
    const result = await agent.havenVerifySdJwtVc({
      presentation: credential,
      trustedIssuers: [ids.employer.did],
      holderBinding: false,
      status: (s) => void seen.push(s),
    });
    expect(result.verified).toBe(true);
    expect(seen).toEqual([status]);
  });
});

describe('W3C formats', () => {
  const credential = {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiableCredential'],
    validFrom: '2026-06-01T00:00:00Z',
    credentialSubject: { id: 'did:example:worker-7' },
  };

  test('havenIssueVcJwt signs a vc+jwt with the agent key; havenVerifyVcJwt and havenVerifyCredential verify it', async () => {
    const jwt = await agent.havenIssueVcJwt({ issuer: 'employer-p256', credential });
    expect(peekJwsHeader(jwt)).toMatchObject({
      typ: 'vc+jwt',
      alg: 'ES256',
      kid: `${ids.employerP256.did}#0`,
    });
    const direct = await agent.havenVerifyVcJwt({
      credential: jwt,
      trustedIssuers: [ids.employerP256.did],
      status: 'unchecked',
    });
    expect(direct.verified || direct.error.code).toBe(true);
    // A bearer format proves nothing about who presents it: refused unless binding is explicitly off.
    const bound = await rejection(
      agent.havenVerifyCredential({
        credential: jwt,
        trustedIssuers: [ids.employerP256.did],
        status: 'unchecked',
      }),
    );
    expect(bound?.code).toBe('VERAMO_HOLDER_BINDING_UNAVAILABLE');
    const detected = await agent.havenVerifyCredential({
      credential: jwt,
      trustedIssuers: [ids.employerP256.did],
      holderBinding: false,
      status: 'unchecked',
    });
    expect(detected.verified && detected.format).toBe('vc+jwt');
  });

  test('havenIssueVcJwt refuses a credential whose issuer is not the signing identifier', async () => {
    const error = await rejection(
      agent.havenIssueVcJwt({ issuer: 'employer', credential: { ...credential, issuer: ids.worker.did } }),
    );
    expect(error?.code).toBe('VERAMO_ARGUMENT_INVALID');
  });

  test("havenVerifyCredential verifies a VCDM 1.1 JWT from Veramo's own createVerifiableCredential", async () => {
    const vc = await agent.createVerifiableCredential({
      proofFormat: 'jwt',
      credential: {
        issuer: { id: ids.employer.did },
        issuanceDate: '2026-05-01T00:00:00Z',
        credentialSubject: { id: ids.worker.did, role: 'welder' },
      },
    });
    const result = await agent.havenVerifyCredential({
      credential: vc.proof.jwt,
      trustedIssuers: [ids.employer.did],
      holderBinding: false,
      status: 'unchecked',
    });
    expect(result.verified || result.error.code).toBe(true);
    if (result.verified) {
      expect(result.format).toBe('vc1+jwt');
      expect(result.issuer).toBe(ids.employer.did);
    }
  });

  test('havenIssueDataIntegrity adds an eddsa-rdfc-2022 proof signed in the KMS; havenVerifyCredential verifies it', async () => {
    const secured = await agent.havenIssueDataIntegrity({ issuer: 'employer', credential });
    const proof = secured.proof;
    expect(proof).toMatchObject({ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022' });
    expect(String(proof.verificationMethod).startsWith(`${ids.employer.did}#`)).toBe(true);
    const result = await agent.havenVerifyCredential({
      credential: secured,
      trustedIssuers: [ids.employer.did],
      holderBinding: false,
      status: 'unchecked',
    });
    expect(result.verified || result.error.code).toBe(true);
    expect(result.verified && result.format).toBe('data-integrity');
    const tampered = { ...secured, credentialSubject: { id: 'did:example:someone-else' } };
    const refused = await agent.havenVerifyCredential({
      credential: tampered,
      trustedIssuers: [ids.employer.did],
      holderBinding: false,
      status: 'unchecked',
    });
    expect(refused.verified || refused.error.code).toBe('W3C_SIGNATURE_INVALID');
  });

  test('havenIssueDataIntegrity refuses a cryptosuite that does not fit the key', async () => {
    const error = await rejection(
      agent.havenIssueDataIntegrity({ issuer: 'employer', credential, cryptosuite: 'ecdsa-sd-2023' }),
    );
    expect(error?.code).toBe('VERAMO_ARGUMENT_INVALID');
  });

  test('havenVerifyCredential detects SD-JWT VCs', async () => {
    const { credential: sdJwt } = await issueContract('employer');
    const result = await agent.havenVerifyCredential({
      credential: sdJwt,
      trustedIssuers: [ids.employer.did],
      holderBinding: false,
      status: 'unchecked',
    });
    expect(result.verified && result.format).toBe('dc+sd-jwt');
  });

  test('an input of no known format is VERAMO_FORMAT_UNKNOWN', async () => {
    const error = await rejection(
      agent.havenVerifyCredential({
        credential: 'not.a.credential',
        trustedIssuers: ['did:x:y'],
        status: 'unchecked',
      }),
    );
    expect(error?.code).toBe('VERAMO_FORMAT_UNKNOWN');
  });
});
