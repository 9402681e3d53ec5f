import { createPublicKey } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  ED25519_B,
  errorCode,
  P256_B,
  P384,
  RFC7515_P256,
  RFC8037_A3_THUMBPRINT,
  RFC8037_ED25519,
} from '../test/fixtures/keys.js';
import {
  algorithmForKey,
  assertPublicJwk,
  exportPrivateJwk,
  exportPublicJwk,
  importPrivateJwk,
  importPublicJwk,
  jwkThumbprint,
  jwkThumbprintUri,
  publicKeyBytes,
  toPublicJwk,
} from './jwk.js';
import { generateKeyPair } from './signer.js';

describe('JWK', () => {
  test('RFC 8037 §A.3 Ed25519 thumbprint', () => {
    expect(jwkThumbprint(toPublicJwk(RFC8037_ED25519))).toBe(RFC8037_A3_THUMBPRINT);
    expect(jwkThumbprintUri(toPublicJwk(RFC8037_ED25519))).toBe(
      `urn:ietf:params:oauth:jwk-thumbprint:sha-256:${RFC8037_A3_THUMBPRINT}`,
    );
  });

  test('RFC 7638 §3: thumbprint ignores optional members and member order', () => {
    const a = toPublicJwk(P256_B);
    const b = { y: a.y, x: a.x, kty: 'EC', crv: 'P-256', kid: 'other', use: 'sig' } as typeof a;
    expect(jwkThumbprint(b)).toBe(jwkThumbprint(a));
    expect(jwkThumbprint(a)).not.toBe(jwkThumbprint(toPublicJwk(P384)));
  });

  test('a private "d" where a public key is expected is rejected', () => {
    expect(errorCode(() => assertPublicJwk(P256_B))).toBe('JWK_PRIVATE_KEY_NOT_ALLOWED');
    expect(errorCode(() => importPublicJwk(ED25519_B))).toBe('JWK_PRIVATE_KEY_NOT_ALLOWED');
  });

  test.each([
    ['RSA', { kty: 'RSA', n: 'AQAB', e: 'AQAB' }, 'JWK_UNSUPPORTED'],
    ['oct (symmetric)', { kty: 'oct', k: 'c2VjcmV0' }, 'JWK_PRIVATE_KEY_NOT_ALLOWED'],
    ['secp256k1', { kty: 'EC', crv: 'secp256k1', x: 'A'.repeat(43), y: 'A'.repeat(43) }, 'JWK_UNSUPPORTED'],
    ['X25519 (not a signing key)', { kty: 'OKP', crv: 'X25519', x: 'A'.repeat(43) }, 'JWK_UNSUPPORTED'],
    ['curve of another key type', { kty: 'OKP', crv: 'P-256', x: 'A'.repeat(43) }, 'JWK_INVALID'],
    ['short x', { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' }, 'JWK_INVALID'],
    ['padded x', { kty: 'OKP', crv: 'Ed25519', x: `${RFC8037_ED25519.x}=` }, 'JWK_INVALID'],
    ['missing y', { kty: 'EC', crv: 'P-256', x: P256_B.x }, 'JWK_INVALID'],
    [
      'y on an OKP key',
      { kty: 'OKP', crv: 'Ed25519', x: RFC8037_ED25519.x, y: RFC8037_ED25519.x },
      'JWK_INVALID',
    ],
    ['alg not matching the key', { ...toPublicJwk(P256_B), alg: 'ES384' }, 'JWS_ALG_KEY_MISMATCH'],
    ['not an object', 'jwk', 'JWK_INVALID'],
  ])('rejects %s', (_label, jwk, code) => {
    expect(errorCode(() => importPublicJwk(jwk))).toBe(code);
  });

  test('hostile input: a P-256 point not on the curve is rejected', () => {
    const offCurve = { ...toPublicJwk(P256_B), y: toPublicJwk(P256_B).x };
    expect(errorCode(() => importPublicJwk(offCurve))).toBe('JWK_INVALID');
  });

  test('a private JWK whose public members belong to another key is rejected', () => {
    expect(errorCode(() => importPrivateJwk({ ...P256_B, x: P384.x.slice(0, 43) }))).toBe('JWK_INVALID');
    expect(errorCode(() => importPrivateJwk({ ...ED25519_B, x: RFC8037_ED25519.x }))).toBe('JWK_INVALID');
    expect(errorCode(() => importPrivateJwk(toPublicJwk(P256_B)))).toBe('JWK_PRIVATE_KEY_REQUIRED');
  });

  test("RFC 7518 §6.2.2: an EC private JWK whose x/y are another key's point is rejected (OpenSSL keeps the given point)", () => {
    for (const alg of ['ES256', 'ES384'] as const) {
      const a = generateKeyPair(alg).privateJwk;
      const b = generateKeyPair(alg).privateJwk;
      expect(() => importPrivateJwk(a)).not.toThrow();
      expect(errorCode(() => importPrivateJwk({ ...b, d: a.d }))).toBe('JWK_INVALID');
    }
    const ed = generateKeyPair('EdDSA').privateJwk;
    expect(errorCode(() => importPrivateJwk({ ...ed, d: generateKeyPair('EdDSA').privateJwk.d }))).toBe(
      'JWK_INVALID',
    );
  });

  test('public KeyObjects are built once per key and cached', () => {
    const a = importPublicJwk(toPublicJwk(P256_B));
    const b = importPublicJwk({ ...toPublicJwk(P256_B), kid: 'another name, same key' });
    expect(a).toBe(b);
    expect(importPublicJwk(toPublicJwk(P384))).not.toBe(a);
  });

  test('the per-object fast path notices a JWK object changed after import', () => {
    const jwk = { ...toPublicJwk(P256_B) };
    const first = importPublicJwk(jwk);
    jwk.x = RFC7515_P256.x;
    jwk.y = RFC7515_P256.y;
    const second = importPublicJwk(jwk);
    expect(second).not.toBe(first);
    expect(second).toBe(importPublicJwk(toPublicJwk(RFC7515_P256)));
    Object.assign(jwk, { d: RFC7515_P256.d });
    expect(errorCode(() => importPublicJwk(jwk))).toBe('JWK_PRIVATE_KEY_NOT_ALLOWED');
  });

  test.each([
    ['ES256', P256_B],
    ['ES384', P384],
    ['EdDSA', ED25519_B],
  ] as const)('%s keys: algorithm binding, export and raw bytes', (alg, jwk) => {
    const priv = importPrivateJwk(jwk);
    expect(algorithmForKey(priv)).toBe(alg);
    expect(algorithmForKey(createPublicKey(priv))).toBe(alg);
    expect(exportPublicJwk(priv)).toEqual(toPublicJwk(jwk));
    expect(exportPrivateJwk(priv)).toEqual(jwk);
    const bytes = publicKeyBytes(toPublicJwk(jwk));
    expect(bytes.length).toBe(jwk.kty === 'OKP' ? 32 : jwk.crv === 'P-256' ? 65 : 97);
  });

  test('generateKeyPair makes distinct keys of each type', () => {
    for (const alg of ['ES256', 'ES384', 'EdDSA'] as const) {
      const a = generateKeyPair(alg);
      const b = generateKeyPair(alg);
      expect(a.publicJwk.x).not.toBe(b.publicJwk.x);
      expect(a.publicJwk).not.toHaveProperty('d');
      expect(algorithmForKey(importPublicJwk(a.publicJwk))).toBe(alg);
    }
  });
});
