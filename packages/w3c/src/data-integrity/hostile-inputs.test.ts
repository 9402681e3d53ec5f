import { createSigner, toPublicJwk } from '@haven/core';
import { encodeMultikey } from '@haven/did';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import {
  CLOCK,
  DIDS,
  EXAMPLES_V2,
  exampleCredential,
  plainCredential,
  VC_V2,
  webDids,
} from '../../test/fixtures/credentials.js';
import { didKeyOf, ISSUER_ED25519, ISSUER_P256, OTHER_ED25519 } from '../../test/fixtures/keys.js';
import { createDocumentLoader } from '../contexts/document-loader.js';
import { EXAMPLES_V2_CONTEXT } from '../contexts/examples-v2.js';
import { parseCredential } from '../model/credential.js';
import { deriveSelectiveDisclosure } from './derive-selective-disclosure.js';
import {
  addDataIntegrityProof,
  issueDataIntegrityCredential,
  type SecuredCredential,
} from './issue-credential.js';
import { type VerifyDataIntegrityOptions, verifyDataIntegrityCredential } from './verify-credential.js';

const ed = didKeyOf(ISSUER_ED25519);
const other = didKeyOf(OTHER_ED25519);
const p256 = didKeyOf(ISSUER_P256);
const examples = createDocumentLoader({ dids: DIDS, contexts: [EXAMPLES_V2_CONTEXT] });
const OPTIONS: VerifyDataIntegrityOptions = { trustedIssuers: [ed.did, p256.did], dids: DIDS, clock: CLOCK };

type Doc = Record<string, unknown>;
const issue = (credential: Doc = plainCredential(ed.did)) =>
  issueDataIntegrityCredential(credential, {
    cryptosuite: 'eddsa-rdfc-2022',
    verificationMethod: ed.vm,
    privateKey: ISSUER_ED25519,
    clock: CLOCK,
  });

async function failure(credential: unknown, options: Partial<VerifyDataIntegrityOptions> = {}) {
  const result = await verifyDataIntegrityCredential(credential, { ...OPTIONS, ...options });
  if (result.verified) throw new Error('expected the verification to fail');
  // Privacy: no error message quotes a DID, a claim value or a proof value.
  for (const secret of [ed.did, p256.did, 'Amina', 'School of Examples', 'holder']) {
    expect(result.error.message).not.toContain(secret);
  }
  return result.error.code;
}

function edit(vc: SecuredCredential, change: (doc: Doc, proof: Doc) => void): Doc {
  const copy = structuredClone(vc) as unknown as Doc;
  change(copy, copy.proof as Doc);
  return copy;
}

let fetchSpy: ReturnType<typeof vi.fn>;
beforeEach(() => {
  // No test may reach the network: any fetch is recorded and fails.
  fetchSpy = vi.fn(() => Promise.reject(new Error('network used')));
  vi.stubGlobal('fetch', fetchSpy);
});
afterEach(() => {
  expect(fetchSpy).not.toHaveBeenCalled();
  vi.unstubAllGlobals();
});

