import type { Clock, JweEnc } from '@haven/core';
import type { CredentialTypeId, DcqlQuery, Purpose } from '@haven/credentials';
import type { ClaimPath, IssuerKeySource, VerifySdJwtOptions } from '@haven/sd-jwt';
import type { ResponseMode } from '../constants.js';
import type { VerifierIdentity, X509RequestSigning } from './create-authorization-request.js';

/**
 * The verifier side's contracts: what `verifyVpToken` checks and returns, the transaction store, and
 * the configuration of the verifier handlers. Every time is epoch seconds; anything with an
 * `expiresAt` is alive while `now < expiresAt`.
 */

/** Options of `verifyVpToken`: the transaction the `vp_token` must answer, and the verifier's trust. */
export interface VerifyVpTokenOptions {
  /** The DCQL query sent in the request (§6). */
  readonly dcqlQuery: DcqlQuery;
  /** The request's nonce: every KB-JWT must carry it (§14.1). */
  readonly nonce: string;
  /** The full `client_id`, prefix included: every KB-JWT `aud` must equal it (§8.6, §14.1). */
  readonly clientId: string;
  /** The registered purpose: nothing disclosed may go beyond it (ARF RPRC_21). */
  readonly purpose: string | Purpose;
  /** The trusted issuers' keys; it must only ever return keys of issuers the verifier trusts. */
  readonly issuerKey: IssuerKeySource;
  /**
   * The status checker (e.g. `createTokenStatusListChecker`). Required: a credential with a status is
   * refused unless it is checked (fail closed).
   */
  readonly status: Exclude<VerifySdJwtOptions['status'], undefined | 'unchecked'>;
  readonly clock: Clock;
  /** The `vct` base of the credentials (default Haven's). */
  readonly vctBase?: string;
  /** Oldest acceptable KB-JWT `iat` (default 300 s). */
  readonly maxKeyBindingAgeSeconds?: number;
}

/** One verified credential of a `vp_token`. Its claims are exactly what was disclosed and asked for. */
export interface PresentedCredential {
  /** The DCQL Credential Query id it answers. */
  readonly queryId: string;
  readonly format: 'dc+sd-jwt';
  readonly credentialType: CredentialTypeId;
  readonly vct: string;
  readonly issuer: string;
  /**
   * The claims asked for and disclosed (by the query's claim paths), nested as in the credential. No
   * registered JWT claim (`iss`, `cnf`, `status`, `iat`…): those are reported above or were checked.
   */
  readonly claims: Record<string, unknown>;
  /**
   * The paths the holder disclosed (a nested claim also lists its parent container), each claim covered
   * by a claim path of the query.
   */
  readonly disclosed: readonly ClaimPath[];
  /** What the status checker reported (e.g. `{ mechanism, status: 'VALID', stale }`). */
  readonly status?: unknown;
}

/** What `verifyVpToken` returns when every presentation verifies and the query is answered. */
export interface VpTokenVerification {
  /** Every credential, in query order then presentation order. */
  readonly credentials: readonly PresentedCredential[];
  /** The Credential Query ids answered (keys of the `vp_token`). */
  readonly answeredQueries: readonly string[];
}

/** Where a verifier transaction stands. */
export type TransactionOutcome = 'accepted' | 'rejected' | 'declined';

/**
 * A verifier transaction (the reference design of OpenID4VP §13.3, "Reference Design for Response Mode
 * direct_post"): the front end starts it and gets `id` (transaction-id) and a session secret; the
 * wallet gets the request with the request-id as `state`. Secrets are stored as HMACs only.
 */
export interface VerifierTransactionRecord {
  /** The transaction-id: random, 128 bits or more; the public handle for the front end and the admin API. */
  readonly id: string;
  /** HMAC of the request-id (the `state`, also the path segment of the `request_uri`). Unique. */
  readonly requestIdHash: string;
  /** HMAC of the front end's session secret. */
  readonly sessionHash: string;
  /** The purpose id (metadata; the purpose itself is in the sealed request). */
  readonly purposeId: string;
  readonly responseMode: ResponseMode;
  /**
   * Sealed (AEAD, bound to `id`) JSON of {@link SealedTransactionRequest}: what the response is checked
   * against. Never personal data.
   */
  readonly sealedRequest: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Set once, when the wallet's response (or its error) arrived. */
  readonly respondedAt?: number;
  readonly outcome?: TransactionOutcome;
  /** The stable error code of a rejected response (no values). */
  readonly errorCode?: string;
  /** HMAC of the response code given to the wallet's redirect (same-device flow), if any. */
  readonly responseCodeHash?: string;
  /**
   * Sealed (bound to `id`) JSON of the verified credentials, kept only until the front end collects it
   * (then wiped) or the transaction is purged.
   */
  readonly sealedResult?: string;
  readonly collectedAt?: number;
}

