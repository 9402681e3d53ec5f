import {
  createSigner,
  decodeBase64Url,
  encodeBase64Url,
  type HavenError,
  hmacSha256Base64Url,
  jwkThumbprint,
  type PrivateJwk,
  signJwsSync,
} from '@haven/core';
import { describe, expect, test } from 'vitest';
import { PROOF_JWT_TYP } from '../constants.js';
import {
  ISSUER,
  KEYS,
  type ProofOptions,
  proofJwt,
  publicOf,
  rawJws,
  T0,
} from '../fixtures/issuer-fixture.js';
import { type VerifyProofJwtOptions, verifyProofJwt } from './verify-proof-jwt.js';

const t = { clock: { now: T0 } };
const OPTIONS: VerifyProofJwtOptions = {
  credentialIssuer: ISSUER,
  algorithms: ['ES256', 'EdDSA'],
  now: T0,
  clockSkewSeconds: 60,
  maxAgeSeconds: 300,
};
const proof = (options: ProofOptions = {}, key: PrivateJwk = KEYS.a) =>
  proofJwt(t, key, { nonce: 'n-1', ...options });

function reason(run: () => unknown): { code: string; reason: unknown } {
  try {
    run();
  } catch (e) {
    const err = e as HavenError;
    return { code: err.code, reason: err.details?.reason };
  }
  throw new Error('expected a failure');
}
const invalid = (token: unknown, options = OPTIONS) => reason(() => verifyProofJwt(token, options));

describe('openid4vci appendix F.1 jwt proof type', () => {
  test('a valid ES256 proof yields the public holder key, the nonce and iat', () => {
    const verified = verifyProofJwt(proof(), OPTIONS);
    expect(verified).toEqual({ holderKey: publicOf(KEYS.a), nonce: 'n-1', iat: T0 });
    expect(verified.holderKey).not.toHaveProperty('d');
  });

  test('a valid EdDSA proof, and an ES384 one when allowed', () => {
    expect(verifyProofJwt(proof({}, KEYS.ed), OPTIONS).holderKey).toEqual(publicOf(KEYS.ed));
    expect(verifyProofJwt(proof({}, KEYS.p384), { ...OPTIONS, algorithms: ['ES384'] }).holderKey).toEqual(
      publicOf(KEYS.p384),
    );
  });

  test('extra members of the header jwk are not carried into the holder key', () => {
    const jwk = { ...publicOf(KEYS.a), use: 'sig', ext: true };
    const token = signJwsSync(
      { aud: ISSUER, iat: T0, nonce: 'n' },
      { signer: createSigner(KEYS.a), typ: PROOF_JWT_TYP, header: { jwk } },
    );
    expect(verifyProofJwt(token, OPTIONS).holderKey).toEqual(publicOf(KEYS.a));
  });

  test('iss, when present, may be a string (the client_id)', () => {
    expect(verifyProofJwt(proof({ iss: 'wallet-1' }), OPTIONS).nonce).toBe('n-1');
  });
});

describe('hostile: typ (appendix F.1, rfc8725 §3.11)', () => {
  test.each([
    ['JWT', 'JWT'],
    ['kb+jwt (a KB-JWT passed as a proof)', 'kb+jwt'],
    [
      'the media type form application/openid4vci-proof+jwt (compared exactly)',
      'application/openid4vci-proof+jwt',
    ],
    ['another case', 'OpenID4VCI-Proof+JWT'],
  ])('OID4VCI_INVALID_PROOF for typ %s', (_name, typ) => {
    expect(invalid(proof({ typ })).code).toBe('OID4VCI_INVALID_PROOF');
  });

  test('OID4VCI_INVALID_PROOF without typ', () => {
    const token = rawJws(
      { alg: 'ES256', jwk: publicOf(KEYS.a) },
      { aud: ISSUER, iat: T0, nonce: 'n' },
      'A'.repeat(86),
    );
    expect(invalid(token).code).toBe('OID4VCI_INVALID_PROOF');
  });
});

