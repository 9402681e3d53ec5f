import { failStatus } from '../errors.js';

/**
 * The fewest entries a list may have (Bitstring Status List §2.2 / privacy considerations): 131,072
 * bits, 16 KiB uncompressed. A shorter list gives each credential a smaller crowd to hide in, so a
 * verifier fetching the list tells the issuer more about which credential it is checking.
 *
 * @example
 * ```ts
 * const list = new Bitstring(BITSTRING_MIN_ENTRIES * 8); // 1,048,576 entries
 * ```
 */
export const BITSTRING_MIN_ENTRIES = 131_072;

/**
 * The most entries a list may have in Haven: 2^24 bits (2 MiB uncompressed), far above any issuer's need.
 *
 * @example
 * ```ts
 * if (wanted > BITSTRING_MAX_ENTRIES) startAnotherList();
 * ```
 */
export const BITSTRING_MAX_ENTRIES = 16_777_216;

function checkSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < BITSTRING_MIN_ENTRIES || size % 8 !== 0) {
    failStatus(
      'STATUS_LIST_INVALID',
      `a bitstring status list needs a multiple of 8 and at least ${BITSTRING_MIN_ENTRIES} entries`,
    );
  }
  if (size > BITSTRING_MAX_ENTRIES) {
    failStatus(
      'STATUS_LIST_TOO_LARGE',
      `a bitstring status list has at most ${BITSTRING_MAX_ENTRIES} entries`,
    );
  }
}

/**
 * A Bitstring Status List with one bit per credential (statusSize 1). Bit order follows the spec's
 * generation algorithm (§3.1): index 0 is the most significant bit of byte 0, index 7 the least, index
 * 8 the most significant bit of byte 1. A bad index is `STATUS_INDEX_OUT_OF_RANGE` and never reads as 0.
 *
 * @example
 * ```ts
 * const list = new Bitstring(); // 131,072 entries, all 0
 * list.set(42, 1);
 * list.get(42); // 1
 * ```
 */
export class Bitstring {
  readonly #bytes: Uint8Array;

  /** A list of `size` zero bits (default and minimum 131,072; a multiple of 8). */
  constructor(size: number = BITSTRING_MIN_ENTRIES) {
    checkSize(size);
    this.#bytes = new Uint8Array(size / 8);
  }

  /**
   * A list over a copy of `bytes` (e.g. an inflated `encodedList`); `size` is eight times its length.
   *
   * @example
   * ```ts
   * const list = Bitstring.fromBytes(new Uint8Array(16_384));
   * ```
   */
  static fromBytes(bytes: Uint8Array): Bitstring {
    checkSize(bytes.byteLength * 8);
    const list = new Bitstring(bytes.byteLength * 8);
    list.#bytes.set(bytes);
    return list;
  }

  /** The number of entries (bits). */
  get size(): number {
    return this.#bytes.byteLength * 8;
  }

  #check(index: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size) {
      failStatus('STATUS_INDEX_OUT_OF_RANGE', 'the status index is outside the list');
    }
  }

  /** The bit at `index`: 0 or 1. */
  get(index: number): 0 | 1 {
    this.#check(index);
    const byte = this.#bytes[index >>> 3] as number;
    return ((byte >>> (7 - (index & 7))) & 1) as 0 | 1;
  }

  /** Sets the bit at `index`. */
  set(index: number, bit: 0 | 1 | boolean): void {
    this.#check(index);
    if (bit !== 0 && bit !== 1 && bit !== true && bit !== false) {
      failStatus('STATUS_BITS_INVALID', 'a status bit is 0 or 1');
    }
    const mask = 0x80 >>> (index & 7);
    const at = index >>> 3;
    const byte = this.#bytes[at] as number;
    this.#bytes[at] = bit === 1 || bit === true ? byte | mask : byte & ~mask;
  }

  /** A copy of the raw bytes, most significant bit first. */
  toBytes(): Uint8Array {
    return this.#bytes.slice();
  }
}
