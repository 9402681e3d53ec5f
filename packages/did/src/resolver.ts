import type { KeyObject } from 'node:crypto';
import {
  algorithmForKey,
  BoundedCache,
  type Clock,
  type GuardedFetch,
  HavenError,
  importPublicJwk,
  isHavenError,
  type JwsAlgorithm,
  type PublicJwk,
} from '@haven/core';
import { type DIDCache, type DIDResolutionResult, type DIDResolver, parse, Resolver } from 'did-resolver';
import { type DidDocument, type DidVerificationMethod, deepFreeze } from './did-document.js';
import { didErrorCodeFromResolutionError, failDid } from './errors.js';
import { assertDidLength } from './limits.js';
import {
  failedResolutionCause,
  getDidJwkResolver,
  getDidKeyResolver,
  getDidWebResolver,
} from './method-resolvers.js';
import { selectVerificationMethod } from './select-verification-method.js';
import { publicJwkFromVerificationMethod } from './verification-method-key.js';

/** The DID methods Haven resolves. */
export type DidMethod = 'key' | 'jwk' | 'web';

/** The relationships a verifier asks a key for: credentials (`assertionMethod`), holder proofs (`authentication`). */
export type KeyRelationship = 'assertionMethod' | 'authentication';

export interface DidResolverOptions {
  /** The guarded fetcher from `@haven/core`. did:web is enabled only when one is given. */
  fetch?: GuardedFetch;
  /** Methods to enable (default: `key`, `jwk`, and `web` when `fetch` is given). */
  methods?: readonly DidMethod[];
  /**
   * Document cache (default 1000 entries; did:web entries live `ttlSeconds`, default 300). did:key and
   * did:jwk documents are pure functions of the DID and never go stale. `false` turns caching off.
   */
  cache?: { maxEntries?: number; ttlSeconds?: number } | false;
  /** Time source for the cache ttl (default: the system clock). */
  clock?: Clock;
}

export interface ResolveKeyOptions {
  /** The verification relationship the key must hold (DID Core §5.3). */
  relationship: KeyRelationship;
  /**
   * The algorithm the caller is about to verify with (e.g. the JWS `alg`). When `alg` is given, it must
   * be the key type's one algorithm (→ else `DID_KEY_ALG_MISMATCH`); when it is omitted, no such check
   * is made here, and the caller must bind the returned `alg` to its verification itself (core's JWS
   * verification does: it accepts a key only with its own algorithm).
   */
  alg?: JwsAlgorithm;
}

/** A verification key, proven to belong to `did` under the requested relationship. */
export interface ResolvedDidKey {
  did: string;
  verificationMethod: DidVerificationMethod;
  publicJwk: PublicJwk;
  /** The `node:crypto` KeyObject, cached by core: the same object for the same key. */
  key: KeyObject;
  /** The key's one algorithm (ES256 ↔ P-256, ES384 ↔ P-384, EdDSA ↔ Ed25519), given `alg` or not. */
  alg: JwsAlgorithm;
}

export interface DidResolver {
  /** Resolves a DID (not a DID URL) to its DID document, frozen. */
  resolve(did: string): Promise<DidDocument>;
  /** Resolves a DID URL (`did:…#fragment`, or a bare DID with a single key) to a verification key. */
  resolveKey(didUrl: string, options: ResolveKeyOptions): Promise<ResolvedDidKey>;
}

const DEFAULT_MAX_ENTRIES = 1000;
const DEFAULT_WEB_TTL_SECONDS = 300;
const PURE_METHODS = new Set(['key', 'jwk']);

function createCache(options: DidResolverOptions): DIDCache | undefined {
  if (options.cache === false) return undefined;
  const clock = options.clock;
  const cache = new BoundedCache<string, DIDResolutionResult>({
    maxEntries: options.cache?.maxEntries ?? DEFAULT_MAX_ENTRIES,
    ...(clock === undefined ? {} : { now: () => clock.now() * 1000 }),
  });
  const webTtlMs = (options.cache?.ttlSeconds ?? DEFAULT_WEB_TTL_SECONDS) * 1000;
  if (!(webTtlMs >= 0)) throw new RangeError('cache.ttlSeconds must be a non-negative number');
  return async (parsed, resolve) => {
    // Keyed by DID, not DID URL: every fragment of one DID shares the document.
    const cached = cache.get(parsed.did);
    if (cached !== undefined) return cached;
    const result = await resolve();
    // Only successes are cached: an outage or a 404 must not stick for the ttl.
    if (result.didDocument !== null && result.didResolutionMetadata.error === undefined) {
      cache.set(parsed.did, result, PURE_METHODS.has(parsed.method) ? Number.POSITIVE_INFINITY : webTtlMs);
    }
    return result;
  };
}

function parseDidUrl(input: string, code: 'DID_INVALID' | 'DID_URL_INVALID') {
  assertDidLength(input, code);
  const parsed = parse(input);
  if (parsed === null) failDid(code, 'not a DID URL (DID Core §3.2)');
  return parsed;
}