describe('hostile inputs, W3C VC 2.0: contexts (VCDM 2.0 §4.3, vc-data-integrity §4.4)', () => {
  test.each([
    'https://attacker.example/context.jsonld',
    'http://127.0.0.1/ctx',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/ctx',
    'http://10.0.0.1/ctx',
    'https://w3id.org/security/v2', // served by jsonld-signatures' own bundle unless Haven checks first
    'https://www.w3.org/2018/credentials/v1',
  ])('unknown or internal context %s → W3C_CONTEXT_UNKNOWN, never fetched', async (url) => {
    const vc = await issue();
    expect(await failure(edit(vc, (d) => (d['@context'] as string[]).push(url)))).toBe('W3C_CONTEXT_UNKNOWN');
    await expect(issue({ ...plainCredential(ed.did), '@context': [VC_V2, url] })).rejects.toMatchObject({
      code: 'W3C_CONTEXT_UNKNOWN',
    });
  });

  test('VCDM 2.0 §4.3: context order swapped (v2 not first) → W3C_CONTEXT_INVALID', async () => {
    const vc = await issue({ ...exampleCredential(ed.did) }).catch(() => undefined);
    expect(vc).toBeUndefined(); // the examples context is not in the default set
    const signed = await issueDataIntegrityCredential(exampleCredential(ed.did), {
      cryptosuite: 'eddsa-rdfc-2022',
      verificationMethod: ed.vm,
      privateKey: ISSUER_ED25519,
      clock: CLOCK,
      documentLoader: examples,
    });
    const swapped = edit(signed, (d) => (d['@context'] = [EXAMPLES_V2, VC_V2]));
    expect(await failure(swapped, { documentLoader: examples })).toBe('W3C_CONTEXT_INVALID');
  });

  test('vc-data-integrity §4.4: @context injected into credentialSubject or proof → W3C_CONTEXT_INVALID', async () => {
    const vc = await issue();
    const injected = edit(vc, (d) => {
      (d.credentialSubject as Doc)['@context'] = { name: 'https://attacker.example/#name' };
    });
    expect(await failure(injected)).toBe('W3C_CONTEXT_INVALID');
    expect(await failure(edit(vc, (_, p) => (p['@context'] = 'https://w3id.org/security/v2')))).toBe(
      'W3C_CONTEXT_INVALID',
    );
    expect(
      await failure(edit(vc, (d) => (d['@context'] = [VC_V2, { '@vocab': 'https://attacker.example/#' }]))),
    ).toBe('W3C_CONTEXT_INVALID');
  });

  test('JSON-LD safe mode: a term no context defines → W3C_JSONLD_UNSAFE, never silently dropped', async () => {
    const signed = await issueDataIntegrityCredential(exampleCredential(ed.did), {
      cryptosuite: 'eddsa-rdfc-2022',
      verificationMethod: ed.vm,
      privateKey: ISSUER_ED25519,
      clock: CLOCK,
      documentLoader: examples,
    });
    // Without the examples context, `alumniOf` means nothing: plain jsonld.js would drop it and sign or
    // verify the rest; safe mode (kept on by Haven) must refuse.
    expect(await failure(edit(signed, (d) => (d['@context'] = [VC_V2])))).toBe('W3C_JSONLD_UNSAFE');
    // An undefined term added next to signed claims.
    const vc = await issue();
    expect(await failure(edit(vc, (d) => ((d.credentialSubject as Doc).undefinedTerm = 'x')))).toBe(
      'W3C_JSONLD_UNSAFE',
    );
    // A relative IRI where an IRI belongs.
    expect(await failure(edit(vc, (d) => (d.credentialSubject = { id: 'relative/iri', name: 'x' })))).toBe(
      'W3C_SUBJECT_INVALID',
    );
  });

  test('JSON-LD keywords as member names (@id, @type, @graph, @included) → W3C_JSONLD_UNSAFE', async () => {
    const vc = await issue();
    for (const keyword of ['@id', '@type', '@graph', '@included', '@reverse']) {
      expect(await failure(edit(vc, (d) => ((d.credentialSubject as Doc)[keyword] = 'urn:x:1')))).toBe(
        'W3C_JSONLD_UNSAFE',
      );
    }
  });
});

describe('hostile inputs, W3C VC 2.0: edits after signing (vc-di-eddsa §3.3.2)', () => {
  test('document edited after signing → W3C_SIGNATURE_INVALID', async () => {
    const vc = await issue();
    expect(await failure(edit(vc, (d) => ((d.credentialSubject as Doc).name = 'Someone Else')))).toBe(
      'W3C_SIGNATURE_INVALID',
    );
    expect(await failure(edit(vc, (d) => (d.validUntil = '2031-06-01T00:00:00Z')))).toBe(
      'W3C_SIGNATURE_INVALID',
    );
    expect(await failure(edit(vc, (d) => delete d.description))).toBe('W3C_SIGNATURE_INVALID');
  });

  test('proof created edited → W3C_SIGNATURE_INVALID; in the future → W3C_PROOF_INVALID', async () => {
    const vc = await issue();
    expect(await failure(edit(vc, (_, p) => (p.created = '2025-12-31T23:59:59Z')))).toBe(
      'W3C_SIGNATURE_INVALID',
    );
    expect(await failure(edit(vc, (_, p) => (p.created = '2026-01-01T01:00:00Z')))).toBe('W3C_PROOF_INVALID');
    expect(await failure(edit(vc, (_, p) => (p.created = '2026-01-01T00:00:00')))).toBe('W3C_DATE_INVALID');
  });

  test('proofPurpose edited → W3C_PROOF_PURPOSE_MISMATCH (only assertionMethod proves a credential)', async () => {
    const vc = await issue();
    for (const purpose of ['authentication', 'capabilityInvocation', 'keyAgreement', 'AssertionMethod']) {
      expect(await failure(edit(vc, (_, p) => (p.proofPurpose = purpose)))).toBe(
        'W3C_PROOF_PURPOSE_MISMATCH',
      );
    }
  });

  test('proof expires in the past → W3C_EXPIRED; an extra or unknown proof member → W3C_PROOF_INVALID', async () => {
    const vc = await issue();
    expect(await failure(edit(vc, (_, p) => (p.expires = '2025-01-01T00:00:00Z')))).toBe('W3C_EXPIRED');
    expect(await failure(edit(vc, (_, p) => (p.previousProof = 'urn:uuid:1')))).toBe('W3C_PROOF_INVALID');
    expect(await failure(edit(vc, (_, p) => (p.note = 'hi')))).toBe('W3C_PROOF_INVALID');
    expect(await failure(edit(vc, (_, p) => (p.type = 'Ed25519Signature2020')))).toBe('W3C_PROOF_INVALID');
    // A member Haven accepts but that was not signed: the proof configuration changes, the signature fails.
    expect(await failure(edit(vc, (_, p) => (p.expires = '2027-01-01T00:00:00Z')))).toBe(
      'W3C_SIGNATURE_INVALID',
    );
  });
});

