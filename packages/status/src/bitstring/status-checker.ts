import {
  BoundedCache,
  type Clock,
  type GuardedFetch,
  type GuardedResponse,
  HavenError,
  isHavenError,
  readClock,
} from '@haven/core';
import { type Credential, issuerIdOf } from '@haven/w3c';
import { failStatus } from '../errors.js';
import { checkStaleListPolicy, type StaleListPolicy, type StatusCheckResult } from '../policy.js';
import { type BitstringListState, readListCredential } from './read-list-credential.js';
import { parseBitstringStatusEntry } from './status-entry.js';
import type { VerifyBitstringList } from './verify-list-with-w3c.js';

/**
 * Cache bounds of {@link createBitstringStatusChecker}.
 *
 * @example
 * ```ts
 * createBitstringStatusChecker({ fetch, verifyList, clock, cache: { maxEntries: 50, maxAgeSeconds: 120 } });
 * ```
 */
export interface BitstringListCacheOptions {
  /** Lists kept at once (default 100). */
  maxEntries?: number;
  /** Longest a list is used without fetching it again, whatever its ttl says (seconds, default 300). */
  maxAgeSeconds?: number;
  /** How long a failed fetch or verification is remembered before trying again (seconds, default 30). */
  failureSeconds?: number;
}

/**
 * Options of {@link createBitstringStatusChecker}.
 *
 * @example
 * ```ts
 * const options: BitstringStatusCheckerOptions = {
 *   fetch: createGuardedFetch(), clock, verifyList, policy: { mode: 'allow-stale', maxStaleSeconds: 3600 },
 * };
 * ```
 */
export interface BitstringStatusCheckerOptions {
  /** The SSRF-guarded fetcher from `@haven/core` (the only network access). */
  fetch: GuardedFetch;
  /** Verifies a fetched list credential with the verifier's trust, e.g. {@link verifyListWithW3c}. */
  verifyList: VerifyBitstringList;
  clock: Clock;
  /** What to do when no fresh list can be had (default fail-closed). */
  policy?: StaleListPolicy;
  cache?: BitstringListCacheOptions;
  /** Largest inflated list accepted (bytes). */
  maxBytes?: number;
  /** Local development and tests only: accept `http://` list URLs on loopback hosts. Off by default. */
  allowHttpLoopback?: boolean;
}

/**
 * A status checker usable as the `status` option of `verifyVcJwt` / `verifyDataIntegrityCredential`.
 *
 * @example
 * ```ts
 * const status: BitstringStatusChecker = createBitstringStatusChecker(options);
 * await status(credential.credentialStatus, credential); // { status: 'VALID', stale: false, … }
 * ```
 */
export type BitstringStatusChecker = (
  entry: Readonly<Record<string, unknown>>,
  credential: Pick<Credential, 'issuer'>,
) => Promise<StatusCheckResult>;

const JWT_MEDIA_TYPES = new Set(['application/vc+jwt', 'application/jwt']);
const JSON_MEDIA_TYPES = new Set([
  'application/vc',
  'application/vc+ld+json',
  'application/ld+json',
  'application/json',
]);
const ACCEPT = 'application/vc+jwt, application/vc, application/vc+ld+json;q=0.9, application/json;q=0.8';
const MAX_SECONDS = 86_400;

function checkSeconds(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0 || v > MAX_SECONDS) {
    failStatus('STATUS_POLICY_INVALID', `${name} must be between 0 and ${MAX_SECONDS} seconds`);
  }
  return v;
}

