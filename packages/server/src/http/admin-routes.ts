import { CREDENTIAL_OFFER_SCHEME, DEFAULT_ENDPOINT_PATHS } from '@haven/oid4vci';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import QRCode from 'qrcode';
import type { HavenIssuer } from '../issuer/types.js';
import type { CredentialState } from '../store/contracts.js';
import {
  parseAdminInput,
  zAuditQuery,
  zCreateOfferBody,
  zIssueBatchBody,
  zListOffersQuery,
  zOfferDecisionBody,
  zRecordId,
  zSearchCredentialsQuery,
} from './admin-schemas.js';
import { failHttp, httpError } from './http-errors.js';
import { readJsonBody } from './read-body.js';
import { actorOf, adminPathId, noStoreRoute } from './route-helpers.js';

/** What the admin routes need from the app. */
export interface AdminRouteContext {
  readonly issuer: HavenIssuer;
  /** Rate limit, then the admin token check; runs before any body is read. */
  readonly guard: readonly RequestHandler[];
  readonly jsonBodyBytes: number;
  /** Offers and decisions carry claims, which may include a portrait. */
  readonly offerBodyBytes: number;
  /** `POST /admin/credentials/batch` (default {@link BATCH_BODY_BYTES}). */
  readonly batchBodyBytes?: number;
  /** Current time, epoch seconds (an offer's QR code is refused once the offer has expired). */
  readonly now?: () => number;
}

/**
 * Default body limit of `POST /admin/credentials/batch`: 2 MiB, room for 1,000 items of ~2 KiB (a
 * typical claims object and a holder JWK are well under 1 KiB together). Portraits do not fit a full
 * batch: such batches are sent smaller, or the limit raised.
 */
export const BATCH_BODY_BYTES = 2 * 1024 * 1024;

const STATE_ACTIONS: readonly (readonly [string, CredentialState])[] = [
  ['revoke', 'revoked'],
  ['suspend', 'suspended'],
  ['reinstate', 'active'],
];

/**
 * The admin API under `/admin`: offers (create, list, read, withdraw, decide), issued credentials
 * (bulk issue, search, read, revoke, suspend, reinstate) and the audit log. Every route runs `guard` first (rate
 * limit, then the admin bearer token); the acting token is the audit actor `admin:<token id>`.
 *
 * @example
 * ```ts
 * registerAdminRoutes(app, { issuer, guard: [limiter('admin'), requireAdmin(verify)], … });
 * ```
 */
