import { HavenError, type HavenErrorOptions } from '@haven/core';

/**
 * Stable error codes of `@haven/server`. Store codes say why the database refused a write or a query;
 * messages never carry ids, codes, tokens, hashes or claim values.
 */
export const SERVER_ERROR_CODES = [
  // Storage (src/store)
  'SERVER_STORE_CONFLICT',
  'SERVER_STORE_NOT_FOUND',
  'SERVER_STORE_RECORD_INVALID',
  'SERVER_STORE_QUERY_INVALID',
  'SERVER_STORE_CURSOR_INVALID',
] as const;

/** One of {@link SERVER_ERROR_CODES}. */
export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number];

declare module '@haven/core' {
  interface HavenErrorCodes {
    serverStore: ServerErrorCode;
  }
}

/**
 * Throws an `@haven/server` error.
 *
 * @example
 * ```ts
 * if (limit > 500) failServer('SERVER_STORE_QUERY_INVALID', 'limit must be from 1 to 500');
 * ```
 */
export function failServer(code: ServerErrorCode, message: string, options?: HavenErrorOptions): never {
  throw new HavenError(code, message, options);
}
