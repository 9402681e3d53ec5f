import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * Paths pino removes from every log line, as a second line of defence: the request logger writes
 * allow-listed fields only, but nothing secret may reach a log through any other call either.
 */
export const LOG_REDACT_PATHS: readonly string[] = Object.freeze([
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.url',
  'req.query',
  'req.body',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'authorization',
  'cookie',
  'body',
  'query',
  'adminToken',
  'token',
  'access_token',
  'pre-authorized_code',
  'tx_code',
  'txCode',
  'c_nonce',
  'nonce',
  'claims',
  'masterSecret',
  'password',
]);

/** Options of {@link createServerLogger}. */
export interface ServerLoggerOptions {
  /** pino level (default `info`). */
  readonly level?: string;
  /** Where lines go (default standard output). */
  readonly destination?: DestinationStream;
}

/**
 * The server's pino logger: JSON lines, with {@link LOG_REDACT_PATHS} removed.
 *
 * @example
 * ```ts
 * const logger = createServerLogger({ level: 'info' });
 * ```
 */
export function createServerLogger(options: ServerLoggerOptions = {}): Logger {
  const settings = {
    level: options.level ?? 'info',
    redact: { paths: [...LOG_REDACT_PATHS], remove: true },
    base: { pid: process.pid },
  };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}
