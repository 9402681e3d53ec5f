import { digestBase64Url } from '@haven/core';
import { failSdJwt } from './errors.js';
import type { SdHashAlgorithm } from './types.js';

export const SD_HASH_ALGORITHMS: readonly SdHashAlgorithm[] = Object.freeze([
  'sha-256',
  'sha-384',
  'sha-512',
]);

/**
 * The `_sd_alg` of a payload (RFC 9901 §4.1.1): absent means sha-256; otherwise it must be one of the
 * allowed names, spelled exactly (IANA Named Information names are case-sensitive here: `SHA-256` is
 * not understood and is rejected rather than guessed).
 */
export function readHashAlgorithm(
  payload: Record<string, unknown>,
  allowed: readonly SdHashAlgorithm[] = SD_HASH_ALGORITHMS,
): SdHashAlgorithm {
  const value = payload._sd_alg;
  if (value === undefined) {
    if (!allowed.includes('sha-256'))
      failSdJwt('SDJWT_HASH_ALG_UNSUPPORTED', '_sd_alg absent (sha-256) is not allowed');
    return 'sha-256';
  }
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    failSdJwt('SDJWT_HASH_ALG_UNSUPPORTED', '_sd_alg is not a supported hash algorithm');
  }
  return value as SdHashAlgorithm;
}

/** The digest of a disclosure or SD-JWT string (RFC 9901 §4.2.3): base64url of the hash of its ASCII text. */
export function hashToBase64Url(alg: SdHashAlgorithm, text: string): string {
  return digestBase64Url(alg, text);
}
