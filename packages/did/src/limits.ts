import { failDid } from './errors.js';

/**
 * Longest DID or DID URL accepted; a did:jwk of a P-384 key is about 250 characters. Each method
 * resolver checks it too, not only `createDidResolver`: they also run inside a plain `did-resolver`
 * `Resolver` (e.g. a Veramo agent), where nothing else bounds the input before we decode it.
 */
export const DID_MAX_LENGTH = 4096;

/**
 * Throws `code` (default `DID_INVALID`) when `did` is not a string of at most {@link DID_MAX_LENGTH}
 * characters. The details carry the limit, never the input.
 *
 * @example
 * ```ts
 * assertDidLength(did); // before any parsing or decoding
 * ```
 */
export function assertDidLength(
  did: unknown,
  code: 'DID_INVALID' | 'DID_URL_INVALID' = 'DID_INVALID',
): asserts did is string {
  if (typeof did !== 'string') failDid(code, 'DID is not a string');
  if (did.length > DID_MAX_LENGTH) {
    failDid(code, 'DID is too long', { details: { maxLength: DID_MAX_LENGTH } });
  }
}
