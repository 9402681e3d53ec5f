/**
 * The storage contract of the issuer side. The protocol handlers are pure functions over this interface;
 * the application owns the storage (the server implements it on SQLite and PostgreSQL, tests use
 * {@link MemoryOid4vciStore}). Every method is ONE atomic step: a database store makes each a single
 * statement (conditional `UPDATE … RETURNING`, insert under a unique key) or one transaction, so several
 * server processes sharing the store stay correct. Nothing single-use is ever enforced in process memory.
 *
 * Secrets are never stored in the clear: pre-authorized codes, tx_codes, access tokens, nonces and
 * transaction ids are stored as HMAC-SHA-256 values under the issuer's secret (`*Hash` fields). The claims
 * waiting for issuance are an opaque `payload` the application seals (AEAD) before it reaches the store.
 * All times are epoch seconds. Anything with an `expiresAt` is alive while `now < expiresAt` and dead from
 * `expiresAt` on.
 */

/** What the wallet is told about the tx_code it must enter (OpenID4VCI §4.1.1). */
export interface TxCodeDescription {
  readonly input_mode: 'numeric' | 'text';
  readonly length: number;
  readonly description?: string;
}

/**
 * Where a deferred offer stands: `approved` offers issue at once; `pending` ones answer 202 with a
 * `transaction_id` until a caseworker approves (with the final payload) or denies.
 */
export type OfferDecision = 'approved' | 'pending' | 'denied';

/** A credential offer as the issuer keeps it. */
export interface OfferRecord {
  /** Random, 128 bits or more; the public handle in `credential_offer_uri` and the admin API. */
  readonly id: string;
  readonly configurationIds: readonly string[];
  /** HMAC of the pre-authorized code. Unique. */
  readonly codeHash: string;
  /** HMAC of the tx_code; absent when the offer needs none. */
  readonly txCodeHash?: string;
  /** The tx_code shape shown to the wallet; present exactly when `txCodeHash` is. */
  readonly txCode?: TxCodeDescription;
  /** Wrong tx_codes so far; the code is dead once this reaches the issuer's limit. */
  readonly txCodeFailures: number;
  /** The credential offer object (JSON), sealed by the application, served by reference. */
  readonly sealedOffer: string;
  /** The claims to issue, sealed by the application. Wiped (`undefined`) once every configuration is delivered. */
  readonly payload?: string;
  readonly decision: OfferDecision;
  readonly createdAt: number;
  /** End of the pre-authorized code's life. */
  readonly expiresAt: number;
  /** When the code was exchanged for a token; absent while unused. */
  readonly redeemedAt?: number;
  /** Withdrawn by an administrator: nothing more is issued from it. */
  readonly withdrawn: boolean;
}

/** An access token as the issuer keeps it (only its HMAC). */
export interface AccessTokenRecord {
  readonly tokenHash: string;
  readonly offerId: string;
  readonly expiresAt: number;
  /**
   * Set when the wallet narrowed the grant with `authorization_details` in the Token Request
   * (OpenID4VCI §6.1.1, §6.2): the `credential_identifiers` (here: configuration ids) the token may be
   * used for, and then the only way to address them (§8.2). Absent: every configuration of the offer,
   * addressed by `credential_configuration_id`. A store that does not keep it makes tokens broad again
   * (never broader than the offer) and refuses `credential_identifier` requests.
   */
  readonly credentialIdentifiers?: readonly string[];
}

/** A deferred issuance transaction (OpenID4VCI §9). */
export interface DeferredRecord {
  readonly transactionHash: string;
  readonly offerId: string;
  readonly configurationId: string;
  /** JSON array of the holder's public JWKs (one per proof), taken from the verified proofs. */
  readonly holderKeys: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** `pending` until the wallet picks the credentials up (`issued`), or the offer is denied (`closed`). */
  readonly state: 'pending' | 'issued' | 'closed';
}

