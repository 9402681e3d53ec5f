import type { Generated } from 'kysely';
import type { VerifierPurposesTable, VerifierTransactionsTable } from './migration-0003-verifier.js';

// Times are epoch seconds in `bigint` columns. PostgreSQL's `pg` returns int8 as a string; the pool
// openDatabase builds parses it to a number (refusing anything beyond 2^53), and the stores convert with
// `toSafeInteger` as well, so a Kysely handed in from elsewhere still reads numbers.
// Booleans are `integer` 0/1 on both dialects (SQLite has no boolean type), guarded by a CHECK.

/** `status_lists`: one row per status list; what it is and how full, never whose entries it holds. */
export interface StatusListsTable {
  id: string;
  mechanism: string;
  /** Bitstring lists only: `revocation` or `suspension`. */
  purpose: string | null;
  size: number;
  bits: number;
  used: Generated<number>;
}

/**
 * `status_entries`: one row per allocated index. The primary key (list_id, idx) is what makes an index
 * single-use across every server process: a second claim is a conflict in the database.
 */
export interface StatusEntriesTable {
  list_id: string;
  idx: number;
  value: Generated<number>;
}

/** `offers`: one row per credential offer; codes only as HMACs, claims only sealed. */
export interface OffersTable {
  id: string;
  /** JSON array of credential configuration ids, in offer order. */
  configuration_ids: string;
  code_hash: string;
  tx_code_hash: string | null;
  /** JSON of the tx_code description shown to the wallet. */
  tx_code: string | null;
  tx_code_failures: Generated<number>;
  sealed_offer: string;
  payload: string | null;
  decision: string;
  created_at: number;
  expires_at: number;
  redeemed_at: number | null;
  /** 0 or 1. */
  withdrawn: Generated<number>;
}

/**
 * `offer_configurations`: the configuration ids of an offer as rows, so the database itself can hold
 * "an issuance is of a configuration of its offer" (foreign key) and "every configuration is issued"
 * (the payload wipe) without dialect-specific JSON functions.
 */
export interface OfferConfigurationsTable {
  offer_id: string;
  configuration_id: string;
}

/** `access_tokens`: HMACs of issued access tokens. */
export interface AccessTokensTable {
  token_hash: string;
  offer_id: string;
  expires_at: number;
  /** JSON array of the configuration ids the token was narrowed to (OpenID4VCI §6.2); NULL: every one. */
  credential_identifiers: string | null;
}

/**
 * `issuances`: one row per claimed (offer, configuration); the primary key makes issuance single-use.
 * `delivered_at` is set once the credentials were produced: only undelivered claims are released, and
 * the payload is wiped only when every configuration is delivered.
 */
export interface IssuancesTable {
  offer_id: string;
  configuration_id: string;
  claimed_at: number;
  delivered_at: number | null;
}

/** `nonces`: HMACs of `c_nonce` values; `used_at` is set once. */
export interface NoncesTable {
  nonce_hash: string;
  expires_at: number;
  used_at: number | null;
}

/** `deferred`: deferred issuance transactions (OpenID4VCI §9), by HMAC of the transaction id. */
export interface DeferredTable {
  transaction_hash: string;
  offer_id: string;
  configuration_id: string;
  holder_keys: string;
  created_at: number;
  expires_at: number;
  state: string;
}

/** `credentials`: the issued-credentials registry (metadata only, never claim values). */
export interface CredentialsTable {
  id: string;
  offer_id: string;
  credential_type: string;
  configuration_id: string;
  format: string;
  status_list_id: string;
  status_index: number;
  state: string;
  issued_at: number;
  expires_at: number | null;
  updated_at: number;
}

/** `audit_log`: append-only (triggers refuse UPDATE and DELETE). */
export interface AuditLogTable {
  seq: Generated<number>;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  /** JSON object of non-personal facts. */
  details: string | null;
}

/** `rate_limits`: fixed-window counters. */
export interface RateLimitsTable {
  key: string;
  window_start: number;
  count: number;
}

/** `secrets`: sealed values by name; the first writer wins. */
export interface SecretsTable {
  name: string;
  value: string;
  created_at: number;
}

/** The whole schema as Kysely sees it. */
export interface HavenSchema {
  status_lists: StatusListsTable;
  status_entries: StatusEntriesTable;
  offers: OffersTable;
  offer_configurations: OfferConfigurationsTable;
  access_tokens: AccessTokensTable;
  issuances: IssuancesTable;
  nonces: NoncesTable;
  deferred: DeferredTable;
  credentials: CredentialsTable;
  audit_log: AuditLogTable;
  rate_limits: RateLimitsTable;
  secrets: SecretsTable;
  verifier_transactions: VerifierTransactionsTable;
  verifier_purposes: VerifierPurposesTable;
}
