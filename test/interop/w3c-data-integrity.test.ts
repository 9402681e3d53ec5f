import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {
  createDiscloseCryptosuite,
  createSignCryptosuite,
  createVerifyCryptosuite,
} from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { fixedClock, type PrivateJwk, toPublicJwk } from '@haven/core';
import { createDidKey, createDidResolver } from '@haven/did';
import {
  createDocumentLoader,
  deriveSelectiveDisclosure,
  EXAMPLES_V2_CONTEXT,
  issueDataIntegrityCredential,
  verifyDataIntegrityCredential,
} from '@haven/w3c';
import { describe, expect, test } from 'vitest';
import { FIXED_KEYS } from '../fixtures.js';

// 2026-01-01T00:00:00Z, frozen; did:key only, so nothing here can reach the network.
const NOW = 1_767_225_600;
const CLOCK = fixedClock(NOW);
const DIDS = createDidResolver();
const EXAMPLES = EXAMPLES_V2_CONTEXT.url;
const havenLoader = createDocumentLoader({ dids: DIDS, contexts: [EXAMPLES_V2_CONTEXT] });

function didKey(jwk: PrivateJwk) {
  const did = createDidKey(toPublicJwk(jwk));
  const fragment = did.slice('did:key:'.length);
  return { did, vm: `${did}#${fragment}`, multibase: fragment };
}
const ed = didKey(FIXED_KEYS.EdDSA);
const p256 = didKey(FIXED_KEYS.ES256);

/**
 * What a plain @digitalbazaar/vc user writes: the library's own bundled contexts, the examples context,
 * and did:key documents built from the DID itself. No Haven code.
 */
async function plainLoader(url: string) {
  if (url === EXAMPLES) return { contextUrl: null, documentUrl: url, document: EXAMPLES_V2_CONTEXT.document };
  if (url.startsWith('did:key:')) {
    const [did, fragment] = url.split('#') as [string, string | undefined];
    const multibase = did.slice('did:key:'.length);
    const method = {
      '@context': 'https://w3id.org/security/multikey/v1',
      id: `${did}#${multibase}`,
      type: 'Multikey',
      controller: did,
      publicKeyMultibase: multibase,
    };
    const document =
      fragment === undefined
        ? {
            '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
            id: did,
            verificationMethod: [method],
            assertionMethod: [method.id],
            authentication: [method.id],
          }
        : method;
    return { contextUrl: null, documentUrl: url, document };
  }
  return vc.defaultDocumentLoader(url);
}

function credential(issuer: string): Record<string, unknown> {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2', EXAMPLES],
    type: ['VerifiableCredential', 'ExampleCredential'],
    issuer,
    validFrom: '2025-06-01T00:00:00Z',
    credentialSubject: { id: 'did:example:holder', alumniOf: 'The School of Examples', nationality: 'XX' },
  };
}

const plainEd25519 = () =>
  Ed25519Multikey.fromJwk({ jwk: { ...FIXED_KEYS.EdDSA }, secretKey: true }).then((key) => {
    key.id = ed.vm;
    key.controller = ed.did;
    return key;
  });
const plainP256 = () =>
  EcdsaMultikey.fromJwk({ jwk: { ...FIXED_KEYS.ES256 }, secretKey: true }).then((key) => {
    key.id = p256.vm;
    key.controller = p256.did;
    return key;
  });

const havenVerify = (doc: unknown, issuer: string) =>
  verifyDataIntegrityCredential(doc, {
    trustedIssuers: [issuer],
    dids: DIDS,
    clock: CLOCK,
    documentLoader: havenLoader,
  });

