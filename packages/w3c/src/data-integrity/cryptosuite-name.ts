import type { JwsAlgorithm } from '@haven/core';

/** The Data Integrity cryptosuites Haven issues and verifies (vc-di-eddsa §3.3, vc-di-ecdsa §3.4). */
export type DataIntegrityCryptosuite = 'eddsa-rdfc-2022' | 'ecdsa-sd-2023';

/**
 * Every cryptosuite Haven supports; the default allow-list of a verifier.
 *
 * @example
 * ```ts
 * verifyDataIntegrityCredential(vc, { ...options, cryptosuites: ['ecdsa-sd-2023'] });
 * ```
 */
export const DATA_INTEGRITY_CRYPTOSUITES: readonly DataIntegrityCryptosuite[] = Object.freeze([
  'eddsa-rdfc-2022',
  'ecdsa-sd-2023',
]);

/** The one key type (as a JWS algorithm) each cryptosuite signs with: Ed25519, and P-256 for ecdsa-sd. */
export const ALGORITHM_FOR_CRYPTOSUITE: Readonly<Record<DataIntegrityCryptosuite, JwsAlgorithm>> =
  Object.freeze({
    'eddsa-rdfc-2022': 'EdDSA',
    'ecdsa-sd-2023': 'ES256',
  });

/** The algorithm names the @digitalbazaar suites compare signers and verifiers against. */
export const LIBRARY_ALGORITHM: Readonly<Record<DataIntegrityCryptosuite, string>> = Object.freeze({
  'eddsa-rdfc-2022': 'Ed25519',
  'ecdsa-sd-2023': 'P-256',
});

/**
 * Is `value` one of the supported cryptosuite names (exact, case-sensitive)?
 *
 * @example
 * ```ts
 * isDataIntegrityCryptosuite('ecdsa-rdfc-2019') // false
 * ```
 */
export function isDataIntegrityCryptosuite(value: unknown): value is DataIntegrityCryptosuite {
  return value === 'eddsa-rdfc-2022' || value === 'ecdsa-sd-2023';
}
