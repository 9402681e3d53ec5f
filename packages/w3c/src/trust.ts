import type { KeyObject } from 'node:crypto';
import {
  assertJwkUsableFor,
  assertPublicJwk,
  BoundedCache,
  isHavenError,
  type JwsAlgorithm,
  type KeyInput,
  type PublicJwk,
  toPublicJwk,
} from '@haven/core';
import type { DidResolver, KeyRelationship } from '@haven/did';
import { failW3c } from './errors.js';

/**
 * Whom a verifier trusts and where their keys come from. Keys are only ever taken from here — never from
 * the credential (no `jwk`, `x5c` or `jku` header, no embedded verification method).
 */
export interface W3cIssuerTrust {
  /** Issuer identifiers accepted, compared exactly (e.g. `did:web:labour.gov.example`). */
  trustedIssuers: readonly string[];
  /** Keys configured out of band per issuer id (e.g. an issuer that is an https URL). */
  keys?: Readonly<Record<string, readonly PublicJwk[]>>;
  /** Resolves DID issuers and holders: the `kid` must be a DID URL of that DID under the right relationship. */
  dids?: DidResolver;
}

function pickConfiguredKey(keys: readonly PublicJwk[], kid: string | undefined): PublicJwk {
  // One configured key without a kid is that issuer's key whatever the token's kid says (the signature
  // must still verify with it); otherwise the token's kid picks among keys that carry kids.
  const single = keys.length === 1 && keys[0]?.kid === undefined;
  const candidates = kid === undefined || single ? keys : keys.filter((k) => k.kid === kid);
  if (candidates.length !== 1) {
    failW3c(
      'W3C_KEY_NOT_FOUND',
      kid === undefined
        ? 'the issuer has several keys and the token names none (kid)'
        : 'no key with this kid',
    );
  }
  const key = candidates[0] as PublicJwk;
  try {
    assertPublicJwk(key);
    assertJwkUsableFor(key, 'verify');
  } catch (cause) {
    if (isHavenError(cause))
      failW3c('W3C_KEY_NOT_FOUND', 'the configured key is not a usable public key', { cause });
    throw cause;
  }
  return toPublicJwk(key);
}

/**
 * Finds the key of `controller` (an issuer, or a holder for presentations) named by a JWS `kid`: a
 * configured key, or a DID verification method under `relationship` that belongs to `controller` itself —
 * a `kid` pointing into another DID is refused, whatever that DID says.
 *
 * @example
 * ```ts
 * const key = await findControllerKey('did:jwk:…', '#0', 'EdDSA', 'assertionMethod', { dids });
 * ```
 */
export async function findControllerKey(
  controller: string,
  kid: string | undefined,
  alg: JwsAlgorithm,
  relationship: KeyRelationship,
  sources: Pick<W3cIssuerTrust, 'keys' | 'dids'>,
): Promise<KeyInput> {
  const configured = sources.keys?.[controller];
  if (configured !== undefined) return pickConfiguredKey(configured, kid);
  if (!controller.startsWith('did:'))
    failW3c('W3C_KEY_NOT_FOUND', 'no key source is configured for this issuer');
  if (!sources.dids) failW3c('W3C_KEY_NOT_FOUND', 'no DID resolver is configured');
  const didUrl = kid === undefined ? controller : kid.startsWith('#') ? `${controller}${kid}` : kid;
  if (didUrl !== controller && !didUrl.startsWith(`${controller}#`)) {
    failW3c('W3C_KEY_NOT_FOUND', 'the kid is not a key of the signer');
  }
  // did:key and did:jwk documents are derived from the DID itself and can never change, so their keys are
  // remembered per resolver (bounded); did:web goes through the resolver's own TTL cache every time.
  const pure = controller.startsWith('did:jwk:') || controller.startsWith('did:key:');
  const cacheKey = `${relationship}|${alg}|${didUrl}`;
  let cache = pure ? pureKeyCache.get(sources.dids) : undefined;
  const hit = cache?.get(cacheKey);
  if (hit !== undefined) return hit;
  const { key } = await sources.dids.resolveKey(didUrl, { relationship, alg });
  if (pure) {
    if (cache === undefined) {
      cache = new BoundedCache<string, KeyObject>({ maxEntries: 1000 });
      pureKeyCache.set(sources.dids, cache);
    }
    cache.set(cacheKey, key);
  }
  return key;
}

const pureKeyCache = new WeakMap<DidResolver, BoundedCache<string, KeyObject>>();
