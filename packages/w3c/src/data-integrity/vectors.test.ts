import { readFileSync } from 'node:fs';
import { createSigner, digest, encodeBase64Url, fixedClock, type PrivateJwk } from '@haven/core';
import { decodeBase58Btc, decodeMultikey, encodeBase58Btc } from '@haven/did';
import { describe, expect, test } from 'vitest';
import { CLOCK, DIDS } from '../../test/fixtures/credentials.js';
import { createDocumentLoader } from '../contexts/document-loader.js';
import { EXAMPLES_V2_CONTEXT } from '../contexts/examples-v2.js';
import { parseCredential } from '../model/credential.js';
import { canonizeRdfc } from './canonize.js';
import { addDataIntegrityProof } from './issue-credential.js';
import { eddsaRdfc2022Cryptosuite } from './library.js';
import { proofConfigNQuads } from './proof-config-nquads.js';
import { verifyDataIntegrityCredential } from './verify-credential.js';

// W3C vc-di-eddsa TestVectors for eddsa-rdfc-2022, copied from /work/shared/vectors/eddsa-rdfc-2022.
const DIR = new URL('../../test/fixtures/eddsa-rdfc-2022/', import.meta.url);
const text = (name: string) => readFileSync(new URL(name, DIR), 'utf8');
const json = (name: string) => JSON.parse(text(name)) as Record<string, unknown>;

const keyPair = json('keyPair.json') as { publicKeyMultibase: string; privateKeyMultibase: string };
const signed = json('signedDataInt.json');
const proof = signed.proof as Record<string, string>;
const VM = proof.verificationMethod as string;
const VECTOR_ISSUER = 'https://vc.example/issuers/5678';

/**
 * The vector's private key: multibase base58btc of the ed25519-priv multicodec (0x1300, varint 0x80 0x26)
 * and the 32-byte seed — a form @digitalbazaar/ed25519-multikey's `from` does not take.
 */
function vectorPrivateJwk(): PrivateJwk {
  const bytes = decodeBase58Btc(keyPair.privateKeyMultibase.slice(1));
  expect([...bytes.subarray(0, 2)]).toEqual([0x80, 0x26]);
  expect(bytes.length).toBe(34);
  const publicJwk = decodeMultikey(keyPair.publicKeyMultibase);
  return { kty: 'OKP', crv: 'Ed25519', x: publicJwk.x, d: encodeBase64Url(bytes.subarray(2)) };
}

const loader = createDocumentLoader({ dids: DIDS, contexts: [EXAMPLES_V2_CONTEXT] });
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('vc-di-eddsa test vectors (eddsa-rdfc-2022)', () => {
  test('vc-di-eddsa §3.3.2 verify: the signed vector verifies with the examples context and a vouched method', async () => {
    const result = await verifyDataIntegrityCredential(signed, {
      trustedIssuers: [VECTOR_ISSUER],
      dids: DIDS,
      clock: CLOCK,
      documentLoader: loader,
      issuerVerificationMethods: { [VECTOR_ISSUER]: [VM] },
    });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.verified).toBe(true);
    if (result.verified) {
      expect(result.issuer).toBe(VECTOR_ISSUER);
      expect(result.cryptosuite).toBe('eddsa-rdfc-2022');
      expect(result.verificationMethod).toBe(VM);
    }
  });

  test('vc-data-integrity §4.4: by default the method must belong to the issuer (the vector issuer is no DID)', async () => {
    const result = await verifyDataIntegrityCredential(signed, {
      trustedIssuers: [VECTOR_ISSUER],
      dids: DIDS,
      clock: CLOCK,
      documentLoader: loader,
    });
    expect(result.verified).toBe(false);
    if (!result.verified) expect(result.error.code).toBe('W3C_VERIFICATION_METHOD_NOT_AUTHORIZED');
  });

  test('vc-di-eddsa §3.3.2: without the examples context the vector is refused (context not bundled)', async () => {
    const result = await verifyDataIntegrityCredential(signed, {
      trustedIssuers: [VECTOR_ISSUER],
      dids: DIDS,
      clock: CLOCK,
      issuerVerificationMethods: { [VECTOR_ISSUER]: [VM] },
    });
    expect(result.verified).toBe(false);
    if (!result.verified) expect(result.error.code).toBe('W3C_CONTEXT_UNKNOWN');
  });

  test('vc-di-eddsa §3.3.1 create: re-signing unsigned.json with the vector key reproduces proofValue', async () => {
    const created = Date.parse(proof.created as string) / 1000;
    const out = await addDataIntegrityProof(parseCredential(json('unsigned.json')), {
      cryptosuite: 'eddsa-rdfc-2022',
      verificationMethod: VM,
      signer: createSigner(vectorPrivateJwk()),
      clock: fixedClock(created),
      mandatoryPointers: [],
      documentLoader: loader,
    });
    expect(out.proof).toEqual(proof);
    expect(out).toEqual(signed);
  });

  test('vc-di-eddsa §3.3.3 transformation: the canonical document matches canonDocDataInt.txt', async () => {
    const { proof: _, ...document } = signed;
    expect(await canonizeRdfc(document, { documentLoader: loader })).toBe(text('canonDocDataInt.txt'));
  });

  test('vc-di-eddsa §3.3.5 proof configuration: the fast path and jsonld.js both give proofCanonDataInt.txt', async () => {
    const { proofValue: _, ...options } = proof;
    const config = { '@context': signed['@context'], ...options };
    expect(proofConfigNQuads(config)).toBe(text('proofCanonDataInt.txt'));
    expect(await eddsaRdfc2022Cryptosuite.canonize(config, { documentLoader: loader })).toBe(
      text('proofCanonDataInt.txt'),
    );
  });

  test('vc-di-eddsa §3.3.4 hashing and §3.3.6 serialization: combined hash, signature and proofValue', () => {
    const combined = new Uint8Array([
      ...digest('sha-256', text('proofCanonDataInt.txt')),
      ...digest('sha-256', text('canonDocDataInt.txt')),
    ]);
    expect(hex(combined)).toBe(text('combinedHashDataInt.txt').trim());
    const signature = createSigner(vectorPrivateJwk()).sign(combined);
    expect(hex(signature)).toBe(text('sigHexDataInt.txt').trim());
    expect(`z${encodeBase58Btc(signature)}`).toBe(proof.proofValue);
  });
});