describe('hostile: alg (appendix F.4: asymmetric, registered, allowed)', () => {
  const payload = { aud: ISSUER, iat: T0, nonce: 'n' };
  test.each(['none', 'None', 'NONE', ''])(
    'OID4VCI_INVALID_PROOF for alg %j with an empty signature',
    (alg) => {
      const token = rawJws({ alg, typ: PROOF_JWT_TYP, jwk: publicOf(KEYS.a) }, payload);
      expect(invalid(token)).toEqual({
        code: 'OID4VCI_INVALID_PROOF',
        reason: expect.stringMatching(/^JWS_/),
      });
    },
  );

  test('OID4VCI_INVALID_PROOF for HS256 keyed with the public key', () => {
    const header = encodeBase64Url(
      JSON.stringify({ alg: 'HS256', typ: PROOF_JWT_TYP, jwk: publicOf(KEYS.a) }),
    );
    const body = encodeBase64Url(JSON.stringify(payload));
    // The attacker's "secret" is public: the key's 32-byte x coordinate.
    const mac = hmacSha256Base64Url(decodeBase64Url(publicOf(KEYS.a).x), `${header}.${body}`);
    expect(invalid(`${header}.${body}.${mac}`)).toEqual({
      code: 'OID4VCI_INVALID_PROOF',
      reason: 'JWS_ALG_NOT_ALLOWED',
    });
  });

  test('OID4VCI_INVALID_PROOF for an algorithm the configuration does not list (ES384 where ES256/EdDSA are)', () => {
    expect(invalid(proof({}, KEYS.p384))).toEqual({
      code: 'OID4VCI_INVALID_PROOF',
      reason: 'JWS_ALG_NOT_ALLOWED',
    });
  });

  test('OID4VCI_INVALID_PROOF for an alg that does not match the key (EdDSA header over a P-256 jwk)', () => {
    const signed = proof({}, KEYS.ed);
    const [, body, sig] = signed.split('.');
    const header = encodeBase64Url(
      JSON.stringify({ alg: 'EdDSA', typ: PROOF_JWT_TYP, jwk: publicOf(KEYS.a) }),
    );
    expect(invalid(`${header}.${body}.${sig}`).code).toBe('OID4VCI_INVALID_PROOF');
  });
});

describe('hostile: key identification (appendix F.1: exactly one of kid / jwk / x5c; only jwk here)', () => {
  test('OID4VCI_INVALID_PROOF for both kid and jwk', () => {
    expect(invalid(proof({ header: { kid: 'did:example:123#0' } })).code).toBe('OID4VCI_INVALID_PROOF');
  });

  test('OID4VCI_INVALID_PROOF for kid alone', () => {
    expect(invalid(proof({ omit: ['jwk'], header: { kid: 'did:example:123#0' } })).code).toBe(
      'OID4VCI_INVALID_PROOF',
    );
  });

  test('OID4VCI_INVALID_PROOF for x5c (alone or with jwk)', () => {
    expect(invalid(proof({ omit: ['jwk'], header: { x5c: ['MIIB'] } })).code).toBe('OID4VCI_INVALID_PROOF');
    expect(invalid(proof({ header: { x5c: ['MIIB'] } })).code).toBe('OID4VCI_INVALID_PROOF');
  });

  test('OID4VCI_INVALID_PROOF without any key', () => {
    expect(invalid(proof({ omit: ['jwk'] })).code).toBe('OID4VCI_INVALID_PROOF');
  });

  test('OID4VCI_INVALID_PROOF for a jwk with the private d (never accepted, even if it signs)', () => {
    expect(invalid(proof({ header: { jwk: KEYS.a } }))).toEqual({
      code: 'OID4VCI_INVALID_PROOF',
      reason: 'JWK_PRIVATE_KEY_NOT_ALLOWED',
    });
  });

  test('OID4VCI_INVALID_PROOF for a jku or x5u pointing elsewhere (never fetched)', () => {
    expect(invalid(proof({ header: { jku: 'http://169.254.169.254/keys' } })).code).toBe(
      'OID4VCI_INVALID_PROOF',
    );
    expect(invalid(proof({ header: { x5u: 'https://attacker.example/cert' } })).code).toBe(
      'OID4VCI_INVALID_PROOF',
    );
  });

  test('OID4VCI_INVALID_PROOF when the jwk is not the key that signed', () => {
    expect(invalid(proof({ header: { jwk: publicOf(KEYS.b) } }))).toEqual({
      code: 'OID4VCI_INVALID_PROOF',
      reason: 'JWS_SIGNATURE_INVALID',
    });
  });

  test('OID4VCI_INVALID_PROOF for a tampered payload', () => {
    const [h, , s] = proof().split('.');
    const body = encodeBase64Url(JSON.stringify({ aud: ISSUER, iat: T0, nonce: 'other' }));
    expect(invalid(`${h}.${body}.${s}`).code).toBe('OID4VCI_INVALID_PROOF');
  });

  test('OID4VCI_INVALID_PROOF for unknown crit and for b64:false (rfc7515 §4.1.11, rfc7797)', () => {
    expect(invalid(proof({ header: { crit: ['exp'] } })).reason).toBe('JWS_CRIT_UNSUPPORTED');
    expect(invalid(proof({ header: { b64: false } })).reason).toBe('JWS_B64_UNSUPPORTED');
  });
});

