import { deflateRawSync, deflateSync } from 'node:zlib';
import { encodeBase64Url } from '@haven/core';
import { describe, expect, it } from 'vitest';
import { decodeStatusList } from './decode-status-list.js';
import { encodeStatusList } from './encode-status-list.js';
import { StatusList } from './status-list.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const lstOf = (bytes: Uint8Array) => encodeBase64Url(deflateSync(bytes));

describe('status-list §4.1 compressed byte array', () => {
  it('status-list §4.1: the 1-bit example packs LSB-first to 0xB9 0xA3 and compresses to 78dadbb918000217015d', () => {
    const values = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1];
    const encoded = encodeStatusList(values, 1);
    const decoded = decodeStatusList(encoded);
    expect(hex(decoded.bytes)).toBe('b9a3');
    expect(hex(Buffer.from(encoded.lst, 'base64url'))).toBe('78dadbb918000217015d');
  });

  it('status-list §4.1/§4.2: the 2-bit example encodes to bytes c944f9 and lst eNo76fITAAPfAgc', () => {
    const values = [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3];
    const encoded = encodeStatusList(values, 2);
    expect(encoded).toEqual({ bits: 2, lst: 'eNo76fITAAPfAgc' });
    const list = decodeStatusList({ bits: 2, lst: 'eNo76fITAAPfAgc' });
    expect(hex(list.bytes)).toBe('c944f9');
    expect(Array.from({ length: 12 }, (_, i) => list.get(i))).toEqual(values);
  });

  it('status-list §A test vectors: sparse statuses in a 2^20 list survive encode/decode at every bit size', () => {
    const marks: Record<number, number[][]> = {
      1: [
        [0, 1],
        [1993, 1],
        [25460, 1],
        [159495, 1],
        [1000345, 1],
      ],
      2: [
        [0, 1],
        [1993, 2],
        [159495, 3],
        [645645, 2],
        [1000345, 3],
      ],
      4: [
        [0, 1],
        [1993, 2],
        [35460, 3],
        [1030203, 13],
        [1030205, 15],
      ],
      8: [
        [233478, 0],
        [52451, 1],
        [576778, 2],
        [55649, 14],
        [1048575, 255],
      ],
    };
    for (const bits of [1, 2, 4, 8] as const) {
      const list = new StatusList(2 ** 20, bits);
      for (const [i, v] of marks[bits] ?? []) list.set(i as number, v as number);
      const back = decodeStatusList(encodeStatusList(list));
      expect(back.size).toBe(2 ** 20);
      for (const [i, v] of marks[bits] ?? []) expect(back.get(i as number)).toBe(v);
      expect(back.get(7)).toBe(0);
    }
  });

  it('status-list §4.1 step 1: bits other than 1, 2, 4, 8 are STATUS_BITS_INVALID (3, 0, 16, "1")', () => {
    for (const bits of [3, 0, 16, '1', 1.5]) {
      expect(() => decodeStatusList({ bits, lst: 'eNo76fITAAPfAgc' })).toThrow(
        expect.objectContaining({ code: 'STATUS_BITS_INVALID' }),
      );
      expect(() => encodeStatusList([0], bits as 1)).toThrow(
        expect.objectContaining({ code: 'STATUS_BITS_INVALID' }),
      );
    }
  });

  it('status-list §8.3 step 6: index −1, 1.5, NaN, size, "0" is STATUS_INDEX_OUT_OF_RANGE, never a status', () => {
    const list = decodeStatusList({ bits: 2, lst: 'eNo76fITAAPfAgc' });
    for (const index of [-1, 1.5, Number.NaN, list.size, list.size + 1, '0', null, 2 ** 40]) {
      expect(() => list.get(index as number)).toThrow(
        expect.objectContaining({ code: 'STATUS_INDEX_OUT_OF_RANGE' }),
      );
    }
    expect(list.get(list.size - 1)).toBe(3);
  });

  it('status-list §4.1 step 3: a value that does not fit in bits is refused on set', () => {
    const list = new StatusList(8, 2);
    expect(() => list.set(0, 4)).toThrow(expect.objectContaining({ code: 'STATUS_LIST_INVALID' }));
    expect(() => list.set(0, -1)).toThrow(expect.objectContaining({ code: 'STATUS_LIST_INVALID' }));
    list.set(3, 3);
    list.set(3, 1);
    expect(list.get(3)).toBe(1);
    expect(list.get(2)).toBe(0);
  });
});

describe('status-list §4.2 lst decoding', () => {
  it('status-list §4.2: lst that is not canonical unpadded base64url is STATUS_LIST_INVALID', () => {
    for (const lst of ['eNo76fITAAPfAgc=', 'eNo76fITAAPfAgc+', 'eNo7 6fITAAPfAgc', 42, '']) {
      expect(() => decodeStatusList({ bits: 2, lst })).toThrow(
        expect.objectContaining({ code: 'STATUS_LIST_INVALID' }),
      );
    }
  });

  it('status-list §4.1 step 4: bytes after the ZLIB stream are STATUS_LIST_INVALID', () => {
    const good = deflateSync(Uint8Array.of(0xc9, 0x44, 0xf9));
    const lst = encodeBase64Url(Buffer.concat([good, Buffer.from([0, 1, 2])]));
    expect(() => decodeStatusList({ bits: 2, lst })).toThrow(
      expect.objectContaining({ code: 'STATUS_LIST_INVALID' }),
    );
  });

  it('status-list §4.1 step 4: raw DEFLATE without the ZLIB wrapper, and a truncated stream, are refused', () => {
    const raw = encodeBase64Url(deflateRawSync(Uint8Array.of(1, 2, 3)));
    const cut = encodeBase64Url(deflateSync(Uint8Array.of(1, 2, 3)).subarray(0, 6));
    for (const lst of [raw, cut]) {
      expect(() => decodeStatusList({ bits: 1, lst })).toThrow(
        expect.objectContaining({ code: 'STATUS_LIST_INVALID' }),
      );
    }
  });

  it('hostile input: a zlib bomb (32 MiB of zeros in ~32 KiB) stops at the cap with STATUS_LIST_TOO_LARGE', () => {
    const lst = lstOf(new Uint8Array(32 * 1024 * 1024));
    expect(lst.length).toBeLessThan(64 * 1024);
    expect(() => decodeStatusList({ bits: 1, lst })).toThrow(
      expect.objectContaining({ code: 'STATUS_LIST_TOO_LARGE' }),
    );
    expect(() => decodeStatusList({ bits: 1, lst: lstOf(new Uint8Array(1025)) }, { maxBytes: 1024 })).toThrow(
      expect.objectContaining({ code: 'STATUS_LIST_TOO_LARGE' }),
    );
    expect(decodeStatusList({ bits: 1, lst: lstOf(new Uint8Array(1024)) }, { maxBytes: 1024 }).size).toBe(
      8192,
    );
  });

  it('status-list §4.2: an empty byte array and a non-object are STATUS_LIST_INVALID', () => {
    expect(() => decodeStatusList({ bits: 1, lst: lstOf(new Uint8Array(0)) })).toThrow(
      expect.objectContaining({ code: 'STATUS_LIST_INVALID' }),
    );
    for (const v of [null, 'x', [1, 'a']]) {
      expect(() => decodeStatusList(v)).toThrow(expect.objectContaining({ code: 'STATUS_LIST_INVALID' }));
    }
  });
});
