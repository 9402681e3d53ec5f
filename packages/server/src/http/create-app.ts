import { randomBytes } from '@haven/core';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { HavenIssuer } from '../issuer/types.js';
import { buildOpenApiDocument } from '../openapi/openapi-document.js';
import type { RateLimitStore } from '../store/contracts.js';
import type { HavenVerifier } from '../verifier/types.js';
import {
  type AdminTokenEntry,
  type AdminTokenVerifier,
  createAdminTokenVerifier,
  requireAdmin,
} from './admin-auth.js';
import { registerAdminRoutes } from './admin-routes.js';
import { registerAdminVerifierRoutes } from './admin-verifier-routes.js';
import { registerDocsRoutes } from './docs-page.js';
import { httpError } from './http-errors.js';
import {
  clientAddressGroup,
  DEFAULT_RATE_LIMITS,
  hitRateLimit,
  type RateLimitBucket,
  type RateLimitOptions,
  type RateLimitRules,
  rateLimit,
} from './rate-limit.js';
import { logRequests } from './request-log.js';
import { errorHandler } from './send-error.js';
import { registerVerifierRoutes, VERIFIER_RESPONSE_BODY_BYTES } from './verifier-routes.js';
import { registerWalletRoutes } from './wallet-routes.js';

/** Body sizes, rate limits and cache lifetimes of the app. Every field has a safe default. */
export interface HttpLimits {
  /** JSON bodies (credential requests, admin actions): default 64 KiB. */
  readonly jsonBodyBytes?: number;
  /**
   * `POST /admin/offers` and `/admin/offers/:id/decision`: the claims may include a portrait (a
   * ~100 KiB JPEG is ~140 KiB as base64), so default 256 KiB (the strict JSON parser's own cap).
   */
  readonly offerBodyBytes?: number;
  /** Form bodies (`POST /token`): default 8 KiB. */
  readonly formBodyBytes?: number;
  /**
   * `POST /oid4vp/response` (a `vp_token` may disclose a portrait): default
   * {@link VERIFIER_RESPONSE_BODY_BYTES} (256 KiB).
   */
  readonly presentationBodyBytes?: number;
  /**
   * Requests per window, per bucket: per client address group (IPv4 address, IPv6 /64), or per admin
   * token for valid admin requests; see {@link DEFAULT_RATE_LIMITS}.
   */
  readonly rateLimits?: Partial<RateLimitRules>;
  /** The fixed rate-limit window: default 60 seconds. */
  readonly rateLimitWindowSeconds?: number;
  /** `max-age` of a status list token without `ttl`: default 300 seconds. */
  readonly statusMaxAgeSeconds?: number;
  /** `max-age` of the metadata documents: default 300 seconds. */
  readonly metadataMaxAgeSeconds?: number;
}

/** Options of {@link createApp}. */
export interface CreateAppOptions {
  /** The issuer (OpenID4VCI and its admin API); at least one of `issuer` and `verifier` is required. */
  readonly issuer?: HavenIssuer;
  /** The verifier (OpenID4VP and its admin API); without it, its routes do not exist (404). */
  readonly verifier?: HavenVerifier;
  /** The accepted admin tokens (id + {@link hashAdminToken}), or a verifier returning the token id. */
  readonly adminTokens: readonly AdminTokenEntry[] | AdminTokenVerifier;
  /** Shared fixed-window counters (every server process counts together). */
  readonly rateLimits: RateLimitStore;
  readonly logger: Logger;
  /** Current time, epoch seconds. */
  readonly now: () => number;
  readonly limits?: HttpLimits;
  /**
   * express's `trust proxy` (default `false`: the socket address is the client). Set it to the proxy's
   * addresses/CIDRs, `loopback` or a hop count only when a reverse proxy you run sets `X-Forwarded-For`;
   * never `true`, or any client could pick its own rate-limit key.
   */
  readonly trustProxy?: boolean | number | string | readonly string[];
  /** A cheap database round trip for `/healthz` (e.g. `select 1`); throws when the database is down. */
  readonly healthCheck?: () => Promise<void>;
  /**
   * 32-byte HMAC key for client addresses in rate-limit keys. Processes sharing a store must share it;
   * default: random per app (fine for one process).
   */
  readonly clientKey?: Uint8Array;
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  const result = value ?? fallback;
  if (!Number.isInteger(result) || result < 1) throw new RangeError(`${name} must be a positive integer`);
  return result;
}

/** Query strings parsed flatly into a null-prototype record (a repeated key becomes an array). */
function parseQuery(text: string): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of new URLSearchParams(text)) {
    const previous = result[name];
    result[name] =
      previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return result;
}

