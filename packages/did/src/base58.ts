import { failDid } from './errors.js';

// The Bitcoin alphabet used by multibase `z` (base58btc, draft-msporny-base58 §2): no 0, O, I, l.
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const VALUE = new Int8Array(128).fill(-1);
for (const [i, ch] of [...ALPHABET].entries()) VALUE[ch.charCodeAt(0)] = i;

/**
 * Longest input accepted by {@link decodeBase58Btc}. Base58 decoding is quadratic in the length, and
 * the longest key Haven reads this way (a P-384 Multikey) is about 70 characters.
 */
export const BASE58_MAX_LENGTH = 256;

/**
 * Encodes bytes as base58btc (Bitcoin alphabet). Each leading zero byte becomes a leading `1`
 * (draft-msporny-base58 §3), so every byte string has exactly one encoding.
 *
 * @example
 * ```ts
 * encodeBase58Btc(new Uint8Array([0, 1])) // '12'
 * ```
 */
export function encodeBase58Btc(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  // Base-58 digits, least significant first.
  const digits: number[] = [];
  for (let i = zeros; i < bytes.length; i++) {
    let carry = bytes[i] as number;
    for (let j = 0; j < digits.length; j++) {
      carry += (digits[j] as number) << 8;
      digits[j] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = Math.floor(carry / 58);
    }
  }
  let out = '1'.repeat(zeros);
  for (let k = digits.length - 1; k >= 0; k--) out += ALPHABET[digits[k] as number];
  return out;
}

/**
 * Strictly decodes base58btc: any character outside the Bitcoin alphabet (including whitespace, `0`,
 * `O`, `I`, `l`) and inputs longer than {@link BASE58_MAX_LENGTH} are rejected with `DID_INVALID`,
 * since base58 here only ever carries a DID's key.
 *
 * @example
 * ```ts
 * decodeBase58Btc('12') // Uint8Array [0, 1]
 * decodeBase58Btc('0') // throws DID_INVALID
 * ```
 */
export function decodeBase58Btc(text: string): Uint8Array {
  if (typeof text !== 'string' || text.length > BASE58_MAX_LENGTH)
    failDid('DID_INVALID', 'base58btc value is too long');
  let zeros = 0;
  while (zeros < text.length && text.charCodeAt(zeros) === 0x31 /* 1 */) zeros++;
  // Bytes, least significant first.
  const bytes: number[] = [];
  for (let i = zeros; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const value = c < 128 ? (VALUE[c] as number) : -1;
    if (value < 0) failDid('DID_INVALID', 'value is not base58btc');
    let carry = value;
    for (let j = 0; j < bytes.length; j++) {
      carry += (bytes[j] as number) * 58;
      bytes[j] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  const out = new Uint8Array(zeros + bytes.length);
  for (let k = 0; k < bytes.length; k++) out[zeros + k] = bytes[bytes.length - 1 - k] as number;
  return out;
}
