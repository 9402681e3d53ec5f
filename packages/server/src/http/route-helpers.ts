import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { parseAdminInput } from './admin-schemas.js';
import { failHttp } from './http-errors.js';

/** An async route body; what it throws goes to the app's error handler. */
export type Route = (req: Request, res: Response) => Promise<void>;

/**
 * Wraps an async route for express, marking its answer `Cache-Control: no-store`: admin and verifier
 * answers carry codes, session secrets, request URIs or personal data, never to be cached anywhere.
 *
 * @example
 * ```ts
 * app.get('/admin/offers', ...guard, noStoreRoute(async (req, res) => { res.json(await list()); }));
 * ```
 */
export function noStoreRoute(route: Route): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      res.set('Cache-Control', 'no-store');
      await route(req, res);
    } catch (error) {
      next(error);
    }
  };
}

/** Routes without filters take no query parameters at all. */
export const zNoQuery = z.strictObject({});

/**
 * The `:id` of an admin path, checked with `schema`; any query parameter is refused (400) and a
 * malformed id is a plain 404 (`no such <what>`), like an unknown one.
 *
 * @example
 * ```ts
 * const id = adminPathId(req, zRecordId, 'offer');
 * ```
 */
export function adminPathId(req: Request, schema: z.ZodType<string>, what: string): string {
  parseAdminInput(zNoQuery, req.query);
  const parsed = schema.safeParse(req.params.id);
  if (!parsed.success) failHttp('SERVER_HTTP_NOT_FOUND', `no such ${what}`);
  return parsed.data;
}

/**
 * The admin token id `requireAdmin` put on the response; without it the request must not go on.
 *
 * @example
 * ```ts
 * await issuer.withdrawOffer(id, actorOf(res));
 * ```
 */
export function actorOf(res: Response): string {
  const actor = res.locals.actor;
  if (typeof actor !== 'string') failHttp('SERVER_HTTP_ADMIN_UNAUTHORIZED', 'admin token required');
  return actor;
}