export function registerAdminRoutes(app: Express, ctx: AdminRouteContext): void {
  const { issuer } = ctx;
  // Mark the whole prefix, so a 401 carries the admin realm even for unknown admin paths.
  app.use('/admin', (_req, res, next) => {
    res.locals.adminRoute = true;
    next();
  });
  const guard = [...ctx.guard];
  const noBody = readJsonBody(ctx.jsonBodyBytes);

  app.post(
    '/admin/offers',
    ...guard,
    ...readJsonBody(ctx.offerBodyBytes),
    noStoreRoute(async (req, res) => {
      const body = parseAdminInput(zCreateOfferBody, req.body);
      const created = await issuer.createOffer(body, actorOf(res));
      res
        .status(201)
        .set('Location', `/admin/offers/${encodeURIComponent(created.offerId)}`)
        .json(created);
    }),
  );

  app.get(
    '/admin/offers',
    ...guard,
    noStoreRoute(async (req, res) => {
      const query = parseAdminInput(zListOffersQuery, req.query);
      res.json(await issuer.listOffers(query));
    }),
  );

  app.get(
    '/admin/offers/:id',
    ...guard,
    noStoreRoute(async (req, res) => {
      const offer = await issuer.getOffer(adminPathId(req, zRecordId, 'offer'));
      if (offer === undefined) failHttp('SERVER_HTTP_NOT_FOUND', 'no such offer');
      res.json(offer);
    }),
  );

  // The by-reference offer as a QR code (OpenID4VCI §4.1.3), for a caseworker to show on a screen or
  // print: a survivor scans it with any conformant wallet. Only while the offer can still be redeemed.
  app.get(
    '/admin/offers/:id/qr',
    ...guard,
    noStoreRoute(async (req, res) => {
      const id = adminPathId(req, zRecordId, 'offer');
      const offer = await issuer.getOffer(id);
      if (offer === undefined) failHttp('SERVER_HTTP_NOT_FOUND', 'no such offer');
      const now = ctx.now?.() ?? Math.floor(Date.now() / 1000);
      const expired = !(now < offer.expiresAt);
      if (offer.withdrawn || offer.redeemedAt !== undefined || offer.decision === 'denied' || expired) {
        failHttp('SERVER_HTTP_CONFLICT', 'the offer can no longer be redeemed');
      }
      const offerUrl = `${issuer.credentialIssuer}${DEFAULT_ENDPOINT_PATHS.offers}/${encodeURIComponent(id)}`;
      const uri = `${CREDENTIAL_OFFER_SCHEME}?credential_offer_uri=${encodeURIComponent(offerUrl)}`;
      const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
      res.type('image/svg+xml').send(svg);
    }),
  );

  app.post(
    '/admin/offers/:id/withdraw',
    ...guard,
    ...noBody,
    noStoreRoute(async (req, res) => {
      const id = adminPathId(req, zRecordId, 'offer');
      const done = await issuer.withdrawOffer(id, actorOf(res));
      const offer = await issuer.getOffer(id);
      if (offer === undefined) failHttp('SERVER_HTTP_NOT_FOUND', 'no such offer');
      if (!done) failHttp('SERVER_HTTP_CONFLICT', 'the offer was already withdrawn');
      res.json(offer);
    }),
  );

  app.post(
    '/admin/offers/:id/decision',
    ...guard,
    ...readJsonBody(ctx.offerBodyBytes),
    noStoreRoute(async (req, res) => {
      const id = adminPathId(req, zRecordId, 'offer');
      const body = parseAdminInput(zOfferDecisionBody, req.body);
      const done = await issuer.decideOffer(id, body.decision, body.claims, actorOf(res));
      const offer = await issuer.getOffer(id);
      if (offer === undefined) failHttp('SERVER_HTTP_NOT_FOUND', 'no such offer');
      if (!done) failHttp('SERVER_HTTP_CONFLICT', 'the offer is not waiting for a decision');
      res.json(offer);
    }),
  );

  // Bulk issuance returned to the caller (DESIGN "Issue"): the holders' wallets gave their keys already.
  app.post(
    '/admin/credentials/batch',
    ...guard,
    ...readJsonBody(ctx.batchBodyBytes ?? BATCH_BODY_BYTES),
    noStoreRoute(async (req, res) => {
      const body = parseAdminInput(zIssueBatchBody, req.body);
      res.status(201).json(await issuer.issueBatch(body, actorOf(res)));
    }),
  );

  app.get(
    '/admin/credentials',
    ...guard,
    noStoreRoute(async (req, res) => {
      const query = parseAdminInput(zSearchCredentialsQuery, req.query);
      res.json(
        await issuer.searchCredentials({
          ...(query.type === undefined ? {} : { credentialType: query.type }),
          ...(query.state === undefined ? {} : { state: query.state }),
          ...(query.offer === undefined ? {} : { offerId: query.offer }),
          ...(query.limit === undefined ? {} : { limit: query.limit }),
          ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
        }),
      );
    }),
  );

  app.get(
    '/admin/credentials/:id',
    ...guard,
    noStoreRoute(async (req, res) => {
      const record = await issuer.getCredential(adminPathId(req, zRecordId, 'credential'));
      if (record === undefined) failHttp('SERVER_HTTP_NOT_FOUND', 'no such credential');
      res.json(record);
    }),
  );

  for (const [action, state] of STATE_ACTIONS) {
    app.post(
      `/admin/credentials/:id/${action}`,
      ...guard,
      ...noBody,
      noStoreRoute(async (req, res) => {
        const id = adminPathId(req, zRecordId, 'credential');
        const done = await issuer.setCredentialState(id, state, actorOf(res));
        const record = await issuer.getCredential(id);
        if (record === undefined) failHttp('SERVER_HTTP_NOT_FOUND', 'no such credential');
        if (!done) failHttp('SERVER_HTTP_CONFLICT', 'the credential cannot change to this state');
        res.json(record);
      }),
    );
  }

  app.get(
    '/admin/audit',
    ...guard,
    noStoreRoute(async (req, res) => {
      const query = parseAdminInput(zAuditQuery, req.query);
      res.json({ items: await issuer.auditLog(query) });
    }),
  );

  // Anything else under /admin: authenticate first, so the admin URL space cannot be probed.
  app.use('/admin', ...guard, (_req: Request, _res: Response, next: NextFunction) => {
    next(httpError('SERVER_HTTP_NOT_FOUND', 'no such admin route'));
  });
}
