import { failStatus } from './errors.js';

/**
 * What a verifier does when the status list cannot be had fresh (expired `exp`/`validUntil`, past its
 * `ttl`, or unreachable). `fail-closed` (the default, and the only sane choice for high assurance):
 * the credential is refused. `allow-stale`: a list fetched and verified earlier may be used up to
 * `maxStaleSeconds` past the moment it stopped being fresh; the result says it was stale. A status is
 * never assumed valid without a verified list. Freshness ends at `exp`/`validUntil` plus the clock's skew
 * tolerance (as for every time check), and the stale bound counts from there.
 */
export type StaleListPolicy = { mode: 'fail-closed' } | { mode: 'allow-stale'; maxStaleSeconds: number };

/** The most a caller may allow a list to be stale: one day. */
export const MAX_STALE_SECONDS = 86_400;

/**
 * Validates a {@link StaleListPolicy} (a policy may come from configuration): unknown modes, or a
 * negative, non-finite or over-long staleness bound, are `STATUS_POLICY_INVALID`.
 *
 * @example
 * ```ts
 * checkStaleListPolicy({ mode: 'allow-stale', maxStaleSeconds: 3600 });
 * ```
 */
export function checkStaleListPolicy(policy: StaleListPolicy | undefined): StaleListPolicy {
  const value = policy ?? { mode: 'fail-closed' };
  if (value.mode === 'fail-closed') return value;
  if (value.mode === 'allow-stale') {
    const max = value.maxStaleSeconds;
    if (typeof max === 'number' && Number.isFinite(max) && max >= 0 && max <= MAX_STALE_SECONDS) return value;
    failStatus('STATUS_POLICY_INVALID', `maxStaleSeconds must be between 0 and ${MAX_STALE_SECONDS}`);
  }
  failStatus('STATUS_POLICY_INVALID', 'the stale-list policy must be fail-closed or allow-stale');
}

/** What a status check found, for the verification report. */
export interface StatusCheckResult {
  /** Which mechanism: IETF Token Status List or W3C Bitstring Status List. */
  readonly mechanism: 'token-status-list' | 'bitstring-status-list';
  /** The status found: `VALID`, `INVALID` (revoked), `SUSPENDED`, or the raw value of an application-specific status. */
  readonly status: 'VALID' | 'INVALID' | 'SUSPENDED' | number;
  /** True when the list was past its freshness and used under `allow-stale`. */
  readonly stale: boolean;
}
