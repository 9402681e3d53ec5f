import { failOid4vci } from './errors.js';
import type { AccessTokenRecord, DeferredRecord, OfferRecord, Oid4vciIssuerStore } from './store.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * An {@link Oid4vciIssuerStore} in process memory, faithful to the contract: every method is one
 * synchronous step between two `await`s, so concurrent callers in one process see the same
 * single-winner semantics a database gives across processes (codes redeemed once, nonces consumed once,
 * claims taken once, failures all counted). Records handed out are copies. For tests, the CLI and
 * single-process embedding; servers use the SQL store.
 *
 * @example
 * ```ts
 * const config: Oid4vciIssuerConfig = { ...rest, store: new MemoryOid4vciStore() };
 * ```
 */
export class MemoryOid4vciStore implements Oid4vciIssuerStore {
  readonly #offers = new Map<string, Mutable<OfferRecord>>();
  readonly #offerByCode = new Map<string, string>();
  readonly #tokens = new Map<string, AccessTokenRecord>();
  readonly #nonces = new Map<string, number>();
  /** offer id → configuration id claimed → when it was delivered (`undefined` while undelivered). */
  readonly #claims = new Map<string, Map<string, number | undefined>>();
  readonly #deferred = new Map<string, Mutable<DeferredRecord>>();

  async createOffer(offer: OfferRecord): Promise<void> {
    if (this.#offers.has(offer.id) || this.#offerByCode.has(offer.codeHash)) {
      failOid4vci('OID4VCI_OFFER_INVALID', 'an offer with this id or code already exists');
    }
    this.#offers.set(offer.id, { ...offer, configurationIds: Object.freeze([...offer.configurationIds]) });
    this.#offerByCode.set(offer.codeHash, offer.id);
  }

