import { deflateSync, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BITSTRING_MIN_ENTRIES, Bitstring } from './bitstring.js';
import { decodeBitstring, encodeBitstring } from './encode-bitstring.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code ?? 'NOT_HAVEN_ERROR';
  }
  return undefined;
}

const encodeBytes = (bytes: Uint8Array) => `u${Buffer.from(gzipSync(bytes)).toString('base64url')}`;

describe('Bitstring (Bitstring Status List §3.1 generation)', () => {
  it('bitstring-status-list §2.2: a new list has the 131,072-entry minimum, all 0', () => {
    const list = new Bitstring();
    expect(list.size).toBe(131_072);
    expect(list.toBytes().byteLength).toBe(16_384);
    expect(list.toBytes().every((b) => b === 0)).toBe(true);
  });

  it('bitstring-status-list §2.2 herd privacy: fewer than 131,072 entries is STATUS_LIST_INVALID', () => {
    expect(codeOf(() => new Bitstring(131_064))).toBe('STATUS_LIST_INVALID');
    expect(codeOf(() => new Bitstring(8))).toBe('STATUS_LIST_INVALID');
    expect(codeOf(() => Bitstring.fromBytes(new Uint8Array(16_383)))).toBe('STATUS_LIST_INVALID');
    expect(codeOf(() => new Bitstring(BITSTRING_MIN_ENTRIES + 3))).toBe('STATUS_LIST_INVALID');
    expect(codeOf(() => new Bitstring(Number.NaN))).toBe('STATUS_LIST_INVALID');
  });

  it('bitstring-status-list §3.1: index 0 is the most significant bit of byte 0 (MSB-first)', () => {
    const list = new Bitstring();
    list.set(0, 1);
    list.set(6, 1);
    list.set(9, true);
    const bytes = list.toBytes();
    // Hand-built: bits 0 and 6 of byte 0 → 1000_0010; bit 9 = second bit of byte 1 → 0100_0000.
    expect(bytes[0]).toBe(0b1000_0010);
    expect(bytes[1]).toBe(0b0100_0000);
    const other = new Uint8Array(16_384);
    other[2] = 0b0000_0001; // the least significant bit of byte 2 is index 23
    const read = Bitstring.fromBytes(other);
    expect(read.get(23)).toBe(1);
    expect(read.get(16)).toBe(0);
  });

  it('bitstring-status-list §3.1: set and clear leave neighbouring bits alone', () => {
    const list = new Bitstring();
    for (const i of [7, 8, 9, 131_071]) list.set(i, 1);
    list.set(8, 0);
    expect([7, 8, 9, 131_071, 131_070].map((i) => list.get(i))).toEqual([1, 0, 1, 1, 0]);
  });

  it('hostile inputs: index −1, 1.5, NaN and ≥ size are STATUS_INDEX_OUT_OF_RANGE, never 0', () => {
    const list = new Bitstring();
    for (const i of [-1, 1.5, Number.NaN, 131_072, 2 ** 32]) {
      expect(codeOf(() => list.get(i))).toBe('STATUS_INDEX_OUT_OF_RANGE');
      expect(codeOf(() => list.set(i, 1))).toBe('STATUS_INDEX_OUT_OF_RANGE');
    }
    expect(codeOf(() => list.set(1, 2 as 1))).toBe('STATUS_BITS_INVALID');
  });
});