describe('hostile inputs, W3C VC 2.0: proofs and cryptosuites (vc-data-integrity §2.1, §4.4)', () => {
  test('cryptosuite not allowed or unknown → W3C_CRYPTOSUITE_NOT_ALLOWED', async () => {
    const vc = await issue();
    expect(await failure(vc, { cryptosuites: ['ecdsa-sd-2023'] })).toBe('W3C_CRYPTOSUITE_NOT_ALLOWED');
    for (const suite of ['ecdsa-rdfc-2019', 'eddsa-jcs-2022', 'EDDSA-RDFC-2022', '']) {
      expect(await failure(edit(vc, (_, p) => (p.cryptosuite = suite)))).toBe('W3C_CRYPTOSUITE_NOT_ALLOWED');
    }
  });

  test('bad multibase proofValue → W3C_MULTIBASE_INVALID', async () => {
    const vc = await issue();
    const value = vc.proof.proofValue;
    for (const bad of [
      `u${Buffer.from(new Uint8Array(64)).toString('base64url')}`, // base64url: not the eddsa encoding
      `${value.slice(0, 10)}0${value.slice(11)}`, // '0' is not base58btc
      value.slice(0, 40), // too short
      `${value}2`, // too long
      value.slice(1), // no multibase prefix
      '',
    ]) {
      expect(await failure(edit(vc, (_, p) => (p.proofValue = bad)))).toBe('W3C_MULTIBASE_INVALID');
    }
    expect(await failure(edit(vc, (_, p) => (p.proofValue = 42)))).toBe('W3C_MULTIBASE_INVALID');
  });

  test('several proofs (a proof set) → W3C_PROOF_INVALID; none → W3C_PROOF_MISSING', async () => {
    const vc = await issue();
    const forged = edit(vc, (_, p) => (p.created = '2025-12-01T00:00:00Z'));
    // jsonld-signatures accepts a set when any one proof verifies; Haven refuses sets altogether.
    expect(await failure(edit(vc, (d) => (d.proof = [vc.proof, forged.proof])))).toBe('W3C_PROOF_INVALID');
    expect(await failure(edit(vc, (d) => delete d.proof))).toBe('W3C_PROOF_MISSING');
    expect(await failure(edit(vc, (d) => (d.proof = [])))).toBe('W3C_PROOF_MISSING');
    expect(await failure(edit(vc, (d) => (d.proof = 'z123')))).toBe('W3C_PROOF_INVALID');
  });

  test('vc-di-ecdsa §3.5: an ecdsa-sd-2023 base proof shown to a verifier → W3C_SELECTIVE_DISCLOSURE_INVALID', async () => {
    const base = await issueDataIntegrityCredential(exampleCredential(p256.did), {
      cryptosuite: 'ecdsa-sd-2023',
      verificationMethod: p256.vm,
      privateKey: ISSUER_P256,
      clock: CLOCK,
      documentLoader: examples,
    });
    expect(await failure(base, { documentLoader: examples })).toBe('W3C_SELECTIVE_DISCLOSURE_INVALID');
    const derived = await deriveSelectiveDisclosure(base, {
      selectivePointers: ['/credentialSubject/alumniOf'],
      documentLoader: examples,
    });
    expect(
      await failure(
        edit(derived, (_, p) => (p.proofValue = `z${p.proofValue}`)),
        { documentLoader: examples },
      ),
    ).toBe('W3C_MULTIBASE_INVALID');
    expect(
      await failure(
        edit(
          derived,
          (_, p) => (p.proofValue = `u${Buffer.from([0xd9, 0x5d, 0x02, 1]).toString('base64url')}`),
        ),
        {
          documentLoader: examples,
        },
      ),
    ).toBe('W3C_MULTIBASE_INVALID');
    // Garbage after a valid derived header: the library's CBOR parse fails → a proof error, not a crash.
    expect(
      await failure(
        edit(
          derived,
          (_, p) => (p.proofValue = `u${Buffer.from([0xd9, 0x5d, 0x01, 1, 2, 3]).toString('base64url')}`),
        ),
        {
          documentLoader: examples,
        },
      ),
    ).toBe('W3C_PROOF_INVALID');
  });
});

