import {
  createSigner,
  encodeBase64Url,
  fixedClock,
  type GuardedFetch,
  type PrivateJwk,
  type SyncSigner,
  signJwsSync,
  toPublicJwk,
  type VerifyResult,
} from '@haven/core';
import { createDidJwk, createDidKey, createDidResolver } from '@haven/did';
import { describe, expect, test } from 'vitest';
import { VC_V1_CONTEXT } from './decode-jwt-credential.js';
import {
  type LegacyVcJwtVerification,
  type VerifyLegacyVcJwtOptions,
  verifyLegacyVcJwt,
} from './verify-legacy-vc-jwt.js';

// Fixed keys (never used outside tests). Tokens are made here with @haven/core in the shape did-jwt-vc
// (Veramo's credential-jwt) gives them: `typ: JWT`, no `kid`, the credential's top-level properties
// moved to `iss`, `sub`, `nbf`, `exp`, `jti`. Real Veramo tokens are checked in test/interop/veramo.test.ts.
const ED_KEY: PrivateJwk = {
  kty: 'OKP',
  crv: 'Ed25519',
  x: 'UAq6OCQXCDuwm6rW_unDXyP60C6cQbbOnvBm--kH0eE',
  d: 'iO4tU1i39x79lg0KO_PPohfZA9XX7BrF2jz41x7gf9c',
};
const P256_KEY: PrivateJwk = {
  kty: 'EC',
  crv: 'P-256',
  x: 'nY0Kqqzs2Tie1xKt-RY_0MHbeB6-9EIGkrt32Ghsj3c',
  y: 'KjvmGA80jUE8R6UybVVacKqbDbflm4Px7dziL1DnZ9A',
  d: 'uwv1TABmBm5b3iHFXIdBHakZkgjWYSHlqm7UXX68jyk',
};
const OTHER_P256_KEY: PrivateJwk = {
  kty: 'EC',
  crv: 'P-256',
  x: '_VWNtesLMIh40e4lk_moinBhloKLhFZX2sqMouHe3_g',
  y: 'C9xiuHytu1v90Lzq_GynK8uN_ajrJuc-LQ_qEkS61pg',
  d: 'DeNDv92tI4eX_67nTVhbq6cvMMJEFYk35kcQ3zO3qHM',
};

const NOW = 1_780_304_400; // 2026-06-01T09:00:00Z
const clock = fixedClock(NOW);
const ISSUER = createDidKey(toPublicJwk(ED_KEY));
const P256_ISSUER = createDidJwk(toPublicJwk(P256_KEY));
const SUBJECT = 'did:example:worker-7';
const edSigner = createSigner(ED_KEY);
const p256Signer = createSigner(P256_KEY);

// did:web stand-in for documents did:key and did:jwk cannot express (two assertion keys, a key kept out
// of assertionMethod); served from memory, no network.
const WEB_DID = 'did:web:employer.example';
function webDocument(): Record<string, unknown> {
  const vm = (id: string, key: PrivateJwk) => ({
    id: `${WEB_DID}#${id}`,
    type: 'JsonWebKey2020',
    controller: WEB_DID,
    publicKeyJwk: toPublicJwk(key),
  });
  return {
    '@context': ['https://www.w3.org/ns/did/v1'],
    id: WEB_DID,
    verificationMethod: [vm('sign-1', P256_KEY), vm('sign-2', OTHER_P256_KEY), vm('auth', ED_KEY)],
    assertionMethod: [`${WEB_DID}#sign-1`, `${WEB_DID}#sign-2`],
    authentication: [`${WEB_DID}#auth`],
  };
}
const memoryFetch: GuardedFetch = async () => {
  const body = new TextEncoder().encode(JSON.stringify(webDocument()));
  return {
    status: 200,
    url: 'https://employer.example/.well-known/did.json',
    headers: { 'content-type': 'application/json' },
    body,
    json: () => JSON.parse(new TextDecoder().decode(body)),
    text: () => new TextDecoder().decode(body),
  };
};
const dids = createDidResolver({ fetch: memoryFetch });

const OPTIONS: VerifyLegacyVcJwtOptions = {
  trustedIssuers: [ISSUER, P256_ISSUER, WEB_DID],
  dids,
  clock,
};

function claims(iss = ISSUER): Record<string, unknown> {
  return {
    vc: {
      '@context': [VC_V1_CONTEXT],
      type: ['VerifiableCredential', 'EmploymentCredential'],
      credentialSubject: { jobTitle: 'Welder' },
    },
    sub: SUBJECT,
    nbf: NOW - 3600,
    exp: NOW + 86_400,
    jti: 'urn:uuid:4f1c7b1e-2c0e-4c1e-9d4a-0c6f0f9a1b2c',
    iss,
  };
}

