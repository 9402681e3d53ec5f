import { failOid4vci } from '../errors.js';
import type { AccessTokenRecord, OfferRecord } from '../store.js';
import { hashSecret } from './hash-secret.js';
import type { Oid4vciIssuerConfig } from './types.js';

// RFC 6750 §2.1: `Bearer` (a case-insensitive auth-scheme, RFC 9110 §11.1), one space, a b64token.
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;
const MAX_AUTHORIZATION_LENGTH = 1024;

/** An access token that was found, unexpired, with the live offer it belongs to. */
export interface AuthenticatedAccess {
  readonly token: AccessTokenRecord;
  readonly offer: OfferRecord;
}

/**
 * Authenticates the `Authorization: Bearer <token>` header of a Credential or Deferred Credential
 * Request (RFC 6750 §2.1; the server refuses tokens in the query string or body itself). Missing,
 * malformed, unknown and expired tokens, and tokens of a withdrawn offer, all fail with
 * `OID4VCI_INVALID_TOKEN` (RFC 6750 §3.1, 401).
 *
 * @example
 * ```ts
 * const { token, offer } = await authenticateAccessToken(config, req.get('authorization'), now);
 * ```
 */
export async function authenticateAccessToken(
  config: Oid4vciIssuerConfig,
  authorization: unknown,
  now: number,
): Promise<AuthenticatedAccess> {
  const invalid = (): never => failOid4vci('OID4VCI_INVALID_TOKEN', 'the access token is missing or invalid');
  if (typeof authorization !== 'string' || authorization.length > MAX_AUTHORIZATION_LENGTH) return invalid();
  const match = BEARER.exec(authorization);
  const value = match?.[1];
  if (value === undefined) return invalid();
  const token = await config.store.findAccessToken(hashSecret(config.secret, 'access_token', value));
  if (token === undefined || !(now < token.expiresAt)) return invalid();
  const offer = await config.store.getOffer(token.offerId);
  if (offer === undefined || offer.withdrawn) return invalid();
  return { token, offer };
}
