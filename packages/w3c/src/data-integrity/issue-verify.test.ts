import { createPrivateKey } from 'node:crypto';
import { createSigner, fixedClock, type Signer, toPublicJwk } from '@haven/core';
import { describe, expect, test } from 'vitest';
import {
  CLOCK,
  DIDS,
  EXAMPLES_V2,
  exampleCredential,
  NOW,
  plainCredential,
  VC_V2,
} from '../../test/fixtures/credentials.js';
import { didJwkOf, didKeyOf, ISSUER_ED25519, ISSUER_P256 } from '../../test/fixtures/keys.js';
import { createDocumentLoader } from '../contexts/document-loader.js';
import { EXAMPLES_V2_CONTEXT } from '../contexts/examples-v2.js';
import { deriveSelectiveDisclosure } from './derive-selective-disclosure.js';
import { type IssueDataIntegrityOptions, issueDataIntegrityCredential } from './issue-credential.js';
import { verifyDataIntegrityCredential } from './verify-credential.js';

const ed = didKeyOf(ISSUER_ED25519);
const p256 = didKeyOf(ISSUER_P256);
const examples = createDocumentLoader({ dids: DIDS, contexts: [EXAMPLES_V2_CONTEXT] });

function eddsaOptions(vm = ed.vm): IssueDataIntegrityOptions {
  return { cryptosuite: 'eddsa-rdfc-2022', verificationMethod: vm, privateKey: ISSUER_ED25519, clock: CLOCK };
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (e) {
    return (e as { code?: string }).code ?? 'NOT_HAVEN_ERROR';
  }
  return undefined;
}

