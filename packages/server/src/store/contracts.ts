import type { Purpose } from '@haven/credentials';
/**
 * Server-side storage contracts beside `@haven/oid4vci`'s `Oid4vciIssuerStore` and `@haven/status`'s
 * `StatusListStore`. Implemented once over Kysely for SQLite and PostgreSQL; the same contract tests run
 * on both. Every method is one atomic statement or transaction. No claim value is ever stored here.
 * Times are epoch seconds.
 */

/** Where an issued credential stands. `revoked` is final. */
export type CredentialState = 'active' | 'suspended' | 'revoked';

/** What the issuer keeps about a credential it issued: metadata only, never claim values. */
export interface IssuedCredentialRecord {
  /** Random id, the handle for the admin API (not inside the credential). */
  readonly id: string;
  readonly offerId: string;
  /** Haven credential type id (`identity-restoration`, `labour-contract`, `refugee-registration`). */
  readonly credentialType: string;
  readonly configurationId: string;
  /** `dc+sd-jwt`, `jwt_vc_json` or `ldp_vc`. */
  readonly format: string;
  readonly statusListId: string;
  readonly statusIndex: number;
  readonly state: CredentialState;
  readonly issuedAt: number;
  readonly expiresAt?: number;
  readonly updatedAt: number;
}

/** Filters of {@link CredentialRegistry.searchCredentials}; every field optional, values are parameters. */
export interface CredentialSearch {
  readonly credentialType?: string;
  readonly state?: CredentialState;
  readonly offerId?: string;
  /** Page size (1–500, default 50) and the cursor returned by the previous page. */
  readonly limit?: number;
  readonly cursor?: string;
}

/** The issued-credentials registry. */
export interface CredentialRegistry {
  recordIssued(record: Omit<IssuedCredentialRecord, 'updatedAt'>): Promise<void>;
  getCredential(id: string): Promise<IssuedCredentialRecord | undefined>;
  searchCredentials(
    search: CredentialSearch,
  ): Promise<{ items: readonly IssuedCredentialRecord[]; nextCursor?: string }>;
  /**
   * Changes a credential's state and its status-list entry in ONE transaction (the entry value is
   * 0 active, 1 revoked, 2 suspended — Token Status List §7.1). Refused (`false`) when the credential is
   * unknown or already revoked (revocation is final); `true` once committed durably.
   */
  setCredentialState(id: string, state: CredentialState, now: number): Promise<boolean>;
}

/** One audit entry: who did what to which record, never claim values, codes or tokens. */
export interface AuditEntry {
  readonly at: number;
  /** `admin:<token id>`, `wallet` or `system`. */
  readonly actor: string;
  /** e.g. `offer.create`, `offer.withdraw`, `offer.approve`, `credential.issue`, `credential.revoke`. */
  readonly action: string;
  /** The offer or credential id acted on. */
  readonly target?: string;
  readonly outcome: 'ok' | 'refused';
  /** Non-personal facts (credential type, format, count). */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

/** The append-only audit log (the database refuses UPDATE and DELETE on it). */
export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  /** Newest first; `before` is the sequence number to page from. */
  list(options: {
    limit?: number;
    before?: number;
    target?: string;
  }): Promise<readonly (AuditEntry & { seq: number })[]>;
}

/** Fixed-window counters shared by every server process. */
export interface RateLimitStore {
  /** Adds one hit to `key` in the window starting at `windowStart` and returns the window's count. */
  hit(key: string, windowStart: number): Promise<number>;
  /** Drops windows that ended before `before`. */
  purge(before: number): Promise<number>;
}

/** Sealed secrets the server keeps in its database (issuer keys, the server's data key check). */
export interface SecretStore {
  /** Stores `value` under `name` unless the name exists; returns what is stored now (the first writer wins). */
  putIfAbsent(name: string, value: string): Promise<string>;
  get(name: string): Promise<string | undefined>;
}

/** Offers as the admin API lists them: metadata, never the payload or codes. */
export interface OfferSummary {
  readonly id: string;
  readonly configurationIds: readonly string[];
  readonly decision: 'approved' | 'pending' | 'denied';
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly redeemedAt?: number;
  readonly withdrawn: boolean;
  readonly hasTxCode: boolean;
}

/**
 * The verifier's registered purposes (relying-party registrations) managed through the admin API. Each
 * is a `Purpose` already checked with `parsePurpose`; the store keeps it as JSON under its id. Haven's
 * built-in `PURPOSES` are not stored here and their ids are reserved.
 */
export interface PurposeStore {
  /** Inserts or replaces the purpose with this id; says which. */
  putPurpose(purpose: Purpose, now: number): Promise<'created' | 'updated'>;
  getPurpose(id: string): Promise<Purpose | undefined>;
  /** Every stored purpose, by id. */
  listPurposes(): Promise<Purpose[]>;
  /** Deletes it; false when there was none. Transactions already started keep their sealed copy. */
  deletePurpose(id: string): Promise<boolean>;
}
