import { decodeBase64Url, parseStrictJsonObject } from '@haven/core';
import {
  type HandlerResult,
  handleCredentialOfferRequest,
  handleCredentialRequest,
  handleDeferredCredentialRequest,
  handleNonceRequest,
  handleTokenRequest,
} from '@haven/oid4vci';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import type { HavenIssuer } from '../issuer/types.js';
import { walletCors } from './cors.js';
import { failHttp, httpError } from './http-errors.js';
import type { RateLimitBucket } from './rate-limit.js';
import { readFormBody, readJsonBody } from './read-body.js';

/** What the wallet routes need from the app. */
export interface WalletRouteContext {
  readonly issuer: HavenIssuer;
  readonly limiter: (bucket: RateLimitBucket) => RequestHandler;
  readonly now: () => number;
  readonly jsonBodyBytes: number;
  readonly formBodyBytes: number;
  /** Cache lifetime of a status list token without a `ttl` claim (seconds). */
  readonly statusMaxAgeSeconds: number;
  /** Cache lifetime of the metadata documents (seconds). */
  readonly metadataMaxAgeSeconds: number;
}

const RECORD_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** Status list tokens are cached at most a day, whatever their `ttl` says. */
const STATUS_MAX_AGE_CAP = 86_400;

function stringParam(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

type Route = (req: Request, res: Response) => Promise<void> | void;

function handle(route: Route): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      await route(req, res);
    } catch (error) {
      next(error);
    }
  };
}

/** Writes a handler's `{status, headers, body}`; wallet answers are never cached. */
function writeResult(res: Response, result: HandlerResult<unknown>): void {
  res.status(result.status);
  for (const [name, value] of Object.entries(result.headers)) res.set(name, value);
  res.set('Cache-Control', 'no-store');
  res.json(result.body);
}

/** RFC 6750 §2.3 (URI query parameter) is not supported: a token in a URL leaks into logs and history. */
const refuseTokenInQuery: RequestHandler = (req, _res, next) => {
  if (Object.hasOwn(req.query as object, 'access_token')) {
    return next(httpError('SERVER_HTTP_TOKEN_NOT_IN_HEADER', 'access token in the query string'));
  }
  next();
};

/**
 * The `Cache-Control` max-age of a signed status list: its `ttl` claim (Token Status List §5.1, seconds),
 * else the fallback; bounded by `exp` and a day. Verifiers go by the token's own `exp`/`ttl` first
 * (§8.2); the header only keeps shared caches in line with them.
 */
function statusMaxAge(token: string, now: number, fallback: number): number {
  let ttl = fallback;
  let exp: number | undefined;
  try {
    const payload = parseStrictJsonObject(decodeBase64Url(token.split('.')[1] ?? '', 'JWT payload'), {
      what: 'status list token payload',
    });
    if (typeof payload.ttl === 'number' && Number.isFinite(payload.ttl) && payload.ttl > 0) ttl = payload.ttl;
    if (typeof payload.exp === 'number' && Number.isFinite(payload.exp)) exp = payload.exp;
  } catch {
    // Our own token; if it cannot be read, the fallback applies.
  }
  const untilExp = exp === undefined ? STATUS_MAX_AGE_CAP : exp - now;
  return Math.max(0, Math.floor(Math.min(ttl, untilExp, STATUS_MAX_AGE_CAP)));
}

/**
 * The wallet-facing endpoints (OpenID4VCI pre-authorized code flow, metadata, status lists), each with
 * CORS `*` and its rate limit. Requests go to the `@haven/oid4vci` handlers over the issuer's config.
 *
 * @example
 * ```ts
 * registerWalletRoutes(app, { issuer, limiter, now, jsonBodyBytes: 65536, formBodyBytes: 8192, … });
 * ```
 */
export function registerWalletRoutes(app: Express, ctx: WalletRouteContext): void {
  const { issuer } = ctx;
  const metadataCache = `public, max-age=${ctx.metadataMaxAgeSeconds}`;
  const metadata = (path: string, read: () => Record<string, unknown>) => {
    app.options(path, walletCors);
    app.get(
      path,
      walletCors,
      handle((_req, res) => {
        res.set('Cache-Control', metadataCache);
        res.json(read());
      }),
    );
  };
  metadata('/.well-known/openid-credential-issuer', () => issuer.credentialIssuerMetadata());
  metadata('/.well-known/oauth-authorization-server', () => issuer.authorizationServerMetadata());
  metadata('/.well-known/jwt-vc-issuer', () => issuer.jwtVcIssuerMetadata());

  // §4.1.3: the credential_offer_uri target. Unknown, expired and spent offers are one 404.
  app.options('/offers/:id', walletCors);
  app.get(
    '/offers/:id',
    walletCors,
    ctx.limiter('offers'),
    handle(async (req, res) => {
      const id = stringParam(req.params.id);
      if (!RECORD_ID.test(id)) failHttp('SERVER_HTTP_NOT_FOUND', 'no such offer');
      writeResult(res, await handleCredentialOfferRequest(issuer.oid4vci, id));
    }),
  );

  // §6: form-encoded only; a repeated parameter is invalid_request (parseFormBody).
  app.options('/token', walletCors);
  app.post(
    '/token',
    walletCors,
    ctx.limiter('token'),
    ...readFormBody(ctx.formBodyBytes),
    handle(async (req, res) => {
      writeResult(res, await handleTokenRequest(issuer.oid4vci, req.body as Record<string, string>));
    }),
  );

  // §7: no access token, no body needed.
  app.options('/nonce', walletCors);
  app.post(
    '/nonce',
    walletCors,
    ctx.limiter('nonce'),
    handle(async (_req, res) => {
      writeResult(res, await handleNonceRequest(issuer.oid4vci));
    }),
  );

  // §8 and §9: the access token only in the Authorization header.
  for (const [path, handler] of [
    ['/credential', handleCredentialRequest],
    ['/deferred_credential', handleDeferredCredentialRequest],
  ] as const) {
    app.options(path, walletCors);
    app.post(
      path,
      walletCors,
      ctx.limiter('credential'),
      refuseTokenInQuery,
      ...readJsonBody(ctx.jsonBodyBytes, { refuseFormToken: true }),
      handle(async (req, res) => {
        const authorization = req.headers.authorization;
        writeResult(res, await handler(issuer.oid4vci, { authorization, body: req.body as unknown }));
      }),
    );
  }

  // Token Status List §8 (statuslist+jwt) or a Bitstring Status List credential (vc+jwt), cacheable.
  app.options('/status/:listId', walletCors);
  app.get(
    '/status/:listId',
    walletCors,
    handle(async (req, res) => {
      const listId = stringParam(req.params.listId);
      const list = RECORD_ID.test(listId) ? await issuer.statusList(listId) : undefined;
      if (list === undefined) failHttp('SERVER_HTTP_NOT_FOUND', 'no such status list');
      const maxAge = statusMaxAge(list.body, ctx.now(), ctx.statusMaxAgeSeconds);
      res.set('Content-Type', list.mediaType);
      res.set('Cache-Control', `public, max-age=${maxAge}`);
      // A Buffer, so express does not append a charset to the media type.
      res.send(Buffer.from(list.body, 'utf8'));
    }),
  );
}
