import { type Clock, readClock } from './clock.js';
import { fail } from './errors.js';
import {
  type VerifiedJws,
  type VerifyJwsAsyncOptions,
  type VerifyJwsOptions,
  verifyJwsAs,
  verifyJwsAsync,
} from './jws.js';

export interface JwtTimeOptions {
  clock: Clock;
  /** Require `exp` (RFC 7519 §4.1.4). Default false. */
  requireExp?: boolean;
  /** Require `iat` (RFC 7519 §4.1.6). Default false. */
  requireIat?: boolean;
  /** Reject a token whose `iat` is older than this many seconds (e.g. a KB-JWT or an OID4VCI proof). */
  maxAgeSeconds?: number;
}

function numericDate(payload: Record<string, unknown>, name: string, required: boolean): number | undefined {
  const value = payload[name];
  if (value === undefined) {
    if (required) fail('JWT_CLAIM_MISSING', `token has no "${name}" claim`);
    return undefined;
  }
  // RFC 7519 §2 NumericDate: a JSON number of seconds; fractions allowed, anything else is not a date.
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail('JWT_CLAIM_INVALID', `token "${name}" is not a NumericDate`);
  }
  return value;
}

/**
 * Checks `exp`, `nbf` and `iat` against one injected clock with its skew. `exp` must be after
 * `now - skew`, `nbf` and `iat` at or before `now + skew` (RFC 7519 §4.1.4–§4.1.6).
 *
 * @example
 * ```ts
 * checkJwtTimes(payload, { clock: systemClock(), requireExp: true });
 * ```
 */
export function checkJwtTimes(payload: Record<string, unknown>, options: JwtTimeOptions): void {
  const { now, skew } = readClock(options.clock);
  const maxAge = options.maxAgeSeconds;
  if (maxAge !== undefined && !(Number.isFinite(maxAge) && maxAge >= 0)) {
    fail('CLOCK_INVALID', 'maxAgeSeconds must be a non-negative number');
  }
  const exp = numericDate(payload, 'exp', options.requireExp ?? false);
  const nbf = numericDate(payload, 'nbf', false);
  const iat = numericDate(payload, 'iat', options.requireIat ?? maxAge !== undefined);
  // Written as "must hold" tests, so anything unexpected (NaN slipping through) fails closed.
  if (exp !== undefined && !(exp > now - skew)) fail('JWT_EXPIRED', 'token has expired');
  if (nbf !== undefined && !(nbf <= now + skew)) fail('JWT_NOT_YET_VALID', 'token is not valid yet');
  if (iat !== undefined && !(iat <= now + skew)) fail('JWT_IAT_IN_FUTURE', 'token was issued in the future');
  if (iat !== undefined && maxAge !== undefined && !(iat + maxAge >= now - skew)) {
    fail('JWT_TOO_OLD', 'token was issued too long ago');
  }
}

export type VerifyJwtOptions = VerifyJwsOptions & JwtTimeOptions;
export type VerifyJwtAsyncOptions = VerifyJwsAsyncOptions & JwtTimeOptions;

/**
 * Verifies a JWS whose payload is a JWT claims set, then its time claims.
 *
 * @example
 * ```ts
 * const { payload } = verifyJwt(token, { algorithms: ['ES256'], typ: 'JWT', key, clock, requireExp: true });
 * ```
 */
export function verifyJwt<P = Record<string, unknown>>(
  token: unknown,
  options: VerifyJwtOptions,
): VerifiedJws<P> {
  const result = verifyJwsAs<Record<string, unknown>>(token, options, 'json');
  checkJwtTimes(result.payload, options);
  return result as VerifiedJws<P>;
}

/** {@link verifyJwt} with an asynchronous key lookup. */
export async function verifyJwtAsync<P = Record<string, unknown>>(
  token: unknown,
  options: VerifyJwtAsyncOptions,
): Promise<VerifiedJws<P>> {
  const result = await verifyJwsAsync<Record<string, unknown>>(token, { ...options, payload: 'json' });
  checkJwtTimes(result.payload, options);
  return result as VerifiedJws<P>;
}