function sign(
  payload: Record<string, unknown>,
  signer: SyncSigner = edSigner,
  header: Record<string, unknown> = {},
): string {
  return signJwsSync(payload, { signer, typ: 'JWT', header });
}

/** A token with any header, signed by `signer` but not checked by core's signer (e.g. alg ES256K). */
function rawToken(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const input = `${encodeBase64Url(JSON.stringify(header))}.${encodeBase64Url(JSON.stringify(payload))}`;
  return `${input}.${encodeBase64Url(new Uint8Array(64).fill(7))}`;
}

function codeOf(result: VerifyResult<LegacyVcJwtVerification>): string | undefined {
  return result.verified ? undefined : result.error.code;
}

describe('VCDM 1.1 §6.3.1 JWT decoding', () => {
  test('a did-jwt-vc shaped credential verifies and is rebuilt with issuer, issuanceDate, expirationDate, subject id and id', async () => {
    const result = await verifyLegacyVcJwt(sign(claims()), OPTIONS);
    expect(result.verified).toBe(true);
    if (!result.verified) return;
    expect(result.format).toBe('vc1+jwt');
    expect(result.issuer).toBe(ISSUER);
    expect(result.status).toBe('none');
    expect(result.credential).toEqual({
      '@context': [VC_V1_CONTEXT],
      type: ['VerifiableCredential', 'EmploymentCredential'],
      credentialSubject: { jobTitle: 'Welder', id: SUBJECT },
      issuer: ISSUER,
      issuanceDate: '2026-06-01T08:00:00Z',
      expirationDate: '2026-06-02T09:00:00Z',
      id: 'urn:uuid:4f1c7b1e-2c0e-4c1e-9d4a-0c6f0f9a1b2c',
    });
    expect(result.checks.map((c) => c.name)).toEqual([
      'header',
      'issuer',
      'issuer-key',
      'signature',
      'jwt-decoding',
      'validity',
      'audience',
      'status',
    ]);
  });

  test('properties kept in vc (removeOriginalFields: false) that agree with the JWT claims are accepted', async () => {
    const payload = claims();
    payload.vc = {
      ...(payload.vc as object),
      issuer: { id: ISSUER, name: 'Employer' },
      issuanceDate: '2026-06-01T08:00:00.250Z',
      expirationDate: '2026-06-02T11:00:00+02:00',
      id: payload.jti,
      credentialSubject: { id: SUBJECT, jobTitle: 'Welder' },
    };
    const result = await verifyLegacyVcJwt(sign(payload), OPTIONS);
    expect(codeOf(result)).toBeUndefined();
    if (result.verified) expect(result.credential.issuer).toEqual({ id: ISSUER, name: 'Employer' });
  });

  test.each([
    ['iss', (vc: Record<string, unknown>) => (vc.issuer = 'did:example:someone-else'), 'W3C_ISSUER_MISMATCH'],
    [
      'iss (issuer object)',
      (vc: Record<string, unknown>) => (vc.issuer = { id: 'did:example:x' }),
      'W3C_ISSUER_MISMATCH',
    ],
    [
      'nbf',
      (vc: Record<string, unknown>) => (vc.issuanceDate = '2026-06-01T08:00:01Z'),
      'W3C_LEGACY_JWT_CLAIM_MISMATCH',
    ],
    [
      'exp',
      (vc: Record<string, unknown>) => (vc.expirationDate = '2027-06-02T09:00:00Z'),
      'W3C_LEGACY_JWT_CLAIM_MISMATCH',
    ],
    [
      'sub',
      (vc: Record<string, unknown>) => (vc.credentialSubject = { id: 'did:example:other' }),
      'W3C_LEGACY_JWT_CLAIM_MISMATCH',
    ],
    ['jti', (vc: Record<string, unknown>) => (vc.id = 'urn:uuid:another'), 'W3C_LEGACY_JWT_CLAIM_MISMATCH'],
  ])('a %s claim that contradicts the credential is refused', async (claim, change, code) => {
    const payload = claims();
    change(payload.vc as Record<string, unknown>);
    const result = await verifyLegacyVcJwt(sign(payload), OPTIONS);
    expect(codeOf(result)).toBe(code);
    expect(result.checks.at(-1)).toEqual({ name: 'jwt-decoding', ok: false, code });
    if (!result.verified && code === 'W3C_LEGACY_JWT_CLAIM_MISMATCH') {
      // Names the claim, never its value.
      expect(result.error.message).not.toContain('did:example');
      expect(result.error.message).not.toContain('urn:uuid');
    }
    expect(claim).toBeTruthy();
  });

  test.each([
    ['a string', 'not a credential'],
    ['an array', [{ type: ['VerifiableCredential'] }]],
    ['null', null],
  ])('a vc claim that is %s is refused with W3C_LEGACY_JWT_INVALID', async (_name, vc) => {
    const payload = { ...claims(), vc };
    expect(codeOf(await verifyLegacyVcJwt(sign(payload), OPTIONS))).toBe('W3C_LEGACY_JWT_INVALID');
  });

  test('the vc claim must start with the VCDM 1.1 context, include VerifiableCredential and have a subject', async () => {
    const v2 = claims();
    (v2.vc as Record<string, unknown>)['@context'] = ['https://www.w3.org/ns/credentials/v2'];
    expect(codeOf(await verifyLegacyVcJwt(sign(v2), OPTIONS))).toBe('W3C_CONTEXT_INVALID');
    const untyped = claims();
    (untyped.vc as Record<string, unknown>).type = ['EmploymentCredential'];
    expect(codeOf(await verifyLegacyVcJwt(sign(untyped), OPTIONS))).toBe('W3C_TYPE_INVALID');
    const noSubject = claims();
    delete (noSubject.vc as Record<string, unknown>).credentialSubject;
    expect(codeOf(await verifyLegacyVcJwt(sign(noSubject), OPTIONS))).toBe('W3C_SUBJECT_INVALID');
  });

  test('issuanceDate is required: no nbf and no vc.issuanceDate is refused', async () => {
    const payload = claims();
    delete payload.nbf;
    expect(codeOf(await verifyLegacyVcJwt(sign(payload), OPTIONS))).toBe('W3C_DATE_INVALID');
  });

  test('a vc date without a time zone is refused', async () => {
    const payload = claims();
    delete payload.nbf;
    (payload.vc as Record<string, unknown>).issuanceDate = '2026-06-01T08:00:00';
    expect(codeOf(await verifyLegacyVcJwt(sign(payload), OPTIONS))).toBe('W3C_DATE_INVALID');
  });
});

