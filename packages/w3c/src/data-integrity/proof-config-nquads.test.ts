import { HAVEN_CREDENTIALS_CONTEXT } from '@haven/credentials';
import { describe, expect, test } from 'vitest';
import { DIDS, VC_V2 } from '../../test/fixtures/credentials.js';
import { didJwkOf, didKeyOf, ISSUER_ED25519 } from '../../test/fixtures/keys.js';
import { DATA_INTEGRITY_V2_CONTEXT } from '../contexts/data-integrity-v2.js';
import { createDocumentLoader } from '../contexts/document-loader.js';
import { EXAMPLES_V2_CONTEXT } from '../contexts/examples-v2.js';
import { eddsaRdfc2022Cryptosuite } from './library.js';
import { proofConfigNQuads } from './proof-config-nquads.js';

const loader = createDocumentLoader({
  dids: DIDS,
  contexts: [EXAMPLES_V2_CONTEXT, HAVEN_CREDENTIALS_CONTEXT],
});
const reference = (input: Record<string, unknown>) =>
  eddsaRdfc2022Cryptosuite.canonize(input, { documentLoader: loader });

const CONTEXTS = [
  [VC_V2],
  [VC_V2, EXAMPLES_V2_CONTEXT.url],
  [VC_V2, DATA_INTEGRITY_V2_CONTEXT.url],
  [VC_V2, HAVEN_CREDENTIALS_CONTEXT.url],
  [VC_V2, HAVEN_CREDENTIALS_CONTEXT.url, EXAMPLES_V2_CONTEXT.url],
];
const METHODS = [
  didKeyOf(ISSUER_ED25519).vm,
  didJwkOf(ISSUER_ED25519).vm,
  'did:web:registry.example%3A8443:gov#key-1',
];
const VARIANTS: Record<string, unknown>[] = [
  { proofPurpose: 'assertionMethod', created: '2026-01-01T00:00:00Z' },
  { proofPurpose: 'assertionMethod' },
  { proofPurpose: 'assertionMethod', created: '2026-01-01T01:00:00.123+01:00' },
  {
    proofPurpose: 'authentication',
    created: '2026-01-01T00:00:00Z',
    challenge: 'n-0S6_WzA2Mj',
    domain: 'https://verifier.example',
  },
  { proofPurpose: 'authentication', challenge: "a b!#$%&'()*+,-./:;<=>?@[]^_`{|}~" },
];

describe('vc-di-eddsa §3.3.5 proof configuration: the direct N-Quads equal jsonld.js + rdf-canonize', () => {
  for (const context of CONTEXTS) {
    for (const verificationMethod of METHODS) {
      test.each(VARIANTS)(
        `${context.join(' + ')} · ${verificationMethod.slice(0, 12)}… · %o`,
        async (variant) => {
          const input = {
            '@context': context,
            type: 'DataIntegrityProof',
            cryptosuite: 'eddsa-rdfc-2022',
            verificationMethod,
            ...variant,
          };
          const fast = proofConfigNQuads(input);
          expect(fast).toBeDefined();
          expect(fast).toBe(await reference(input));
        },
      );
    }
  }

  test.each([
    { id: 'urn:uuid:1' }, // the proof node gets an IRI, not a blank node
    { expires: '2027-01-01T00:00:00Z' },
    { challenge: 'quote"inside' },
    { challenge: 'back\\slash' },
    { challenge: 'new\nline' },
    { domain: ['a', 'b'] },
    { created: '2026-01-01 00:00:00Z' },
    { verificationMethod: 'https://issuer.example/keys/1' },
    { verificationMethod: 'did:key:z6Mk<x>' },
    { proofPurpose: 'capabilityInvocation' },
    { cryptosuite: 'ecdsa-rdfc-2019' },
    { '@context': [VC_V2, 'https://w3id.org/security/multikey/v1'] },
    { '@context': VC_V2 },
    { '@context': [EXAMPLES_V2_CONTEXT.url, VC_V2] },
  ])('anything else takes the general path: %o', (change) => {
    const input = {
      '@context': [VC_V2],
      type: 'DataIntegrityProof',
      cryptosuite: 'eddsa-rdfc-2022',
      verificationMethod: didKeyOf(ISSUER_ED25519).vm,
      proofPurpose: 'assertionMethod',
      created: '2026-01-01T00:00:00Z',
      ...change,
    };
    expect(proofConfigNQuads(input)).toBeUndefined();
  });
});
