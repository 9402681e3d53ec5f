import {
  assertJwkUsableFor,
  assertPublicJwk,
  BoundedCache,
  type Clock,
  type GuardedFetch,
  isHavenError,
  isJsonObject,
  type JwsHeader,
  type PublicJwk,
  toPublicJwk,
} from '@haven/core';
import type { DidResolver } from '@haven/did';
import { z } from 'zod';
import { failSdJwt } from './errors.js';
import type { IssuerKeySource } from './verify.js';

/**
 * Who the verifier trusts, and how their keys may be found. A key is only ever taken from one of these
 * sources for an `iss` in `issuers`; header-carried keys (`jwk`, `x5c`, `jku`) are never used.
 */
export interface IssuerTrust {
  /** `iss` values this verifier accepts, compared exactly. */
  issuers: readonly string[];
  /** Keys configured out of band per issuer (e.g. from a trust list, or `haven verify --trust key.jwk`). */
  keys?: Readonly<Record<string, readonly PublicJwk[]>>;
  /** Resolves `did:` issuers: the `kid` must be a DID URL of `iss` under `assertionMethod`. */
  dids?: DidResolver;
  /** Fetches `/.well-known/jwt-vc-issuer` metadata for `https:` issuers (SD-JWT VC §JWT VC Issuer Metadata). */
  fetch?: GuardedFetch;
  /** How long fetched issuer metadata is reused (seconds, default 300). */
  metadataTtlSeconds?: number;
  /** Time source for the metadata cache (default: the system clock). */
  clock?: Clock;
}

/** A failed metadata retrieval is remembered this long, so unsigned tokens naming a trusted issuer whose
 * metadata is down cannot make the verifier fetch again and again. */
const FAILURE_TTL_MS = 10_000;

const zJwks = z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1).max(100) }).loose();
const zIssuerMetadata = z
  .object({ issuer: z.string(), jwks: zJwks.optional(), jwks_uri: z.string().optional() })
  .loose();

