import { createPublicKey, createSecretKey } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { importPublicJwk } from './jwk.js';
import { createSigner, generateKeyPair, verifySignature } from './signer.js';

describe('verifySignature (raw signatures for Data Integrity proofs)', () => {
  const data = new TextEncoder().encode('hash data');

  for (const alg of ['EdDSA', 'ES256', 'ES384'] as const) {
    test(`${alg}: a good signature verifies; an edited message, a flipped bit or another key does not`, () => {
      const { privateJwk, publicJwk } = generateKeyPair(alg);
      const key = importPublicJwk(publicJwk);
      const signature = createSigner(privateJwk).sign(data);
      expect(verifySignature(alg, data, signature, key)).toBe(true);
      expect(verifySignature(alg, new TextEncoder().encode('hash datA'), signature, key)).toBe(false);
      const flipped = Uint8Array.from(signature);
      flipped[0] = (flipped[0] as number) ^ 1;
      expect(verifySignature(alg, data, flipped, key)).toBe(false);
      expect(verifySignature(alg, data, signature, importPublicJwk(generateKeyPair(alg).publicJwk))).toBe(
        false,
      );
    });
  }

  test('the algorithm is the key’s own: another alg, a wrong length, a private or secret key are false', () => {
    const { privateJwk, publicJwk } = generateKeyPair('ES256');
    const signature = createSigner(privateJwk).sign(data);
    const key = importPublicJwk(publicJwk);
    expect(verifySignature('EdDSA', data, signature, key)).toBe(false);
    expect(verifySignature('ES256', data, signature.subarray(1), key)).toBe(false);
    expect(verifySignature('ES256', data, signature, createSecretKey(Buffer.alloc(32)))).toBe(false);
    const ed = generateKeyPair('EdDSA');
    const edKey = createPublicKey({ key: { ...ed.publicJwk }, format: 'jwk' });
    expect(verifySignature('EdDSA', data, createSigner(ed.privateJwk).sign(data), edKey)).toBe(true);
  });
});
