import { type JwsAlgorithm, jwkThumbprint, type PublicJwk } from '@haven/core';
import { failOid4vci } from '../errors.js';
import { hashSecret } from './hash-secret.js';
import type { ResolvedIssuerConfig } from './resolve-issuer-config.js';
import { verifyProofJwt } from './verify-proof-jwt.js';

/**
 * Verifies the `jwt` proofs of one Credential Request (OpenID4VCI §8.2, Appendix F) and returns one
 * holder key per proof, in order. Every proof is verified first ({@link verifyProofJwt}); then all must
 * carry the same `c_nonce` (a request spends one nonce: `OID4VCI_INVALID_NONCE` otherwise), no key may
 * appear twice (each key binds at most one credential of the batch: `OID4VCI_INVALID_PROOF`), and the
 * nonce is consumed — atomically, once — only now, so garbage proofs cannot burn a wallet's nonce.
 * An unknown, expired or already used nonce is `OID4VCI_INVALID_NONCE` (§8.3.1.2).
 *
 * @example
 * ```ts
 * const keys = await verifyKeyProofs(resolved, proofs.jwt, ['ES256'], now);
 * ```
 */
export async function verifyKeyProofs(
  resolved: ResolvedIssuerConfig,
  jwts: readonly string[],
  algorithms: readonly JwsAlgorithm[],
  now: number,
): Promise<readonly PublicJwk[]> {
  const { config, limits } = resolved;
  const verified = jwts.map((jwt) =>
    verifyProofJwt(jwt, {
      credentialIssuer: config.credentialIssuer,
      algorithms,
      now,
      clockSkewSeconds: limits.clockSkewSeconds,
      maxAgeSeconds: limits.proofMaxAgeSeconds,
    }),
  );
  const first = verified[0];
  if (first === undefined) failOid4vci('OID4VCI_INVALID_PROOF', 'no key proof was sent');
  if (!verified.every((proof) => proof.nonce === first.nonce)) {
    failOid4vci('OID4VCI_INVALID_NONCE', 'the key proofs of one request must carry the same c_nonce');
  }
  const thumbprints = new Set(verified.map((proof) => jwkThumbprint(proof.holderKey)));
  if (thumbprints.size !== verified.length) {
    failOid4vci('OID4VCI_INVALID_PROOF', 'the same key is proven twice in one request');
  }
  if (!(await config.store.consumeNonce(hashSecret(config.secret, 'c_nonce', first.nonce), now))) {
    failOid4vci('OID4VCI_INVALID_NONCE', 'the c_nonce is unknown, expired or already used');
  }
  return Object.freeze(verified.map((proof) => proof.holderKey));
}
