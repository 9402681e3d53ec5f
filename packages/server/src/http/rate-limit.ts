import { isIPv4, isIPv6 } from 'node:net';
import { hmacSha256Base64Url } from '@haven/core';
import type { RequestHandler } from 'express';
import type { RateLimitStore } from '../store/contracts.js';
import { httpError } from './http-errors.js';

/**
 * The rate-limited groups of routes. `admin` counts valid admin requests per admin token;
 * `adminAuthFailure` counts failed admin authentications per client address; the others count per
 * client address. `requestObject`, `presentationResponse` and `presentationResult` are the verifier's
 * (OpenID4VP request objects, wallet responses, front-end result polls), apart from the issuer's so
 * that traffic on one role never uses up the other's allowance.
 */
export type RateLimitBucket =
  | 'token'
  | 'credential'
  | 'nonce'
  | 'offers'
  | 'admin'
  | 'adminAuthFailure'
  | 'requestObject'
  | 'presentationResponse'
  | 'presentationResult';

/** Requests allowed per key (client address group or admin token) and window, per bucket. */
export type RateLimitRules = Readonly<Record<RateLimitBucket, number>>;

/**
 * Defaults, per 60-second window. The token endpoint is the strictest per client (it is where codes and
 * tx_codes are guessed); the numbers leave room for a camp or office where many people share one public
 * address. `admin` is per admin token, so unauthenticated traffic can never use up a valid token's
 * allowance; `adminAuthFailure` is per client address and only counts failed attempts. Verifier routes
 * have buckets of their own: request objects and wallet responses come once per presentation, result
 * polls about once a second per waiting front end.
 */
export const DEFAULT_RATE_LIMITS: RateLimitRules = Object.freeze({
  token: 30,
  credential: 120,
  nonce: 120,
  offers: 60,
  admin: 600,
  adminAuthFailure: 60,
  // One request object and one response per presentation; room for a busy checkpoint behind one address.
  requestObject: 60,
  presentationResponse: 60,
  // Front ends poll for their result (about one a second while a holder decides).
  presentationResult: 120,
});

/** Options of {@link rateLimit} and {@link hitRateLimit}. */
export interface RateLimitOptions {
  readonly store: RateLimitStore;
  readonly bucket: RateLimitBucket;
  readonly limit: number;
  readonly windowSeconds: number;
  /** Epoch seconds. */
  readonly now: () => number;
  /** HMAC key for the counted subjects: the store keeps `bucket:HMAC(subject)`, never an address. */
  readonly clientKey: Uint8Array;
}

function checkRateLimitOptions(options: RateLimitOptions): void {
  if (!Number.isInteger(options.limit) || options.limit < 1) {
    throw new RangeError('rate limits are positive integers');
  }
  if (!Number.isInteger(options.windowSeconds) || options.windowSeconds < 1) {
    throw new RangeError('the rate-limit window is a positive number of seconds');
  }
}

/** The 8 groups of an IPv6 address as numbers, or `undefined` when it is not one. */
function ipv6Groups(address: string): number[] | undefined {
  const bare = address.replace(/%.*$/, '');
  if (!isIPv6(bare)) return undefined;
  const [head = '', tail] = bare.split('::');
  const parse = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [Number.parseInt(group, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const first = parse(head);
  const last = tail === undefined ? [] : parse(tail);
  return [...first, ...new Array<number>(8 - first.length - last.length).fill(0), ...last];
}

/**
 * The rate-limit subject of a client address: an IPv4 address as is (also when written IPv4-mapped,
 * `::ffff:a.b.c.d`), an IPv6 address as its /64 prefix. One IPv6 host usually holds a whole /64 and can
 * pick a fresh address for every request, so counting single IPv6 addresses would limit nothing.
 *
 * @example
 * ```ts
 * clientAddressGroup('2001:db8:1:2:aaaa::1') // '2001:db8:1:2::/64'
 * clientAddressGroup('::ffff:192.0.2.7')     // '192.0.2.7'
 * ```
 */
export function clientAddressGroup(address: string | undefined): string {
  if (address === undefined || address === '') return 'unknown';
  if (isIPv4(address)) return address;
  const groups = ipv6Groups(address);
  if (groups === undefined) return 'unknown';
  const isMapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (isMapped) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/**
 * Counts one hit of `subject` in the options' bucket and current fixed window (in the shared store, so
 * every server process counts together). Returns the seconds until the window ends when the count is over
 * the limit (the `Retry-After`), else `undefined`.
 *
 * @example
 * ```ts
 * const retryAfter = await hitRateLimit({ store, bucket: 'admin', limit: 600, windowSeconds: 60, now, clientKey }, 'token:ops');
 * ```
 */
export async function hitRateLimit(options: RateLimitOptions, subject: string): Promise<number | undefined> {
  checkRateLimitOptions(options);
  const { store, bucket, limit, windowSeconds, now, clientKey } = options;
  const t = Math.floor(now());
  const windowStart = t - (t % windowSeconds);
  const key = hmacSha256Base64Url(clientKey, subject).slice(0, 22);
  const count = await store.hit(`${bucket}:${key}`, windowStart);
  return count > limit ? Math.max(1, windowStart + windowSeconds - t) : undefined;
}

/**
 * Middleware: a fixed-window counter per client address group (see {@link clientAddressGroup}; the
 * address as express sees it: `trust proxy` decides whether `X-Forwarded-For` counts), kept in the
 * shared store. Over the limit: 429, `Retry-After` (seconds to the next window) and the OAuth-style body
 * `{"error": "slow_down"}` (the RFC 8628 §3.5 code clients already know as "back off").
 *
 * @example
 * ```ts
 * app.post('/token', rateLimit({ store, bucket: 'token', limit: 30, windowSeconds: 60, now, clientKey }), …);
 * ```
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  checkRateLimitOptions(options);
  return async (req, res, next) => {
    try {
      const retryAfter = await hitRateLimit(options, `ip:${clientAddressGroup(req.ip)}`);
      if (retryAfter !== undefined) {
        res.set('Retry-After', String(retryAfter));
        return next(httpError('SERVER_HTTP_RATE_LIMITED', 'too many requests'));
      }
      next();
    } catch (error) {
      next(error);
    }
  };
}
