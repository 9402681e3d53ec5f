import type { Clock, GuardedFetch, Signer } from '@haven/core';
import type { CredentialTypeId, DcqlCredentialMatch } from '@haven/credentials';
import type { ClaimPath } from '@haven/sd-jwt';
import type { ParsedAuthorizationRequest } from './parse-authorization-request.js';
import type { VerifyX5c } from './verify-request-object.js';

/** A credential the wallet holds, as the responder needs it. */
export interface HeldCredential {
  /** The wallet's own id of the credential (never sent). */
  readonly id: string;
  readonly format: 'dc+sd-jwt';
  /** The issued SD-JWT VC, every disclosure included, no KB-JWT. */
  readonly credential: string;
  /** Signs the KB-JWT with the key bound in the credential's `cnf`. */
  readonly signer: Signer;
}

/** One credential the holder is asked to share, as a consent screen shows it. */
export interface ConsentItem {
  readonly queryId: string;
  readonly credentialId: string;
  readonly credentialType?: CredentialTypeId;
  readonly vct: string;
  readonly issuer?: string;
  /** Exactly the claim paths that would be disclosed. */
  readonly claims: readonly ClaimPath[];
}

/** The outcome of `preparePresentation`: what would be shared, before consent. */
export interface PreparedPresentation {
  readonly request: ParsedAuthorizationRequest;
  /** Can the wallet answer (every required credential set / query)? */
  readonly satisfied: boolean;
  /** By Credential Query id: the credentials chosen and the paths to disclose. */
  readonly selection: Readonly<Record<string, readonly DcqlCredentialMatch[]>>;
  /** What the holder is shown and consents to. */
  readonly consent: readonly ConsentItem[];
  /** Credential Query ids in formats Haven cannot hold (mdoc). */
  readonly unsupported: readonly string[];
}

/** The form fields of an Authorization Response (§8.2 direct_post, §8.3 direct_post.jwt). */
export type AuthorizationResponseBody =
  | { readonly vp_token: string; readonly state?: string }
  | { readonly response: string };

/** Options of the wallet calls that talk to a verifier. */
export interface WalletNetworkOptions {
  /** The SSRF-guarded fetcher from `@haven/core`; the only way out to the network. */
  readonly fetch: GuardedFetch;
  /**
   * For tests and local development only: accept `http://` loopback request and response URIs. A
   * wallet on a phone must never post a presentation to its own loopback (another app may listen).
   */
  readonly allowHttpLoopback?: boolean;
}

/** Options of `fetchAuthorizationRequest`. */
export interface FetchAuthorizationRequestOptions extends WalletNetworkOptions {
  readonly clock: Clock;
  readonly verifyX5c?: VerifyX5c;
}

/** Options of `createAuthorizationResponse`. */
export interface CreateAuthorizationResponseOptions {
  /** The held credentials (the selection refers to them by id). */
  readonly held: readonly HeldCredential[];
  readonly clock: Clock;
}

/** What the verifier answered to a posted response (§8.2). */
export interface VerifierAnswer {
  /** Same-device flow: where to send the user (with the response code). */
  readonly redirectUri?: string;
}
