import type { KeyObject } from 'node:crypto';
import { createSigner, HavenError, type PrivateJwk, type Signer, type SyncSigner } from '@haven/core';
import { failW3c } from '../errors.js';
import {
  ALGORITHM_FOR_CRYPTOSUITE,
  type DataIntegrityCryptosuite,
  LIBRARY_ALGORITHM,
} from './cryptosuite-name.js';
import type { LibrarySigner } from './library.js';

/** How an issuer or holder signs: a Haven `Signer` (local, HSM, KMS) or, for convenience, a private key. */
export interface DataIntegrityKeyOptions {
  /** Signs the cryptosuite's hash data: `EdDSA` for eddsa-rdfc-2022, `ES256` (64-byte P1363) for ecdsa-sd-2023. */
  signer?: Signer;
  /** A private key; a cached synchronous signer is built from it once per key object. */
  privateKey?: PrivateJwk | KeyObject;
}

// The signer built for a private key object. The KeyObject import is the costly part of signing with
// @digitalbazaar/ed25519-multikey (it re-imports the PKCS#8 key on every signature); here it happens once.
const signers = new WeakMap<object, SyncSigner>();

/**
 * The Haven signer of the options: `signer`, or one built (and cached) from `privateKey`. Exactly one
 * must be given (`W3C_POLICY_INVALID`), and its algorithm must be the cryptosuite's.
 *
 * @example
 * ```ts
 * const signer = signerOf({ privateKey: ed25519Jwk }, 'eddsa-rdfc-2022');
 * ```
 */
export function signerOf(options: DataIntegrityKeyOptions, cryptosuite: DataIntegrityCryptosuite): Signer {
  if ((options.signer === undefined) === (options.privateKey === undefined)) {
    failW3c('W3C_POLICY_INVALID', 'give exactly one of signer or privateKey');
  }
  let signer: Signer | undefined = options.signer;
  if (signer === undefined) {
    const key = options.privateKey as PrivateJwk | KeyObject;
    let cached = signers.get(key);
    if (cached === undefined) {
      cached = createSigner(key);
      signers.set(key, cached);
    }
    signer = cached;
  }
  if (signer.alg !== ALGORITHM_FOR_CRYPTOSUITE[cryptosuite]) {
    failW3c(
      'W3C_POLICY_INVALID',
      `${cryptosuite} signs with ${ALGORITHM_FOR_CRYPTOSUITE[cryptosuite]} keys only`,
    );
  }
  return signer;
}

function checkSignature(signature: unknown): Uint8Array {
  // Both suites take a 64-byte raw signature (Ed25519; P-256 r||s, vc-di-ecdsa §3.4.4).
  if (!(signature instanceof Uint8Array) || signature.length !== 64) {
    failW3c('W3C_SIGN_FAILED', 'the signer did not return a 64-byte signature');
  }
  return signature;
}

function signFailed(cause: unknown): never {
  // A signer's own HavenError (e.g. a KMS refusing) is kept as the cause; anything else is not attached.
  failW3c('W3C_SIGN_FAILED', 'the signer failed', cause instanceof HavenError ? { cause } : {});
}

/**
 * Adapts a Haven `Signer` to the signer object the @digitalbazaar suites call (`sign({ data })`), for
 * `verificationMethod`. A synchronous signer stays synchronous; a signer's failure or a wrong-sized
 * signature becomes `W3C_SIGN_FAILED`.
 *
 * @example
 * ```ts
 * const suite = new LibraryDataIntegrityProof({ signer: librarySigner(signer, vm, 'eddsa-rdfc-2022'), … });
 * ```
 */
export function librarySigner(
  signer: Signer,
  verificationMethod: string,
  cryptosuite: DataIntegrityCryptosuite,
): LibrarySigner {
  return {
    id: verificationMethod,
    algorithm: LIBRARY_ALGORITHM[cryptosuite],
    sign({ data }) {
      let out: Uint8Array | Promise<Uint8Array>;
      try {
        out = signer.sign(data);
      } catch (cause) {
        signFailed(cause);
      }
      return out instanceof Uint8Array ? checkSignature(out) : out.then(checkSignature, signFailed);
    },
  };
}
