import type { PublicJwk } from '@haven/core';
import type { OfferRecord, Oid4vciIssuerStore } from '../store.js';

/**
 * The contract between the protocol handlers (this package) and the application (the server). The
 * handlers are pure functions of `(config, request input)`; everything stateful, secret or
 * format-specific comes in through {@link Oid4vciIssuerConfig}.
 */

/** One credential configuration the issuer supports (a value of `credential_configurations_supported`). */
export type CredentialConfiguration = Readonly<Record<string, unknown>> & {
  readonly format: string;
};

/** What the application's `issue` callback receives: one credential request that passed every check. */
export interface IssueRequest {
  /** The offer being fulfilled, with its sealed `payload` (the application opens it). */
  readonly offer: OfferRecord;
  readonly configurationId: string;
  /** One holder key per verified proof, in request order (batch issuance: one credential per key). */
  readonly holderKeys: readonly PublicJwk[];
  /** Request time, epoch seconds. */
  readonly now: number;
}

/** Lifetimes and limits, all in seconds or counts. Every field has a safe default. */
export interface Oid4vciLimits {
  /** Pre-authorized code lifetime (default 600: minutes of life, OpenID4VCI §13.6). */
  readonly offerSeconds?: number;
  /** Access token lifetime (default 300). */
  readonly accessTokenSeconds?: number;
  /**
   * Lifetime of an access token issued for an offer still waiting for a decision (default: the same as
   * `accessTokenSeconds`). The wallet needs a valid token to pick deferred credentials up (§9), and a
   * pre-authorized code cannot be exchanged twice, so a deployment where approval takes hours must raise
   * this — accepting a longer-lived bearer token (OpenID4VCI §13.8).
   */
  readonly deferredAccessTokenSeconds?: number;
  /** `c_nonce` lifetime (default 300). */
  readonly nonceSeconds?: number;
  /** Oldest acceptable proof `iat`, and the most it may be in the future (defaults 300 and 60). */
  readonly proofMaxAgeSeconds?: number;
  readonly clockSkewSeconds?: number;
  /** Wrong tx_codes before the code is dead (default 3). */
  readonly maxTxCodeFailures?: number;
  /** Most proofs in one credential request (default 10; 1 disables batch issuance). */
  readonly batchSize?: number;
  /** How long a deferred transaction lives, and the `interval` the wallet is told (defaults 30 days, 60). */
  readonly deferredSeconds?: number;
  readonly deferredIntervalSeconds?: number;
}

/** Everything the issuer handlers need. */
export interface Oid4vciIssuerConfig {
  /** The Credential Issuer Identifier (an https URL; plain http only for loopback development). */
  readonly credentialIssuer: string;
  /** `credential_configurations_supported`: id → configuration. */
  readonly configurations: Readonly<Record<string, CredentialConfiguration>>;
  readonly store: Oid4vciIssuerStore;
  /** 32 bytes: the HMAC key under which codes, tokens, nonces and transaction ids are stored. */
  readonly secret: Uint8Array;
  /** Seals and opens the stored offer object (AEAD bound to the offer id). */
  readonly sealOffer: (offerId: string, offerJson: string) => string;
  readonly openOffer: (offerId: string, sealed: string) => string;
  /**
   * Issues the credentials for a request that passed every protocol check, on an approved offer (the
   * handlers answer pending offers with a deferred transaction and denied ones with
   * `OID4VCI_CREDENTIAL_REQUEST_DENIED` themselves): one credential per holder key, in order, or exactly
   * one when the configuration takes no proofs. If it throws, the claim on the configuration is given
   * back and the error propagates; nothing is delivered.
   */
  readonly issue: (request: IssueRequest) => Promise<readonly (string | Record<string, unknown>)[]>;
  /** Signature algorithms accepted in proofs (default ES256, ES384, EdDSA). */
  readonly proofAlgorithms?: readonly string[];
  readonly limits?: Oid4vciLimits;
  /** Current time, epoch seconds (injected; tests freeze it). */
  readonly now: () => number;
  /** Random bytes (default: core's `randomBytes`, the OS CSPRNG). Injected for tests only. */
  readonly randomBytes?: (byteLength: number) => Uint8Array;
}

/** An HTTP-shaped result of a handler: the server writes `status`, `headers` and `body` as JSON. */
export interface HandlerResult<B = Record<string, unknown>> {
  readonly status: 200 | 201 | 202;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: B;
}