describe('signature and algorithms', () => {
  test('a tampered payload is refused with JWS_SIGNATURE_INVALID', async () => {
    const token = sign(claims());
    const [h, , s] = token.split('.');
    const forged = { ...claims(), sub: 'did:example:impostor' };
    const tampered = `${h}.${encodeBase64Url(JSON.stringify(forged))}.${s}`;
    const result = await verifyLegacyVcJwt(tampered, OPTIONS);
    expect(codeOf(result)).toBe('JWS_SIGNATURE_INVALID');
    expect(result.checks.at(-1)?.name).toBe('signature');
  });

  test('a credential signed by another key than the issuer DID is refused', async () => {
    const token = sign(claims(), createSigner(OTHER_P256_KEY), {});
    // P-256 signature with iss a did:key Ed25519: no assertion key of the issuer for ES256.
    expect(codeOf(await verifyLegacyVcJwt(token, OPTIONS))).toBe('W3C_KEY_NOT_FOUND');
  });

  test('ES256 from a did:jwk P-256 issuer verifies', async () => {
    const result = await verifyLegacyVcJwt(sign(claims(P256_ISSUER), p256Signer), OPTIONS);
    expect(codeOf(result)).toBeUndefined();
  });

  test('ES256K (Veramo Secp256k1 keys) is refused with W3C_LEGACY_JWT_ALG_UNSUPPORTED', async () => {
    const result = await verifyLegacyVcJwt(rawToken({ alg: 'ES256K', typ: 'JWT' }, claims()), OPTIONS);
    expect(codeOf(result)).toBe('W3C_LEGACY_JWT_ALG_UNSUPPORTED');
    if (!result.verified)
      expect(result.checks).toEqual([{ name: 'header', ok: false, code: 'W3C_LEGACY_JWT_ALG_UNSUPPORTED' }]);
  });

  test.each(['none', 'HS256'])('alg %s is refused with JWS_ALG_NOT_ALLOWED', async (alg) => {
    expect(codeOf(await verifyLegacyVcJwt(rawToken({ alg, typ: 'JWT' }, claims()), OPTIONS))).toBe(
      'JWS_ALG_NOT_ALLOWED',
    );
  });

  test('an algorithm outside the verifier policy is refused', async () => {
    const result = await verifyLegacyVcJwt(sign(claims()), { ...OPTIONS, algorithms: ['ES256'] });
    expect(codeOf(result)).toBe('JWS_ALG_NOT_ALLOWED');
  });

  test('a header alg that is not the key type algorithm is refused', async () => {
    const token = rawToken({ alg: 'ES256', typ: 'JWT', kid: `${ISSUER}#${ISSUER.slice(8)}` }, claims());
    expect(codeOf(await verifyLegacyVcJwt(token, OPTIONS))).toBe('DID_KEY_ALG_MISMATCH');
  });

  test('typ may be absent or JWT; vc+jwt (VCDM 2.0) is refused', async () => {
    const untyped = signJwsSync(claims(), { signer: edSigner });
    expect(codeOf(await verifyLegacyVcJwt(untyped, OPTIONS))).toBeUndefined();
    const v2Typed = signJwsSync(claims(), { signer: edSigner, typ: 'vc+jwt' });
    expect(codeOf(await verifyLegacyVcJwt(v2Typed, OPTIONS))).toBe('JWS_TYP_MISMATCH');
  });

  test('a key carried in the header is never used', async () => {
    const token = sign(claims(), edSigner, { jwk: toPublicJwk(ED_KEY) });
    expect(codeOf(await verifyLegacyVcJwt(token, OPTIONS))).toBe('JWS_HEADER_KEY_NOT_ALLOWED');
  });
});