/**
 * Creates Haven's DID resolver on `did-resolver`'s `Resolver`, with the did:key, did:jwk and (given a
 * guarded fetcher) did:web method resolvers and a bounded document cache.
 *
 * `resolveKey` is what a verifier calls with an issuer's or holder's `kid`: it resolves the DID, checks
 * the document id, picks exactly one verification method (see `selectVerificationMethod`), reads its key
 * (`publicKeyJwk` or Multikey `publicKeyMultibase`), checks the key type against `alg` when `alg` is
 * given, and returns core's cached KeyObject with the key's bound algorithm. DID URLs with a path,
 * query or DID parameters are rejected with `DID_URL_INVALID`: Haven dereferences keys only.
 *
 * @example
 * ```ts
 * const dids = createDidResolver({ fetch: createGuardedFetch() });
 * const { key, alg } = await dids.resolveKey(header.kid, { relationship: 'assertionMethod', alg: header.alg });
 * ```
 */
export function createDidResolver(options: DidResolverOptions = {}): DidResolver {
  const methods = options.methods ?? (options.fetch === undefined ? ['key', 'jwk'] : ['key', 'jwk', 'web']);
  // A null-prototype registry: did-resolver looks methods up with registry[method], and method names
  // such as "constructor" or "tostring" would otherwise find Object.prototype members.
  const registry: Record<string, DIDResolver> = Object.create(null);
  for (const method of methods) {
    if (method === 'key') Object.assign(registry, getDidKeyResolver());
    else if (method === 'jwk') Object.assign(registry, getDidJwkResolver());
    else if (method === 'web') {
      if (options.fetch === undefined) throw new TypeError('did:web needs options.fetch (a guarded fetcher)');
      Object.assign(registry, getDidWebResolver({ fetch: options.fetch }));
    } else throw new TypeError('unknown DID method in options.methods');
  }
  const cache = createCache(options);
  const resolver = new Resolver(registry, cache === undefined ? {} : { cache });

  async function resolve(did: string): Promise<DidDocument> {
    const parsed = parseDidUrl(did, 'DID_INVALID');
    if (parsed.didUrl !== parsed.did) failDid('DID_INVALID', 'expected a DID, not a DID URL');
    const result = await resolver.resolve(parsed.did);
    const error = result.didResolutionMetadata.error;
    if (error !== undefined || result.didDocument === null) {
      const original = failedResolutionCause(result);
      // Our method resolvers' errors keep their precise code, details and cause. Anything else (a custom
      // fetcher's raw error) is not attached: its message or properties may carry the DID's host.
      if (isHavenError(original)) throw original;
      throw new HavenError(didErrorCodeFromResolutionError(error), 'the DID could not be resolved', {
        details: { resolutionError: typeof error === 'string' ? error : null },
      });
    }
    if (result.didDocument.id !== parsed.did)
      failDid('DID_DOCUMENT_ID_MISMATCH', 'the DID document is for another DID');
    return result.didDocument;
  }

  async function resolveKey(didUrl: string, keyOptions: ResolveKeyOptions): Promise<ResolvedDidKey> {
    const parsed = parseDidUrl(didUrl, 'DID_URL_INVALID');
    if (parsed.path !== undefined || parsed.query !== undefined || parsed.params !== undefined) {
      failDid('DID_URL_INVALID', 'DID URLs with a path, query or parameters are not dereferenced');
    }
    if (parsed.fragment === '') failDid('DID_URL_INVALID', 'DID URL has an empty fragment');
    const { relationship, alg } = keyOptions;
    if (relationship !== 'assertionMethod' && relationship !== 'authentication') {
      failDid(
        'DID_VERIFICATION_RELATIONSHIP_MISSING',
        'only assertionMethod and authentication keys are resolved',
      );
    }
    const document = await resolve(parsed.did);
    const verificationMethod = selectVerificationMethod(document, parsed.did, parsed.fragment, relationship);
    const publicJwk = publicJwkFromVerificationMethod(verificationMethod);
    let key: KeyObject;
    try {
      key = importPublicJwk(publicJwk);
    } catch (cause) {
      if (isHavenError(cause))
        failDid('DID_INVALID_PUBLIC_KEY', 'the verification method key is not valid', { cause });
      throw cause;
    }
    const keyAlg = algorithmForKey(key);
    // ES256 ↔ P-256, ES384 ↔ P-384, EdDSA ↔ Ed25519: a key is used with its one algorithm only, so an
    // attacker-chosen alg (none, HS256, another curve's) from a JWS header never matches.
    if (alg !== undefined && alg !== keyAlg)
      failDid('DID_KEY_ALG_MISMATCH', 'the algorithm does not match the key type');
    return deepFreezeResult({ did: parsed.did, verificationMethod, publicJwk, key, alg: keyAlg });
  }

  return Object.freeze({ resolve, resolveKey });
}

/** Freezes the plain parts of the result; the KeyObject is shared and left as it is. */
function deepFreezeResult(result: ResolvedDidKey): ResolvedDidKey {
  deepFreeze(result.publicJwk);
  return Object.freeze(result);
}
