import { inflateSync } from 'node:zlib';
import { decodeBase64Url, isHavenError } from '@haven/core';
import { failStatus } from '../errors.js';
import { assertStatusBits, StatusList } from './status-list.js';

/**
 * Largest inflated list accepted by default: 16 MiB, i.e. 134 million 1-bit statuses (§13.4).
 *
 * @example
 * ```ts
 * decodeStatusList(encoded, { maxBytes: STATUS_LIST_MAX_BYTES / 4 });
 * ```
 */
export const STATUS_LIST_MAX_BYTES = 16 * 1024 * 1024;

export interface DecodeStatusListOptions {
  /** Largest uncompressed byte array accepted; default {@link STATUS_LIST_MAX_BYTES}. */
  maxBytes?: number;
}

/**
 * Decodes the JSON `StatusList` structure (draft-ietf-oauth-status-list §4.2, §8.3 step 5): `bits` must
 * be 1, 2, 4 or 8 (`STATUS_BITS_INVALID`); `lst` must be canonical unpadded base64url of exactly one ZLIB
 * stream with nothing after it (`STATUS_LIST_INVALID`). Inflation stops at `maxBytes`, so a
 * decompression bomb costs at most that much memory (`STATUS_LIST_TOO_LARGE`).
 *
 * @example
 * ```ts
 * decodeStatusList({ bits: 2, lst: 'eNo76fITAAPfAgc' }).get(1); // 2 (SUSPENDED)
 * ```
 */
export function decodeStatusList(encoded: unknown, options: DecodeStatusListOptions = {}): StatusList {
  const maxBytes = options.maxBytes ?? STATUS_LIST_MAX_BYTES;
  if (!(Number.isSafeInteger(maxBytes) && maxBytes > 0)) {
    failStatus('STATUS_LIST_INVALID', 'maxBytes must be a positive integer');
  }
  if (typeof encoded !== 'object' || encoded === null || Array.isArray(encoded)) {
    failStatus('STATUS_LIST_INVALID', 'a status list must be an object with bits and lst');
  }
  const { bits, lst } = encoded as { bits?: unknown; lst?: unknown };
  assertStatusBits(bits);
  if (typeof lst !== 'string') failStatus('STATUS_LIST_INVALID', 'status list lst must be a string');
  let compressed: Uint8Array;
  try {
    compressed = decodeBase64Url(lst, 'status list lst');
  } catch (cause) {
    failStatus('STATUS_LIST_INVALID', 'status list lst is not canonical unpadded base64url', { cause });
  }
  let inflated: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    inflated = inflateSync(compressed, {
      maxOutputLength: maxBytes,
      info: true,
    }) as unknown as typeof inflated;
  } catch (cause) {
    if (cause instanceof RangeError && (cause as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      failStatus('STATUS_LIST_TOO_LARGE', `the status list inflates to more than ${maxBytes} bytes`);
    }
    if (isHavenError(cause)) throw cause;
    failStatus('STATUS_LIST_INVALID', 'status list lst is not a ZLIB stream (RFC 1950)', { cause });
  }
  // zlib stops at the end of the first stream and ignores the rest; bytes after it are not part of the
  // list anyone signed off on, so they make the list invalid rather than silently unread.
  if (inflated.engine.bytesWritten !== compressed.byteLength) {
    failStatus('STATUS_LIST_INVALID', 'status list lst has bytes after the ZLIB stream');
  }
  if (inflated.buffer.byteLength === 0) failStatus('STATUS_LIST_INVALID', 'the status list is empty');
  const bytes = new Uint8Array(
    inflated.buffer.buffer,
    inflated.buffer.byteOffset,
    inflated.buffer.byteLength,
  );
  return StatusList.fromBytes(bytes, bits);
}
