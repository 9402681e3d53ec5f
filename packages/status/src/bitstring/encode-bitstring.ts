import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeBase64Url, encodeBase64Url } from '@haven/core';
import { failStatus } from '../errors.js';
import { BITSTRING_MAX_ENTRIES, BITSTRING_MIN_ENTRIES, Bitstring } from './bitstring.js';

/**
 * Default cap on an inflated list (bytes): 2 MiB, i.e. {@link BITSTRING_MAX_ENTRIES} entries.
 *
 * @example
 * ```ts
 * decodeBitstring(encodedList, { maxBytes: BITSTRING_MAX_BYTES / 4 });
 * ```
 */
export const BITSTRING_MAX_BYTES = BITSTRING_MAX_ENTRIES / 8;

const MIN_BYTES = BITSTRING_MIN_ENTRIES / 8;
// Multibase base64url, no padding (Bitstring Status List §2.2 `encodedList`; Multibase `u`).
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const GZIP_MAGIC = [0x1f, 0x8b, 0x08] as const;

/**
 * Encodes a list as an `encodedList` value (Bitstring Status List §3.1 generation): GZIP of the raw
 * bits, then Multibase base64url without padding (prefix `u`).
 *
 * @example
 * ```ts
 * const encodedList = encodeBitstring(new Bitstring());
 * ```
 */
export function encodeBitstring(list: Bitstring): string {
  if (!(list instanceof Bitstring)) failStatus('STATUS_LIST_INVALID', 'expected a Bitstring');
  return `u${encodeBase64Url(gzipSync(list.toBytes(), { level: 9 }))}`;
}

/**
 * Options of {@link decodeBitstring}.
 *
 * @example
 * ```ts
 * const options: DecodeBitstringOptions = { maxBytes: 262_144 };
 * ```
 */
export interface DecodeBitstringOptions {
  /** Largest inflated list accepted (bytes, default {@link BITSTRING_MAX_BYTES}, at most that). */
  maxBytes?: number;
}

function isGzip(bytes: Uint8Array): boolean {
  return GZIP_MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Decodes an `encodedList` (Bitstring Status List §3.2 expansion). Refused as `STATUS_LIST_INVALID`: no
 * `u` prefix, padding or any character outside base64url, data that is not GZIP, or fewer than 16 KiB
 * once inflated (§2.2 minimum). `STATUS_LIST_TOO_LARGE`: more than `maxBytes` once inflated — the
 * inflate itself stops at the cap, so a GZIP bomb never expands in memory.
 *
 * @example
 * ```ts
 * const list = decodeBitstring(subject.encodedList);
 * list.get(index);
 * ```
 */
export function decodeBitstring(encodedList: unknown, options: DecodeBitstringOptions = {}): Bitstring {
  const maxBytes = options.maxBytes ?? BITSTRING_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < MIN_BYTES || maxBytes > BITSTRING_MAX_BYTES) {
    failStatus('STATUS_POLICY_INVALID', `maxBytes must be between ${MIN_BYTES} and ${BITSTRING_MAX_BYTES}`);
  }
  if (typeof encodedList !== 'string' || !encodedList.startsWith('u')) {
    failStatus('STATUS_LIST_INVALID', 'encodedList must be multibase base64url (prefix u)');
  }
  const text = encodedList.slice(1);
  // GZIP never grows input by more than a few bytes per 16 KiB block, so a compressed text much larger
  // than the cap cannot inflate to anything acceptable: refuse it before decoding.
  if (text.length > Math.ceil(((maxBytes + 1024) * 4) / 3) + 4) {
    failStatus('STATUS_LIST_TOO_LARGE', 'the status list is larger than allowed');
  }
  if (!BASE64URL.test(text)) failStatus('STATUS_LIST_INVALID', 'encodedList is not unpadded base64url');
  let compressed: Uint8Array;
  try {
    compressed = decodeBase64Url(text, 'encodedList');
  } catch (cause) {
    failStatus('STATUS_LIST_INVALID', 'encodedList is not canonical base64url', { cause });
  }
  if (!isGzip(compressed)) failStatus('STATUS_LIST_INVALID', 'encodedList is not GZIP data');
  let bytes: Buffer;
  try {
    bytes = gunzipSync(compressed, { maxOutputLength: maxBytes });
  } catch (cause) {
    if ((cause as { code?: unknown })?.code === 'ERR_BUFFER_TOO_LARGE') {
      failStatus('STATUS_LIST_TOO_LARGE', 'the status list inflates beyond the allowed size');
    }
    failStatus('STATUS_LIST_INVALID', 'encodedList does not inflate as GZIP', { cause });
  }
  if (bytes.byteLength < MIN_BYTES) {
    failStatus('STATUS_LIST_INVALID', `a status list must hold at least ${BITSTRING_MIN_ENTRIES} entries`);
  }
  return Bitstring.fromBytes(bytes);
}
