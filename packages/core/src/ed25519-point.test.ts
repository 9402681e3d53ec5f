import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { ED25519_B, errorCode, RFC8037_ED25519 } from '../test/fixtures/keys.js';
import { encodeBase64Url } from './base64url.js';
import { ed25519KeyProblem } from './ed25519-point.js';
import { importPublicJwk, toPublicJwk } from './jwk.js';
import { verifyJws } from './jws.js';

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const okp = (x: Uint8Array) => ({ kty: 'OKP' as const, crv: 'Ed25519' as const, x: encodeBase64Url(x) });

// Encodings of the small-order points, including sign-bit and non-canonical (y ≥ p) spellings, as in
// libsodium's blocklist.
const SMALL_ORDER = [
  ['identity (order 1)', '0100000000000000000000000000000000000000000000000000000000000000'],
  ['identity, sign bit set', '0100000000000000000000000000000000000000000000000000000000000080'],
  ['order 2 (y = p-1)', 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'],
  ['order 4 (y = 0)', '0000000000000000000000000000000000000000000000000000000000000000'],
  ['order 4 (y = 0), sign bit set', '0000000000000000000000000000000000000000000000000000000000000080'],
  ['order 8', 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'],
  ['order 8, sign bit set', 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa'],
  ['order 8 (other y)', '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'],
  ['order 8 (other y), sign bit set', '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85'],
] as const;

const NON_CANONICAL = [
  ['y = p (an alias of y = 0)', 'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'],
  ['y = p + 1 (an alias of y = 1)', 'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'],
  ['y = 2^255 - 1', 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'],
] as const;

describe('RFC 8032 §5.1.3: Ed25519 public keys are validated before use', () => {
  test.each(SMALL_ORDER)('hostile input: a small-order key is refused: %s', (_label, encoding) => {
    expect(ed25519KeyProblem(hex(encoding))).toBe('small-order');
    expect(errorCode(() => importPublicJwk(okp(hex(encoding))))).toBe('JWK_INVALID');
  });

  test.each(NON_CANONICAL)('hostile input: a non-canonical encoding is refused: %s', (_label, encoding) => {
    expect(ed25519KeyProblem(hex(encoding))).toBe('non-canonical');
    expect(errorCode(() => importPublicJwk(okp(hex(encoding))))).toBe('JWK_INVALID');
  });

  test('hostile input: a y with no point on the curve (y = 2) is refused', () => {
    const y2 = new Uint8Array(32);
    y2[0] = 2;
    expect(ed25519KeyProblem(y2)).toBe('not-on-curve');
    expect(errorCode(() => importPublicJwk(okp(y2)))).toBe('JWK_INVALID');
  });

  test('real keys pass, with either sign bit where the point exists', () => {
    for (const jwk of [RFC8037_ED25519, ED25519_B]) {
      const bytes = Buffer.from(jwk.x, 'base64url');
      expect(ed25519KeyProblem(bytes)).toBeUndefined();
      const flipped = Uint8Array.from(bytes);
      flipped[31] = (flipped[31] as number) ^ 0x80;
      expect(ed25519KeyProblem(flipped)).toBeUndefined();
      expect(() => importPublicJwk(toPublicJwk(jwk))).not.toThrow();
    }
  });

  test('the identity key really is a forgery risk without the check: node:crypto accepts a fixed signature', () => {
    // Signature R = identity, S = 0 verifies for any message under the identity public key.
    const identity = hex(SMALL_ORDER[0][1]);
    const forged = new Uint8Array(64);
    forged.set(identity, 0);
    const raw = createPublicKey({ key: okp(identity), format: 'jwk' });
    const signingInput = `${encodeBase64Url('{"alg":"EdDSA","typ":"JWT"}')}.${encodeBase64Url('{"iss":"anyone"}')}`;
    expect(verify(null, Buffer.from(signingInput), raw, forged)).toBe(true);
    // …and Haven refuses the key, so the same token does not verify.
    const token = `${signingInput}.${encodeBase64Url(forged)}`;
    expect(errorCode(() => verifyJws(token, { algorithms: ['EdDSA'], typ: 'JWT', key: okp(identity) }))).toBe(
      'JWK_INVALID',
    );
  });
});