/**
 * The server's express 5 app: the wallet-facing OpenID4VCI endpoints of the issuer and OpenID4VP
 * endpoints of the verifier (CORS `*`; either may be left out), the admin API under `/admin` (bearer
 * admin token), `/healthz`, `/openapi.json` and `/docs`. Hardened: helmet with a
 * 'self'-only CSP, bounded bodies (413 before reading when `Content-Length` is too big), strict JSON (no
 * duplicate or prototype keys), flat form bodies, rate limits in the shared store, OAuth-style error
 * bodies from one table, one allow-listed log line per request. Server timeouts are set where the
 * server is created (`startServer`).
 *
 * @example
 * ```ts
 * const app = createApp({ issuer, adminTokens: [{ id: 'ops', hash }], rateLimits, logger, now });
 * http.createServer(app).listen(8080);
 * ```
 */
export function createApp(options: CreateAppOptions): Express {
  const { issuer, verifier, logger, now } = options;
  if (issuer === undefined && verifier === undefined) {
    throw new TypeError('createApp needs an issuer, a verifier or both');
  }
  const limits = options.limits ?? {};
  const jsonBodyBytes = positiveInteger(limits.jsonBodyBytes, 64 * 1024, 'jsonBodyBytes');
  const offerBodyBytes = positiveInteger(limits.offerBodyBytes, 256 * 1024, 'offerBodyBytes');
  const formBodyBytes = positiveInteger(limits.formBodyBytes, 8 * 1024, 'formBodyBytes');
  const presentationBodyBytes = positiveInteger(
    limits.presentationBodyBytes,
    VERIFIER_RESPONSE_BODY_BYTES,
    'presentationBodyBytes',
  );
  const windowSeconds = positiveInteger(limits.rateLimitWindowSeconds, 60, 'rateLimitWindowSeconds');
  const rules: RateLimitRules = { ...DEFAULT_RATE_LIMITS, ...limits.rateLimits };
  const clientKey = options.clientKey ?? randomBytes(32);
  const verify =
    typeof options.adminTokens === 'function'
      ? options.adminTokens
      : createAdminTokenVerifier(options.adminTokens);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.set('trust proxy', options.trustProxy ?? false);
  app.set('query parser', parseQuery);

  app.use(logRequests(logger));
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          connectSrc: ["'self'"],
          imgSrc: ["'self'"],
          baseUri: ["'none'"],
          formAction: ["'none'"],
          frameAncestors: ["'none'"],
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );

  const counter = (bucket: RateLimitBucket): RateLimitOptions => ({
    store: options.rateLimits,
    bucket,
    limit: rules[bucket],
    windowSeconds,
    now,
    clientKey,
  });
  const limiter = (bucket: RateLimitBucket) => rateLimit(counter(bucket));

  const adminGuard = [
    requireAdmin(verify, {
      failure: (req) => hitRateLimit(counter('adminAuthFailure'), `ip:${clientAddressGroup(req.ip)}`),
      success: (id) => hitRateLimit(counter('admin'), `admin-token:${id}`),
    }),
  ];
  if (issuer !== undefined) {
    registerWalletRoutes(app, {
      issuer,
      limiter,
      now,
      jsonBodyBytes,
      formBodyBytes,
      statusMaxAgeSeconds: positiveInteger(limits.statusMaxAgeSeconds, 300, 'statusMaxAgeSeconds'),
      metadataMaxAgeSeconds: positiveInteger(limits.metadataMaxAgeSeconds, 300, 'metadataMaxAgeSeconds'),
    });
  }
  if (verifier !== undefined) {
    registerVerifierRoutes(app, {
      verifier,
      limiter,
      responseBodyBytes: presentationBodyBytes,
      jsonBodyBytes,
    });
    // Before the issuer's admin routes, which end with the /admin catch-all.
    registerAdminVerifierRoutes(app, { verifier, guard: adminGuard, jsonBodyBytes, now });
  }
  if (issuer !== undefined) {
    registerAdminRoutes(app, { issuer, guard: adminGuard, jsonBodyBytes, offerBodyBytes, now });
  } else {
    // Anything else under /admin: authenticate first, so the admin URL space cannot be probed.
    app.use('/admin', ...adminGuard, (_req: Request, _res: Response, next: NextFunction) => {
      next(httpError('SERVER_HTTP_NOT_FOUND', 'no such admin route'));
    });
  }

  app.get('/healthz', async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    try {
      await options.healthCheck?.();
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });

  const openApi = JSON.stringify(
    buildOpenApiDocument({
      serverUrl: issuer?.credentialIssuer ?? (verifier as HavenVerifier).publicUrl,
      issuer: issuer !== undefined,
      verifier: verifier !== undefined,
    }),
  );
  app.get('/openapi.json', (_req, res) => {
    res.set('Content-Type', 'application/json; charset=utf-8');
    res.set('Cache-Control', 'no-cache');
    res.send(openApi);
  });
  registerDocsRoutes(app);

  app.use((_req, _res, next) => next(httpError('SERVER_HTTP_NOT_FOUND', 'no such route')));
  app.use(errorHandler(logger));
  return app;
}
