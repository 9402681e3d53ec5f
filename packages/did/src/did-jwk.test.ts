import { decodeBase64Url, encodeBase64Url, type PublicJwk } from '@haven/core';
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { createDidJwk, resolveDidJwk } from './did-jwk.js';
import { ED25519_JWK, P256_JWK, P384_JWK } from './fixtures/keys.js';
import { DID_MAX_LENGTH } from './limits.js';

// Spy on core's decoder (calling through) to prove size caps are applied before any decoding.
vi.mock('@haven/core', async (importOriginal) => {
  const core = await importOriginal<typeof import('@haven/core')>();
  return { ...core, decodeBase64Url: vi.fn(core.decodeBase64Url) };
});
const decodeSpy = vi.mocked(decodeBase64Url);
beforeEach(() => {
  decodeSpy.mockClear();
});

const didJwkOf = (json: string) => `did:jwk:${encodeBase64Url(json)}`;
// The P-256 example of the did:jwk spec ("Examples"), byte for byte.
const SPEC_P256_DID_JWK =
  'did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9';
const SIGNING = [
  'assertionMethod',
  'authentication',
  'capabilityInvocation',
  'capabilityDelegation',
] as const;

describe('did:jwk spec, Create', () => {
  test('the spec P-256 example is reproduced exactly (sorted members, no whitespace)', () => {
    const jwk = resolveDidJwk(SPEC_P256_DID_JWK).verificationMethod?.[0]?.publicKeyJwk;
    expect(jwk).toEqual({
      crv: 'P-256',
      kty: 'EC',
      x: 'acbIQiuMs3i8_uszEjJ2tpTtRM4EU3yz91PH6CdH2V0',
      y: '_KcyLj9vWMptnmKtm46GqDz8wf74I5LKgrl2GzH3nSE',
    });
    expect(createDidJwk({ ...(jwk as PublicJwk), kid: 'dropped' })).toBe(SPEC_P256_DID_JWK);
  });

  test.each([
    ['P-256', P256_JWK],
    ['P-384', P384_JWK],
    ['Ed25519', ED25519_JWK],
  ])('round trip for %s', (_name, jwk) => {
    const did = createDidJwk(jwk);
    const doc = resolveDidJwk(did);
    expect(doc.id).toBe(did);
    expect(doc.verificationMethod).toEqual([
      { id: `${did}#0`, type: 'JsonWebKey2020', controller: did, publicKeyJwk: jwk },
    ]);
  });

  test('refuses a private JWK', () => {
    expect(() => createDidJwk({ ...P256_JWK, d: 'AAAA' } as never)).toThrow(
      expect.objectContaining({ code: 'JWK_PRIVATE_KEY_NOT_ALLOWED' }),
    );
  });
});

