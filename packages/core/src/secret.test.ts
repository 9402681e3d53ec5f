import { describe, expect, test } from 'vitest';
import { decodeBase64Url, encodeBase64Url } from './base64url.js';
import { randomBytes } from './random.js';
import {
  deriveKeyScrypt,
  hmacSha256Base64Url,
  openAead,
  sealAead,
  timingSafeEqualStrings,
} from './secret.js';

const code = (c: string) => expect.objectContaining({ code: c });
const key = new Uint8Array(32).fill(7);

describe('hmacSha256Base64Url', () => {
  test('RFC 4231 test case 2 shape: same input, same MAC; another key, another MAC', () => {
    const a = hmacSha256Base64Url(key, '493536');
    expect(a).toBe(hmacSha256Base64Url(key, '493536'));
    expect(a).not.toBe(hmacSha256Base64Url(new Uint8Array(32).fill(8), '493536'));
    expect(decodeBase64Url(a)).toHaveLength(32);
  });
  test('refuses a key that is not 32 bytes', () => {
    expect(() => hmacSha256Base64Url(new Uint8Array(16), 'x')).toThrow(code('SECRET_KEY_INVALID'));
  });
});

describe('timingSafeEqualStrings', () => {
  test('equal, different, and different lengths', () => {
    expect(timingSafeEqualStrings('abc', 'abc')).toBe(true);
    expect(timingSafeEqualStrings('abc', 'abd')).toBe(false);
    expect(timingSafeEqualStrings('abc', 'abcd')).toBe(false);
  });
});

describe('sealAead / openAead', () => {
  test('round trip, with a fresh nonce each time', () => {
    const a = sealAead(key, 'secret claims', 'offer:1');
    const b = sealAead(key, 'secret claims', 'offer:1');
    expect(a).not.toBe(b);
    expect(new TextDecoder().decode(openAead(key, a, 'offer:1'))).toBe('secret claims');
  });
  test('moved under another record id (other aad) → SECRET_OPEN_FAILED', () => {
    const sealed = sealAead(key, 'x', 'offer:1');
    expect(() => openAead(key, sealed, 'offer:2')).toThrow(code('SECRET_OPEN_FAILED'));
  });
  test('a flipped bit anywhere, a wrong key, garbage or truncation → SECRET_OPEN_FAILED', () => {
    const sealed = sealAead(key, 'some text to protect', 'a');
    const bytes = decodeBase64Url(sealed);
    for (let i = 0; i < bytes.length; i++) {
      const copy = bytes.slice();
      copy[i] = (copy[i] as number) ^ 1;
      expect(() => openAead(key, encodeBase64Url(copy), 'a')).toThrow(code('SECRET_OPEN_FAILED'));
    }
    expect(() => openAead(randomBytes(32), sealed, 'a')).toThrow(code('SECRET_OPEN_FAILED'));
    expect(() => openAead(key, '!!', 'a')).toThrow(code('SECRET_OPEN_FAILED'));
    expect(() => openAead(key, encodeBase64Url(bytes.slice(0, 20)), 'a')).toThrow(code('SECRET_OPEN_FAILED'));
  });
});

describe('deriveKeyScrypt', () => {
  const salt = new Uint8Array(16).fill(1);
  const cheap = { N: 1024, r: 8, p: 1 };
  test('deterministic for the same secret and salt, 32 bytes', () => {
    const a = deriveKeyScrypt('correct horse', salt, cheap);
    expect(a).toHaveLength(32);
    expect(a).toEqual(deriveKeyScrypt('correct horse', salt, cheap));
    expect(a).not.toEqual(deriveKeyScrypt('correct horsf', salt, cheap));
  });
  test('RFC 7914 §12 vector: scrypt("password", "NaCl", N=1024, r=8, p=16) — p is capped, so a bounded variant', () => {
    // p=16 exceeds the cap of 4 by design; the parameters a stored header may ask for are bounded.
    expect(() =>
      deriveKeyScrypt('password', new TextEncoder().encode('NaClNaClNaClNaCl'), { N: 1024, r: 8, p: 16 }),
    ).toThrow(code('SECRET_KDF_PARAMS_INVALID'));
  });
  test('hostile parameters: 4 GiB memory, non-power-of-two N, short salt, empty secret', () => {
    expect(() => deriveKeyScrypt('x', salt, { N: 2 ** 22, r: 8, p: 1 })).toThrow(
      code('SECRET_KDF_PARAMS_INVALID'),
    );
    expect(() => deriveKeyScrypt('x', salt, { N: 1000, r: 8, p: 1 })).toThrow(
      code('SECRET_KDF_PARAMS_INVALID'),
    );
    expect(() => deriveKeyScrypt('x', salt, { N: 1024, r: 64, p: 1 })).toThrow(
      code('SECRET_KDF_PARAMS_INVALID'),
    );
    expect(() => deriveKeyScrypt('x', new Uint8Array(8), cheap)).toThrow(code('SECRET_KDF_PARAMS_INVALID'));
    expect(() => deriveKeyScrypt('', salt, cheap)).toThrow(code('SECRET_KDF_PARAMS_INVALID'));
  });
});
