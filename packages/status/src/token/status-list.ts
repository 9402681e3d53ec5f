import { failStatus } from '../errors.js';

/**
 * Bits per status (draft-ietf-oauth-status-list §4.1 step 1): one status never straddles a byte.
 *
 * @example
 * ```ts
 * const bits: StatusBits = 2; // VALID, INVALID, SUSPENDED and one application-specific value
 * ```
 */
export type StatusBits = 1 | 2 | 4 | 8;

/**
 * True when `bits` is one of the four sizes §4.1 allows.
 *
 * @example
 * ```ts
 * isStatusBits(2); // true
 * isStatusBits(3); // false
 * ```
 */
export function isStatusBits(bits: unknown): bits is StatusBits {
  return bits === 1 || bits === 2 || bits === 4 || bits === 8;
}

/**
 * Throws `STATUS_BITS_INVALID` unless `bits` is 1, 2, 4 or 8.
 *
 * @example
 * ```ts
 * assertStatusBits(payload.status_list.bits);
 * ```
 */
export function assertStatusBits(bits: unknown): asserts bits is StatusBits {
  if (!isStatusBits(bits)) failStatus('STATUS_BITS_INVALID', 'bits must be 1, 2, 4 or 8');
}

const MAX_SIZE = 0xffff_ffff;

// log2(8 / bits): how far to shift an index to reach its byte.
const BYTE_SHIFT: Readonly<Record<StatusBits, number>> = { 1: 3, 2: 2, 4: 1, 8: 0 };

/**
 * An uncompressed Token Status List: `size` statuses of `bits` bits each, packed into bytes from the
 * least significant bit up (draft-ietf-oauth-status-list §4.1 step 3), so index 0 is bit 0 of byte 0.
 * The W3C Bitstring Status List packs the other way round; the two are not interchangeable.
 *
 * `get` and `set` take only integer indexes in `[0, size)`: anything else (−1, 1.5, NaN, a string) is
 * `STATUS_INDEX_OUT_OF_RANGE`, never a status, since §8.3 step 6 says no statement can be made.
 *
 * @example
 * ```ts
 * const list = new StatusList(1_000_000, 2);
 * list.set(42, STATUS_TYPE.SUSPENDED);
 * list.get(42); // 2
 * ```
 */
export class StatusList {
  /** Bits per status. */
  readonly bits: StatusBits;
  /** Number of statuses the list holds: for a decoded list, every slot its bytes can carry. */
  readonly size: number;
  /** The packed bytes (§4.1 step 2). Shared, not copied: treat as read-only outside `set`. */
  readonly bytes: Uint8Array;
  private readonly shift: number;
  private readonly slotMask: number;
  private readonly valueMask: number;

  /**
   * A list of `size` statuses, all `VALID`, or a view over already packed `bytes` (which must hold at
   * least `size` statuses; `size` defaults to all of them).
   */
  constructor(size: number, bits: StatusBits, bytes?: Uint8Array) {
    assertStatusBits(bits);
    const shift = BYTE_SHIFT[bits];
    // Indexes are read with 32-bit shifts, so a list holds fewer than 2^32 statuses (far above §13.4 sizes).
    if (!(Number.isInteger(size) && size >= 0 && size <= MAX_SIZE)) {
      failStatus('STATUS_LIST_INVALID', 'a status list size must be an integer from 0 to 2^32 - 1');
    }
    const needed = Math.ceil(size / (1 << shift));
    if (bytes !== undefined && bytes.byteLength < needed) {
      failStatus('STATUS_LIST_INVALID', 'the bytes are too few for the status list size');
    }
    this.bits = bits;
    this.size = size;
    this.bytes = bytes ?? new Uint8Array(needed);
    this.shift = shift;
    this.slotMask = (1 << shift) - 1;
    this.valueMask = (1 << bits) - 1;
  }

  /**
   * A list over packed bytes, sized to every slot they hold (§4.1 step 2 allows trailing capacity).
   *
   * @example
   * ```ts
   * StatusList.fromBytes(Uint8Array.of(0xc9, 0x44, 0xf9), 2).get(1); // 2
   * ```
   */
  static fromBytes(bytes: Uint8Array, bits: StatusBits): StatusList {
    assertStatusBits(bits);
    return new StatusList(bytes.byteLength * (1 << BYTE_SHIFT[bits]), bits, bytes);
  }

  #checkIndex(index: unknown): asserts index is number {
    // `index >>> 0 === index` holds only for integers in [0, 2^32): −1, 1.5, NaN and strings fail it, and
    // it is cheaper than the typeof/isInteger chain on this hot path. The message never carries the index.
    if (!((index as number) >>> 0 === index && index < this.size)) {
      failStatus('STATUS_INDEX_OUT_OF_RANGE', 'the status index is not an index of this list');
    }
  }

  /**
   * The status at `index` (§4.1 step 3, §8.3 step 6).
   *
   * @example
   * ```ts
   * list.get(0); // 0 (VALID)
   * ```
   */
  get(index: number): number {
    // Inlined rather than calling the shared check: this is the per-credential hot path.
    if (!(index >>> 0 === index && index < this.size)) this.#checkIndex(index);
    const byte = this.bytes[index >>> this.shift] as number;
    return (byte >>> ((index & this.slotMask) * this.bits)) & this.valueMask;
  }

  /**
   * Sets the status at `index`; `value` must fit in `bits` bits (§7: 0–255 at most).
   *
   * @example
   * ```ts
   * list.set(7, STATUS_TYPE.INVALID);
   * ```
   */
  set(index: number, value: number): void {
    this.#checkIndex(index);
    if (!(Number.isInteger(value) && value >= 0 && value <= this.valueMask)) {
      failStatus('STATUS_LIST_INVALID', 'a status value must be an integer that fits in the list bits');
    }
    const at = index >>> this.shift;
    const offset = (index & this.slotMask) * this.bits;
    this.bytes[at] = ((this.bytes[at] as number) & ~(this.valueMask << offset)) | (value << offset);
  }
}
