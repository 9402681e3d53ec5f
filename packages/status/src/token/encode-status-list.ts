import { deflateSync } from 'node:zlib';
import { encodeBase64Url } from '@haven/core';
import { failStatus } from '../errors.js';
import { assertStatusBits, type StatusBits, StatusList } from './status-list.js';

/** The JSON `StatusList` structure (draft-ietf-oauth-status-list §4.2). */
export interface EncodedStatusList {
  readonly bits: StatusBits;
  /** base64url (no padding) of the ZLIB/DEFLATE-compressed byte array. */
  readonly lst: string;
}

function packValues(values: Uint8Array | readonly number[], bits: StatusBits): StatusList {
  if (!(values instanceof Uint8Array) && !Array.isArray(values)) {
    failStatus('STATUS_LIST_INVALID', 'status values must be a Uint8Array or an array of numbers');
  }
  const list = new StatusList(values.length, bits);
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    // Zero is already there: skipping it keeps packing a mostly-valid list cheap.
    if (value !== 0) list.set(i, value);
  }
  return list;
}

/**
 * Encodes statuses as the JSON `StatusList` (draft-ietf-oauth-status-list §4.1, §4.2): packed
 * least-significant-bit first, compressed with DEFLATE in the ZLIB format at the highest level (§4.1
 * step 4 recommends it), then base64url without padding. Takes one status per entry (each must fit in
 * `bits`), or an already packed {@link StatusList}, which is compressed without repacking.
 *
 * @example
 * ```ts
 * encodeStatusList([1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3], 2); // { bits: 2, lst: 'eNo76fITAAPfAgc' }
 * ```
 */
export function encodeStatusList(
  values: StatusList | Uint8Array | readonly number[],
  bits?: StatusBits,
): EncodedStatusList {
  let list: StatusList;
  if (values instanceof StatusList) {
    if (bits !== undefined && bits !== values.bits) {
      failStatus('STATUS_BITS_INVALID', 'bits does not match the status list');
    }
    list = values;
  } else {
    assertStatusBits(bits);
    list = packValues(values, bits);
  }
  const used = list.bytes.subarray(0, Math.ceil((list.size * list.bits) / 8));
  const lst = encodeBase64Url(deflateSync(used, { level: 9 }));
  return { bits: list.bits, lst };
}
