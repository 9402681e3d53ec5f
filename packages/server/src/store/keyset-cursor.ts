import { decodeBase64Url, encodeBase64Url, isBase64Url } from '@haven/core';
import { failServer } from '../errors.js';
import { MAX_KEY_LENGTH } from './sql-values.js';

/** Where a newest-first page ended: the last row's time and id (the tie-breaker). */
export interface KeysetPosition {
  readonly at: number;
  readonly id: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const CURSOR_MAX_LENGTH = 512;

/**
 * The opaque cursor of the page after `position`: base64url of `<at>:<id>`. Opaque to clients (so the
 * order can change without an API change), never SQL: it is decoded into two typed parameters.
 *
 * @example
 * ```ts
 * const cursor = encodeKeysetCursor({ at: 1767225600, id: 'b3Jk' });
 * ```
 */
export function encodeKeysetCursor(position: KeysetPosition): string {
  return encodeBase64Url(`${position.at}:${position.id}`);
}

/**
 * Decodes a cursor from a client, strictly: canonical base64url, valid UTF-8, a safe non-negative integer,
 * a colon and an id of 1–256 characters. Anything else is `SERVER_STORE_CURSOR_INVALID`.
 *
 * @example
 * ```ts
 * const { at, id } = decodeKeysetCursor(search.cursor);
 * ```
 */
export function decodeKeysetCursor(cursor: unknown): KeysetPosition {
  const bad = (): never =>
    failServer('SERVER_STORE_CURSOR_INVALID', 'the cursor is not one this server gave out');
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > CURSOR_MAX_LENGTH) bad();
  if (!isBase64Url(cursor as string)) bad();
  let text: string;
  try {
    text = utf8.decode(decodeBase64Url(cursor as string));
  } catch {
    return bad();
  }
  const match = /^(0|[1-9]\d{0,15}):([\s\S]+)$/.exec(text);
  if (match === null) return bad();
  const at = Number(match[1]);
  const id = match[2] as string;
  if (!Number.isSafeInteger(at) || id.length > MAX_KEY_LENGTH) bad();
  return { at, id };
}