describe('issue and verify: eddsa-rdfc-2022', () => {
  test('vc-di-eddsa §3.3.1: a did:key issuer signs, and the credential verifies with named checks', async () => {
    const vc = await issueDataIntegrityCredential(plainCredential(ed.did), eddsaOptions());
    expect(vc.proof).toMatchObject({
      type: 'DataIntegrityProof',
      cryptosuite: 'eddsa-rdfc-2022',
      proofPurpose: 'assertionMethod',
      verificationMethod: ed.vm,
      created: '2026-01-01T00:00:00Z',
    });
    const result = await verifyDataIntegrityCredential(vc, {
      trustedIssuers: [ed.did],
      dids: DIDS,
      clock: CLOCK,
    });
    expect(result.verified).toBe(true);
    expect(result.checks.map((c) => c.name)).toEqual([
      'model',
      'context',
      'proof',
      'issuer',
      'verification-method',
      'validity',
      'signature',
      'status',
    ]);
    if (result.verified) expect(result.status).toBe('none');
  });

  test('vc-data-integrity §2.1 created: whole seconds from the injected clock, never milliseconds', async () => {
    const vc = await issueDataIntegrityCredential(plainCredential(ed.did), {
      ...eddsaOptions(),
      clock: fixedClock(NOW + 0.987),
    });
    expect(vc.proof.created).toBe('2026-01-01T00:00:00Z');
  });

  test('did:jwk issuer (JsonWebKey2020 method) signs and verifies; the input is not modified', async () => {
    const jwk = didJwkOf(ISSUER_ED25519);
    const input = plainCredential(jwk.did);
    const before = structuredClone(input);
    const vc = await issueDataIntegrityCredential(input, eddsaOptions(jwk.vm));
    expect(input).toEqual(before);
    const result = await verifyDataIntegrityCredential(vc, {
      trustedIssuers: [jwk.did],
      dids: DIDS,
      clock: CLOCK,
    });
    expect(result.verified).toBe(true);
  });

  test('a Signer (e.g. a KMS, asynchronous) signs as well as a private key; a KeyObject works too', async () => {
    const local = createSigner(ISSUER_ED25519);
    const kms: Signer = { alg: 'EdDSA', sign: async (data) => local.sign(data) };
    const a = await issueDataIntegrityCredential(plainCredential(ed.did), {
      ...eddsaOptions(),
      privateKey: undefined,
      signer: kms,
    });
    const b = await issueDataIntegrityCredential(plainCredential(ed.did), {
      ...eddsaOptions(),
      privateKey: createPrivateKey({ key: ISSUER_ED25519, format: 'jwk' }),
    });
    // Ed25519 is deterministic: same document, same key, same time → same proof.
    expect(a.proof.proofValue).toBe(b.proof.proofValue);
  });

  test('examples context opted in: example terms are signed and verified', async () => {
    const vc = await issueDataIntegrityCredential(exampleCredential(ed.did), {
      ...eddsaOptions(),
      documentLoader: examples,
    });
    const result = await verifyDataIntegrityCredential(vc, {
      trustedIssuers: [ed.did],
      dids: DIDS,
      clock: CLOCK,
      documentLoader: examples,
    });
    expect(result.verified).toBe(true);
  });

  test('VCDM 2.0 §4.7: the issuer must be the DID of the verification method (W3C_ISSUER_MISMATCH)', async () => {
    expect(await codeOf(issueDataIntegrityCredential(plainCredential(p256.did), eddsaOptions()))).toBe(
      'W3C_ISSUER_MISMATCH',
    );
    expect(
      await codeOf(
        issueDataIntegrityCredential({ ...plainCredential(''), issuer: { id: ed.did } }, eddsaOptions()),
      ),
    ).toBeUndefined();
  });

  test('refusals at issue: a proof already there, a non-DID-URL method, a key of the wrong type', async () => {
    const signed = await issueDataIntegrityCredential(plainCredential(ed.did), eddsaOptions());
    expect(await codeOf(issueDataIntegrityCredential(signed, eddsaOptions()))).toBe('W3C_MALFORMED');
    expect(await codeOf(issueDataIntegrityCredential(plainCredential(ed.did), eddsaOptions(ed.did)))).toBe(
      'W3C_VERIFICATION_METHOD_INVALID',
    );
    expect(
      await codeOf(
        issueDataIntegrityCredential(plainCredential(ed.did), { ...eddsaOptions(), privateKey: ISSUER_P256 }),
      ),
    ).toBe('W3C_POLICY_INVALID');
    expect(
      await codeOf(
        issueDataIntegrityCredential(plainCredential(ed.did), {
          ...eddsaOptions(),
          mandatoryPointers: ['/issuer'],
        }),
      ),
    ).toBe('W3C_POLICY_INVALID');
    expect(
      await codeOf(
        issueDataIntegrityCredential(plainCredential(ed.did), {
          ...eddsaOptions(),
          privateKey: undefined,
          signer: { alg: 'EdDSA', sign: () => new Uint8Array(10) },
        }),
      ),
    ).toBe('W3C_SIGN_FAILED');
    expect(
      await codeOf(
        issueDataIntegrityCredential(plainCredential(ed.did), {
          ...eddsaOptions(),
          privateKey: undefined,
          signer: { alg: 'EdDSA', sign: () => Promise.reject(new Error('kms down: key did:key:secret')) },
        }),
      ),
    ).toBe('W3C_SIGN_FAILED');
  });

  test('vc-data-integrity §4.4 safe mode: a term no context defines fails at issue (W3C_JSONLD_UNSAFE)', async () => {
    const credential = { ...exampleCredential(ed.did), '@context': [VC_V2] };
    expect(await codeOf(issueDataIntegrityCredential(credential, eddsaOptions()))).toBe('W3C_JSONLD_UNSAFE');
  });
});

