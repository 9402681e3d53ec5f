import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { encodeBase64Url } from './base64url.js';

/**
 * Bytes from the operating system's CSPRNG. Use at least 16 (128 bits) for salts, nonces and codes.
 *
 * @example
 * ```ts
 * const salt = randomBytes(16);
 * ```
 */
export function randomBytes(byteLength: number): Uint8Array {
  if (!Number.isInteger(byteLength) || byteLength < 1 || byteLength > 1024) {
    throw new RangeError('byteLength must be an integer from 1 to 1024');
  }
  return new Uint8Array(nodeRandomBytes(byteLength));
}

/**
 * A random value as base64url, e.g. a nonce: `randomBase64Url(16)` carries 128 bits.
 *
 * @example
 * ```ts
 * const nonce = randomBase64Url(16); // 22 characters
 * ```
 */
export function randomBase64Url(byteLength = 16): string {
  return encodeBase64Url(randomBytes(byteLength));
}