describe('hostile: claims (appendix F.1: aud, iat, nonce, iss)', () => {
  test.each([
    ['another issuer', 'https://other.example'],
    ['the issuer with a trailing slash', `${ISSUER}/`],
    ['the issuer in another case', 'https://ISSUER.example'],
    ['two audiences including the issuer', [ISSUER, 'https://other.example']],
    ['an empty array', []],
    ['a number', 1],
  ])('OID4VCI_INVALID_PROOF for aud = %s', (_name, aud) => {
    expect(invalid(proof({ aud })).code).toBe('OID4VCI_INVALID_PROOF');
  });

  test('OID4VCI_INVALID_PROOF without aud', () => {
    expect(invalid(proof({ omit: ['aud'] })).code).toBe('OID4VCI_INVALID_PROOF');
  });

  test('aud as a one-element array holding exactly the issuer is accepted (rfc7519 §4.1.3 form)', () => {
    expect(verifyProofJwt(proof({ aud: [ISSUER] }), OPTIONS).nonce).toBe('n-1');
  });

  test('OID4VCI_INVALID_PROOF without iat, or with a non-numeric iat', () => {
    expect(invalid(proof({ omit: ['iat'] })).reason).toBe('JWT_CLAIM_MISSING');
    expect(invalid(proof({ iat: String(T0) })).reason).toBe('JWT_CLAIM_INVALID');
  });

  test('OID4VCI_INVALID_PROOF for a stale iat (older than proofMaxAgeSeconds + skew)', () => {
    expect(invalid(proof({ iat: T0 - 361 })).reason).toBe('JWT_TOO_OLD');
    expect(verifyProofJwt(proof({ iat: T0 - 360 }), OPTIONS).iat).toBe(T0 - 360);
  });

  test('OID4VCI_INVALID_PROOF for an iat in the future beyond the skew; within it is accepted (§13.5 note)', () => {
    expect(invalid(proof({ iat: T0 + 61 })).reason).toBe('JWT_IAT_IN_FUTURE');
    expect(verifyProofJwt(proof({ iat: T0 + 60 }), OPTIONS).iat).toBe(T0 + 60);
  });

  test('OID4VCI_INVALID_PROOF for an exp that has passed', () => {
    expect(invalid(proof({ claims: { exp: T0 - 61 } })).reason).toBe('JWT_EXPIRED');
  });

  test('§8.3.1.2 invalid_proof: a proof without nonce (the issuer has a Nonce Endpoint)', () => {
    expect(invalid(proof({ omit: ['nonce'] })).code).toBe('OID4VCI_INVALID_PROOF');
  });

  test.each([
    ['empty', ''],
    ['a number', 42],
    ['an object', { n: 1 }],
  ])('OID4VCI_INVALID_PROOF for a nonce that is %s', (_name, nonce) => {
    expect(invalid(proof({ nonce })).code).toBe('OID4VCI_INVALID_PROOF');
  });

  test('OID4VCI_INVALID_PROOF for a non-string iss', () => {
    expect(invalid(proof({ iss: 7 })).code).toBe('OID4VCI_INVALID_PROOF');
  });
});

describe('hostile: malformed input', () => {
  test.each([
    ['not a string', 42],
    ['two parts', 'a.b'],
    ['garbage', '!!!.???.***'],
    ['an oversized token (10 MB)', `${'a'.repeat(10 * 1024 * 1024)}.b.c`],
    [
      'a __proto__ header member',
      rawJws({ alg: 'ES256', typ: PROOF_JWT_TYP, ['__proto__' as string]: {} }, {}, 'AA'),
    ],
  ])('OID4VCI_INVALID_PROOF for %s', (_name, token) => {
    expect(invalid(token).code).toBe('OID4VCI_INVALID_PROOF');
  });

  test('the thumbprint of two proofs by the same key is the same (used to refuse duplicates)', () => {
    const a = verifyProofJwt(proof({ nonce: 'x' }), OPTIONS).holderKey;
    const b = verifyProofJwt(proof({ nonce: 'y' }), OPTIONS).holderKey;
    expect(jwkThumbprint(a)).toBe(jwkThumbprint(b));
  });
});
