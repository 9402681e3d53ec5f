import { isHavenError, randomBase64Url } from '@haven/core';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const SAFE_CODE = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The route pattern a request matched (`/admin/credentials/:id/revoke`), never the raw URL: paths and
 * query strings can hold offer ids, codes and tokens.
 */
function routeOf(req: Request, res: Response): string {
  const pattern = res.locals.route ?? (req.route as { path?: unknown } | undefined)?.path;
  return typeof pattern === 'string' ? pattern : '(unmatched)';
}

/**
 * Middleware: gives each request a random id (`X-Request-Id`) and writes ONE log line when the response
 * is finished (or the client went away) with allow-listed fields only: `reqId`, `method`, `route`
 * (the pattern), `status`, `ms` and, for failures, the stable error `code`. Headers, cookies, query
 * strings and bodies are never logged.
 *
 * @example
 * ```ts
 * app.use(logRequests(logger));
 * ```
 */
export function logRequests(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const reqId = randomBase64Url(9);
    res.locals.reqId = reqId;
    res.set('X-Request-Id', reqId);
    let written = false;
    const write = (aborted: boolean) => {
      if (written) return;
      written = true;
      const ms = Number((process.hrtime.bigint() - started) / 1000n) / 1000;
      const code = res.locals.errorCode;
      logger.info(
        {
          reqId,
          method: METHODS.has(req.method) ? req.method : 'OTHER',
          route: routeOf(req, res),
          status: res.statusCode,
          ms,
          ...(typeof code === 'string' && SAFE_CODE.test(code) ? { code } : {}),
          ...(aborted ? { aborted: true } : {}),
        },
        'request',
      );
    };
    res.on('finish', () => write(false));
    res.on('close', () => write(!res.writableFinished));
    next();
  };
}

/** A log-safe description of an error (see {@link describeError}). */
export interface ErrorDescription {
  readonly type: string;
  readonly code?: string;
  /** Haven messages only (they never carry values); other errors' messages can quote input. */
  readonly message?: string;
  /** Stack frames without the message line. */
  readonly stack?: readonly string[];
  readonly cause?: ErrorDescription;
}

/**
 * Describes an error for the log WITHOUT values: its class, a stable code, Haven messages (written never
 * to carry values) and the stack frames — not the messages of other errors (a database error quotes the
 * conflicting value, a JSON parser the input), not `details`, not properties.
 *
 * @example
 * ```ts
 * logger.error({ error: describeError(error) }, 'request failed');
 * ```
 */
export function describeError(error: unknown, depth = 0): ErrorDescription {
  if (!(error instanceof Error)) return { type: typeof error };
  const rawCode = (error as { code?: unknown }).code;
  const code = typeof rawCode === 'string' && SAFE_CODE.test(rawCode) ? rawCode : undefined;
  const stack = error.stack
    ?.split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 12)
    .map((line) => line.trim());
  const cause = (error as { cause?: unknown }).cause;
  return {
    type: error.name,
    ...(code === undefined ? {} : { code }),
    ...(isHavenError(error) ? { message: error.message } : {}),
    ...(stack === undefined ? {} : { stack }),
    ...(cause !== undefined && depth < 3 ? { cause: describeError(cause, depth + 1) } : {}),
  };
}