/** The issuer-side storage contract. See the module comment for the atomicity rule. */
export interface Oid4vciIssuerStore {
  /** Stores a new offer. Fails if the id or the code hash exists. */
  createOffer(offer: OfferRecord): Promise<void>;
  /** The offer with this id, whatever its state; `undefined` if none. */
  getOffer(id: string): Promise<OfferRecord | undefined>;
  /** The offer whose pre-authorized code has this HMAC; `undefined` if none. */
  findOfferByCodeHash(codeHash: string): Promise<OfferRecord | undefined>;
  /**
   * Counts one wrong tx_code, atomically (`UPDATE … SET failures = failures + 1 … RETURNING`), and
   * returns the new count; concurrent misses are all counted.
   */
  recordTxCodeFailure(offerId: string): Promise<number>;
  /**
   * Optional: wipes the sealed payload of an offer killed by wrong tx_codes — only while its code is
   * unredeemed and its failure count has reached `maxTxCodeFailures` (one conditional statement), so a
   * code redeemed just before the last miss keeps its claims. Stores without it keep the payload until
   * `purgeExpired`.
   */
  wipeDeadOfferPayload?(offerId: string, maxTxCodeFailures: number): Promise<void>;
  /**
   * Exchanges the code, once: sets `redeemedAt` only if it is unset, the offer is not withdrawn, not
   * expired at `now`, and has fewer than `maxTxCodeFailures` failures. `true` for the one caller that
   * won; `false` for everyone else (used, expired, dead or withdrawn).
   */
  redeemOffer(offerId: string, now: number, maxTxCodeFailures: number): Promise<boolean>;
  /** Stores an access token. */
  createAccessToken(token: AccessTokenRecord): Promise<void>;
  /** The access token with this HMAC; `undefined` if none (expiry is the caller's check). */
  findAccessToken(tokenHash: string): Promise<AccessTokenRecord | undefined>;
  /**
   * Takes the right to issue `configurationId` of `offerId`, once (insert under a unique key on the
   * pair). `false` if it was already taken, by anyone. A claim is not a delivery: it is held while the
   * credentials are being issued, and while a deferred transaction for it is `pending`.
   */
  claimIssuance(offerId: string, configurationId: string, now: number): Promise<boolean>;
  /**
   * Marks a claim delivered at `now`: the credentials were produced and are on their way to the wallet
   * (after an immediate issuance, or a deferred pickup). From then on the claim can no longer be released.
   * Idempotent: a second call keeps the first time; without a claim it does nothing. The holder keys of
   * the pair's `issued` deferred transactions are emptied (`[]`) in the same step: they are not needed
   * any more.
   */
  completeIssuance(offerId: string, configurationId: string, now: number): Promise<void>;
  /**
   * Gives back a claim whose issuance failed before anything was delivered. Only an undelivered claim
   * goes; a delivered one stays, so a delivered configuration is never issued twice.
   */
  releaseIssuance(offerId: string, configurationId: string): Promise<void>;
  /**
   * Wipes the sealed payload once every configuration of the offer has been DELIVERED (no claim values
   * are kept after issuance). A no-op while any configuration is not: unclaimed, claimed while its
   * issuance is running (it may still fail and be released), or held by a deferred transaction that is
   * still `pending` (its pickup needs the payload). One statement or one transaction.
   */
  wipePayloadIfComplete(offerId: string): Promise<void>;
  /** Records a caseworker's decision on a pending offer, with the final payload when approving. */
  decideOffer(
    offerId: string,
    decision: 'approved' | 'denied',
    payload: string | undefined,
  ): Promise<boolean>;
  /** Withdraws an offer (`true` if it existed and was not already withdrawn). */
  withdrawOffer(offerId: string): Promise<boolean>;
  /** Stores a fresh `c_nonce`. */
  createNonce(nonceHash: string, expiresAt: number): Promise<void>;
  /** Uses a nonce, once: `true` only for the first caller and only before it expires. */
  consumeNonce(nonceHash: string, now: number): Promise<boolean>;
  /** Stores a deferred transaction. */
  createDeferred(record: DeferredRecord): Promise<void>;
  /** The deferred transaction with this HMAC; `undefined` if none. */
  findDeferred(transactionHash: string): Promise<DeferredRecord | undefined>;
  /**
   * Moves a transaction from `pending` to `state`, once: `true` only for the caller that moved it.
   * Moving `issued` back to `pending` is allowed only through `reopenDeferred`. A `closed` transaction
   * keeps no holder keys (`holderKeys` becomes `[]`); an `issued` one keeps them until its delivery is
   * recorded by `completeIssuance`, which empties them.
   */
  finishDeferred(transactionHash: string, state: 'issued' | 'closed'): Promise<boolean>;
  /** Puts an `issued` transaction back to `pending` when delivering its credentials failed. */
  reopenDeferred(transactionHash: string): Promise<void>;
  /** Deletes expired nonces, tokens and spent offers' leftovers; returns how many rows went. */
  purgeExpired(now: number): Promise<number>;
}
