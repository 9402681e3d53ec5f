import { fail } from './errors.js';

// Value of each base64url character, or -1. Built once; the hot path only indexes it.
const VALUE = new Int8Array(128).fill(-1);
for (const [i, ch] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].entries()) {
  VALUE[ch.charCodeAt(0)] = i;
}

/**
 * True when `text` is canonical unpadded base64url (RFC 7515 §2, RFC 4648 §5): only the URL-safe
 * alphabet, no `=` padding, no whitespace, a length that is not 1 mod 4, and zero unused trailing bits
 * (so every byte string has exactly one accepted encoding).
 */
export function isBase64Url(text: string): boolean {
  const n = text.length;
  if (n % 4 === 1) return false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || VALUE[c] === -1) return false;
  }
  if (n === 0) return true;
  const last = VALUE[text.charCodeAt(n - 1)] as number;
  if (n % 4 === 2) return (last & 0x0f) === 0;
  if (n % 4 === 3) return (last & 0x03) === 0;
  return true;
}

/**
 * Strictly decodes base64url. Throws `BASE64URL_INVALID` on anything {@link isBase64Url} rejects.
 *
 * @example
 * ```ts
 * decodeBase64Url('aGk') // Uint8Array [104, 105]
 * decodeBase64Url('aGk=') // throws BASE64URL_INVALID
 * ```
 */
export function decodeBase64Url(text: string, what = 'value'): Uint8Array {
  if (typeof text !== 'string' || !isBase64Url(text)) {
    fail('BASE64URL_INVALID', `${what} is not canonical unpadded base64url`);
  }
  const buf = Buffer.from(text, 'base64url');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Encodes bytes or a UTF-8 string as unpadded base64url. */
export function encodeBase64Url(data: Uint8Array | string): string {
  return typeof data === 'string'
    ? Buffer.from(data, 'utf8').toString('base64url')
    : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64url');
}
