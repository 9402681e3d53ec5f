import {
  assertPublicJwk,
  decodeBase64Url,
  encodeBase64Url,
  importPublicJwk,
  isHavenError,
  type PublicJwk,
  parseStrictJsonObject,
} from '@haven/core';
import { type DidDocument, deepFreeze, type VerificationRelationship } from './did-document.js';
import { failDid } from './errors.js';
import { assertDidLength } from './limits.js';

const PREFIX = 'did:jwk:';
const CONTEXT = ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'];
/** A public EC/OKP JWK is under 300 bytes; the cap keeps a hostile DID from costing a big parse. */
const MAX_JWK_BYTES = 2048;
/** The longest unpadded base64url text decoding to at most {@link MAX_JWK_BYTES} (4 chars per 3 bytes). */
const MAX_ENCODED_LENGTH = Math.ceil((MAX_JWK_BYTES * 4) / 3);
const SIGNING: readonly VerificationRelationship[] = [
  'assertionMethod',
  'authentication',
  'capabilityInvocation',
  'capabilityDelegation',
];

/**
 * Creates the did:jwk of a public key (did:jwk spec, "Create"): `did:jwk:` + base64url(UTF-8 JSON of
 * the JWK). Only the key members (`crv`, `kty`, `x`, `y`) and `use` are kept, in lexicographic order and
 * without whitespace, so a key always yields the same DID. Private keys are refused
 * (`JWK_PRIVATE_KEY_NOT_ALLOWED`). The signing key id is `${did}#0`.
 *
 * @example
 * ```ts
 * const did = createDidJwk(publicJwk); // 'did:jwk:eyJjcnYiOiJQLTI1NiIs…'
 * ```
 */
export function createDidJwk(publicJwk: PublicJwk): string {
  assertPublicJwk(publicJwk);
  importPublicJwk(publicJwk);
  const { crv, kty, use, x, y } = publicJwk;
  const members: Record<string, string> = { crv, kty };
  if (use !== undefined) members.use = use;
  members.x = x;
  if (y !== undefined) members.y = y;
  return PREFIX + encodeBase64Url(JSON.stringify(members));
}

/**
 * Resolves a did:jwk to its DID document (did:jwk spec, "Read (Resolve)"), without network. The JWK is
 * decoded with strict base64url and strict JSON, must be a public key of a supported type (a private
 * `d` means a leaked key) and is checked on the curve. The one verification method is `#0`, a
 * `JsonWebKey2020` with `publicKeyJwk`. Relationships follow the spec: all five by default; no
 * `keyAgreement` when `use` is `sig`; only `keyAgreement` when `use` is `enc`.
 *
 * Errors: malformed identifier, base64url or JSON, a DID over `DID_MAX_LENGTH` or a JWK over 2048 bytes
 * (judged on the encoded length, before decoding) → `DID_INVALID`; private, unsupported or invalid key,
 * or a `use` other than `sig`/`enc` → `DID_INVALID_PUBLIC_KEY`.
 *
 * @example
 * ```ts
 * const doc = resolveDidJwk(createDidJwk(publicJwk));
 * doc.verificationMethod?.[0]?.id // `${did}#0`
 * ```
 */
export function resolveDidJwk(did: string): DidDocument {
  assertDidLength(did);
  if (!did.startsWith(PREFIX)) failDid('DID_INVALID', 'not a did:jwk');
  const encoded = did.slice(PREFIX.length);
  // Judge the size before decoding: decoding first would allocate whatever a hostile DID carries.
  if (encoded.length > MAX_ENCODED_LENGTH) {
    failDid('DID_INVALID', 'did:jwk identifier is too long', {
      details: { maxLength: MAX_ENCODED_LENGTH },
    });
  }
  let jwk: Record<string, unknown>;
  try {
    jwk = parseStrictJsonObject(decodeBase64Url(encoded, 'did:jwk identifier'), {
      maxBytes: MAX_JWK_BYTES,
      what: 'did:jwk JWK',
    });
  } catch (cause) {
    if (isHavenError(cause)) {
      failDid('DID_INVALID', 'did:jwk identifier is not base64url-encoded JSON', {
        cause,
        details: { causeCode: cause.code },
      });
    }
    throw cause;
  }
  try {
    assertPublicJwk(jwk);
    importPublicJwk(jwk);
  } catch (cause) {
    if (isHavenError(cause)) {
      failDid('DID_INVALID_PUBLIC_KEY', 'did:jwk does not hold a supported public key', {
        cause,
        details: { causeCode: cause.code },
      });
    }
    throw cause;
  }
  const use = jwk.use;
  // RFC 8037 §3.1: Ed25519 only signs, so "enc" on it is a contradiction, not a key-agreement key.
  if ((use !== undefined && use !== 'sig' && use !== 'enc') || (use === 'enc' && jwk.crv === 'Ed25519')) {
    failDid('DID_INVALID_PUBLIC_KEY', 'did:jwk key has an unsupported "use"');
  }
  const vmId = `${did}#0`;
  const document: Record<string, unknown> = {
    '@context': CONTEXT,
    id: did,
    verificationMethod: [{ id: vmId, type: 'JsonWebKey2020', controller: did, publicKeyJwk: jwk }],
  };
  if (use !== 'enc') for (const relationship of SIGNING) document[relationship] = [vmId];
  if (use !== 'sig') document.keyAgreement = [vmId];
  return deepFreeze(document as DidDocument);
}
