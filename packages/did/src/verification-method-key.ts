import { assertPublicJwk, isHavenError, type PublicJwk, toPublicJwk } from '@haven/core';
import type { DidVerificationMethod } from './did-document.js';
import { failDid } from './errors.js';
import { decodeMultikey } from './multikey.js';

// JsonWebKey2020 (W3C CCG), JsonWebKey (Controlled Identifiers §2.2.3) and Multikey (§2.2.2).
const JWK_TYPES = new Set(['JsonWebKey2020', 'JsonWebKey']);
const MULTIKEY_TYPE = 'Multikey';

/**
 * The public key of a verification method, as a public JWK with only its key members (and `kid`):
 * `publicKeyJwk` for `JsonWebKey2020`/`JsonWebKey`, `publicKeyMultibase` for `Multikey`. The key must be
 * public and of a supported type, marked for signing if it carries `use`/`key_ops`, and its point on the
 * curve.
 *
 * Errors: another type or key property, or both/neither → `DID_VERIFICATION_METHOD_NOT_SUPPORTED`;
 * a private (`d`), invalid or unsupported key, or one marked for encryption → `DID_INVALID_PUBLIC_KEY`;
 * a JWK `alg` that contradicts the key → `DID_KEY_ALG_MISMATCH`.
 *
 * @example
 * ```ts
 * const jwk = publicJwkFromVerificationMethod(vm); // { kty: 'EC', crv: 'P-256', x, y }
 * ```
 */
export function publicJwkFromVerificationMethod(vm: DidVerificationMethod): PublicJwk {
  const hasJwk = vm.publicKeyJwk !== undefined;
  const hasMultibase = vm.publicKeyMultibase !== undefined;
  // DID Core §5.2.1: one key representation per method; two could disagree.
  if (hasJwk === hasMultibase) {
    failDid(
      'DID_VERIFICATION_METHOD_NOT_SUPPORTED',
      'the verification method must carry exactly one of publicKeyJwk or publicKeyMultibase',
    );
  }
  if (hasMultibase) {
    if (vm.type !== MULTIKEY_TYPE)
      failDid('DID_VERIFICATION_METHOD_NOT_SUPPORTED', 'publicKeyMultibase is read only for Multikey');
    try {
      return decodeMultikey(vm.publicKeyMultibase as string);
    } catch (cause) {
      if (isHavenError(cause))
        failDid('DID_INVALID_PUBLIC_KEY', 'publicKeyMultibase is not a supported public key', { cause });
      throw cause;
    }
  }
  if (!JWK_TYPES.has(vm.type))
    failDid(
      'DID_VERIFICATION_METHOD_NOT_SUPPORTED',
      'publicKeyJwk is read only for JsonWebKey2020 or JsonWebKey',
    );
  const jwk: unknown = vm.publicKeyJwk;
  try {
    assertPublicJwk(jwk);
  } catch (cause) {
    if (isHavenError(cause, 'JWS_ALG_KEY_MISMATCH'))
      failDid('DID_KEY_ALG_MISMATCH', 'the JWK "alg" does not match its key type', { cause });
    // JWK_PRIVATE_KEY_NOT_ALLOWED included: a DID document that publishes a private key is broken, and
    // the key must be treated as compromised rather than used.
    if (isHavenError(cause))
      failDid('DID_INVALID_PUBLIC_KEY', 'publicKeyJwk is not a supported public key', {
        cause,
        details: { causeCode: cause.code },
      });
    throw cause;
  }
  // RFC 7517 §4.2, §4.3: a key declared for encryption only must not verify signatures.
  if (
    (jwk.use !== undefined && jwk.use !== 'sig') ||
    (jwk.key_ops !== undefined && !jwk.key_ops.includes('verify'))
  ) {
    failDid('DID_INVALID_PUBLIC_KEY', 'publicKeyJwk is not a signature key');
  }
  return toPublicJwk(jwk);
}
