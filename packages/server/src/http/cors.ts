import type { RequestHandler } from 'express';

/**
 * CORS for the wallet-facing endpoints only: any origin (`*`), never credentials (no cookies exist, and a
 * wildcard origin with credentials is refused by browsers anyway). `Authorization` must be listed to be
 * sent cross-origin (the wildcard does not cover it). Preflights are answered here with 204. The admin
 * API, `/docs` and `/openapi.json` get no CORS headers: a browser page elsewhere cannot read them.
 *
 * @example
 * ```ts
 * app.get('/.well-known/openid-credential-issuer', walletCors, metadataRoute);
 * ```
 */
export const walletCors: RequestHandler = (req, res, next) => {
  res.set('Access-Control-Allow-Origin', '*');
  res.set('Access-Control-Expose-Headers', 'WWW-Authenticate, Retry-After, DPoP-Nonce, X-Request-Id');
  // Wallet web apps on another origin read these responses; helmet's default would block no-cors loads.
  res.set('Cross-Origin-Resource-Policy', 'cross-origin');
  if (req.method === 'OPTIONS') {
    res.set('Access-Control-Allow-Methods', 'GET, POST');
    res.set('Access-Control-Allow-Headers', 'Authorization, Content-Type, DPoP');
    res.set('Access-Control-Max-Age', '600');
    res.status(204).end();
    return;
  }
  next();
};
