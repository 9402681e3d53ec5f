import { BoundedCache, isHavenError } from '@haven/core';
import {
  Bitstring,
  createBitstringStatusListCredential,
  STATUS_LIST_JWT_MEDIA_TYPE,
  StatusList,
  type StatusListRecord,
  type StatusListStore,
  signStatusListToken,
} from '@haven/status';
import { issueVcJwt } from '@haven/w3c';
import type { IssuerKey, IssuerKeyName, IssuerKeys } from './issuer-keys.js';

/** How long a signed list is reused by this process (seconds). Other processes see changes after it. */
export const STATUS_CACHE_SECONDS = 30;

/** `ttl` of a Status List Token / Bitstring list: how long verifiers may cache it (seconds). */
export const STATUS_LIST_TTL_SECONDS = 300;

/** Lifetime of a signed list (`exp` / `validUntil`), in seconds: a day, re-signed on demand long before. */
export const STATUS_LIST_LIFETIME_SECONDS = 86_400;

/** Media type of a Bitstring Status List credential secured as VC-JOSE (VC-JOSE-COSE §3.1.1). */
export const VC_JWT_MEDIA_TYPE = 'application/vc+jwt';

/** A signed status list as served: its body and content type. */
export interface PublishedStatusList {
  /** `application/statuslist+jwt` (Token Status List) or `application/vc+jwt` (Bitstring Status List). */
  readonly mediaType: string;
  /** The compact JWS. */
  readonly body: string;
}

/**
 * Bitstring lists are signed by the W3C issuer of the credentials pointing at them, and a verifier
 * checks that the list's issuer is the credential's. The two W3C formats have different issuers (the
 * did:jwk of the ES256 and of the Ed25519 key), so their lists are kept apart by an id prefix.
 */
export const BITSTRING_LIST_PREFIX: Readonly<Record<IssuerKeyName, string>> = {
  es256: 'es256-',
  eddsa: 'eddsa-',
};

function bitstringKey(keys: IssuerKeys, listId: string): IssuerKey | undefined {
  if (listId.startsWith(BITSTRING_LIST_PREFIX.es256)) return keys.es256;
  if (listId.startsWith(BITSTRING_LIST_PREFIX.eddsa)) return keys.eddsa;
  return undefined;
}

/** Options of {@link createStatusHosting}. */
export interface StatusHostingOptions {
  readonly store: StatusListStore;
  readonly keys: IssuerKeys;
  /** The Credential Issuer Identifier; lists live at `<credentialIssuer>/status/<listId>`. */
  readonly credentialIssuer: string;
  /** Epoch seconds. */
  readonly now: () => number;
  /** Most lists kept signed in memory (default 1000). */
  readonly maxEntries?: number;
  /** Local development: the public URL is http on loopback, so list URLs are too. */
  readonly allowHttpLoopback?: boolean;
}

/** Signs and caches status lists for serving. */
export interface StatusHosting {
  /** The published URL of a list (`uri` of a token status reference, `statusListCredential` of an entry). */
  uriFor(listId: string): string;
  /** The signed list, or `undefined` when the list is unknown or not this issuer's to sign. */
  publish(listId: string): Promise<PublishedStatusList | undefined>;
  /** Forgets the cached list, so the next `publish` re-signs (call after changing an entry of it). */
  invalidate(listId: string): void;
  clear(): void;
}

/**
 * Status hosting (DESIGN "Revoke/suspend"): reads a list from the store in one consistent snapshot and
 * signs it — a Token Status List as `statuslist+jwt` (draft-ietf-oauth-status-list §5.1: `sub` = its
 * URI, `iss` = the credential issuer, `kid`, `ttl` 300 s, `exp` a day on) with the ES256 key; a Bitstring
 * Status List as a VC-JOSE `BitstringStatusListCredential` by the did:jwk of the key its W3C credentials
 * are signed with. Signed lists are kept for {@link STATUS_CACHE_SECONDS} in a bounded cache; a state
 * change made through this process invalidates its entry at once, other processes serve the change when
 * their entry ages out (at most 30 s later).
 *
 * @example
 * ```ts
 * const hosting = createStatusHosting({ store, keys, credentialIssuer, now });
 * const list = await hosting.publish(listId); // { mediaType: 'application/statuslist+jwt', body }
 * ```
 */
