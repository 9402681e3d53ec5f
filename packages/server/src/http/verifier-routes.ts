import type { HandlerResponse } from '@haven/oid4vp';
import type { Express, Request, RequestHandler, Response } from 'express';
import { VERIFIER_PATHS } from '../verifier/create-haven-verifier.js';
import type { HavenVerifier } from '../verifier/types.js';
import { zCollectResultBody } from './admin-verifier-schemas.js';
import { walletCors } from './cors.js';
import { failHttp } from './http-errors.js';
import type { RateLimitBucket } from './rate-limit.js';
import { readFormBody, readJsonBody } from './read-body.js';
import { noStoreRoute } from './route-helpers.js';

/** What the verifier's wallet-facing routes need from the app. */
export interface VerifierRouteContext {
  readonly verifier: HavenVerifier;
  readonly limiter: (bucket: RateLimitBucket) => RequestHandler;
  /** `POST /oid4vp/response`: a `vp_token` may carry a portrait disclosure (default 256 KiB). */
  readonly responseBodyBytes: number;
  readonly jsonBodyBytes: number;
}

/**
 * Default body limit of `POST /oid4vp/response`: 256 KiB, room for a `vp_token` whose disclosures
 * include a portrait (a ~100 KiB JPEG is ~140 KiB as base64url, more again once form-encoded).
 */
export const VERIFIER_RESPONSE_BODY_BYTES = 256 * 1024;

/** Request-ids and transaction-ids are base64url of 16 bytes or more; anything else is not one of ours. */
const HANDLE = /^[A-Za-z0-9_-]{16,128}$/;

/** Sends a handler's answer as it is (status, media type, body). */
function send(res: Response, answer: HandlerResponse): void {
  res.status(answer.status);
  res.set('Content-Type', answer.contentType);
  // A Buffer, so express does not append a charset to media types such as application/oauth-authz-req+jwt.
  res.send(Buffer.from(answer.body, 'utf8'));
}

function bearer(req: Request): string {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9_-]{16,256})$/.exec(header) : null;
  if (match === null) failHttp('SERVER_HTTP_ADMIN_UNAUTHORIZED', 'the session secret is required');
  return match[1] as string;
}

/**
 * The verifier's wallet- and front-end-facing endpoints (OpenID4VP 1.0), each with CORS `*` and a rate
 * limit: `GET /oid4vp/requests/:requestId` (the request object, §5.10), `POST /oid4vp/response`
 * (`direct_post` / `direct_post.jwt`, §8.2) and `POST /oid4vp/results/:transactionId`, where the front
 * end that started the transaction collects its result once with its session secret (§13.3) — no admin
 * token, bound to the session.
 *
 * @example
 * ```ts
 * registerVerifierRoutes(app, { verifier, limiter, responseBodyBytes: 262144, jsonBodyBytes: 65536 });
 * ```
 */
export function registerVerifierRoutes(app: Express, ctx: VerifierRouteContext): void {
  const { verifier } = ctx;

  const requestPath = `${VERIFIER_PATHS.requests}/:requestId`;
  app.options(requestPath, walletCors);
  app.get(
    requestPath,
    walletCors,
    ctx.limiter('requestObject'),
    noStoreRoute(async (req, res) => {
      const requestId = String(req.params.requestId ?? '');
      if (!HANDLE.test(requestId)) failHttp('SERVER_HTTP_NOT_FOUND', 'no such request');
      send(res, await verifier.requestObject(requestId));
    }),
  );

  // §8.2: form-encoded; the handler answers the wallet itself (redirect_uri or an error body).
  app.options(VERIFIER_PATHS.response, walletCors);
  app.post(
    VERIFIER_PATHS.response,
    walletCors,
    ctx.limiter('presentationResponse'),
    ...readFormBody(ctx.responseBodyBytes),
    noStoreRoute(async (req, res) => {
      send(res, await verifier.authorizationResponse(req.body as Record<string, string>));
    }),
  );

  const resultPath = `${VERIFIER_PATHS.results}/:transactionId`;
  app.options(resultPath, walletCors);
  app.post(
    resultPath,
    walletCors,
    // Front ends poll this: a bucket of its own, sized for polling.
    ctx.limiter('presentationResult'),
    ...readJsonBody(ctx.jsonBodyBytes),
    noStoreRoute(async (req, res) => {
      if (Object.keys(req.query as object).length > 0) {
        failHttp('SERVER_HTTP_INVALID_REQUEST', 'no query parameters are taken');
      }
      const transactionId = String(req.params.transactionId ?? '');
      const session = bearer(req);
      if (!HANDLE.test(transactionId)) failHttp('SERVER_HTTP_NOT_FOUND', 'no such transaction');
      const parsed = zCollectResultBody.safeParse(req.body ?? {});
      if (!parsed.success) failHttp('SERVER_HTTP_INVALID_REQUEST', 'the body is not valid');
      res.json(await verifier.collectResult(transactionId, session, parsed.data.response_code));
    }),
  );
}
