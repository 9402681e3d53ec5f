import type { Express, RequestHandler } from 'express';
import QRCode from 'qrcode';
import type { HavenVerifier } from '../verifier/types.js';
import { parseAdminInput } from './admin-schemas.js';
import { zCreatePresentationBody, zPurposeId, zTransactionId } from './admin-verifier-schemas.js';
import { failHttp } from './http-errors.js';
import { readJsonBody } from './read-body.js';
import { actorOf, adminPathId, noStoreRoute, zNoQuery } from './route-helpers.js';

/** What the verifier's admin routes need from the app. */
export interface AdminVerifierRouteContext {
  readonly verifier: HavenVerifier;
  /** Rate limit, then the admin token check; runs before any body is read. */
  readonly guard: readonly RequestHandler[];
  readonly jsonBodyBytes: number;
  /** Current time, epoch seconds (a transaction's QR code is refused once it has expired). */
  readonly now: () => number;
}

/**
 * The verifier's admin API: purposes (relying-party registrations: list, read, register or replace,
 * delete; Haven's built-in purposes are listed read-only and their ids are reserved) and presentation
 * requests (start one for a front end, read its status — metadata only — and show it as a QR code).
 * Every route runs `guard` first (rate limit, then the admin bearer token). Register it before the
 * issuer's admin routes, which end with the `/admin` catch-all.
 *
 * @example
 * ```ts
 * registerAdminVerifierRoutes(app, { verifier, guard, jsonBodyBytes: 65536, now });
 * ```
 */
export function registerAdminVerifierRoutes(app: Express, ctx: AdminVerifierRouteContext): void {
  const { verifier } = ctx;
  app.use('/admin', (_req, res, next) => {
    res.locals.adminRoute = true;
    next();
  });
  const guard = [...ctx.guard];
  // Purposes and DCQL queries are small; the general JSON limit applies.
  const body = readJsonBody(ctx.jsonBodyBytes);

  app.get(
    '/admin/purposes',
    ...guard,
    noStoreRoute(async (req, res) => {
      parseAdminInput(zNoQuery, req.query);
      res.json({ items: await verifier.listPurposes() });
    }),
  );

  app.get(
    '/admin/purposes/:id',
    ...guard,
    noStoreRoute(async (req, res) => {
      const found = await verifier.getPurpose(adminPathId(req, zPurposeId, 'purpose'));
      if (found === undefined) failHttp('SERVER_HTTP_NOT_FOUND', 'no such purpose');
      res.json(found);
    }),
  );

  app.put(
    '/admin/purposes/:id',
    ...guard,
    ...body,
    noStoreRoute(async (req, res) => {
      const id = adminPathId(req, zPurposeId, 'purpose');
      const outcome = await verifier.putPurpose(id, req.body, actorOf(res));
      const found = await verifier.getPurpose(id);
      if (found === undefined) failHttp('SERVER_HTTP_NOT_FOUND', 'no such purpose');
      if (outcome === 'created') res.status(201).set('Location', `/admin/purposes/${encodeURIComponent(id)}`);
      res.json(found);
    }),
  );

  app.delete(
    '/admin/purposes/:id',
    ...guard,
    noStoreRoute(async (req, res) => {
      const id = adminPathId(req, zPurposeId, 'purpose');
      const done = await verifier.deletePurpose(id, actorOf(res));
      if (!done) failHttp('SERVER_HTTP_NOT_FOUND', 'no such purpose');
      res.status(204).end();
    }),
  );

  app.post(
    '/admin/presentations',
    ...guard,
    ...body,
    noStoreRoute(async (req, res) => {
      parseAdminInput(zNoQuery, req.query);
      const input = parseAdminInput(zCreatePresentationBody, req.body);
      const created = await verifier.createPresentation(
        {
          purpose: input.purpose,
          ...(input.response_mode === undefined ? {} : { responseMode: input.response_mode }),
          ...(input.redirect_uri === undefined ? {} : { redirectUri: input.redirect_uri }),
          ...(input.dcql_query === undefined ? {} : { dcqlQuery: input.dcql_query }),
        },
        actorOf(res),
      );
      res
        .status(201)
        .set('Location', `/admin/presentations/${encodeURIComponent(created.transactionId)}`)
        .json({
          transaction_id: created.transactionId,
          session: created.session,
          authorization_request_uri: created.authorizationRequestUri,
          ...(created.requestUri === undefined ? {} : { request_uri: created.requestUri }),
          expires_at: created.expiresAt,
        });
    }),
  );

  app.get(
    '/admin/presentations/:id',
    ...guard,
    noStoreRoute(async (req, res) => {
      const status = await verifier.presentationStatus(adminPathId(req, zTransactionId, 'presentation'));
      if (status === undefined) failHttp('SERVER_HTTP_NOT_FOUND', 'no such presentation');
      res.json(status);
    }),
  );

  // The authorization request as a QR code, for a wallet on another device (cross-device flow, §13.3),
  // while the transaction can still be answered. The URI is read from the transaction's sealed request,
  // so any server process can show it.
  app.get(
    '/admin/presentations/:id/qr',
    ...guard,
    noStoreRoute(async (req, res) => {
      const id = adminPathId(req, zTransactionId, 'presentation');
      const status = await verifier.presentationStatus(id);
      if (status === undefined) failHttp('SERVER_HTTP_NOT_FOUND', 'no such presentation');
      if (status.state !== 'pending' || !(ctx.now() < status.expiresAt)) {
        failHttp('SERVER_HTTP_CONFLICT', 'the presentation can no longer be answered');
      }
      const uri = await verifier.authorizationRequestUri(id);
      if (uri === undefined) failHttp('SERVER_HTTP_CONFLICT', 'the presentation can no longer be answered');
      const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
      res.type('image/svg+xml').send(svg);
    }),
  );
}
