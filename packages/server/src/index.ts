export { failServer, SERVER_ERROR_CODES, type ServerErrorCode } from './errors.js';
// HTTP layer, OpenAPI and run layer (express 5 app, startServer with node:cluster workers).
export {
  type AdminRateLimits,
  type AdminTokenEntry,
  type AdminTokenVerifier,
  adminTokenId,
  createAdminTokenVerifier,
  generateAdminToken,
  hashAdminToken,
} from './http/admin-auth.js';
export { type CreateAppOptions, createApp, type HttpLimits } from './http/create-app.js';
export { type HttpErrorMapping, mapHttpError } from './http/error-table.js';
export { SERVER_HTTP_ERROR_CODES, type ServerHttpErrorCode } from './http/http-errors.js';
export {
  clientAddressGroup,
  DEFAULT_RATE_LIMITS,
  hitRateLimit,
  type RateLimitBucket,
  type RateLimitRules,
} from './http/rate-limit.js';
export { VERIFIER_RESPONSE_BODY_BYTES } from './http/verifier-routes.js';
export { coarsenToUtcDay } from './issuer/build-credential.js';
export {
  createHavenIssuer,
  type HavenIssuerCore,
  type HavenIssuerOptions,
  type IssuerDisplay,
} from './issuer/create-haven-issuer.js';
export {
  type CredentialConfigurationsOptions,
  configurationIdFor,
  createCredentialConfigurations,
  ISSUER_FORMATS,
  type IssuerFormat,
  parseConfigurationId,
} from './issuer/credential-configurations.js';
export { ISSUER_ERROR_CODES, type IssuerErrorCode } from './issuer/errors.js';
export { type IssueBatchInput, type IssuedBatch, MAX_BATCH_ITEMS } from './issuer/issue-batch.js';
export {
  type LoadMasterSecretOptions,
  loadOrCreateMasterSecret,
  MASTER_SECRET_ENV,
  MASTER_SECRET_FILE,
  type MasterSecret,
} from './issuer/master-secret.js';
export {
  type PublishedStatusList,
  STATUS_CACHE_SECONDS,
  STATUS_LIST_TTL_SECONDS,
} from './issuer/status-hosting.js';
export type { Actor, CreatedOffer, CreateOfferInput, HavenIssuer } from './issuer/types.js';
export { buildOpenApiDocument, type OpenApiDocumentOptions } from './openapi/openapi-document.js';
export { describeDatabase } from './run/describe-database.js';
export {
  loadServeIssuerConfig,
  parseServeIssuerConfig,
  type ServeIssuerConfig,
  zServeIssuerConfig,
} from './run/issuer-config.js';
export { publicUrlWarnings } from './run/public-url-warnings.js';
export { SERVER_RUN_ERROR_CODES, type ServerRunErrorCode } from './run/run-errors.js';
export { createLimitedServer, DEFAULT_SERVER_LIMITS, type ServerLimits } from './run/server-limits.js';
export { createServerLogger, LOG_REDACT_PATHS, type ServerLoggerOptions } from './run/server-logger.js';
export {
  type RunningServer,
  type ServeVerifierOptions,
  type StartServerOptions,
  startServer,
  WORKER_CONFIG_ENV,
} from './run/start-server.js';
export { parseTrustProxy, type TrustProxySetting } from './run/trust-proxy.js';
export type {
  AuditEntry,
  AuditLog,
  CredentialRegistry,
  CredentialSearch,
  CredentialState,
  IssuedCredentialRecord,
  OfferSummary,
  PurposeStore,
  RateLimitStore,
  SecretStore,
} from './store/contracts.js';
export type {
  VerifierPurposesTable,
  VerifierTransactionsTable,
} from './store/migration-0003-verifier.js';
export {
  type HavenDialect,
  LATEST_MIGRATION,
  type MigrateOptions,
  migrateTo,
  migrateToLatest,
} from './store/migrations.js';
export { type HavenDatabase, type OpenDatabaseOptions, openDatabase } from './store/open-database.js';
export type {
  AccessTokensTable,
  AuditLogTable,
  CredentialsTable,
  DeferredTable,
  HavenSchema,
  IssuancesTable,
  NoncesTable,
  OfferConfigurationsTable,
  OffersTable,
  RateLimitsTable,
  SecretsTable,
  StatusEntriesTable,
  StatusListsTable,
} from './store/schema.js';
export { SqlAuditLog } from './store/sql-audit-log.js';
export { SqlCredentialRegistry } from './store/sql-credential-registry.js';
export { SqlOid4vciStore } from './store/sql-oid4vci-store.js';
export { SqlOid4vpStore } from './store/sql-oid4vp-store.js';
export { SqlPurposeStore } from './store/sql-purpose-store.js';
export { SqlRateLimitStore } from './store/sql-rate-limit-store.js';
export { SqlSecretStore, type SqlSecretStoreOptions } from './store/sql-secret-store.js';
export { SqlStatusListStore } from './store/sql-status-list-store.js';
export {
  createHavenVerifier,
  type HavenVerifierOptions,
  VERIFIER_PATHS,
} from './verifier/create-haven-verifier.js';
export type {
  CreatePresentationInput,
  HavenVerifier,
  ListedPurpose,
  PresentationStatus,
} from './verifier/types.js';
