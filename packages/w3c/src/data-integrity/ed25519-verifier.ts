import type { KeyObject } from 'node:crypto';
import { verifySignature } from '@haven/core';
import type { LibraryVerifier } from './library.js';

/**
 * An Ed25519 verifier over a `node:crypto` KeyObject that `@haven/did` resolved and core cached, in the
 * shape the eddsa-rdfc-2022 suite calls (`verify({ data, signature })`).
 *
 * Why not `@digitalbazaar/ed25519-multikey`: that key class rebuilds a KeyObject from DER on every
 * verification, and the key it would read comes from the document loader, not from Haven's resolution.
 * The signature check itself is core's `verifySignature` (only core touches `node:crypto`).
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
      if (!(data instanceof Uint8Array) || !(signature instanceof Uint8Array)) return false;
      return verifySignature('EdDSA', data, signature, key);
    },
  };
}
