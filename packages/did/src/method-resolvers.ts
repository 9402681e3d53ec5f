import { type GuardedFetch, isHavenError } from '@haven/core';
import type { DIDResolutionResult, DIDResolver, ParsedDID, ResolverRegistry } from 'did-resolver';
import type { DidDocument } from './did-document.js';
import { resolveDidJwk } from './did-jwk.js';
import { resolveDidKey } from './did-key.js';
import { resolveDidWeb } from './did-web.js';
import { resolutionErrorFromDidErrorCode } from './errors.js';

/**
 * Where the original error of a failed resolution travels inside `didResolutionMetadata`: a symbol, so
 * `JSON.stringify` (logs, HTTP answers) never sees it, while {@link failedResolutionCause} can rethrow it
 * with its code, details and cause intact.
 */
const ORIGINAL_ERROR = Symbol('haven.did.originalError');

/**
 * Wraps a throwing method resolver in `did-resolver`'s `DIDResolver` shape: errors are reported in
 * `didResolutionMetadata` as DID Resolution names (`error`), plus Haven's `code` and log-safe
 * `message`, never thrown (a plain `Resolver` — e.g. in a Veramo agent — expects results).
 *
 * Only a `HavenError` is reported as it is: its message is written to be log-safe. Anything else (a
 * Node error whose `code` is `ERR_INVALID_URL` and whose `input` is the URL, a custom fetcher's error
 * naming the host) is reported as a generic `internalError`, none of its message or members copied.
 */
function toDidResolver(
  resolveDocument: (did: string, parsed: ParsedDID) => DidDocument | Promise<DidDocument>,
): DIDResolver {
  return async (did, parsed) => {
    try {
      const didDocument = await resolveDocument(did, parsed);
      return {
        didResolutionMetadata: { contentType: 'application/did+json' },
        didDocument,
        didDocumentMetadata: {},
      };
    } catch (error) {
      const metadata: DIDResolutionResult['didResolutionMetadata'] = isHavenError(error)
        ? { error: resolutionErrorFromDidErrorCode(error.code), code: error.code, message: error.message }
        : { error: 'internalError', code: 'DID_RESOLUTION_FAILED', message: 'DID resolution failed' };
      Object.defineProperty(metadata, ORIGINAL_ERROR, { value: error, enumerable: false });
      return { didResolutionMetadata: metadata, didDocument: null, didDocumentMetadata: {} };
    }
  };
}

/**
 * The error one of our method resolvers caught for this result, if it came from one.
 *
 * @example
 * ```ts
 * const original = failedResolutionCause(result); // a HavenError, or undefined
 * ```
 */
export function failedResolutionCause(result: DIDResolutionResult): unknown {
  return (result.didResolutionMetadata as Record<symbol, unknown>)[ORIGINAL_ERROR];
}

/**
 * The did:key method resolver in `did-resolver`'s registry shape (`{ key: DIDResolver }`).
 *
 * @example
 * ```ts
 * const resolver = new Resolver({ ...getDidKeyResolver() });
 * ```
 */
export function getDidKeyResolver(): ResolverRegistry {
  return { key: toDidResolver((did) => resolveDidKey(did)) };
}

/**
 * The did:jwk method resolver in `did-resolver`'s registry shape (`{ jwk: DIDResolver }`).
 *
 * @example
 * ```ts
 * const resolver = new Resolver({ ...getDidJwkResolver() });
 * ```
 */
export function getDidJwkResolver(): ResolverRegistry {
  return { jwk: toDidResolver((did) => resolveDidJwk(did)) };
}

/**
 * The did:web method resolver in `did-resolver`'s registry shape (`{ web: DIDResolver }`), fetching only
 * through the given guarded fetcher.
 *
 * @example
 * ```ts
 * const resolver = new Resolver({ ...getDidWebResolver({ fetch: createGuardedFetch() }) });
 * ```
 */
export function getDidWebResolver(options: { fetch: GuardedFetch }): ResolverRegistry {
  const { fetch } = options;
  return { web: toDidResolver((did) => resolveDidWeb(did, { fetch })) };
}
