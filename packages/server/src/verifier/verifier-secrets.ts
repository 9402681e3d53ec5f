import type { ScryptParams } from '@haven/core';
import { deriveRootKey, rootSubkey } from '../issuer/issuer-keys.js';
import type { SecretStore } from '../store/contracts.js';

/** The verifier's two symmetric keys, derived from the master secret under their own labels. */
export interface VerifierSecrets {
  /** AES-256-GCM: sealed transaction requests and results (bound to the transaction id). */
  readonly sealKey: Uint8Array;
  /** HMAC-SHA-256: request-ids, session secrets and response codes are stored under it. */
  readonly hmacKey: Uint8Array;
}

/**
 * Derives the verifier's keys (DESIGN "Keys at rest"): the same scrypt root as the issuer (salt and
 * parameters kept in the database, first writer wins), then HMAC-SHA-256 subkeys under labels of their
 * own (`haven/oid4vp/seal`, `haven/oid4vp/hmac`), so no key is shared between issuer and verifier. The
 * stored check value is opened with the root's `haven/seal` subkey: a wrong master secret fails with
 * `SERVER_MASTER_SECRET_MISMATCH` before anything is written, also when the verifier runs alone.
 *
 * @example
 * ```ts
 * const { sealKey, hmacKey } = await deriveVerifierSecrets({ masterSecret, secrets: new SqlSecretStore(db) });
 * ```
 */
export async function deriveVerifierSecrets(options: {
  readonly masterSecret: Uint8Array;
  readonly secrets: SecretStore;
  readonly scrypt?: ScryptParams;
}): Promise<VerifierSecrets> {
  const root = await deriveRootKey(options);
  return { sealKey: rootSubkey(root, 'haven/oid4vp/seal'), hmacKey: rootSubkey(root, 'haven/oid4vp/hmac') };
}
