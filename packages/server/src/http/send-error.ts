import { isHavenError } from '@haven/core';
import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { type HttpErrorMapping, mapHttpError } from './error-table.js';
import { describeError } from './request-log.js';

const MAX_PATHS = 50;
/** Printable ASCII, bounded: a claim path from a schema, never free text. */
const SAFE_PATH = /^[\x20-\x7e]{1,200}$/;

function exposedPaths(error: unknown, mapping: HttpErrorMapping, res: Response): string[] | undefined {
  if (!mapping.exposePaths || res.locals.exposeDetails !== true || !isHavenError(error)) return undefined;
  const paths = error.details?.paths;
  if (!Array.isArray(paths)) return undefined;
  const safe = paths
    .filter((p): p is string => typeof p === 'string' && SAFE_PATH.test(p))
    .slice(0, MAX_PATHS);
  return safe.length === 0 ? undefined : safe;
}

/**
 * Writes the OAuth-style error body for `error`: `{error, error_description}` from the one error table,
 * `Cache-Control: no-store`, `WWW-Authenticate` on 401 (RFC 6750 §3). The description is fixed text per
 * code (never the error's message, never the input); claim paths go to admin callers only. Anything not
 * in the table is a 500 whose cause is logged without values.
 *
 * @example
 * ```ts
 * sendError(res, new HavenError('OID4VCI_INVALID_GRANT', '…'), logger);
 * ```
 */
export function sendError(res: Response, error: unknown, logger: Logger): void {
  const mapping = mapHttpError(error);
  res.locals.errorCode = isHavenError(error) ? error.code : 'UNEXPECTED';
  if (mapping.status >= 500) {
    logger.error({ reqId: res.locals.reqId, error: describeError(error) }, 'request failed');
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.status(mapping.status);
  res.set('Cache-Control', 'no-store');
  if (mapping.status === 401) {
    res.set(
      'WWW-Authenticate',
      res.locals.exposeDetails === true || res.locals.adminRoute === true
        ? 'Bearer realm="haven-admin", error="invalid_token"'
        : 'Bearer error="invalid_token"',
    );
  }
  const paths = exposedPaths(error, mapping, res);
  res.json({
    error: mapping.error,
    error_description: mapping.description,
    ...(paths === undefined ? {} : { details: { paths } }),
  });
}

/**
 * The app's last middleware: every error ends here.
 *
 * @example
 * ```ts
 * app.use(errorHandler(logger));
 * ```
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, _next) => sendError(res, error, logger);
}
