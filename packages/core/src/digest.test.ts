import { describe, expect, test } from 'vitest';
import { encodeBase64Url } from './base64url.js';
import { type DigestAlgorithm, digest, digestBase64Url } from './digest.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

// FIPS 180-4 example "abc" (NIST CSRC example values for SHA-256, SHA-384 and SHA-512).
const ABC: Record<DigestAlgorithm, string> = {
  'sha-256': 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  'sha-384':
    'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
  'sha-512':
    'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
};

describe('digest', () => {
  for (const alg of Object.keys(ABC) as DigestAlgorithm[]) {
    test(`FIPS 180-4 ${alg}("abc")`, () => {
      expect(hex(digest(alg, 'abc'))).toBe(ABC[alg]);
      expect(hex(digest(alg, new Uint8Array([0x61, 0x62, 0x63])))).toBe(ABC[alg]);
    });
  }

  test('SHA-256 of the empty input', () => {
    expect(hex(digest('sha-256', ''))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  test('rfc9901 §5.1: the digest of a disclosure is over its base64url text', () => {
    const disclosure = 'WyIyR0xDNDJzS1F2ZUNmR2ZyeU5STjl3IiwgImdpdmVuX25hbWUiLCAiSm9obiJd';
    expect(encodeBase64Url(digest('sha-256', disclosure))).toBe(
      'jsu9yVulwQQlhFlM_3JlzMaSFzglhQG0DpfayQwLUK4',
    );
  });

  test('a string is hashed as UTF-8, not as UTF-16 or Latin-1', () => {
    // "é" is C3 A9 in UTF-8.
    expect(hex(digest('sha-256', 'é'))).toBe(hex(digest('sha-256', new Uint8Array([0xc3, 0xa9]))));
  });

  test('a view into a larger buffer hashes only its own bytes', () => {
    const backing = new Uint8Array([0x00, 0x61, 0x62, 0x63, 0xff]);
    expect(hex(digest('sha-256', backing.subarray(1, 4)))).toBe(ABC['sha-256']);
  });

  test('refuses algorithms other than SHA-2 256/384/512', () => {
    expect(() => digest('sha-1' as DigestAlgorithm, 'abc')).toThrow(RangeError);
    expect(() => digest('toString' as DigestAlgorithm, 'abc')).toThrow(RangeError);
  });
});

describe('digestBase64Url', () => {
  test('equals base64url(digest(...)) for every algorithm, strings and bytes', () => {
    for (const alg of ['sha-256', 'sha-384', 'sha-512'] as const) {
      for (const data of ['', 'WyJzYWx0IiwibmFtZSIsMV0', 'é', new Uint8Array([0, 255, 7])]) {
        expect(digestBase64Url(alg, data)).toBe(Buffer.from(digest(alg, data)).toString('base64url'));
      }
    }
    // FIPS 180-2 "abc" vector, base64url.
    expect(digestBase64Url('sha-256', 'abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });

  test('refuses other algorithms', () => {
    expect(() => digestBase64Url('md5' as never, 'x')).toThrow(RangeError);
  });
});