describe('issuer trust and key', () => {
  test('an issuer not in trustedIssuers is refused before its DID is resolved', async () => {
    const result = await verifyLegacyVcJwt(sign(claims()), { ...OPTIONS, trustedIssuers: [P256_ISSUER] });
    expect(codeOf(result)).toBe('W3C_ISSUER_UNTRUSTED');
    expect(result.checks.map((c) => c.name)).toEqual(['header', 'issuer']);
  });

  test('trust is exact: a prefix of a trusted DID does not match', async () => {
    const result = await verifyLegacyVcJwt(sign(claims()), {
      ...OPTIONS,
      trustedIssuers: [ISSUER.slice(0, -1)],
    });
    expect(codeOf(result)).toBe('W3C_ISSUER_UNTRUSTED');
  });

  test('a kid that is a DID URL of the issuer under assertionMethod verifies', async () => {
    const token = sign(claims(WEB_DID), p256Signer, { kid: `${WEB_DID}#sign-1` });
    expect(codeOf(await verifyLegacyVcJwt(token, OPTIONS))).toBeUndefined();
    const relative = sign(claims(WEB_DID), p256Signer, { kid: '#sign-1' });
    expect(codeOf(await verifyLegacyVcJwt(relative, OPTIONS))).toBeUndefined();
  });

  test('a kid not under assertionMethod (an authentication key) is refused', async () => {
    const token = sign(claims(WEB_DID), edSigner, { kid: `${WEB_DID}#auth` });
    expect(codeOf(await verifyLegacyVcJwt(token, OPTIONS))).toBe('DID_VERIFICATION_RELATIONSHIP_MISSING');
  });

  test('a kid of another DID is refused, whatever that DID says', async () => {
    const token = sign(claims(WEB_DID), p256Signer, { kid: `${P256_ISSUER}#0` });
    expect(codeOf(await verifyLegacyVcJwt(token, OPTIONS))).toBe('W3C_KEY_NOT_FOUND');
  });

  test('without a kid, an issuer with two assertion keys for the algorithm is refused', async () => {
    const token = sign(claims(WEB_DID), p256Signer);
    expect(codeOf(await verifyLegacyVcJwt(token, OPTIONS))).toBe('W3C_KEY_NOT_FOUND');
  });

  test('without a kid, an issuer with no assertion key for the algorithm is refused', async () => {
    const token = sign(claims(WEB_DID), edSigner);
    expect(codeOf(await verifyLegacyVcJwt(token, OPTIONS))).toBe('W3C_KEY_NOT_FOUND');
  });

  test('a non-DID issuer is refused', async () => {
    const token = sign(claims('https://employer.example'));
    const result = await verifyLegacyVcJwt(token, {
      ...OPTIONS,
      trustedIssuers: ['https://employer.example'],
    });
    expect(codeOf(result)).toBe('W3C_KEY_NOT_FOUND');
  });
});

