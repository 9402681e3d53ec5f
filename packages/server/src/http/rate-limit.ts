import { hmacSha256Base64Url } from '@haven/core';
import type { RequestHandler } from 'express';
import type { RateLimitStore } from '../store/contracts.js';
import { httpError } from './http-errors.js';

/** The rate-limited groups of routes. */
export type RateLimitBucket = 'token' | 'credential' | 'nonce' | 'offers' | 'admin';

/** Requests allowed per client IP and window, per bucket. */
export type RateLimitRules = Readonly<Record<RateLimitBucket, number>>;

/**
 * Defaults, per client IP and 60-second window. The token endpoint is the strictest (it is where codes
 * and tx_codes are guessed); the numbers leave room for a camp or office where many people share one
 * public address.
 */
export const DEFAULT_RATE_LIMITS: RateLimitRules = Object.freeze({
  token: 30,
  credential: 120,
  nonce: 120,
  offers: 60,
  admin: 600,
});

/** Options of {@link rateLimit}. */
export interface RateLimitOptions {
  readonly store: RateLimitStore;
  readonly bucket: RateLimitBucket;
  readonly limit: number;
  readonly windowSeconds: number;
  /** Epoch seconds. */
  readonly now: () => number;
  /** HMAC key for client addresses: the store keeps `bucket:HMAC(ip)`, never an address. */
  readonly clientKey: Uint8Array;
}

/**
 * Middleware: a fixed-window counter per client IP (as express sees it: `trust proxy` decides whether
 * `X-Forwarded-For` counts), kept in the shared store so every server process counts together. Over the
 * limit: 429, `Retry-After` (seconds to the next window) and the OAuth-style body
 * `{"error": "slow_down"}` (the RFC 8628 §3.5 code clients already know as "back off").
 *
 * @example
 * ```ts
 * app.post('/token', rateLimit({ store, bucket: 'token', limit: 30, windowSeconds: 60, now, clientKey }), …);
 * ```
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  const { store, bucket, limit, windowSeconds, now, clientKey } = options;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('rate limits are positive integers');
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1) {
    throw new RangeError('the rate-limit window is a positive number of seconds');
  }
  return async (req, res, next) => {
    try {
      const t = Math.floor(now());
      const windowStart = t - (t % windowSeconds);
      const client = hmacSha256Base64Url(clientKey, req.ip ?? 'unknown').slice(0, 22);
      const count = await store.hit(`${bucket}:${client}`, windowStart);
      if (count > limit) {
        res.set('Retry-After', String(Math.max(1, windowStart + windowSeconds - t)));
        return next(httpError('SERVER_HTTP_RATE_LIMITED', 'too many requests'));
      }
      next();
    } catch (error) {
      next(error);
    }
  };
}