describe('encodedList (Bitstring Status List §2.2, §3.1 generation, §3.2 expansion)', () => {
  it('bitstring-status-list §2.2: encodedList is multibase u + unpadded base64url of GZIP data', () => {
    const list = new Bitstring();
    list.set(12_345, 1);
    const encoded = encodeBitstring(list);
    expect(encoded).toMatch(/^u[A-Za-z0-9_-]+$/);
    const raw = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
    expect(raw.byteLength).toBe(16_384);
    expect(raw[12_345 >>> 3]).toBe(0x80 >>> (12_345 & 7));
  });

  it('bitstring-status-list §3.2: round trips spec-sized lists, with bits at both ends', () => {
    for (const size of [131_072, 1_048_576]) {
      const list = new Bitstring(size);
      const set = [0, 1, 4_242, size - 1];
      for (const i of set) list.set(i, 1);
      const decoded = decodeBitstring(encodeBitstring(list));
      expect(decoded.size).toBe(size);
      for (const i of set) expect(decoded.get(i)).toBe(1);
      expect(decoded.get(2)).toBe(0);
      expect(decoded.get(size - 2)).toBe(0);
    }
  });

  it('bitstring-status-list §3.2: decodes a list built by hand (MSB-first), not only its own output', () => {
    const bytes = new Uint8Array(16_384);
    bytes[0] = 0b0010_0000; // index 2
    const list = decodeBitstring(encodeBytes(bytes));
    expect([list.get(0), list.get(1), list.get(2), list.get(3)]).toEqual([0, 0, 1, 0]);
  });

  it('hostile inputs: no u prefix, padding, non-base64url, other multibase, non-string → STATUS_LIST_INVALID', () => {
    const good = encodeBitstring(new Bitstring());
    const body = good.slice(1);
    for (const bad of [
      body, // no multibase prefix
      `z${body}`, // base58btc prefix
      `U${body}`,
      `${good}=`,
      `${good}==`,
      `u${Buffer.from(gzipSync(new Uint8Array(16_384))).toString('base64')}`, // '+' '/' and padding
      `u ${body}`,
      `${good}\n`,
      'u',
      '',
      42,
      null,
    ]) {
      expect(codeOf(() => decodeBitstring(bad))).toBe('STATUS_LIST_INVALID');
    }
  });

  it('hostile inputs: data that is not GZIP (zlib, deflate, plain bytes, truncated) → STATUS_LIST_INVALID', () => {
    const raw = new Uint8Array(16_384);
    const zlib = `u${Buffer.from(deflateSync(raw)).toString('base64url')}`;
    const plain = `u${Buffer.from(raw).toString('base64url')}`;
    const gz = gzipSync(raw);
    const truncated = `u${Buffer.from(gz.subarray(0, gz.length - 6)).toString('base64url')}`;
    for (const bad of [zlib, plain, truncated]) {
      expect(codeOf(() => decodeBitstring(bad))).toBe('STATUS_LIST_INVALID');
    }
  });

  it('bitstring-status-list §2.2: a list that inflates to fewer than 16 KiB is STATUS_LIST_INVALID', () => {
    expect(codeOf(() => decodeBitstring(encodeBytes(new Uint8Array(16_383))))).toBe('STATUS_LIST_INVALID');
    expect(codeOf(() => decodeBitstring(encodeBytes(new Uint8Array(0))))).toBe('STATUS_LIST_INVALID');
  });

  it('hostile inputs: a GZIP bomb stops inflating at the cap → STATUS_LIST_TOO_LARGE', () => {
    // 64 MiB of zeros compresses to ~64 KiB; inflating it fully would allocate 64 MiB.
    const bomb = encodeBytes(new Uint8Array(64 * 1024 * 1024));
    const before = process.memoryUsage().arrayBuffers;
    expect(codeOf(() => decodeBitstring(bomb))).toBe('STATUS_LIST_TOO_LARGE');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
    // A tighter cap applies to lists that would otherwise be fine.
    const big = encodeBitstring(new Bitstring(1_048_576));
    expect(codeOf(() => decodeBitstring(big, { maxBytes: 65_536 }))).toBe('STATUS_LIST_TOO_LARGE');
    expect(decodeBitstring(big, { maxBytes: 131_072 }).size).toBe(1_048_576);
  });

  it('a maxBytes below the spec minimum or above the Haven bound is STATUS_POLICY_INVALID', () => {
    const good = encodeBitstring(new Bitstring());
    expect(codeOf(() => decodeBitstring(good, { maxBytes: 1024 }))).toBe('STATUS_POLICY_INVALID');
    expect(codeOf(() => decodeBitstring(good, { maxBytes: 2 ** 30 }))).toBe('STATUS_POLICY_INVALID');
  });
});
