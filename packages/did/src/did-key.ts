import type { PublicJwk } from '@haven/core';
import { type DidDocument, deepFreeze } from './did-document.js';
import { failDid } from './errors.js';
import { assertDidLength } from './limits.js';
import { decodeMultikey, encodeMultikey } from './multikey.js';

const PREFIX = 'did:key:';

/**
 * The JSON-LD contexts of a did:key document with a Multikey verification method (did:key spec,
 * "Document Creation Algorithm"; Controlled Identifiers §2.2.2 Multikey).
 */
const CONTEXT = ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'];

/**
 * Creates the did:key of a public key (did:key spec, "Create"): `did:key:` + the key's Multikey
 * encoding. Supported: Ed25519 (`z6Mk…`), P-256 (`zDn…`), P-384 (`z82…`). The signing key id is
 * `${did}#${did.slice(8)}`.
 *
 * @example
 * ```ts
 * createDidKey({ kty: 'OKP', crv: 'Ed25519', x: 'Lm_M42cB3HkUiODQsXRcweM6TByfzEHGO9ND274JcOY' })
 * // 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
 * ```
 */
export function createDidKey(publicJwk: PublicJwk): string {
  return PREFIX + encodeMultikey(publicJwk);
}

/**
 * Resolves a did:key to its DID document (did:key spec, "Read (Resolve)" and "Document Creation
 * Algorithm"), without network. The one verification method is a `Multikey` with `publicKeyMultibase`
 * (the spec's default representation; `JsonWebKey2020` is its legacy option) and id `did:key:z…#z…`;
 * it is listed under `authentication`, `assertionMethod`, `capabilityInvocation` and
 * `capabilityDelegation`. No X25519 `keyAgreement` key is derived: Haven does not encrypt to DIDs.
 *
 * Errors: not a did:key of the form `did:key:z…` (no version segment, no DID URL parts), longer than
 * `DID_MAX_LENGTH`, or an unknown multicodec → `DID_INVALID`; wrong key length or an EC point off the
 * curve → `DID_INVALID_PUBLIC_KEY`.
 *
 * @example
 * ```ts
 * const doc = resolveDidKey('did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK');
 * doc.verificationMethod?.[0]?.publicKeyMultibase // 'z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
 * ```
 */
export function resolveDidKey(did: string): DidDocument {
  assertDidLength(did);
  if (!did.startsWith(PREFIX)) failDid('DID_INVALID', 'not a did:key');
  const multibase = did.slice(PREFIX.length);
  // did:key spec "Format": did:key:<mb-value>. A version segment (did:key:1:…) or DID URL parts are
  // not a did:key we can resolve.
  if (!/^z[1-9A-HJ-NP-Za-km-z]+$/.test(multibase))
    failDid('DID_INVALID', 'did:key identifier is not a base58btc multibase value');
  // Decoding also checks the key (length, point on the curve): a did:key that names no valid key is
  // not resolvable (did:key spec "Decode Public Key Algorithm").
  decodeMultikey(multibase);
  const vmId = `${did}#${multibase}`;
  return deepFreeze({
    '@context': CONTEXT,
    id: did,
    verificationMethod: [{ id: vmId, type: 'Multikey', controller: did, publicKeyMultibase: multibase }],
    authentication: [vmId],
    assertionMethod: [vmId],
    capabilityInvocation: [vmId],
    capabilityDelegation: [vmId],
  });
}