/** The plaintext of {@link VerifierTransactionRecord.sealedRequest}. */
export interface SealedTransactionRequest {
  readonly nonce: string;
  readonly clientId: string;
  readonly purpose: Purpose;
  readonly dcqlQuery: DcqlQuery;
  /** The signed request object (x509_san_dns) served at the request_uri. */
  readonly requestObject?: string;
  /** `direct_post.jwt`: the transaction's own ephemeral private key (EC P-256 JWK, `kid` = request-id). */
  readonly encryptionKey?: Readonly<Record<string, unknown>>;
  /** Same-device flow: the front end's URL the wallet is sent back to, with the response code. */
  readonly redirectUri?: string;
  /**
   * The `openid4vp://` URI the wallet opens, so any process can show it again (e.g. as a QR code). It
   * carries the request-id, which the record itself keeps only as an HMAC.
   */
  readonly authorizationRequestUri: string;
}

/**
 * The verifier's transaction store. Every method is ONE atomic step (a single conditional statement or
 * one transaction), so several server processes sharing the store stay correct; nothing single-use is
 * enforced in process memory.
 */
export interface Oid4vpVerifierStore {
  /** Inserts a new transaction. `id` and `requestIdHash` are unique. */
  createTransaction(record: VerifierTransactionRecord): Promise<void>;
  findTransaction(id: string): Promise<VerifierTransactionRecord | undefined>;
  findTransactionByRequestId(requestIdHash: string): Promise<VerifierTransactionRecord | undefined>;
  /**
   * The one-time step that consumes the nonce: only a transaction with no response yet and
   * `now < expiresAt` is updated. Returns false (and changes nothing) otherwise.
   */
  completeTransaction(
    id: string,
    update: {
      readonly respondedAt: number;
      readonly outcome: TransactionOutcome;
      readonly errorCode?: string;
      readonly responseCodeHash?: string;
      readonly sealedResult?: string;
    },
    now: number,
  ): Promise<boolean>;
  /**
   * One-time: a responded, not yet collected transaction becomes collected and its `sealedResult` is
   * wiped. Returns the record as it was before (with the result), or undefined.
   */
  collectTransaction(id: string, now: number): Promise<VerifierTransactionRecord | undefined>;
  /** Deletes transactions whose `expiresAt` is before `before` (results included). Returns how many. */
  purgeTransactions(before: number): Promise<number>;
}

/** The configuration of the verifier handlers. */
export interface Oid4vpVerifierConfig {
  readonly store: Oid4vpVerifierStore;
  /** 32-byte HMAC key for request-ids, session secrets and response codes. */
  readonly secret: Uint8Array;
  /** Seals a JSON text bound to the transaction id (AEAD associated data); returns an opaque string. */
  readonly seal: (transactionId: string, plaintext: string) => string;
  /** Opens what `seal` made for this transaction id; throws on any tampering. */
  readonly open: (transactionId: string, sealed: string) => string;
  /** `redirect_uri:<responseUri>` or `x509_san_dns:<dns name>`. */
  readonly clientId: string;
  /** Where wallets post responses (direct_post / direct_post.jwt). */
  readonly responseUri: string;
  /** Base of request URIs: the request-id is appended (x509_san_dns requests are served by reference). */
  readonly requestUriBase: string;
  readonly verifier: VerifierIdentity;
  /** Required for `x509_san_dns`. */
  readonly x509?: X509RequestSigning;
  /** Default response mode of new transactions (default `direct_post.jwt`). */
  readonly responseMode?: ResponseMode;
  /** `enc` values offered for direct_post.jwt (default A128GCM, A256GCM). */
  readonly encValues?: readonly JweEnc[];
  /** Lifetime of a transaction (default 600 s; 60 to 3600). */
  readonly transactionTtlSeconds?: number;
  /** Trust and status for every presentation. */
  readonly issuerKey: IssuerKeySource;
  readonly status: VerifyVpTokenOptions['status'];
  readonly vctBase?: string;
  readonly clock: Clock;
  /** For tests and local development only: `http://` loopback response and request URIs. Default false. */
  readonly allowHttpLoopback?: boolean;
}

/** Input of `createPresentationTransaction`. */
export interface CreatePresentationTransactionInput {
  /** The registered purpose (Haven id or the verifier's own registration). */
  readonly purpose: string | Purpose;
  readonly responseMode?: ResponseMode;
  /** Same-device flow: the front end's URL the wallet returns the user to, with `#response_code=`. */
  readonly redirectUri?: string;
  /** An explicit DCQL query (checked against the purpose: `OVER_ASKING`); default derived from it. */
  readonly dcql?: unknown;
}

/** What `createPresentationTransaction` returns to the front end (shown once; only HMACs are stored). */
export interface CreatedPresentationTransaction {
  readonly transactionId: string;
  /** The front end's session secret: needed, with the response code if any, to collect the result. */
  readonly session: string;
  /** `openid4vp://?client_id=…&request_uri=…` (signed) or the whole request by value (redirect_uri). */
  readonly authorizationRequestUri: string;
  /** Present for requests served by reference. */
  readonly requestUri?: string;
  readonly expiresAt: number;
}

/** An HTTP answer from a handler, for the server to send as is. */
export interface HandlerResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** What the front end gets when it collects a transaction's result. */
export type PresentationResult =
  | { readonly status: 'pending'; readonly expiresAt: number }
  | { readonly status: 'expired' }
  | { readonly status: 'collected' }
  | {
      readonly status: 'accepted';
      readonly purpose: string;
      readonly credentials: readonly PresentedCredential[];
    }
  | { readonly status: 'rejected'; readonly code: string }
  | { readonly status: 'declined'; readonly error: string };
