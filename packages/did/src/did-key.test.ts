import { describe, expect, test } from 'vitest';
import { encodeBase58Btc } from './base58.js';
import { createDidKey, resolveDidKey } from './did-key.js';
import {
  ED25519_DID_KEY,
  ED25519_JWK,
  P256_DID_KEY,
  P256_JWK,
  P384_DID_KEY,
  P384_JWK,
  SPEC_ED25519_DID_KEY,
  SPEC_ED25519_JWK,
  SPEC_P256_DID_KEY,
  SPEC_P256_JWK,
} from './fixtures/keys.js';
import { DID_MAX_LENGTH } from './limits.js';
import { decodeMultikey } from './multikey.js';

/** The error `fn` throws; fails the test when it throws nothing (an assertion inside `try` would be caught). */
function thrownBy(fn: () => unknown): unknown {
  let error: unknown;
  let threw = false;
  try {
    fn();
  } catch (e) {
    threw = true;
    error = e;
  }
  expect(threw, 'expected a throw').toBe(true);
  return error;
}

const hex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));
const didKeyOf = (...parts: Uint8Array[]) =>
  `did:key:z${encodeBase58Btc(Uint8Array.from(parts.flatMap((p) => [...p])))}`;
// An x coordinate with no y on P-256 (x³ − 3x + b has no square root mod p).
const OFF_CURVE_X = hex('0487d80aeb87d2b5a346e3e54e9729e4844f246910f7e2954bc01b940bfd128d');

describe('did:key spec, test vectors', () => {
  test('Ed25519 vector z6MkhaXg… decodes to its published key and back', () => {
    expect(decodeMultikey(SPEC_ED25519_DID_KEY.slice(8))).toEqual(SPEC_ED25519_JWK);
    expect(createDidKey(SPEC_ED25519_JWK)).toBe(SPEC_ED25519_DID_KEY);
  });

  test('P-256 vector zDnaerDa… decodes to its published key and back (compressed point)', () => {
    expect(decodeMultikey(SPEC_P256_DID_KEY.slice(8))).toEqual(SPEC_P256_JWK);
    expect(createDidKey(SPEC_P256_JWK)).toBe(SPEC_P256_DID_KEY);
  });

  test.each([
    ['Ed25519', ED25519_JWK, ED25519_DID_KEY, 'z6Mk'],
    ['P-256', P256_JWK, P256_DID_KEY, 'zDn'],
    ['P-384', P384_JWK, P384_DID_KEY, 'z82'],
  ])('Create: %s key round-trips through did:key', (_name, jwk, did, prefix) => {
    expect(createDidKey(jwk)).toBe(did);
    expect(did.startsWith(`did:key:${prefix}`)).toBe(true);
    expect(decodeMultikey(did.slice(8))).toEqual({
      kty: jwk.kty,
      crv: jwk.crv,
      x: jwk.x,
      ...(jwk.y ? { y: jwk.y } : {}),
    });
  });

  test('Create refuses a private JWK', () => {
    expect(() => createDidKey({ ...P256_JWK, d: 'AAAA' } as never)).toThrow(
      expect.objectContaining({ code: 'JWK_PRIVATE_KEY_NOT_ALLOWED' }),
    );
  });
});

describe('did:key spec, Document Creation Algorithm', () => {
  test('one Multikey verification method #<multibase>, controlled by the DID, under the four signing relationships', () => {
    const doc = resolveDidKey(SPEC_ED25519_DID_KEY);
    const mb = SPEC_ED25519_DID_KEY.slice(8);
    const vmId = `${SPEC_ED25519_DID_KEY}#${mb}`;
    expect(doc).toEqual({
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: SPEC_ED25519_DID_KEY,
      verificationMethod: [
        { id: vmId, type: 'Multikey', controller: SPEC_ED25519_DID_KEY, publicKeyMultibase: mb },
      ],
      authentication: [vmId],
      assertionMethod: [vmId],
      capabilityInvocation: [vmId],
      capabilityDelegation: [vmId],
    });
    expect(doc.keyAgreement).toBeUndefined();
    expect(Object.isFrozen(doc.verificationMethod?.[0])).toBe(true);
  });
});