export function createStatusHosting(options: StatusHostingOptions): StatusHosting {
  const { store, keys, credentialIssuer, now } = options;
  const cache = new BoundedCache<string, Promise<PublishedStatusList | undefined>>({
    maxEntries: options.maxEntries ?? 1000,
    ttlMs: STATUS_CACHE_SECONDS * 1000,
    now: () => now() * 1000,
  });
  const uriFor = (listId: string) => `${credentialIssuer}/status/${encodeURIComponent(listId)}`;

  async function read(listId: string) {
    try {
      return await store.readList(listId);
    } catch (error) {
      if (isHavenError(error, 'STATUS_LIST_NOT_FOUND')) return undefined;
      throw error;
    }
  }

  async function signToken(record: StatusListRecord, values: Uint8Array): Promise<PublishedStatusList> {
    const list = new StatusList(record.size, record.bits);
    for (let i = 0; i < values.length; i++) {
      const value = values[i] as number;
      if (value !== 0) list.set(i, value);
    }
    const iat = Math.floor(now());
    const body = await signStatusListToken(list, {
      signer: keys.es256.signer,
      kid: keys.es256.kid,
      sub: uriFor(record.id),
      iss: credentialIssuer,
      iat,
      exp: iat + STATUS_LIST_LIFETIME_SECONDS,
      ttl: STATUS_LIST_TTL_SECONDS,
      allowHttpLoopback: options.allowHttpLoopback === true,
    });
    return { mediaType: STATUS_LIST_JWT_MEDIA_TYPE, body };
  }

  async function signBitstring(
    record: StatusListRecord,
    values: Uint8Array,
    key: IssuerKey,
  ): Promise<PublishedStatusList | undefined> {
    if (record.purpose === undefined) return undefined;
    const list = new Bitstring(record.size);
    for (let i = 0; i < values.length; i++) if (values[i] !== 0) list.set(i, 1);
    const from = Math.floor(now());
    const unsigned = createBitstringStatusListCredential({
      id: uriFor(record.id),
      issuer: key.did,
      statusPurpose: record.purpose,
      list,
      validFrom: new Date(from * 1000),
      validUntil: new Date((from + STATUS_LIST_LIFETIME_SECONDS) * 1000),
      ttl: STATUS_LIST_TTL_SECONDS * 1000,
      allowHttpLoopback: options.allowHttpLoopback === true,
    });
    const body = await issueVcJwt(unsigned, { signer: key.signer, kid: `${key.did}#0` });
    return { mediaType: VC_JWT_MEDIA_TYPE, body };
  }

  async function sign(listId: string): Promise<PublishedStatusList | undefined> {
    const read_ = await read(listId);
    if (read_ === undefined) return undefined;
    const { record, values } = read_;
    if (record.mechanism === 'token-status-list') return signToken(record, values);
    const key = bitstringKey(keys, record.id);
    return key === undefined ? undefined : signBitstring(record, values, key);
  }

  return {
    uriFor,
    publish(listId) {
      let entry = cache.get(listId);
      if (entry === undefined) {
        entry = sign(listId);
        cache.set(listId, entry);
        // Neither a failure nor "unknown" is kept: the next request tries again.
        entry.then(
          (published) => {
            if (published === undefined && cache.get(listId) === entry) cache.delete(listId);
          },
          () => {
            if (cache.get(listId) === entry) cache.delete(listId);
          },
        );
      }
      return entry;
    },
    invalidate(listId) {
      cache.delete(listId);
    },
    clear() {
      cache.clear();
    },
  };
}
