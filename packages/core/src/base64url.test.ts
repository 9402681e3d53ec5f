import { describe, expect, test } from 'vitest';
import { errorCode as code } from '../test/fixtures/keys.js';
import { decodeBase64Url, encodeBase64Url, isBase64Url } from './base64url.js';

describe('base64url (RFC 4648 §5, RFC 7515 §2: unpadded, canonical)', () => {
  test('round-trips every length from 0 to 64 bytes', () => {
    for (let n = 0; n <= 64; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      const text = encodeBase64Url(bytes);
      expect(isBase64Url(text)).toBe(true);
      expect(decodeBase64Url(text)).toEqual(bytes);
    }
  });

  test.each([
    ['padding', 'aGk='],
    ['standard alphabet +', 'a+b_'],
    ['standard alphabet /', 'a/b_'],
    ['whitespace inside', 'aG k'],
    ['trailing newline', 'aGk\n'],
    ['length 1 mod 4', 'aGkaa'],
    ['non-ASCII', 'aGké'],
    ['non-canonical trailing bits (2 chars)', 'aH'],
    ['non-canonical trailing bits (3 chars)', 'aGl'],
  ])('RFC 4648 §3.5 rejects %s', (_label, text) => {
    expect(isBase64Url(text)).toBe(false);
    expect(code(() => decodeBase64Url(text))).toBe('BASE64URL_INVALID');
  });

  test('accepts the canonical forms next to the rejected ones', () => {
    expect(decodeBase64Url('aA')).toEqual(Uint8Array.of(0x68));
    expect(decodeBase64Url('aGk')).toEqual(Uint8Array.of(0x68, 0x69));
  });

  test('rejects a non-string', () => {
    expect(code(() => decodeBase64Url(42 as unknown as string))).toBe('BASE64URL_INVALID');
  });

  test('encodes UTF-8 strings', () => {
    expect(encodeBase64Url('{"alg":"EdDSA"}')).toBe('eyJhbGciOiJFZERTQSJ9');
  });
});
