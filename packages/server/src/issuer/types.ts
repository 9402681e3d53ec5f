import type { Oid4vciIssuerConfig } from '@haven/oid4vci';
import type {
  AuditEntry,
  CredentialSearch,
  CredentialState,
  IssuedCredentialRecord,
  OfferSummary,
} from '../store/contracts.js';
import type { IssueBatchInput, IssuedBatch } from './issue-batch.js';
import type { PublishedStatusList } from './status-hosting.js';

/** Who is acting, for the audit log: an admin token's id, or `wallet` / `system`. */
export type Actor = string;

/** Input of {@link HavenIssuer.createOffer}, as the admin API receives it (already schema-checked JSON). */
export interface CreateOfferInput {
  /** Haven credential type id. */
  readonly credentialType: string;
  /** Formats to offer (default `['dc+sd-jwt']`); each becomes one credential configuration id. */
  readonly formats?: readonly ('dc+sd-jwt' | 'jwt_vc_json' | 'ldp_vc')[];
  /** The claims, validated against the type's schema here (paths of errors only, never values). */
  readonly claims?: unknown;
  /** Ask the wallet for a numeric tx_code given out of band (default true). */
  readonly txCode?: boolean;
  /** Deferred: issue only after `decideOffer(…, 'approved', claims)` (claims may come then). */
  readonly deferred?: boolean;
}

/** What the admin gets back: everything needed to hand the offer to the person, once. */
export interface CreatedOffer {
  readonly offerId: string;
  /** `openid-credential-offer://?credential_offer_uri=…` (by reference: short enough for a QR code). */
  readonly offerUri: string;
  /** `openid-credential-offer://?credential_offer=…` (by value). */
  readonly offerByValueUri: string;
  /** The numeric PIN to give out of band; absent when `txCode: false`. Never stored in the clear. */
  readonly txCode?: string;
  readonly expiresAt: number;
}

/**
 * The issuer as the HTTP layer sees it. One instance per process; every instance over the same
 * database behaves as one issuer.
 */
export interface HavenIssuer {
  /** The Credential Issuer Identifier (the public URL). */
  readonly credentialIssuer: string;
  /** What the `@haven/oid4vci` handlers need. */
  readonly oid4vci: Oid4vciIssuerConfig;
  /** `/.well-known/openid-credential-issuer`. */
  credentialIssuerMetadata(): Record<string, unknown>;
  /** `/.well-known/oauth-authorization-server`. */
  authorizationServerMetadata(): Record<string, unknown>;
  /** `/.well-known/jwt-vc-issuer` (SD-JWT VC §5: the issuer's public keys). */
  jwtVcIssuerMetadata(): Record<string, unknown>;
  /** `/.well-known/did.json` is not served: issuers are identified by URL. */
  createOffer(input: CreateOfferInput, actor: Actor): Promise<CreatedOffer>;
  listOffers(options: { limit?: number; cursor?: string }): Promise<{
    items: readonly OfferSummary[];
    nextCursor?: string;
  }>;
  getOffer(id: string): Promise<OfferSummary | undefined>;
  withdrawOffer(id: string, actor: Actor): Promise<boolean>;
  /** A caseworker's decision on a deferred offer (claims required when approving without claims). */
  decideOffer(id: string, decision: 'approved' | 'denied', claims: unknown, actor: Actor): Promise<boolean>;
  /**
   * Bulk issuance returned to the caller (`POST /admin/credentials/batch`): up to 1,000 credentials of
   * one type and format, one per item's holder key; any invalid item refuses the whole batch.
   */
  issueBatch(input: IssueBatchInput, actor: Actor): Promise<IssuedBatch>;
  searchCredentials(
    search: CredentialSearch,
  ): Promise<{ items: readonly IssuedCredentialRecord[]; nextCursor?: string }>;
  getCredential(id: string): Promise<IssuedCredentialRecord | undefined>;
  /** Revoke, suspend or reinstate; committed durably before it returns `true`. */
  setCredentialState(id: string, state: CredentialState, actor: Actor): Promise<boolean>;
  /** The signed `statuslist+jwt` for a list (cached for a short time), or `undefined` if unknown. */
  statusListToken(listId: string): Promise<string | undefined>;
  /**
   * Any list this issuer publishes at `/status/<listId>`, with its media type: a Token Status List
   * (`application/statuslist+jwt`, dc+sd-jwt credentials) or a Bitstring Status List credential
   * (`application/vc+jwt`, W3C credentials); `undefined` if unknown. Cached like `statusListToken`.
   */
  statusList(listId: string): Promise<PublishedStatusList | undefined>;
  auditLog(options: {
    limit?: number;
    before?: number;
    target?: string;
  }): Promise<readonly (AuditEntry & { seq: number })[]>;
  /**
   * Deletes spent and expired protocol state (nonces, access tokens, deferred transactions) and wipes
   * the sealed claims of offers that can no longer be issued; returns how many rows changed. Offers'
   * metadata and the audit log are kept.
   */
  purgeExpired(): Promise<number>;
  close(): Promise<void>;
}