describe('hostile inputs, W3C VC 2.0: verification methods (vc-data-integrity §4.4, DID Core §5.3)', () => {
  test('a verification method not controlled by the issuer → W3C_VERIFICATION_METHOD_NOT_AUTHORIZED', async () => {
    // Signed by another did:key while claiming the trusted issuer: a correct signature by the wrong key.
    const forged = await addDataIntegrityProof(parseCredential(plainCredential(ed.did)), {
      cryptosuite: 'eddsa-rdfc-2022',
      verificationMethod: other.vm,
      signer: createSigner(OTHER_ED25519),
      clock: CLOCK,
      mandatoryPointers: [],
    });
    expect(await failure(forged)).toBe('W3C_VERIFICATION_METHOD_NOT_AUTHORIZED');
    // The right DID, another key's fragment.
    expect(
      await failure(edit(forged, (_, p) => (p.verificationMethod = `${ed.did}#${other.did.slice(8)}`))),
    ).toBe('W3C_VERIFICATION_METHOD_INVALID');
  });

  test('a verification method not under assertionMethod (authentication only) → NOT_AUTHORIZED', async () => {
    const did = 'did:web:registry.example';
    const vm = `${did}#auth-key`;
    const document = {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: did,
      verificationMethod: [
        {
          id: vm,
          type: 'Multikey',
          controller: did,
          publicKeyMultibase: encodeMultikey(toPublicJwk(ISSUER_ED25519)),
        },
      ],
      authentication: [vm],
    };
    const web = webDids({ 'registry.example': document });
    const vc = await addDataIntegrityProof(parseCredential(plainCredential(did)), {
      cryptosuite: 'eddsa-rdfc-2022',
      verificationMethod: vm,
      signer: createSigner(ISSUER_ED25519),
      clock: CLOCK,
      mandatoryPointers: [],
    });
    expect(await failure(vc, { dids: web.dids, trustedIssuers: [did] })).toBe(
      'W3C_VERIFICATION_METHOD_NOT_AUTHORIZED',
    );
    const ok = webDids({ 'registry.example': { ...document, assertionMethod: [vm] } });
    expect(
      (await verifyDataIntegrityCredential(vc, { ...OPTIONS, dids: ok.dids, trustedIssuers: [did] }))
        .verified,
    ).toBe(true);
  });

  test('an untrusted issuer is refused before any DID resolution (no did:web request)', async () => {
    const did = 'did:web:untrusted.example';
    const web = webDids({});
    const vc = await addDataIntegrityProof(parseCredential(plainCredential(did)), {
      cryptosuite: 'eddsa-rdfc-2022',
      verificationMethod: `${did}#k`,
      signer: createSigner(ISSUER_ED25519),
      clock: CLOCK,
      mandatoryPointers: [],
    });
    expect(await failure(vc, { dids: web.dids })).toBe('W3C_ISSUER_UNTRUSTED');
    expect(web.requested).toEqual([]);
  });

  test('a P-256 key under an eddsa-rdfc-2022 proof → W3C_VERIFICATION_METHOD_INVALID', async () => {
    const vc = await issue(plainCredential(p256.did)).catch((e) => e);
    expect(vc.code).toBe('W3C_ISSUER_MISMATCH');
    const forged = await addDataIntegrityProof(parseCredential(plainCredential(p256.did)), {
      cryptosuite: 'eddsa-rdfc-2022',
      verificationMethod: p256.vm,
      signer: createSigner(ISSUER_ED25519),
      clock: CLOCK,
      mandatoryPointers: [],
    });
    expect(await failure(forged)).toBe('W3C_VERIFICATION_METHOD_INVALID');
  });
});

