import {
  BoundedCache,
  type Clock,
  type GuardedFetch,
  type GuardedResponse,
  HavenError,
  isHavenError,
  type JwsAlgorithm,
  type JwsHeader,
  type KeyInput,
  readClock,
} from '@haven/core';
import { failStatus } from '../errors.js';
import { checkStaleListPolicy, type StaleListPolicy, type StatusCheckResult } from '../policy.js';
import type { StatusList } from './status-list.js';
import { parseStatusListReference } from './status-list-reference.js';
import { STATUS_TYPE, statusTypeName } from './status-types.js';
import { type VerifiedStatusListToken, verifyStatusListToken } from './verify-status-list-token.js';

/**
 * Media type of a Status List Token in JWT form (draft-ietf-oauth-status-list §8.1, §8.2).
 *
 * @example
 * ```ts
 * res.setHeader('content-type', STATUS_LIST_JWT_MEDIA_TYPE);
 * ```
 */
export const STATUS_LIST_JWT_MEDIA_TYPE = 'application/statuslist+jwt';

/**
 * The key that must have signed a Status List Token: resolve it with the same trust the credential's
 * signature used (§11.3), from the list's header, its not-yet-verified payload and the verified
 * credential claims. Returning the credential issuer's key is what makes "another issuer's list" fail.
 */
export type StatusListIssuerKey = (
  header: JwsHeader,
  unverifiedListPayload: Record<string, unknown>,
  credentialClaims: Record<string, unknown>,
) => KeyInput | Promise<KeyInput>;

export interface TokenStatusListCacheOptions {
  /** Lists kept, per (credential issuer, uri); default 100. */
  maxEntries?: number;
  /** Longest a list is used before refetching, whatever its `ttl`/`exp` say (§11.5); default 600 s. */
  maxTtlSeconds?: number;
  /** How long a failed fetch is remembered, and the shortest time between two fetches; default 30 s. */
  failureTtlSeconds?: number;
}

export interface TokenStatusListCheckerOptions {
  /** The guarded fetcher: the only way to the network; it enforces https and address rules. */
  fetch: GuardedFetch;
  issuerKey: StatusListIssuerKey;
  clock: Clock;
  /** Stale or unreachable lists: fail-closed by default. */
  policy?: StaleListPolicy;
  cache?: TokenStatusListCacheOptions;
  /** Application-specific status values (e.g. 3, §7.1) to report rather than refuse. Never 0, 1 or 2. */
  allowedValues?: readonly number[];
  /** Largest inflated list; default `STATUS_LIST_MAX_BYTES`. */
  maxBytes?: number;
  /** Allowed signature algorithms of list tokens; default all Haven supports. */
  algorithms?: readonly JwsAlgorithm[];
  /**
   * Local development and tests only: accept `http://` list URIs on loopback hosts (the fetcher must
   * allow loopback too). Off by default.
   */
  allowHttpLoopback?: boolean;
}

/** Checks a credential's `status` claim; compatible with `verifySdJwt`'s `status` option. */
export type TokenStatusListChecker = (
  status: unknown,
  claims: Record<string, unknown>,
) => Promise<StatusCheckResult>;

interface CachedList {
  readonly list: StatusList;
  /** Epoch seconds after which the list is refetched. */
  readonly freshUntil: number;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!(Number.isFinite(v) && v > 0))
    failStatus('STATUS_POLICY_INVALID', `${name} must be a positive number`);
  return v;
}

function checkAllowedValues(values: readonly number[] | undefined): ReadonlySet<number> {
  if (values === undefined) return new Set();
  const ok =
    Array.isArray(values) &&
    values.every((v) => Number.isInteger(v) && v > STATUS_TYPE.SUSPENDED && v <= 255);
  if (!ok) failStatus('STATUS_POLICY_INVALID', 'allowedValues must be integers from 3 to 255');
  return new Set(values);
}