describe('interop: Data Integrity between @haven/w3c and plain @digitalbazaar/vc', () => {
  test('vc-di-eddsa §3.3: a credential Haven issues verifies in @digitalbazaar/vc', async () => {
    const issued = await issueDataIntegrityCredential(credential(ed.did), {
      cryptosuite: 'eddsa-rdfc-2022',
      verificationMethod: ed.vm,
      privateKey: FIXED_KEYS.EdDSA,
      clock: CLOCK,
      documentLoader: havenLoader,
    });
    const result = await vc.verifyCredential({
      credential: issued,
      suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
      documentLoader: plainLoader,
      now: new Date(NOW * 1000),
    });
    expect(result.error).toBeUndefined();
    expect(result.verified).toBe(true);
  });

  test('vc-di-eddsa §3.3: a credential @digitalbazaar/vc issues verifies in Haven, byte-identical proof', async () => {
    const key = await plainEd25519();
    const issued = await vc.issue({
      credential: credential(ed.did),
      suite: new DataIntegrityProof({
        signer: key.signer(),
        date: new Date(NOW * 1000),
        cryptosuite: eddsaRdfc2022,
      }),
      documentLoader: plainLoader,
    });
    const result = await havenVerify(issued, ed.did);
    expect(result.verified).toBe(true);
    // Ed25519 is deterministic: Haven signing the same document at the same time gives the same proof.
    const haven = await issueDataIntegrityCredential(credential(ed.did), {
      cryptosuite: 'eddsa-rdfc-2022',
      verificationMethod: ed.vm,
      privateKey: FIXED_KEYS.EdDSA,
      clock: CLOCK,
      documentLoader: havenLoader,
    });
    expect(haven.proof).toEqual(issued.proof);
  });

  test('vc-di-ecdsa §3.5: base proof by @digitalbazaar/vc, derived by Haven, verified by Haven and by them', async () => {
    const key = await plainP256();
    const base = await vc.issue({
      credential: credential(p256.did),
      suite: new DataIntegrityProof({
        signer: key.signer(),
        date: new Date(NOW * 1000),
        cryptosuite: createSignCryptosuite({ mandatoryPointers: ['/issuer', '/validFrom'] }),
      }),
      documentLoader: plainLoader,
    });
    const derived = await deriveSelectiveDisclosure(base, {
      selectivePointers: ['/credentialSubject/alumniOf'],
      documentLoader: havenLoader,
    });
    expect(derived.credentialSubject).toEqual({
      id: 'did:example:holder',
      alumniOf: 'The School of Examples',
    });
    expect((await havenVerify(derived, p256.did)).verified).toBe(true);
    const theirs = await vc.verifyCredential({
      credential: derived,
      suite: new DataIntegrityProof({ cryptosuite: createVerifyCryptosuite() }),
      documentLoader: plainLoader,
      now: new Date(NOW * 1000),
    });
    expect(theirs.verified).toBe(true);
  });

  test('vc-di-ecdsa §3.5: base proof by Haven, derived by @digitalbazaar/vc, verified by Haven and by them', async () => {
    const base = await issueDataIntegrityCredential(credential(p256.did), {
      cryptosuite: 'ecdsa-sd-2023',
      verificationMethod: p256.vm,
      privateKey: FIXED_KEYS.ES256,
      clock: CLOCK,
      documentLoader: havenLoader,
    });
    const derived = await vc.derive({
      verifiableCredential: base,
      suite: new DataIntegrityProof({
        cryptosuite: createDiscloseCryptosuite({ selectivePointers: ['/credentialSubject/nationality'] }),
      }),
      documentLoader: plainLoader,
    });
    expect(derived.credentialSubject).toEqual({ id: 'did:example:holder', nationality: 'XX' });
    const theirs = await vc.verifyCredential({
      credential: derived,
      suite: new DataIntegrityProof({ cryptosuite: createVerifyCryptosuite() }),
      documentLoader: plainLoader,
      now: new Date(NOW * 1000),
    });
    expect(theirs.verified).toBe(true);
    expect((await havenVerify(derived, p256.did)).verified).toBe(true);
    // Haven's verifier refuses the base proof the library would also verify only through `derive`.
    const asBase = await havenVerify(base, p256.did);
    expect(asBase.verified).toBe(false);
  });
});
