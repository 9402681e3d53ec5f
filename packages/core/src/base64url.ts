import { fail } from './errors.js';

/**
 * Decodes `text` if, and only if, it is canonical unpadded base64url (RFC 7515 §2, RFC 4648 §5): only the
 * URL-safe alphabet, no `=` padding, no whitespace, a length that is not 1 mod 4, and zero unused
 * trailing bits, so every byte string has exactly one accepted encoding.
 *
 * Node's decoder is lenient (it skips unknown characters, accepts `+`, `/` and padding), so the check is
 * done by re-encoding: any input the strict grammar rejects encodes back to a different string. This is
 * also several times faster than a character loop or a regular expression on token-sized inputs.
 */
function decodeCanonical(text: string): Buffer | undefined {
  const buf = Buffer.from(text, 'base64url');
  return buf.toString('base64url') === text ? buf : undefined;
}

/** True when `text` is canonical unpadded base64url. */
export function isBase64Url(text: string): boolean {
  return typeof text === 'string' && decodeCanonical(text) !== undefined;
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
  const buf = typeof text === 'string' ? decodeCanonical(text) : undefined;
  if (buf === undefined) fail('BASE64URL_INVALID', `${what} is not canonical unpadded base64url`);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Encodes bytes or a UTF-8 string as unpadded base64url. */
export function encodeBase64Url(data: Uint8Array | string): string {
  return typeof data === 'string'
    ? Buffer.from(data, 'utf8').toString('base64url')
    : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64url');
}
