import { digestBase64Url, randomBase64Url, timingSafeEqualStrings } from '@haven/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { httpError } from './http-errors.js';

/** One admin token the server accepts: its public id (for the audit log) and the SHA-256 of the token. */
export interface AdminTokenEntry {
  /** Shown in the audit log as `admin:<id>`. Not secret. */
  readonly id: string;
  /** {@link hashAdminToken} of the token. The token itself is never kept. */
  readonly hash: string;
}

/** Checks a presented admin token; returns the token's id, or `undefined` when it is not valid. */
export type AdminTokenVerifier = (token: string) => string | undefined | Promise<string | undefined>;

/** RFC 6750 §2.1 `b64token`, bounded. */
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]{1,512}=*)$/i;

/**
 * The stored form of an admin token: SHA-256, base64url. Admin tokens are 256-bit random strings, so a
 * fast hash is enough (nothing to brute-force), and comparing hashes of a fixed length keeps the check's
 * timing independent of the token presented.
 *
 * @example
 * ```ts
 * const entry = { id: 'ops', hash: hashAdminToken(process.env.HAVEN_ADMIN_TOKEN!) };
 * ```
 */
export function hashAdminToken(token: string): string {
  return digestBase64Url('sha-256', token);
}

/**
 * A fresh admin token: `haven_admin_` and 256 random bits.
 *
 * @example
 * ```ts
 * const token = generateAdminToken(); // shown once to the operator
 * ```
 */
export function generateAdminToken(): string {
  return `haven_admin_${randomBase64Url(32)}`;
}

/**
 * A non-secret id for a token (the first 8 characters of its hash), for the audit actor `admin:<id>`.
 *
 * @example
 * ```ts
 * const entry = { id: adminTokenId(token), hash: hashAdminToken(token) };
 * ```
 */
export function adminTokenId(token: string): string {
  return hashAdminToken(token).slice(0, 8);
}

/**
 * A verifier over stored token hashes. Every entry is compared, in constant time, whatever matched
 * first: neither the position of a match nor a common prefix shows in the timing.
 *
 * @example
 * ```ts
 * const verify = createAdminTokenVerifier([{ id: 'ops', hash }]);
 * await verify(presented) // 'ops' or undefined
 * ```
 */
export function createAdminTokenVerifier(entries: readonly AdminTokenEntry[]): AdminTokenVerifier {
  const frozen = entries.map((entry) => {
    if (typeof entry.id !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(entry.id)) {
      throw new RangeError('admin token ids are 1-64 characters of A-Z, a-z, 0-9, _ . -');
    }
    if (typeof entry.hash !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(entry.hash)) {
      throw new RangeError('admin token hashes are SHA-256 in base64url (hashAdminToken)');
    }
    return { id: entry.id, hash: entry.hash };
  });
  return (token) => {
    const presented = hashAdminToken(token);
    let found: string | undefined;
    for (const entry of frozen) {
      if (timingSafeEqualStrings(presented, entry.hash) && found === undefined) found = entry.id;
    }
    return found;
  };
}

/**
 * Rate limits of the admin API, counted after the token check so that unauthenticated traffic never
 * uses up a valid token's allowance. Each returns the `Retry-After` seconds when over its limit.
 */
export interface AdminRateLimits {
  /** Counts a failed authentication from this request's client address. */
  readonly failure: (req: Request) => Promise<number | undefined>;
  /** Counts a request authenticated with the token `id`. */
  readonly success: (id: string) => Promise<number | undefined>;
}

/**
 * Middleware for the admin API: `Authorization: Bearer <admin token>` or 401 `invalid_token`. A token in
 * the query string is refused too (it would end up in proxy logs). Sets `res.locals.actor` to
 * `admin:<token id>` for the audit log. The token is never logged. With `limits`, a client address that
 * keeps failing gets 429 instead of 401, and each valid token is limited on its own.
 *
 * @example
 * ```ts
 * app.use('/admin', requireAdmin(createAdminTokenVerifier(entries)));
 * ```
 */
export function requireAdmin(verify: AdminTokenVerifier, limits?: AdminRateLimits): RequestHandler {
  const refuse = (res: Response, next: NextFunction, retryAfter: number) => {
    res.set('Retry-After', String(retryAfter));
    next(httpError('SERVER_HTTP_RATE_LIMITED', 'too many requests'));
  };
  return async (req, res, next) => {
    try {
      const header = req.headers.authorization;
      const match = typeof header === 'string' ? BEARER.exec(header) : null;
      const token = match?.[1];
      const id = token === undefined ? undefined : await verify(token);
      if (id === undefined) {
        const retryAfter = await limits?.failure(req);
        if (retryAfter !== undefined) return refuse(res, next, retryAfter);
        return next(httpError('SERVER_HTTP_ADMIN_UNAUTHORIZED', 'admin token required'));
      }
      const retryAfter = await limits?.success(id);
      if (retryAfter !== undefined) return refuse(res, next, retryAfter);
      res.locals.actor = `admin:${id}`;
      // Claim paths in validation errors may be shown to an authenticated operator, never to wallets.
      res.locals.exposeDetails = true;
      next();
    } catch (error) {
      next(error);
    }
  };
}
