import { hmacSha256Base64Url } from '@haven/core';

/** What a stored HMAC protects; part of the MAC input, so a value of one kind never matches another. */
export type SecretPurpose = 'pre-authorized_code' | 'tx_code' | 'access_token' | 'c_nonce' | 'transaction_id';

/**
 * The stored form of a short-lived secret: HMAC-SHA-256 under the issuer secret over
 * `purpose NUL bind NUL value`. `bind` ties a tx_code to its offer id, so two offers with the same
 * six digits do not store the same value. Neither `purpose` nor `bind` (base64url) contains NUL, so the
 * encoding is unambiguous.
 *
 * @example
 * ```ts
 * const txCodeHash = hashSecret(config.secret, 'tx_code', '493536', offerId);
 * ```
 */
export function hashSecret(secret: Uint8Array, purpose: SecretPurpose, value: string, bind = ''): string {
  return hmacSha256Base64Url(secret, `${purpose}\u0000${bind}\u0000${value}`);
}
