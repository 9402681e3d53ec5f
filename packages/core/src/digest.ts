import { createHash, hash as oneShotHash } from 'node:crypto';

/** Hash algorithms by their IANA Named Information names (as in SD-JWT `_sd_alg`). */
export type DigestAlgorithm = 'sha-256' | 'sha-384' | 'sha-512';

const NODE_HASH: Readonly<Record<DigestAlgorithm, string>> = Object.freeze({
  'sha-256': 'sha256',
  'sha-384': 'sha384',
  'sha-512': 'sha512',
});

/**
 * The digest of `data` with a SHA-2 function. A string is hashed as its UTF-8 bytes, so an SD-JWT
 * disclosure (ASCII base64url) hashes to the same value as its encoded bytes.
 *
 * @example
 * ```ts
 * encodeBase64Url(digest('sha-256', disclosure)) // the digest listed in `_sd`
 * ```
 */
export function digest(alg: DigestAlgorithm, data: Uint8Array | string): Uint8Array {
  // Own-property lookup: an algorithm name from configuration must not reach Object.prototype.
  const name = Object.hasOwn(NODE_HASH, alg) ? NODE_HASH[alg] : undefined;
  if (name === undefined) throw new RangeError('digest algorithm must be sha-256, sha-384 or sha-512');
  const hash = createHash(name);
  hash.update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  const out = hash.digest();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * The base64url digest of `data`, in one call: what SD-JWT puts in `_sd` and `sd_hash` (RFC 9901 §4.2.3).
 * Uses Node's one-shot `crypto.hash` (no Hash object, no intermediate buffer): this runs once per
 * disclosure, so it is on the issue and verify hot paths.
 *
 * @example
 * ```ts
 * digestBase64Url('sha-256', disclosure) // 43 characters
 * ```
 */
export function digestBase64Url(alg: DigestAlgorithm, data: Uint8Array | string): string {
  const name = Object.hasOwn(NODE_HASH, alg) ? NODE_HASH[alg] : undefined;
  if (name === undefined) throw new RangeError('digest algorithm must be sha-256, sha-384 or sha-512');
  return oneShotHash(
    name,
    typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength),
    'base64url',
  );
}