describe('issue, derive and verify: ecdsa-sd-2023', () => {
  const base = () =>
    issueDataIntegrityCredential(exampleCredential(p256.did), {
      cryptosuite: 'ecdsa-sd-2023',
      verificationMethod: p256.vm,
      privateKey: ISSUER_P256,
      clock: CLOCK,
      mandatoryPointers: ['/issuer', '/validFrom'],
      documentLoader: examples,
    });

  test('vc-di-ecdsa §3.5.3: the derived credential holds mandatory and selected claims only, and verifies', async () => {
    const derived = await deriveSelectiveDisclosure(await base(), {
      selectivePointers: ['/credentialSubject/alumniOf'],
      documentLoader: examples,
    });
    expect(derived.credentialSubject).toEqual({
      id: 'did:example:holder',
      alumniOf: 'The School of Examples',
    });
    expect(derived).not.toHaveProperty('credentialSubject.nationality');
    expect(derived.issuer).toBe(p256.did);
    const result = await verifyDataIntegrityCredential(derived, {
      trustedIssuers: [p256.did],
      dids: DIDS,
      clock: CLOCK,
      documentLoader: examples,
    });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.verified).toBe(true);
    if (result.verified) expect(result.cryptosuite).toBe('ecdsa-sd-2023');
  });

  test('vc-di-ecdsa §3.5.3: nothing selected discloses the mandatory claims only', async () => {
    const derived = await deriveSelectiveDisclosure(await base(), {
      selectivePointers: [],
      documentLoader: examples,
    });
    expect(Object.keys(derived).sort()).toEqual(['@context', 'issuer', 'proof', 'type', 'validFrom']);
  });

  test('vc-di-ecdsa §3.5.8: a derived value edited after derivation fails the signature', async () => {
    const derived = await deriveSelectiveDisclosure(await base(), {
      selectivePointers: ['/credentialSubject/alumniOf'],
      documentLoader: examples,
    });
    const edited = structuredClone(derived) as Record<string, unknown>;
    (edited.credentialSubject as Record<string, unknown>).alumniOf = 'Another School';
    const result = await verifyDataIntegrityCredential(edited, {
      trustedIssuers: [p256.did],
      dids: DIDS,
      clock: CLOCK,
      documentLoader: examples,
    });
    expect(result.verified).toBe(false);
    if (!result.verified) expect(result.error.code).toBe('W3C_SIGNATURE_INVALID');
  });

  test('vc-di-ecdsa §3.5: bad selective pointers and a non-base proof are W3C_SELECTIVE_DISCLOSURE_INVALID', async () => {
    const vc = await base();
    for (const pointers of [
      ['/credentialSubject/missing'],
      ['credentialSubject'],
      ['/proof/proofValue'],
      ['/a~2b'],
      'x',
    ]) {
      expect(
        await codeOf(
          deriveSelectiveDisclosure(vc, {
            selectivePointers: pointers as string[],
            documentLoader: examples,
          }),
        ),
      ).toBe('W3C_SELECTIVE_DISCLOSURE_INVALID');
    }
    const derived = await deriveSelectiveDisclosure(vc, {
      selectivePointers: ['/credentialSubject/alumniOf'],
      documentLoader: examples,
    });
    expect(
      await codeOf(deriveSelectiveDisclosure(derived, { selectivePointers: [], documentLoader: examples })),
    ).toBe('W3C_SELECTIVE_DISCLOSURE_INVALID');
    const eddsa = await issueDataIntegrityCredential(plainCredential(ed.did), eddsaOptions());
    expect(await codeOf(deriveSelectiveDisclosure(eddsa, { selectivePointers: [] }))).toBe(
      'W3C_CRYPTOSUITE_NOT_ALLOWED',
    );
  });

  test('vc-di-ecdsa §3.5.1: a mandatory pointer that does not resolve is refused at issue', async () => {
    expect(
      await codeOf(
        issueDataIntegrityCredential(exampleCredential(p256.did), {
          cryptosuite: 'ecdsa-sd-2023',
          verificationMethod: p256.vm,
          privateKey: ISSUER_P256,
          clock: CLOCK,
          mandatoryPointers: ['/validUntil'],
          documentLoader: examples,
        }),
      ),
    ).toBe('W3C_POLICY_INVALID');
  });

  test('a did:jwk P-256 issuer: base, derive, verify', async () => {
    const jwk = didJwkOf(ISSUER_P256);
    const vc = await issueDataIntegrityCredential(exampleCredential(jwk.did), {
      cryptosuite: 'ecdsa-sd-2023',
      verificationMethod: jwk.vm,
      signer: createSigner(ISSUER_P256),
      clock: CLOCK,
      documentLoader: examples,
    });
    const derived = await deriveSelectiveDisclosure(vc, {
      selectivePointers: ['/issuer', '/credentialSubject/degree/name'],
      documentLoader: examples,
    });
    const result = await verifyDataIntegrityCredential(derived, {
      trustedIssuers: [jwk.did],
      dids: DIDS,
      clock: CLOCK,
      documentLoader: examples,
    });
    expect(result.verified).toBe(true);
    expect(toPublicJwk(ISSUER_P256).crv).toBe('P-256');
    expect(EXAMPLES_V2).toContain('examples');
  });
});