describe('did:key spec, Decode Public Key Algorithm (DID Resolution invalidDid / invalidPublicKey)', () => {
  test.each([
    ['secp256k1-pub 0xe7', didKeyOf(hex('e701'), new Uint8Array(33).fill(2))],
    ['x25519-pub 0xec', didKeyOf(hex('ec01'), new Uint8Array(32).fill(9))],
    ['bls12_381-g2-pub 0xeb', didKeyOf(hex('eb01'), new Uint8Array(96).fill(1))],
    ['a non-minimal varint for 0xed', didKeyOf(hex('ed8100'), new Uint8Array(32).fill(9))],
    ['no codec at all', didKeyOf(hex('ed'))],
  ])('rejects unknown multicodec (%s) with DID_INVALID', (_name, did) => {
    expect(() => resolveDidKey(did)).toThrow(expect.objectContaining({ code: 'DID_INVALID' }));
  });

  test.each([
    ['Ed25519 with 31 bytes', didKeyOf(hex('ed01'), new Uint8Array(31).fill(7))],
    ['Ed25519 with 33 bytes', didKeyOf(hex('ed01'), new Uint8Array(33).fill(7))],
    ['P-256 with 32 bytes', didKeyOf(hex('8024'), hex('02'), new Uint8Array(31).fill(7))],
    ['P-256 uncompressed (65 bytes)', didKeyOf(hex('8024'), hex('04'), new Uint8Array(64).fill(7))],
    ['P-384 with 33 bytes', didKeyOf(hex('8124'), hex('02'), new Uint8Array(32).fill(7))],
  ])('rejects a wrong key length (%s) with DID_INVALID_PUBLIC_KEY (invalidPublicKeyLength)', (_name, did) => {
    expect(() => resolveDidKey(did)).toThrow(
      expect.objectContaining({
        code: 'DID_INVALID_PUBLIC_KEY',
        details: expect.objectContaining({ expectedLength: expect.any(Number) }),
      }),
    );
  });

  test('rejects a P-256 point not on the curve with DID_INVALID_PUBLIC_KEY', () => {
    for (const prefix of ['02', '03']) {
      expect(() => resolveDidKey(didKeyOf(hex('8024'), hex(prefix), OFF_CURVE_X))).toThrow(
        expect.objectContaining({ code: 'DID_INVALID_PUBLIC_KEY' }),
      );
    }
  });

  test('rejects a P-256 point with prefix 0x04 in compressed length', () => {
    const [, ...x] = [...hex(`02${Buffer.from(P256_JWK.x, 'base64url').toString('hex')}`)];
    expect(() => resolveDidKey(didKeyOf(hex('8024'), hex('04'), Uint8Array.from(x)))).toThrow(
      expect.objectContaining({ code: 'DID_INVALID_PUBLIC_KEY' }),
    );
  });

  test.each([
    ['another multibase (base16 "f")', `did:key:fed01${'00'.repeat(32)}`],
    ['a non-base58 character', `${SPEC_ED25519_DID_KEY.slice(0, 20)}0${SPEC_ED25519_DID_KEY.slice(21)}`],
    ['a version segment', `did:key:1:${SPEC_ED25519_DID_KEY.slice(8)}`],
    ['a fragment', `${SPEC_ED25519_DID_KEY}#x`],
    ['an empty identifier', 'did:key:'],
    ['another method', 'did:jwk:z6Mk'],
  ])('Format: rejects %s with DID_INVALID', (_name, did) => {
    expect(() => resolveDidKey(did)).toThrow(expect.objectContaining({ code: 'DID_INVALID' }));
  });

  test('error messages and details never carry the DID or its key', () => {
    const did = didKeyOf(hex('8024'), hex('02'), OFF_CURVE_X);
    const error = thrownBy(() => resolveDidKey(did));
    expect(error).toMatchObject({ code: 'DID_INVALID_PUBLIC_KEY' });
    const text = JSON.stringify(error) + String((error as Error).message);
    expect(text).not.toContain('did:key:z');
    expect(text).not.toContain(did.slice(8));
    expect(text).not.toContain(Buffer.from(OFF_CURVE_X).toString('base64url'));
  });

  test('DID_MAX_LENGTH: an oversized did:key is refused before any parsing, with the limit in details', () => {
    const error = thrownBy(() => resolveDidKey(`did:key:z${'1'.repeat(DID_MAX_LENGTH)}`));
    expect(error).toMatchObject({ code: 'DID_INVALID', details: { maxLength: DID_MAX_LENGTH } });
  });
});
