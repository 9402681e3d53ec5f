import type { HandlerResult } from './types.js';

/**
 * Headers of every response that carries a code, token, nonce or credential: never cached
 * (RFC 6749 §5.1, OpenID4VCI §7.2, §8.3).
 *
 * @example
 * ```ts
 * res.set(NO_STORE_HEADERS);
 * ```
 */
export const NO_STORE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'no-store',
});

/**
 * {@link NO_STORE_HEADERS} plus `Pragma: no-cache` for HTTP/1.0 caches, as the token endpoint sends.
 *
 * @example
 * ```ts
 * return { status: 200, headers: TOKEN_RESPONSE_HEADERS, body };
 * ```
 */
export const TOKEN_RESPONSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
});

/**
 * A handler result with the no-store headers.
 *
 * @example
 * ```ts
 * return noStore(200, { c_nonce: nonce });
 * ```
 */
export function noStore<B>(status: HandlerResult['status'], body: B): HandlerResult<B> {
  return { status, headers: NO_STORE_HEADERS, body };
}
