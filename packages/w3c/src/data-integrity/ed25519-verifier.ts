import { type KeyObject, verify } from 'node:crypto';
import type { LibraryVerifier } from './library.js';

/**
 * An Ed25519 verifier over a `node:crypto` KeyObject that `@haven/did` resolved and core cached, in the
 * shape the eddsa-rdfc-2022 suite calls (`verify({ data, signature })`).
 *
 * Why here and not through `@digitalbazaar/ed25519-multikey`: that key class rebuilds a KeyObject from
 * DER on every verification, and the key it would read comes from the document loader, not from Haven's
 * resolution. DESIGN.md keeps `node:crypto` in core; core has no raw-signature verify primitive yet, so
 * this is the one exception in `@haven/w3c` (one call, no key parsing) until it does.
 *
 * @example
 * ```ts
 * const verifier = ed25519Verifier(resolved.key, proof.verificationMethod);
 * ```
 */
export function ed25519Verifier(key: KeyObject, id: string): LibraryVerifier {
  return {
    id,
    algorithm: 'Ed25519',
    verify({ data, signature }) {
      if (!(data instanceof Uint8Array) || !(signature instanceof Uint8Array) || signature.length !== 64)
        return false;
      return verify(null, data, key, signature);
    },
  };
}