  async getOffer(id: string): Promise<OfferRecord | undefined> {
    return copy(this.#offers.get(id));
  }

  async findOfferByCodeHash(codeHash: string): Promise<OfferRecord | undefined> {
    const id = this.#offerByCode.get(codeHash);
    return id === undefined ? undefined : copy(this.#offers.get(id));
  }

  async recordTxCodeFailure(offerId: string): Promise<number> {
    const offer = this.#offers.get(offerId);
    if (offer === undefined) return 0;
    offer.txCodeFailures += 1;
    return offer.txCodeFailures;
  }

  async wipeDeadOfferPayload(offerId: string, maxTxCodeFailures: number): Promise<void> {
    const offer = this.#offers.get(offerId);
    if (offer !== undefined && offer.redeemedAt === undefined && offer.txCodeFailures >= maxTxCodeFailures) {
      offer.payload = undefined;
    }
  }

  async redeemOffer(offerId: string, now: number, maxTxCodeFailures: number): Promise<boolean> {
    const offer = this.#offers.get(offerId);
    if (
      offer === undefined ||
      offer.redeemedAt !== undefined ||
      offer.withdrawn ||
      !(now < offer.expiresAt) ||
      !(offer.txCodeFailures < maxTxCodeFailures)
    ) {
      return false;
    }
    offer.redeemedAt = now;
    return true;
  }

  async createAccessToken(token: AccessTokenRecord): Promise<void> {
    if (this.#tokens.has(token.tokenHash)) failOid4vci('OID4VCI_INVALID_REQUEST', 'duplicate access token');
    this.#tokens.set(token.tokenHash, Object.freeze({ ...token }));
  }

  async findAccessToken(tokenHash: string): Promise<AccessTokenRecord | undefined> {
    const token = this.#tokens.get(tokenHash);
    return token === undefined ? undefined : { ...token };
  }

  async claimIssuance(offerId: string, configurationId: string, _now: number): Promise<boolean> {
    const claimed = this.#claims.get(offerId) ?? new Map<string, number | undefined>();
    if (claimed.has(configurationId)) return false;
    claimed.set(configurationId, undefined);
    this.#claims.set(offerId, claimed);
    return true;
  }

  async completeIssuance(offerId: string, configurationId: string, now: number): Promise<void> {
    const claimed = this.#claims.get(offerId);
    if (claimed?.has(configurationId) && claimed.get(configurationId) === undefined) {
      claimed.set(configurationId, now);
    }
    // Delivered: the holder keys its issued deferred transactions were kept for are not needed any more.
    for (const record of this.#deferred.values()) {
      if (
        record.offerId === offerId &&
        record.configurationId === configurationId &&
        record.state === 'issued'
      ) {
        record.holderKeys = '[]';
      }
    }
  }

  async releaseIssuance(offerId: string, configurationId: string): Promise<void> {
    const claimed = this.#claims.get(offerId);
    if (claimed?.has(configurationId) && claimed.get(configurationId) === undefined) {
      claimed.delete(configurationId);
    }
  }

  async wipePayloadIfComplete(offerId: string): Promise<void> {
    const offer = this.#offers.get(offerId);
    if (offer === undefined || offer.payload === undefined) return;
    // Delivered, not merely claimed: a running issuance may still fail and be released, and a pending
    // deferred transaction holds its claim undelivered until the pickup, which needs the payload.
    const claimed = this.#claims.get(offerId);
    if (!offer.configurationIds.every((id) => claimed?.get(id) !== undefined)) return;
    offer.payload = undefined;
  }

  async decideOffer(
    offerId: string,
    decision: 'approved' | 'denied',
    payload: string | undefined,
  ): Promise<boolean> {
    const offer = this.#offers.get(offerId);
    if (offer === undefined || offer.withdrawn || offer.decision !== 'pending') return false;
    offer.decision = decision;
    // A denial keeps no claim values; an approval without a payload keeps the one given at creation.
    if (decision === 'denied') offer.payload = undefined;
    else if (payload !== undefined) offer.payload = payload;
    return true;
  }

  async withdrawOffer(offerId: string): Promise<boolean> {
    const offer = this.#offers.get(offerId);
    if (offer === undefined || offer.withdrawn) return false;
    offer.withdrawn = true;
    offer.payload = undefined;
    return true;
  }

  async createNonce(nonceHash: string, expiresAt: number): Promise<void> {
    if (this.#nonces.has(nonceHash)) failOid4vci('OID4VCI_INVALID_REQUEST', 'duplicate nonce');
    this.#nonces.set(nonceHash, expiresAt);
  }

  async consumeNonce(nonceHash: string, now: number): Promise<boolean> {
    const expiresAt = this.#nonces.get(nonceHash);
    if (expiresAt === undefined) return false;
    this.#nonces.delete(nonceHash);
    return now < expiresAt;
  }

  async createDeferred(record: DeferredRecord): Promise<void> {
    if (this.#deferred.has(record.transactionHash)) {
      failOid4vci('OID4VCI_INVALID_REQUEST', 'duplicate deferred transaction');
    }
    this.#deferred.set(record.transactionHash, { ...record });
  }

  async findDeferred(transactionHash: string): Promise<DeferredRecord | undefined> {
    const record = this.#deferred.get(transactionHash);
    return record === undefined ? undefined : { ...record };
  }

  async finishDeferred(transactionHash: string, state: 'issued' | 'closed'): Promise<boolean> {
    const record = this.#deferred.get(transactionHash);
    if (record === undefined || record.state !== 'pending') return false;
    record.state = state;
    // A closed transaction is never picked up: its holder keys go now.
    if (state === 'closed') record.holderKeys = '[]';
    return true;
  }

  async reopenDeferred(transactionHash: string): Promise<void> {
    const record = this.#deferred.get(transactionHash);
    if (record !== undefined && record.state === 'issued') record.state = 'pending';
  }

  async purgeExpired(now: number): Promise<number> {
    let purged = 0;
    for (const [hash, expiresAt] of this.#nonces) {
      if (!(now < expiresAt)) {
        this.#nonces.delete(hash);
        purged++;
      }
    }
    for (const [hash, token] of this.#tokens) {
      if (!(now < token.expiresAt)) {
        this.#tokens.delete(hash);
        purged++;
      }
    }
    for (const [hash, record] of this.#deferred) {
      if (!(now < record.expiresAt)) {
        this.#deferred.delete(hash);
        purged++;
      }
    }
    // Sealed claims that can no longer be issued are leftovers: the code expired unused, or it was used,
    // has expired, and no access token or deferred transaction of the offer is left (as the SQL store).
    const inUse = new Set<string>();
    for (const token of this.#tokens.values()) inUse.add(token.offerId);
    for (const record of this.#deferred.values()) inUse.add(record.offerId);
    for (const offer of this.#offers.values()) {
      if (
        offer.payload !== undefined &&
        !(now < offer.expiresAt) &&
        (offer.redeemedAt === undefined || !inUse.has(offer.id))
      ) {
        offer.payload = undefined;
        purged++;
      }
    }
    return purged;
  }
}

function copy(offer: OfferRecord | undefined): OfferRecord | undefined {
  return offer === undefined ? undefined : { ...offer };
}