function assertTokenResponse(response: GuardedResponse): void {
  if (response.status < 200 || response.status > 299) {
    failStatus('STATUS_LIST_UNREACHABLE', 'the status list server did not answer with a list', {
      details: { httpStatus: response.status },
    });
  }
  // §8.2: the provider MUST label the token; anything else is not a Status List Token response.
  const type = (response.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== STATUS_LIST_JWT_MEDIA_TYPE) {
    failStatus('STATUS_LIST_TOKEN_INVALID', 'the response is not application/statuslist+jwt');
  }
}

// One trailing line break is tolerated (files served as-is often end with one); nothing else is trimmed.
function tokenText(response: GuardedResponse): string {
  const text = response.text();
  return text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
}

/**
 * Creates the verifier-side Token Status List check (draft-ietf-oauth-status-list §8.3): reads
 * `status.status_list`, fetches the list token (`Accept: application/statuslist+jwt`) through the guarded
 * fetcher, verifies it with the credential issuer's key, `sub` = `uri` and `iss` = the credential's `iss`,
 * and reads the status at `idx`. A status other than `VALID` throws (`STATUS_INVALID`,
 * `STATUS_SUSPENDED`, or `STATUS_UNKNOWN_VALUE` unless listed in `allowedValues`), so the credential is
 * refused.
 *
 * Lists are cached per (credential issuer, uri) — a list verified for one issuer is never reused for
 * another — until the earliest of `exp`, `iat + ttl` (§13.7, the "critical use" option) and the cache
 * bound, but at least `failureTtlSeconds` after fetching so an old `iat` cannot cause a fetch per check.
 * Concurrent checks share one fetch, and a failed fetch is remembered for `failureTtlSeconds` so a flood
 * of credentials does not become a flood of requests. When no fresh list can be had, the
 * {@link StaleListPolicy} decides: fail-closed (`STATUS_LIST_EXPIRED`, `STATUS_LIST_UNREACHABLE`) or use
 * the last verified list within `maxStaleSeconds`, reported as `stale: true`. A list that fails
 * verification is never replaced by an older one. Errors never carry the uri or the index.
 *
 * @example
 * ```ts
 * const status = createTokenStatusListChecker({
 *   fetch: createGuardedFetch(), clock: systemClock(),
 *   issuerKey: (_header, _list, claims) => resolveIssuerKey(claims.iss),
 * });
 * await verifySdJwt(presentation, { ...options, status });
 * ```
 */
