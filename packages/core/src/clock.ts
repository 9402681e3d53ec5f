import { fail } from './errors.js';
import { LIMITS } from './limits.js';

/**
 * The one source of time for every check. `now()` is in whole or fractional seconds since the epoch
 * (JWT NumericDate, RFC 7519 §2); `skewSeconds` is how far a peer's clock may be off.
 */
export interface Clock {
  now(): number;
  readonly skewSeconds: number;
}

export interface ClockOptions {
  /** Tolerated skew in seconds; default 60, at most 600. */
  skewSeconds?: number;
}

function checkSkew(skew: number | undefined): number {
  const value = skew ?? LIMITS.clockSkewSeconds;
  if (!Number.isFinite(value) || value < 0 || value > LIMITS.clockSkewMaxSeconds) {
    fail('CLOCK_INVALID', `clock skew must be between 0 and ${LIMITS.clockSkewMaxSeconds} seconds`);
  }
  return value;
}

/**
 * The machine's clock.
 *
 * @example
 * ```ts
 * const clock = systemClock({ skewSeconds: 30 });
 * ```
 */
export function systemClock(options: ClockOptions = {}): Clock {
  const skewSeconds = checkSkew(options.skewSeconds);
  return { now: () => Math.floor(Date.now() / 1000), skewSeconds };
}

/**
 * A clock frozen at `epochSeconds`: for tests, and for verifying "as of" a given time.
 *
 * @example
 * ```ts
 * const clock = fixedClock(1_767_225_600); // 2026-01-01T00:00:00Z
 * ```
 */
export function fixedClock(epochSeconds: number, options: ClockOptions = {}): Clock {
  if (!Number.isFinite(epochSeconds) || epochSeconds < 0)
    fail('CLOCK_INVALID', 'clock time must be a non-negative number');
  const skewSeconds = checkSkew(options.skewSeconds);
  return { now: () => epochSeconds, skewSeconds };
}

/** A clock over any time source returning epoch seconds. */
export function createClock(now: () => number, options: ClockOptions = {}): Clock {
  const skewSeconds = checkSkew(options.skewSeconds);
  return { now, skewSeconds };
}

/**
 * Reads a clock for one check and validates what it says: `now` finite and non-negative, skew within
 * 0–600 s. Every time check goes through here, so a hand-written `{ now }` without `skewSeconds`, or a
 * source returning NaN, fails with `CLOCK_INVALID` instead of letting every comparison pass.
 */
export function readClock(clock: Clock): { now: number; skew: number } {
  const now = typeof clock?.now === 'function' ? clock.now() : Number.NaN;
  if (typeof now !== 'number' || !Number.isFinite(now) || now < 0) {
    fail('CLOCK_INVALID', 'clock time must be a non-negative number of seconds');
  }
  const skew = clock.skewSeconds;
  if (typeof skew !== 'number' || !Number.isFinite(skew) || skew < 0 || skew > LIMITS.clockSkewMaxSeconds) {
    fail('CLOCK_INVALID', `clock skew must be between 0 and ${LIMITS.clockSkewMaxSeconds} seconds`);
  }
  return { now, skew };
}