describe('hostile inputs, W3C VC 2.0: validity and status (VCDM 2.0 §4.9, §4.10)', () => {
  test('validFrom in the future → W3C_NOT_YET_VALID; validUntil past → W3C_EXPIRED (distinct)', async () => {
    const future = await issue({ ...plainCredential(ed.did), validFrom: '2026-02-01T00:00:00Z' });
    expect(await failure(future)).toBe('W3C_NOT_YET_VALID');
    const past = await issue({ ...plainCredential(ed.did), validUntil: '2025-12-01T00:00:00Z' });
    expect(await failure(past)).toBe('W3C_EXPIRED');
  });

  test('validFrom without a time zone, or an impossible date → W3C_DATE_INVALID', async () => {
    const vc = await issue();
    expect(await failure(edit(vc, (d) => (d.validFrom = '2025-06-01T00:00:00')))).toBe('W3C_DATE_INVALID');
    expect(await failure(edit(vc, (d) => (d.validFrom = '2025-02-30T00:00:00Z')))).toBe('W3C_DATE_INVALID');
  });

  test('credentialStatus without a status policy → W3C_STATUS_UNCHECKED (fail closed)', async () => {
    const status = {
      id: 'https://status.example/1#5',
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '5',
      statusListCredential: 'https://status.example/1',
    };
    const vc = await issue({ ...plainCredential(ed.did), credentialStatus: status });
    expect(await failure(vc)).toBe('W3C_STATUS_UNCHECKED');
    const unchecked = await verifyDataIntegrityCredential(vc, { ...OPTIONS, status: 'unchecked' });
    expect(unchecked.verified && unchecked.status).toBe('unchecked');
    const seen: unknown[] = [];
    const checked = await verifyDataIntegrityCredential(vc, {
      ...OPTIONS,
      status: async (entry) => void seen.push(entry),
    });
    expect(checked.verified && checked.status).toBe('checked');
    expect(seen).toEqual([status]);
  });

  test('JSON-LD §6.2: credentialStatus renamed to its IRI (same RDF, same signature) → W3C_JSONLD_UNSAFE, never status "none"', async () => {
    const status = {
      id: 'https://status.example/1#5',
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
    };
    const vc = await issue({ ...plainCredential(ed.did), credentialStatus: status });
    const hidden = edit(vc, (doc) => {
      doc['https://www.w3.org/2018/credentials#credentialStatus'] = doc.credentialStatus;
      delete doc.credentialStatus;
    });
    expect(await failure(hidden, { status: 'unchecked' })).toBe('W3C_JSONLD_UNSAFE');
    const compact = edit(vc, (doc) => {
      doc['cred:credentialStatus'] = doc.credentialStatus;
      delete doc.credentialStatus;
    });
    expect(await failure(compact, { status: 'unchecked' })).toBe('W3C_JSONLD_UNSAFE');
    // Nor may an issuer sign a credential whose members are IRIs.
    await expect(
      issue({ ...plainCredential(ed.did), 'https://www.w3.org/2018/credentials#credentialStatus': status }),
    ).rejects.toMatchObject({ code: 'W3C_JSONLD_UNSAFE' });
  });
});

describe('hostile inputs, W3C VC 2.0: shape and size', () => {
  test('100-level nesting or 2 MB → W3C_TOO_LARGE, before any JSON-LD processing', async () => {
    const vc = await issue();
    let deep: Doc = { name: 'x' };
    for (let i = 0; i < 100; i++) deep = { description: deep };
    expect(await failure(edit(vc, (d) => ((d.credentialSubject as Doc).description = deep)))).toBe(
      'W3C_TOO_LARGE',
    );
    expect(
      await failure(edit(vc, (d) => ((d.credentialSubject as Doc).description = 'x'.repeat(2_000_000)))),
    ).toBe('W3C_TOO_LARGE');
  });

  test('not a credential: a presentation, an array, a string, a Date → model errors', async () => {
    expect(await failure({ '@context': [VC_V2], type: ['VerifiablePresentation'] })).toBe('W3C_TYPE_INVALID');
    expect(await failure([])).toBe('W3C_MALFORMED');
    expect(await failure('{}')).toBe('W3C_MALFORMED');
    const vc = await issue();
    expect(await failure(edit(vc, (d) => ((d.credentialSubject as Doc).description = new Date(0))))).toBe(
      'W3C_MALFORMED',
    );
  });

  test('a __proto__ member → W3C_MALFORMED (validators drop it silently); constructor → undefined term', async () => {
    const vc = await issue();
    const withMember = (member: string) =>
      JSON.parse(JSON.stringify(vc).replace('"name":"Amina Example"', `${member},"name":"Amina Example"`));
    expect(await failure(withMember('"__proto__":{"admin":true}'))).toBe('W3C_MALFORMED');
    expect(await failure(withMember('"constructor":{"admin":true}'))).toBe('W3C_JSONLD_UNSAFE');
    expect(({} as Doc).admin).toBeUndefined();
  });
});
