import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { fixedClock, type PrivateJwk, toPublicJwk } from '@haven/core';
import { createDidKey, createDidResolver } from '@haven/did';
import {
  createDocumentLoader,
  issueDataIntegrityCredential,
  verifyDataIntegrityCredential,
} from '@haven/w3c';
import { type Comparison, type ComparisonSet, compare } from './harness.js';

const ISSUER_KEY: PrivateJwk = {
  kty: 'OKP',
  crv: 'Ed25519',
  x: 'dbRku3LH1dy_8ysRZbKE0o92AAhEsBCzLKUmSYD2DGU',
  d: 'H3xnghFW3aMrp3necze30ZKvo5sbElFgNCsZrjZYIJE',
};
const DID = createDidKey(toPublicJwk(ISSUER_KEY));
const MULTIBASE = DID.slice('did:key:'.length);
const VM = `${DID}#${MULTIBASE}`;
const NOW = 1_767_225_600;
const CLOCK = fixedClock(NOW);

/** A restored-identity-sized credential in VC 2.0 terms only (no examples or Haven context needed). */
const CREDENTIAL = {
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  id: 'urn:uuid:6a1e4b8c-2f61-4f39-9a55-4d1f5b3c2e10',
  type: ['VerifiableCredential'],
  name: 'Restored identity',
  description: 'Identity restored by the civil registry',
  issuer: DID,
  validFrom: '2025-06-01T00:00:00Z',
  validUntil: '2030-06-01T00:00:00Z',
  credentialSubject: { id: 'did:example:holder', name: 'Amina Example', description: 'born 1990' },
};

/** What a plain @digitalbazaar/vc user writes: the library's bundled contexts and did:key documents. */
async function plainLoader(url: string) {
  if (url.startsWith('did:key:')) {
    const method = {
      '@context': 'https://w3id.org/security/multikey/v1',
      id: VM,
      type: 'Multikey',
      controller: DID,
      publicKeyMultibase: MULTIBASE,
    };
    const document = url.includes('#')
      ? method
      : {
          '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
          id: DID,
          verificationMethod: [method],
          assertionMethod: [VM],
        };
    return { contextUrl: null, documentUrl: url, document };
  }
  return vc.defaultDocumentLoader(url);
}

/**
 * Data Integrity eddsa-rdfc-2022 issue and verify: @haven/w3c against plain @digitalbazaar/vc with
 * @digitalbazaar/ed25519-multikey, same process, same credential and key. (ecdsa-sd-2023 has no baseline
 * here: the bench package does not depend on the ecdsa packages.)
 */
export async function benchW3cDataIntegrity(): Promise<Comparison[]> {
  const dids = createDidResolver();
  const documentLoader = createDocumentLoader({ dids });
  const key = await Ed25519Multikey.fromJwk({ jwk: { ...ISSUER_KEY }, secretKey: true });
  key.id = VM;
  key.controller = DID;
  const plainSuite = new DataIntegrityProof({
    signer: key.signer(),
    date: new Date(NOW * 1000),
    cryptosuite: eddsaRdfc2022,
  });
  const plainVerifySuite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
  const issueOptions = {
    cryptosuite: 'eddsa-rdfc-2022' as const,
    verificationMethod: VM,
    privateKey: ISSUER_KEY,
    clock: CLOCK,
    documentLoader,
  };
  const signed = await issueDataIntegrityCredential(CREDENTIAL, issueOptions);
  const verifyOptions = { trustedIssuers: [DID], dids, clock: CLOCK, documentLoader };
  const check = await verifyDataIntegrityCredential(signed, verifyOptions);
  const plainCheck = await vc.verifyCredential({
    credential: signed,
    suite: plainVerifySuite,
    documentLoader: plainLoader,
    now: new Date(NOW * 1000),
  });
  if (!check.verified || !plainCheck.verified) throw new Error('benchmark credential does not verify');

  const sets: ComparisonSet[] = [
    {
      haven: {
        name: 'issue DI eddsa-rdfc-2022',
        run: () => issueDataIntegrityCredential(CREDENTIAL, issueOptions),
      },
      baselines: [
        {
          name: '@digitalbazaar/vc + ed25519-multikey',
          run: () =>
            vc.issue({
              credential: structuredClone(CREDENTIAL),
              suite: plainSuite,
              documentLoader: plainLoader,
            }),
        },
      ],
    },
    {
      haven: {
        name: 'verify DI eddsa-rdfc-2022',
        run: () => verifyDataIntegrityCredential(signed, verifyOptions),
      },
      baselines: [
        {
          name: '@digitalbazaar/vc + ed25519-multikey',
          run: () =>
            vc.verifyCredential({
              credential: signed,
              suite: plainVerifySuite,
              documentLoader: plainLoader,
              now: new Date(NOW * 1000),
            }),
        },
      ],
    },
  ];
  return compare(sets);
}