/** The URL of an issuer's JWT VC Issuer Metadata: `/.well-known/jwt-vc-issuer` between host and path. */
export function jwtVcIssuerMetadataUrl(iss: string): string {
  let url: URL;
  try {
    url = new URL(iss);
  } catch {
    failSdJwt('SDJWT_ISSUER_METADATA_INVALID', 'the issuer identifier is not a URL');
  }
  if (
    url.protocol !== 'https:' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    failSdJwt(
      'SDJWT_ISSUER_METADATA_INVALID',
      'the issuer identifier must be an https URL without query or fragment',
    );
  }
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}/.well-known/jwt-vc-issuer${path}`;
}

function pickKey(keys: readonly unknown[], kid: string | undefined): PublicJwk {
  const candidates = kid === undefined ? keys : keys.filter((k) => isJsonObject(k) && k.kid === kid);
  if (candidates.length !== 1) {
    failSdJwt(
      'SDJWT_ISSUER_KEY_NOT_FOUND',
      kid === undefined
        ? 'the issuer has several keys and the credential names none (kid)'
        : 'the issuer has no key with this kid',
    );
  }
  const key = candidates[0];
  try {
    assertPublicJwk(key);
    // Checked before the JWK is reduced to its key members, which drops `use` and `key_ops`.
    assertJwkUsableFor(key, 'verify');
  } catch (cause) {
    if (isHavenError(cause))
      failSdJwt('SDJWT_ISSUER_KEY_NOT_FOUND', 'the issuer key is not a usable public key', { cause });
    throw cause;
  }
  return toPublicJwk(key);
}

async function fetchJson(fetch: GuardedFetch, url: string): Promise<unknown> {
  try {
    const response = await fetch({ url, headers: { accept: 'application/json' } });
    // A 4xx/5xx body is never used as the document (SD-JWT VC §Retrieving Documents).
    if (response.status < 200 || response.status > 299) {
      failSdJwt('SDJWT_ISSUER_METADATA_INVALID', 'the issuer metadata could not be retrieved', {
        details: { status: response.status },
      });
    }
    return response.json();
  } catch (cause) {
    if (isHavenError(cause) && !cause.code.startsWith('SDJWT_')) {
      failSdJwt('SDJWT_ISSUER_METADATA_INVALID', 'the issuer metadata could not be retrieved', {
        cause,
        details: { reason: cause.code },
      });
    }
    throw cause;
  }
}

async function keysFromMetadata(fetch: GuardedFetch, iss: string): Promise<readonly unknown[]> {
  const parsed = zIssuerMetadata.safeParse(await fetchJson(fetch, jwtVcIssuerMetadataUrl(iss)));
  if (!parsed.success) failSdJwt('SDJWT_ISSUER_METADATA_INVALID', 'the issuer metadata is not valid');
  const metadata = parsed.data;
  if (metadata.issuer !== iss)
    failSdJwt('SDJWT_ISSUER_METADATA_INVALID', 'the issuer metadata is for another issuer');
  if ((metadata.jwks === undefined) === (metadata.jwks_uri === undefined)) {
    failSdJwt(
      'SDJWT_ISSUER_METADATA_INVALID',
      'the issuer metadata must have exactly one of jwks and jwks_uri',
    );
  }
  if (metadata.jwks) return metadata.jwks.keys;
  const jwks = zJwks.safeParse(await fetchJson(fetch, metadata.jwks_uri as string));
  if (!jwks.success) failSdJwt('SDJWT_ISSUER_METADATA_INVALID', 'the issuer JWK Set is not valid');
  return jwks.data.keys;
}

/**
 * Builds the issuer key lookup for `verifySdJwt` from a trust configuration (SD-JWT VC §Issuer
 * Verification Key Discovery and Validation; RFC 9901 §7.1 step 2.3): `iss` must be trusted, then the
 * key comes from the configured keys, the issuer's DID document, or its JWT VC Issuer Metadata.
 *
 * @example
 * ```ts
 * const issuerKey = createIssuerKeySource({ issuers: ['did:web:registry.example'], dids });
 * await verifySdJwtVc(vp, { issuerKey, clock, holderBinding });
 * ```
 */
export function createIssuerKeySource(trust: IssuerTrust): IssuerKeySource {
  const trusted = new Set(trust.issuers);
  const ttlSeconds = trust.metadataTtlSeconds ?? 300;
  if (!(Number.isFinite(ttlSeconds) && ttlSeconds >= 0))
    throw new RangeError('metadataTtlSeconds must be a non-negative number');
  const clock = trust.clock;
  const metadataCache = new BoundedCache<string, Promise<readonly unknown[]>>({
    maxEntries: 256,
    ttlMs: ttlSeconds * 1000,
    ...(clock ? { now: () => clock.now() * 1000 } : {}),
  });
  return async (header: JwsHeader, payload: Record<string, unknown>) => {
    const iss = payload.iss;
    if (typeof iss !== 'string' || !trusted.has(iss))
      failSdJwt('SDJWT_ISSUER_UNTRUSTED', 'the issuer is not trusted');
    const kid = header.kid;
    const configured = trust.keys?.[iss];
    if (configured !== undefined) return pickKey(configured, kid);
    if (iss.startsWith('did:')) {
      if (!trust.dids) failSdJwt('SDJWT_ISSUER_KEY_NOT_FOUND', 'no DID resolver is configured');
      const didUrl = kid === undefined ? iss : kid.startsWith('#') ? `${iss}${kid}` : kid;
      // The key must belong to the issuer itself, not to any DID the token names.
      if (didUrl !== iss && !didUrl.startsWith(`${iss}#`))
        failSdJwt('SDJWT_ISSUER_KEY_NOT_FOUND', 'the kid is not a key of the issuer');
      return (await trust.dids.resolveKey(didUrl, { relationship: 'assertionMethod', alg: header.alg })).key;
    }
    if (iss.startsWith('https:') && trust.fetch) {
      let keys = metadataCache.get(iss);
      if (keys === undefined) {
        keys = keysFromMetadata(trust.fetch, iss);
        metadataCache.set(iss, keys);
        // A failure is kept only briefly: long enough to stop a flood of fetches, short enough to recover.
        keys.catch(() => metadataCache.set(iss, keys as Promise<readonly unknown[]>, FAILURE_TTL_MS));
      }
      return pickKey(await keys, kid);
    }
    failSdJwt('SDJWT_ISSUER_KEY_NOT_FOUND', 'no key source is configured for this issuer');
  };
}
