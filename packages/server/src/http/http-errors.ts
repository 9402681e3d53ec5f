import { HavenError, type HavenErrorOptions } from '@haven/core';

/**
 * Stable error codes of the HTTP layer of `@haven/server`: what is wrong with a request before it
 * reaches the issuer. Messages never carry ids, tokens, codes, query values or body content.
 */
export const SERVER_HTTP_ERROR_CODES = [
  // The request is malformed: wrong content type, bad JSON or form body, unknown or repeated parameters.
  'SERVER_HTTP_INVALID_REQUEST',
  // The body is larger than the route allows (checked from Content-Length before reading, then while reading).
  'SERVER_HTTP_BODY_TOO_LARGE',
  // A compressed body, or a charset other than UTF-8.
  'SERVER_HTTP_UNSUPPORTED_MEDIA_TYPE',
  // No such route, or (admin API) no such record.
  'SERVER_HTTP_NOT_FOUND',
  // The admin API was called without a valid admin token.
  'SERVER_HTTP_ADMIN_UNAUTHORIZED',
  // An access token was sent in the query string or a form body (RFC 6750 §2.2, §2.3 are not supported).
  'SERVER_HTTP_TOKEN_NOT_IN_HEADER',
  // Too many requests from one client in the current window.
  'SERVER_HTTP_RATE_LIMITED',
  // The admin request is well-formed but the record is in a state that does not allow it.
  'SERVER_HTTP_CONFLICT',
] as const;

/** One of {@link SERVER_HTTP_ERROR_CODES}. */
export type ServerHttpErrorCode = (typeof SERVER_HTTP_ERROR_CODES)[number];

declare module '@haven/core' {
  interface HavenErrorCodes {
    serverHttp: ServerHttpErrorCode;
  }
}

/**
 * An error of the HTTP layer, to pass to `next()`.
 *
 * @example
 * ```ts
 * next(httpError('SERVER_HTTP_NOT_FOUND', 'no such route'));
 * ```
 */
export function httpError(
  code: ServerHttpErrorCode,
  message: string,
  options?: HavenErrorOptions,
): HavenError<ServerHttpErrorCode> {
  return new HavenError(code, message, options);
}

/**
 * Throws an error of the HTTP layer.
 *
 * @example
 * ```ts
 * if (req.query.access_token !== undefined) failHttp('SERVER_HTTP_TOKEN_NOT_IN_HEADER', 'token in URL');
 * ```
 */
export function failHttp(code: ServerHttpErrorCode, message: string, options?: HavenErrorOptions): never {
  throw new HavenError(code, message, options);
}
