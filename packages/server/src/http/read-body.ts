import { isHavenError, parseStrictJson } from '@haven/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { failHttp, httpError } from './http-errors.js';

/** Deepest nesting accepted in a JSON body (a credential request or an offer's claims is a few levels). */
const JSON_MAX_DEPTH = 32;
/** Most parameters in a form body (a token request has at most five). */
const FORM_MAX_PARAMETERS = 16;
/** Form parameter names: OAuth's are letters, digits, `_`, `-`; never brackets (no nesting, ever). */
const FORM_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads the raw body with a byte limit. A `Content-Length` above the limit is refused before a byte is
 * read, a chunked body as soon as it passes the limit; then the connection is closed after the answer
 * instead of draining the upload (body-parser would read a 50 MB upload to its end before answering).
 * Compressed bodies are refused (no decompression bombs). The body lands in `req.body` as a Buffer.
 */
function readRaw(limit: number): RequestHandler {
  return (req, res, next) => {
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') {
      return next(httpError('SERVER_HTTP_UNSUPPORTED_MEDIA_TYPE', 'compressed bodies are not accepted'));
    }
    const tooLarge = () => {
      res.set('Connection', 'close');
      req.unpipe();
      req.pause();
      next(httpError('SERVER_HTTP_BODY_TOO_LARGE', 'request body too large'));
    };
    const declared = req.headers['content-length'];
    if (declared !== undefined && !(/^[0-9]{1,15}$/.test(declared) && Number(declared) <= limit)) {
      return /^[0-9]{1,15}$/.test(declared)
        ? tooLarge()
        : next(httpError('SERVER_HTTP_INVALID_REQUEST', 'bad Content-Length'));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error?: unknown) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      if (error !== undefined) return next(error);
      req.body = Buffer.concat(chunks, size);
      next();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        done = true;
        req.off('data', onData);
        return tooLarge();
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onError = () =>
      finish(httpError('SERVER_HTTP_INVALID_REQUEST', 'the request body could not be read'));
    const onAborted = onError;
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  };
}

function mediaType(req: Request): string | undefined {
  const header = req.headers['content-type'];
  if (typeof header !== 'string') return undefined;
  return header.split(';', 1)[0]?.trim().toLowerCase();
}

function charsetIsUtf8(req: Request): boolean {
  const header = req.headers['content-type'] ?? '';
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(header);
  return match === null || match[1]?.toLowerCase() === 'utf-8';
}

function bodyBytes(req: Request): Uint8Array | undefined {
  return Buffer.isBuffer(req.body) ? (req.body as Buffer) : undefined;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    failHttp('SERVER_HTTP_INVALID_REQUEST', 'the body is not UTF-8');
  }
}

/** Options of {@link readJsonBody}. */
export interface ReadJsonBodyOptions {
  /**
   * A protected resource: a form body carrying `access_token` (RFC 6750 §2.2) is answered 401
   * `invalid_token` rather than 415, so a client learns that tokens go in the Authorization header only.
   */
  readonly refuseFormToken?: boolean;
}

/**
 * Middleware: the body must be `application/json` (UTF-8), at most `limit` bytes, and is parsed with
 * core's strict JSON parser — duplicate member names, `__proto__` / `constructor` / `prototype` keys and
 * nesting deeper than 32 are refused (400), so nothing in a body can reach an object's prototype.
 * An empty body leaves `req.body` undefined (the handler decides whether that is allowed).
 *
 * @example
 * ```ts
 * app.post('/admin/offers', ...readJsonBody(256 * 1024), createOfferRoute);
 * ```
 */
export function readJsonBody(limit: number, options: ReadJsonBodyOptions = {}): RequestHandler[] {
  return [
    readRaw(limit),
    (req: Request, _res: Response, next: NextFunction) => {
      try {
        const bytes = bodyBytes(req);
        if (bytes === undefined || bytes.byteLength === 0) {
          req.body = undefined;
          return next();
        }
        const type = mediaType(req);
        if (options.refuseFormToken && type === 'application/x-www-form-urlencoded') {
          const form = new URLSearchParams(decodeUtf8(bytes));
          if (form.has('access_token'))
            failHttp('SERVER_HTTP_TOKEN_NOT_IN_HEADER', 'access token in a form body');
        }
        if (type !== 'application/json' || !charsetIsUtf8(req)) {
          failHttp('SERVER_HTTP_UNSUPPORTED_MEDIA_TYPE', 'expected application/json');
        }
        req.body = parseStrictJson(bytes, {
          maxBytes: limit,
          maxDepth: JSON_MAX_DEPTH,
          what: 'request body',
        });
        next();
      } catch (error) {
        next(isHavenError(error) ? error : httpError('SERVER_HTTP_INVALID_REQUEST', 'the body is not valid'));
      }
    },
  ];
}

/**
 * Parses an `application/x-www-form-urlencoded` body flatly (there is no nesting: `a[b]=1` is refused,
 * not interpreted). Every parameter must appear once (RFC 6749 §3.2: request parameters must not be
 * included more than once); at most 16 parameters. The result has no prototype.
 *
 * @example
 * ```ts
 * parseFormBody('grant_type=x&tx_code=1234') // { grant_type: 'x', tx_code: '1234' }
 * ```
 */
export function parseFormBody(text: string): Record<string, string> {
  const params = new URLSearchParams(text);
  const result: Record<string, string> = Object.create(null);
  let count = 0;
  for (const [name, value] of params) {
    count += 1;
    if (count > FORM_MAX_PARAMETERS) failHttp('SERVER_HTTP_INVALID_REQUEST', 'too many form parameters');
    if (!FORM_NAME.test(name))
      failHttp('SERVER_HTTP_INVALID_REQUEST', 'a form parameter name is not allowed');
    if (Object.hasOwn(result, name)) failHttp('SERVER_HTTP_INVALID_REQUEST', 'a form parameter is repeated');
    result[name] = value;
  }
  return result;
}

/**
 * Middleware: the body must be `application/x-www-form-urlencoded` (UTF-8), at most `limit` bytes;
 * `req.body` becomes the flat parameter record of {@link parseFormBody} (empty when there is no body).
 *
 * @example
 * ```ts
 * app.post('/token', ...readFormBody(8 * 1024), tokenRoute);
 * ```
 */
export function readFormBody(limit: number): RequestHandler[] {
  return [
    readRaw(limit),
    (req: Request, _res: Response, next: NextFunction) => {
      try {
        const bytes = bodyBytes(req);
        if (bytes === undefined || bytes.byteLength === 0) {
          req.body = Object.create(null);
          return next();
        }
        if (mediaType(req) !== 'application/x-www-form-urlencoded' || !charsetIsUtf8(req)) {
          failHttp('SERVER_HTTP_UNSUPPORTED_MEDIA_TYPE', 'expected application/x-www-form-urlencoded');
        }
        req.body = parseFormBody(decodeUtf8(bytes));
        next();
      } catch (error) {
        next(error);
      }
    },
  ];
}
