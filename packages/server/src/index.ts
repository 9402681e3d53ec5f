export type { Actor, CreatedOffer, CreateOfferInput, HavenIssuer } from './issuer/types.js';
export type {
  AuditEntry,
  AuditLog,
  CredentialRegistry,
  CredentialSearch,
  CredentialState,
  IssuedCredentialRecord,
  OfferSummary,
  RateLimitStore,
  SecretStore,
} from './store/contracts.js';
export { LATEST_MIGRATION, migrateToLatest } from './store/migrations.js';
export { type HavenDatabase, type OpenDatabaseOptions, openDatabase } from './store/open-database.js';
export type { HavenSchema, StatusEntriesTable, StatusListsTable } from './store/schema.js';
export { SqlStatusListStore } from './store/sql-status-list-store.js';