function bodyOf(response: GuardedResponse): string | object {
  const mediaType = (response.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  try {
    if (JWT_MEDIA_TYPES.has(mediaType)) return response.text();
    if (JSON_MEDIA_TYPES.has(mediaType)) return response.json() as object;
  } catch (cause) {
    failStatus('STATUS_LIST_TOKEN_INVALID', 'the status list response cannot be read', { cause });
  }
  failStatus('STATUS_LIST_TOKEN_INVALID', 'the status list response has an unsupported media type');
}

// Only these failures may fall back to an earlier verified list under allow-stale: a list that fails
// verification is refused outright, or whoever controls the list host could pin an old list.
function isStaleable(error: unknown): boolean {
  return isHavenError(error, 'STATUS_LIST_UNREACHABLE') || isHavenError(error, 'STATUS_LIST_EXPIRED');
}

/**
 * Creates a W3C Bitstring Status List checker (Bitstring Status List §3 validate algorithm) for
 * `verifyVcJwt` / `verifyDataIntegrityCredential`. Per entry: the entry is read strictly
 * (`STATUS_REFERENCE_INVALID`); the list credential is fetched through the guarded fetcher, verified by
 * `verifyList`, checked (type, `id` = URL, purpose, validity) and decoded with a capped inflate; its
 * issuer must be the credential's (`STATUS_LIST_ISSUER_MISMATCH`), its purpose the entry's
 * (`STATUS_LIST_PURPOSE_MISMATCH`); the index must be inside it (`STATUS_INDEX_OUT_OF_RANGE`). A set bit
 * throws `STATUS_REVOKED` or `STATUS_SUSPENDED`. Verified lists are cached per URL until the earliest of
 * `validUntil`, `ttl` and the cache bound; concurrent fetches of one URL share one request; failures are
 * remembered briefly. An expired or unreachable list follows the {@link StaleListPolicy} (fail closed by
 * default). Messages never contain URLs or indexes.
 *
 * @example
 * ```ts
 * const status = createBitstringStatusChecker({
 *   fetch: createGuardedFetch(), clock, verifyList: verifyListWithW3c({ trustedIssuers, dids, clock }),
 * });
 * const result = await verifyVcJwt(token, { trustedIssuers, dids, clock, status });
 * ```
 */
export function createBitstringStatusChecker(options: BitstringStatusCheckerOptions): BitstringStatusChecker {
  const { fetch, verifyList, clock, maxBytes } = options;
  if (typeof fetch !== 'function' || typeof verifyList !== 'function') {
    failStatus('STATUS_POLICY_INVALID', 'a fetcher and a list verifier are required');
  }
  const policy = checkStaleListPolicy(options.policy);
  const staleSeconds = policy.mode === 'allow-stale' ? policy.maxStaleSeconds : 0;
  const maxAgeSeconds = checkSeconds(options.cache?.maxAgeSeconds, 300, 'maxAgeSeconds');
  const failureSeconds = checkSeconds(options.cache?.failureSeconds, 30, 'failureSeconds');
  const maxEntries = options.cache?.maxEntries ?? 100;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1 || maxEntries > 100_000) {
    failStatus('STATUS_POLICY_INVALID', 'cache maxEntries must be between 1 and 100000');
  }
  const nowMs = () => clock.now() * 1000;
  const lists = new BoundedCache<string, BitstringListState>({ maxEntries, now: nowMs });
  const failures = new BoundedCache<string, unknown>({ maxEntries, now: nowMs });
  const inflight = new Map<string, Promise<BitstringListState>>();

  async function fetchList(url: string): Promise<BitstringListState> {
    let response: GuardedResponse;
    try {
      response = await fetch({ url, method: 'GET', headers: { accept: ACCEPT } });
    } catch (cause) {
      failStatus('STATUS_LIST_UNREACHABLE', 'the status list could not be fetched', { cause });
    }
    if (response.status !== 200) {
      failStatus('STATUS_LIST_UNREACHABLE', 'the status list server did not return the list', {
        details: { httpStatus: response.status },
      });
    }
    const verified = await verifyList(bodyOf(response));
    const { now, skew } = readClock(clock);
    return readListCredential(verified, { url, now, skew, maxAgeSeconds, maxBytes });
  }

  function fetchShared(url: string): Promise<BitstringListState> {
    const pending = inflight.get(url);
    if (pending !== undefined) return pending;
    const promise = fetchList(url).finally(() => inflight.delete(url));
    inflight.set(url, promise);
    return promise;
  }

  function fallback(url: string, error: unknown, now: number): { state: BitstringListState; stale: true } {
    const previous = lists.get(url);
    if (isStaleable(error) && previous !== undefined && now < previous.freshUntil + staleSeconds) {
      return { state: previous, stale: true };
    }
    if (error instanceof HavenError) throw error;
    failStatus('STATUS_LIST_UNREACHABLE', 'the status list could not be obtained', { cause: error });
  }

  async function listFor(url: string, now: number): Promise<{ state: BitstringListState; stale: boolean }> {
    const cached = lists.get(url);
    if (cached !== undefined && now < cached.freshUntil) return { state: cached, stale: false };
    const failure = failures.get(url);
    if (failure !== undefined) return fallback(url, failure, now);
    let state: BitstringListState;
    try {
      state = await fetchShared(url);
    } catch (error) {
      if (failureSeconds > 0) failures.set(url, error, failureSeconds * 1000);
      // The time after the failed fetch, not before it: a fetch that hung must not stretch the bound.
      return fallback(url, error, readClock(clock).now);
    }
    // Kept past its freshness only as long as the stale-list policy could still use it.
    lists.set(url, state, (state.freshUntil + staleSeconds - now) * 1000);
    return { state, stale: false };
  }

  return async (entry, credential) => {
    const reference = parseBitstringStatusEntry(entry, {
      allowHttpLoopback: options.allowHttpLoopback === true,
    });
    const { now } = readClock(clock);
    let issuer: string;
    try {
      issuer = issuerIdOf(credential);
    } catch (cause) {
      failStatus('STATUS_REFERENCE_INVALID', 'the credential names no issuer', { cause });
    }
    const { state, stale } = await listFor(reference.url, now);
    // §3 validate algorithm: the list must come from the credential's issuer and carry the entry's purpose.
    if (state.issuer !== issuer) {
      failStatus('STATUS_LIST_ISSUER_MISMATCH', 'the status list belongs to another issuer');
    }
    if (state.statusPurpose !== reference.statusPurpose) {
      failStatus('STATUS_LIST_PURPOSE_MISMATCH', 'the status list has another purpose than the entry');
    }
    if (state.list.get(reference.index) === 1) {
      if (reference.statusPurpose === 'revocation') failStatus('STATUS_REVOKED', 'the credential is revoked');
      failStatus('STATUS_SUSPENDED', 'the credential is suspended');
    }
    return { mechanism: 'bitstring-status-list', status: 'VALID', stale };
  };
}
