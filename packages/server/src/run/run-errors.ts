import { HavenError, type HavenErrorOptions } from '@haven/core';

/** Stable error codes of the run layer of `@haven/server` (startup, workers, shutdown). */
export const SERVER_RUN_ERROR_CODES = [
  // startServer options are wrong (port, host, workers, admin token, public URL).
  'SERVER_RUN_CONFIG_INVALID',
  // A worker process could not start (it exited before listening).
  'SERVER_RUN_WORKER_FAILED',
] as const;

/** One of {@link SERVER_RUN_ERROR_CODES}. */
export type ServerRunErrorCode = (typeof SERVER_RUN_ERROR_CODES)[number];

declare module '@haven/core' {
  interface HavenErrorCodes {
    serverRun: ServerRunErrorCode;
  }
}

/**
 * Throws an error of the run layer.
 *
 * @example
 * ```ts
 * failRun('SERVER_RUN_CONFIG_INVALID', '--workers must be from 1 to 256');
 * ```
 */
export function failRun(code: ServerRunErrorCode, message: string, options?: HavenErrorOptions): never {
  throw new HavenError(code, message, options);
}
