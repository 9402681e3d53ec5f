import type { KeyObject } from 'node:crypto';
import { isHavenError } from '@haven/core';
import { type DidResolver, encodeMultikey, type KeyRelationship } from '@haven/did';
import { deepFreezeJson } from '../contexts/bundled-context.js';
import { MULTIKEY_V1_CONTEXT } from '../contexts/multikey-v1.js';
import { failW3c } from '../errors.js';
import { ALGORITHM_FOR_CRYPTOSUITE, type DataIntegrityCryptosuite } from './cryptosuite-name.js';
import { didOf } from './proof.js';

/** A verification method Haven resolved and authorized, in the two forms the verification needs. */
export interface AuthorizedVerificationMethod {
  /** The DID URL from the proof. */
  readonly id: string;
  /** Core's cached KeyObject. */
  readonly key: KeyObject;
  /** The Multikey document the cryptosuite reads (Controlled Identifiers §2.2.2), deep-frozen. */
  readonly document: Readonly<Record<string, unknown>>;
}

// Core caches one KeyObject per key material, so the Multikey encoding (base58 of the key) is done once.
const multibaseOf = new WeakMap<KeyObject, string>();

// DID errors that mean "this key may not speak for this DID in this role" rather than "no such key".
const NOT_AUTHORIZED = new Set([
  'DID_VERIFICATION_RELATIONSHIP_MISSING',
  'DID_VERIFICATION_METHOD_CONTROLLER_MISMATCH',
]);

/**
 * Proves that `verificationMethod` may sign for `controller` in `relationship`, with `@haven/did`'s
 * resolver rather than the library's document loading (vc-data-integrity §4.4 step "verification method
 * … MUST be authorized"; DID Core §5.3):
 *
 * - the method's DID must be `controller` itself — or, for an issuer that is not a DID (e.g. the spec
 *   vectors' `https://vc.example/issuers/5678`), listed for it in `delegated` by the verifier →
 *   else `W3C_VERIFICATION_METHOD_NOT_AUTHORIZED`;
 * - its DID document must list it under `relationship`, controlled by that DID →
 *   else `W3C_VERIFICATION_METHOD_NOT_AUTHORIZED`;
 * - its key must be the cryptosuite's type (Ed25519 / P-256) → else `W3C_VERIFICATION_METHOD_INVALID`,
 *   as is any other resolution failure (the DID error's code is kept in `details.causeCode`).
 *
 * @example
 * ```ts
 * const vm = await authorizeVerificationMethod(proof.verificationMethod, issuer, 'assertionMethod',
 *   'eddsa-rdfc-2022', { dids });
 * ```
 */
export async function authorizeVerificationMethod(
  verificationMethod: string,
  controller: string,
  relationship: KeyRelationship,
  cryptosuite: DataIntegrityCryptosuite,
  sources: { dids: DidResolver; delegated?: Readonly<Record<string, readonly string[]>> | undefined },
): Promise<AuthorizedVerificationMethod> {
  const did = didOf(verificationMethod);
  if (did !== controller) {
    const delegated =
      sources.delegated !== undefined && Object.hasOwn(sources.delegated, controller)
        ? sources.delegated[controller]
        : undefined;
    if (delegated === undefined || !delegated.includes(verificationMethod)) {
      failW3c(
        'W3C_VERIFICATION_METHOD_NOT_AUTHORIZED',
        'the verification method is not controlled by the signer',
      );
    }
  }
  let resolved: Awaited<ReturnType<DidResolver['resolveKey']>>;
  try {
    resolved = await sources.dids.resolveKey(verificationMethod, {
      relationship,
      alg: ALGORITHM_FOR_CRYPTOSUITE[cryptosuite],
    });
  } catch (cause) {
    if (!isHavenError(cause)) throw cause;
    const details = { causeCode: cause.code };
    if (NOT_AUTHORIZED.has(cause.code)) {
      failW3c(
        'W3C_VERIFICATION_METHOD_NOT_AUTHORIZED',
        `the verification method is not authorized for ${relationship}`,
        {
          cause,
          details,
        },
      );
    }
    failW3c(
      'W3C_VERIFICATION_METHOD_INVALID',
      'the verification method could not be resolved to a usable key',
      {
        cause,
        details,
      },
    );
  }
  let publicKeyMultibase = multibaseOf.get(resolved.key);
  if (publicKeyMultibase === undefined) {
    publicKeyMultibase = encodeMultikey(resolved.publicJwk);
    multibaseOf.set(resolved.key, publicKeyMultibase);
  }
  const document = deepFreezeJson({
    '@context': MULTIKEY_V1_CONTEXT.url,
    id: verificationMethod,
    type: 'Multikey',
    controller: did,
    publicKeyMultibase,
  });
  return Object.freeze({ id: verificationMethod, key: resolved.key, document });
}