describe('did:jwk spec, Read (Resolve)', () => {
  test('without "use": #0 under all five relationships, incl. keyAgreement', () => {
    const did = createDidJwk(P256_JWK);
    const doc = resolveDidJwk(did);
    for (const rel of [...SIGNING, 'keyAgreement'] as const) expect(doc[rel]).toEqual([`${did}#0`]);
    expect(doc['@context']).toEqual([
      'https://www.w3.org/ns/did/v1',
      'https://w3id.org/security/suites/jws-2020/v1',
    ]);
  });

  test('"use": "sig" → keyAgreement is not included', () => {
    const did = createDidJwk({ ...P256_JWK, use: 'sig' });
    const doc = resolveDidJwk(did);
    expect(doc.keyAgreement).toBeUndefined();
    for (const rel of SIGNING) expect(doc[rel]).toEqual([`${did}#0`]);
  });

  test('"use": "enc" → only keyAgreement is included', () => {
    const did = createDidJwk({ ...P256_JWK, use: 'enc' });
    const doc = resolveDidJwk(did);
    expect(doc.keyAgreement).toEqual([`${did}#0`]);
    for (const rel of SIGNING) expect(doc[rel]).toBeUndefined();
  });

  test.each([
    ['another "use"', didJwkOf(JSON.stringify({ ...P256_JWK, use: 'wrap' }))],
    ['Ed25519 marked "enc" (RFC 8037 §3.1)', didJwkOf(JSON.stringify({ ...ED25519_JWK, use: 'enc' }))],
    [
      'a private key "d"',
      didJwkOf(JSON.stringify({ ...P256_JWK, d: 'AYwQfbsf5Vuga6kXTeu5vCUXEYrYIBZA2jkRFcumkgk' })),
    ],
    ['an unsupported key type (RSA)', didJwkOf(JSON.stringify({ kty: 'RSA', n: 'AQAB', e: 'AQAB' }))],
    ['a point not on the curve', didJwkOf(JSON.stringify({ ...P256_JWK, y: P256_JWK.x }))],
    ['a short coordinate', didJwkOf(JSON.stringify({ ...P256_JWK, x: 'AAAA' }))],
  ])('rejects %s with DID_INVALID_PUBLIC_KEY', (_name, did) => {
    expect(() => resolveDidJwk(did)).toThrow(expect.objectContaining({ code: 'DID_INVALID_PUBLIC_KEY' }));
  });

  test('a private key is reported with the core cause JWK_PRIVATE_KEY_NOT_ALLOWED', () => {
    const did = didJwkOf(JSON.stringify({ ...P256_JWK, d: 'AYwQfbsf5Vuga6kXTeu5vCUXEYrYIBZA2jkRFcumkgk' }));
    expect(() => resolveDidJwk(did)).toThrow(
      expect.objectContaining({ details: { causeCode: 'JWK_PRIVATE_KEY_NOT_ALLOWED' } }),
    );
  });

  test.each([
    ['padded base64url', `${createDidJwk(P256_JWK)}=`],
    ['standard base64 characters', createDidJwk(P256_JWK).replace('eyJ', 'ey+')],
    ['not JSON', didJwkOf('{"kty":')],
    ['a JSON array', didJwkOf('[1]')],
    ['duplicate members', didJwkOf(JSON.stringify(P256_JWK).replace('{', '{"kty":"OKP",'))],
    ['a __proto__ member', didJwkOf(JSON.stringify(P256_JWK).replace('{', '{"__proto__":{},'))],
    ['an oversized JWK', didJwkOf(JSON.stringify({ ...P256_JWK, pad: 'a'.repeat(3000) }))],
    ['an empty identifier', 'did:jwk:'],
  ])('rejects %s with DID_INVALID', (_name, did) => {
    expect(() => resolveDidJwk(did)).toThrow(expect.objectContaining({ code: 'DID_INVALID' }));
  });
});

describe('size caps, before decoding (a hostile DID must not cost memory)', () => {
  /** A JWK cap of 2048 bytes is ceil(2048 × 4 / 3) = 2731 base64url characters. */
  const MAX_ENCODED = 2731;

  test('DID_MAX_LENGTH: a 50 MB did:jwk is refused without being decoded', () => {
    expect(() => resolveDidJwk(`did:jwk:${'A'.repeat(5e7)}`)).toThrow(
      expect.objectContaining({ code: 'DID_INVALID', details: { maxLength: DID_MAX_LENGTH } }),
    );
    expect(decodeSpy).not.toHaveBeenCalled();
  });

  test('the 2048-byte JWK cap is judged on the encoded length: one character over is not decoded', () => {
    expect(() => resolveDidJwk(`did:jwk:${'A'.repeat(MAX_ENCODED + 1)}`)).toThrow(
      expect.objectContaining({ code: 'DID_INVALID', details: { maxLength: MAX_ENCODED } }),
    );
    expect(decodeSpy).not.toHaveBeenCalled();
  });

  test('an identifier at the encoded cap is still decoded (and then judged as JSON)', () => {
    expect(() => resolveDidJwk(`did:jwk:${'A'.repeat(MAX_ENCODED)}`)).toThrow(
      expect.objectContaining({ code: 'DID_INVALID', details: { causeCode: 'JSON_INVALID' } }),
    );
    expect(decodeSpy).toHaveBeenCalledTimes(1);
  });
});