export function createTokenStatusListChecker(options: TokenStatusListCheckerOptions): TokenStatusListChecker {
  const policy = checkStaleListPolicy(options.policy);
  const { fetch, issuerKey, clock } = options;
  if (typeof fetch !== 'function' || typeof issuerKey !== 'function') {
    failStatus('STATUS_POLICY_INVALID', 'a status list checker needs a fetcher and an issuer key lookup');
  }
  readClock(clock);
  const maxEntries = positive(options.cache?.maxEntries, 100, 'cache.maxEntries');
  const maxTtl = positive(options.cache?.maxTtlSeconds, 600, 'cache.maxTtlSeconds');
  const failureTtl = positive(options.cache?.failureTtlSeconds, 30, 'cache.failureTtlSeconds');
  const allowed = checkAllowedValues(options.allowedValues);
  const staleSeconds = policy.mode === 'allow-stale' ? policy.maxStaleSeconds : 0;
  const nowMs = () => readClock(clock).now * 1000;
  const lists = new BoundedCache<string, CachedList>({ maxEntries, now: nowMs });
  const failures = new BoundedCache<string, unknown>({ maxEntries, now: nowMs });
  const inflight = new Map<string, Promise<VerifiedStatusListToken>>();

  async function fetchAndVerify(
    uri: string,
    issuer: string | undefined,
    claims: Record<string, unknown>,
  ): Promise<VerifiedStatusListToken> {
    let response: GuardedResponse;
    try {
      response = await fetch({ url: uri, headers: { accept: STATUS_LIST_JWT_MEDIA_TYPE } });
    } catch (cause) {
      failStatus('STATUS_LIST_UNREACHABLE', 'the status list could not be fetched', { cause });
    }
    assertTokenResponse(response);
    return verifyStatusListToken(tokenText(response), {
      key: (header, payload) => issuerKey(header, payload, claims),
      expectedSub: uri,
      ...(issuer === undefined ? {} : { expectedIssuer: issuer }),
      clock,
      policy,
      ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
      ...(options.algorithms === undefined ? {} : { algorithms: options.algorithms }),
    });
  }

  function remember(key: string, token: VerifiedStatusListToken, fetchedAt: number): CachedList {
    let freshUntil = fetchedAt + maxTtl;
    if (token.ttl !== undefined)
      freshUntil = Math.min(freshUntil, Math.max(token.iat + token.ttl, fetchedAt + failureTtl));
    if (token.exp !== undefined) freshUntil = Math.min(freshUntil, token.exp);
    const entry: CachedList = { list: token.list, freshUntil };
    const keepFor = freshUntil + staleSeconds - fetchedAt;
    // One second more than the bound, so the entry is still there at the bound's last second.
    if (keepFor > 0) lists.set(key, entry, (keepFor + 1) * 1000);
    return entry;
  }

  // §8.3 step 4b/4c and the stale-list policy: only "no fresh list" failures may fall back, and only to
  // a list verified earlier, within the bound. A list that failed verification is never papered over.
  function fallback(
    entry: CachedList | undefined,
    error: unknown,
    now: number,
  ): CachedList & { stale: true } {
    const noFreshList =
      isHavenError(error) &&
      (error.code === 'STATUS_LIST_UNREACHABLE' || error.code === 'STATUS_LIST_EXPIRED');
    if (policy.mode === 'allow-stale' && noFreshList && entry && now <= entry.freshUntil + staleSeconds) {
      return { ...entry, stale: true };
    }
    throw error;
  }

  async function listFor(
    uri: string,
    claims: Record<string, unknown>,
  ): Promise<{ list: StatusList; stale: boolean }> {
    const issuer = typeof claims.iss === 'string' ? claims.iss : undefined;
    const key = JSON.stringify([issuer ?? null, uri]);
    const now = readClock(clock).now;
    const entry = lists.get(key);
    if (entry && now < entry.freshUntil) return { list: entry.list, stale: false };
    const failure = failures.get(key);
    if (failure !== undefined) return fallback(entry, failure, now);
    let pending = inflight.get(key);
    if (!pending) {
      pending = fetchAndVerify(uri, issuer, claims).finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    let token: VerifiedStatusListToken;
    try {
      token = await pending;
    } catch (error) {
      failures.set(key, error, failureTtl * 1000);
      // The time after the failed fetch, not before it: a fetch that hung must not stretch the bound.
      return fallback(entry, error, readClock(clock).now);
    }
    const fetchedAt = readClock(clock).now;
    const fresh = remember(key, token, fetchedAt);
    if (token.stale) {
      // An expired list accepted under allow-stale: do not fetch again on every check.
      failures.set(
        key,
        new HavenError('STATUS_LIST_EXPIRED', 'the status list token has expired'),
        failureTtl * 1000,
      );
      return { list: fresh.list, stale: true };
    }
    return { list: fresh.list, stale: false };
  }

  return async function checkTokenStatusList(status, claims) {
    const ref = parseStatusListReference(status, { allowHttpLoopback: options.allowHttpLoopback === true });
    const { list, stale } = await listFor(ref.uri, claims ?? {});
    const value = list.get(ref.idx);
    const name = statusTypeName(value);
    if (name === 'INVALID') failStatus('STATUS_INVALID', 'the credential has been revoked (status INVALID)');
    if (name === 'SUSPENDED') failStatus('STATUS_SUSPENDED', 'the credential is suspended');
    if (typeof name === 'number' && !allowed.has(name)) {
      failStatus('STATUS_UNKNOWN_VALUE', 'the credential has a status this verifier does not accept');
    }
    return { mechanism: 'token-status-list', status: name, stale };
  };
}