describe('validity period, audience and status', () => {
  test('an expired credential is refused, within the clock skew it is not', async () => {
    const payload = { ...claims(), exp: NOW - 61 };
    expect(codeOf(await verifyLegacyVcJwt(sign(payload), OPTIONS))).toBe('W3C_EXPIRED');
    const withinSkew = { ...claims(), exp: NOW - 59 };
    expect(codeOf(await verifyLegacyVcJwt(sign(withinSkew), OPTIONS))).toBeUndefined();
  });

  test('a credential whose nbf is in the future is refused', async () => {
    const payload = { ...claims(), nbf: NOW + 3600 };
    expect(codeOf(await verifyLegacyVcJwt(sign(payload), OPTIONS))).toBe('W3C_NOT_YET_VALID');
  });

  test('dates carried only in vc are checked too', async () => {
    const future = claims();
    delete future.nbf;
    (future.vc as Record<string, unknown>).issuanceDate = '2026-06-01T10:00:00Z';
    expect(codeOf(await verifyLegacyVcJwt(sign(future), OPTIONS))).toBe('W3C_NOT_YET_VALID');
    const expired = claims();
    delete expired.exp;
    (expired.vc as Record<string, unknown>).expirationDate = '2026-06-01T08:00:00Z';
    expect(codeOf(await verifyLegacyVcJwt(sign(expired), OPTIONS))).toBe('W3C_EXPIRED');
  });

  test('vcdm1.1 §4.2: an id that is not a string (credential or subject) is refused even without jti/sub', async () => {
    const badId = claims();
    delete badId.jti;
    (badId.vc as Record<string, unknown>).id = { x: 1 };
    expect(codeOf(await verifyLegacyVcJwt(sign(badId), OPTIONS))).toBe('W3C_LEGACY_JWT_INVALID');
    const badSubject = claims();
    delete badSubject.sub;
    (badSubject.vc as Record<string, unknown>).credentialSubject = { id: 42, role: 'welder' };
    expect(codeOf(await verifyLegacyVcJwt(sign(badSubject), OPTIONS))).toBe('W3C_SUBJECT_INVALID');
  });

  test('rfc7519 §2: a NumericDate beyond what a date can hold is W3C_LEGACY_JWT_INVALID, not an internal error', async () => {
    for (const name of ['nbf', 'exp']) {
      const payload = { ...claims(), [name]: 9e12 };
      expect(codeOf(await verifyLegacyVcJwt(sign(payload), OPTIONS)), name).toBe('W3C_LEGACY_JWT_INVALID');
    }
  });

  test('an iat in the future is refused; a broken clock keeps its own code', async () => {
    const payload = { ...claims(), iat: NOW + 3600 };
    expect(codeOf(await verifyLegacyVcJwt(sign(payload), OPTIONS))).toBe('W3C_LEGACY_JWT_INVALID');
    const broken = { now: () => Number.NaN, skewSeconds: 60 };
    expect(codeOf(await verifyLegacyVcJwt(sign(claims()), { ...OPTIONS, clock: broken }))).toBe(
      'CLOCK_INVALID',
    );
  });

  test('a credential addressed to an audience is refused unless this verifier is it', async () => {
    const payload = { ...claims(), aud: 'https://inspection.example' };
    expect(codeOf(await verifyLegacyVcJwt(sign(payload), OPTIONS))).toBe('W3C_AUDIENCE_MISMATCH');
    const result = await verifyLegacyVcJwt(sign(payload), {
      ...OPTIONS,
      audience: 'https://inspection.example',
    });
    expect(codeOf(result)).toBeUndefined();
  });

  test('a credentialStatus needs an explicit policy: none fails closed, a checker is called', async () => {
    const payload = claims();
    const entry = { id: 'https://status.example/1#94567', type: 'StatusList2021Entry' };
    (payload.vc as Record<string, unknown>).credentialStatus = entry;
    const token = sign(payload);
    expect(codeOf(await verifyLegacyVcJwt(token, OPTIONS))).toBe('W3C_STATUS_UNCHECKED');
    const unchecked = await verifyLegacyVcJwt(token, { ...OPTIONS, status: 'unchecked' });
    expect(unchecked.verified && unchecked.status).toBe('unchecked');
    const seen: unknown[] = [];
    const checked = await verifyLegacyVcJwt(token, { ...OPTIONS, status: (e) => void seen.push(e) });
    expect(checked.verified && checked.status).toBe('checked');
    expect(seen).toEqual([entry]);
  });
});

test('malformed input never throws', async () => {
  for (const input of [undefined, 42, '', 'a.b', 'a.b.c.d', `${sign(claims())}~`]) {
    const result = await verifyLegacyVcJwt(input, OPTIONS);
    expect(result.verified).toBe(false);
  }
});
