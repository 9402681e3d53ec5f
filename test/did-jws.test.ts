import {
  createSigner,
  generateKeyPair,
  type JwsHeader,
  signJwsSync,
  toPublicJwk,
  verifyJwsAsync,
} from '@haven/core';
import { createDidJwk, createDidKey, createDidResolver } from '@haven/did';
import { describe, expect, test } from 'vitest';
import { ALGORITHMS, FIXED_KEYS, rejectionCode } from './fixtures.js';

const resolver = createDidResolver();
const keyFromKid = (relationship: 'assertionMethod' | 'authentication') => async (header: JwsHeader) =>
  (await resolver.resolveKey(String(header.kid), { relationship, alg: header.alg })).key;

describe('JWS verified with keys resolved from DIDs (core + did)', () => {
  test.each(ALGORITHMS)('%s: a token signed under a did:jwk verifies through resolveKey', async (alg) => {
    const did = createDidJwk(toPublicJwk(FIXED_KEYS[alg]));
    const token = signJwsSync(
      { iss: did },
      { signer: createSigner(FIXED_KEYS[alg], { kid: `${did}#0` }), typ: 'JWT' },
    );
    const { payload } = await verifyJwsAsync(token, {
      algorithms: ALGORITHMS,
      typ: 'JWT',
      key: keyFromKid('assertionMethod'),
    });
    expect(payload).toEqual({ iss: did });
  });

  test('a did:key (Ed25519) issuer verifies, and its key cannot be claimed by a P-256 signature', async () => {
    const did = createDidKey(toPublicJwk(FIXED_KEYS.EdDSA));
    const kid = `${did}#${did.slice('did:key:'.length)}`;
    const good = signJwsSync({ n: 1 }, { signer: createSigner(FIXED_KEYS.EdDSA, { kid }), typ: 'JWT' });
    expect(
      (await verifyJwsAsync(good, { algorithms: ALGORITHMS, typ: 'JWT', key: keyFromKid('assertionMethod') }))
        .payload,
    ).toEqual({ n: 1 });
    // Same kid, but signed with another key type: the header alg no longer matches the DID's key.
    const forged = signJwsSync({ n: 1 }, { signer: createSigner(FIXED_KEYS.ES256, { kid }), typ: 'JWT' });
    expect(
      await rejectionCode(
        verifyJwsAsync(forged, { algorithms: ALGORITHMS, typ: 'JWT', key: keyFromKid('assertionMethod') }),
      ),
    ).toBe('DID_KEY_ALG_MISMATCH');
  });

  test('did:jwk spec: a key marked use "enc" cannot sign as assertionMethod', async () => {
    const did = createDidJwk({ ...toPublicJwk(FIXED_KEYS.ES256), use: 'enc' });
    const token = signJwsSync(
      { n: 1 },
      { signer: createSigner(FIXED_KEYS.ES256, { kid: `${did}#0` }), typ: 'JWT' },
    );
    expect(
      await rejectionCode(
        verifyJwsAsync(token, { algorithms: ['ES256'], typ: 'JWT', key: keyFromKid('assertionMethod') }),
      ),
    ).toBe('DID_VERIFICATION_RELATIONSHIP_MISSING');
  });

  test("another key signing under a victim's kid fails the signature check", async () => {
    const victim = createDidJwk(toPublicJwk(FIXED_KEYS.ES256));
    const attacker = createSigner(generateKeyPair('ES256').privateJwk, { kid: `${victim}#0` });
    const token = signJwsSync({ iss: victim }, { signer: attacker, typ: 'JWT' });
    expect(
      await rejectionCode(
        verifyJwsAsync(token, { algorithms: ALGORITHMS, typ: 'JWT', key: keyFromKid('assertionMethod') }),
      ),
    ).toBe('JWS_SIGNATURE_INVALID');
  });
});
