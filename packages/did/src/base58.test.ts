import { describe, expect, test } from 'vitest';
import { BASE58_MAX_LENGTH, decodeBase58Btc, encodeBase58Btc } from './base58.js';

describe('base58btc (draft-msporny-base58)', () => {
  test('§3: leading zero bytes are leading "1"s, both ways', () => {
    const bytes = new Uint8Array([0, 0, 1, 2, 255]);
    const text = encodeBase58Btc(bytes);
    expect(text.startsWith('11')).toBe(true);
    expect(text[2]).not.toBe('1');
    expect(decodeBase58Btc(text)).toEqual(bytes);
  });

  test('§3 example: "Hello World!" encodes to 2NEpo7TZRRrLZSi2U', () => {
    expect(encodeBase58Btc(new TextEncoder().encode('Hello World!'))).toBe('2NEpo7TZRRrLZSi2U');
    expect(new TextDecoder().decode(decodeBase58Btc('2NEpo7TZRRrLZSi2U'))).toBe('Hello World!');
  });

  test('empty input is the empty string', () => {
    expect(encodeBase58Btc(new Uint8Array())).toBe('');
    expect(decodeBase58Btc('')).toEqual(new Uint8Array());
  });

  test.each(['0', 'O', 'I', 'l', ' ', '+', '2NEpo7TZRRrLZSi2U\n', 'é', '２'])(
    '§2 alphabet: rejects %j',
    (bad) => {
      expect(() => decodeBase58Btc(`2NEp${bad}`)).toThrow(expect.objectContaining({ code: 'DID_INVALID' }));
    },
  );

  test('rejects inputs longer than the cap (quadratic decoding)', () => {
    expect(() => decodeBase58Btc('2'.repeat(BASE58_MAX_LENGTH + 1))).toThrow(
      expect.objectContaining({ code: 'DID_INVALID' }),
    );
  });

  test('round-trips random-looking byte strings of every length up to 64', () => {
    for (let n = 0; n <= 64; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 31) & 0xff);
      expect(decodeBase58Btc(encodeBase58Btc(bytes))).toEqual(bytes);
    }
  });
});
