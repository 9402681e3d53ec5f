import { type Kysely, sql } from 'kysely';
import type { HavenDialect } from './migrations.js';

// Migration 0002: the issuer's tables. Shipped migrations are never edited; change the schema in 0003.
// Epoch seconds are `bigint`; booleans are integer 0/1 on both dialects. Every single-use rule has a key
// or a CHECK here, so it holds whatever code writes to the database.

async function createTables(db: Kysely<unknown>, dialect: HavenDialect): Promise<void> {
  await db.schema
    .createTable('offers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('configuration_ids', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('tx_code_hash', 'text')
    .addColumn('tx_code', 'text')
    .addColumn('tx_code_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sealed_offer', 'text', (c) => c.notNull())
    .addColumn('payload', 'text')
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('redeemed_at', 'bigint')
    .addColumn('withdrawn', 'integer', (c) => c.notNull().defaultTo(0))
    .addCheckConstraint('offers_tx_code_failures', sql`tx_code_failures >= 0`)
    .addCheckConstraint('offers_decision', sql`decision in ('approved', 'pending', 'denied')`)
    .addCheckConstraint('offers_withdrawn', sql`withdrawn in (0, 1)`)
    // The tx_code description is shown exactly when a tx_code is required.
    .addCheckConstraint('offers_tx_code', sql`(tx_code_hash is null) = (tx_code is null)`)
    .execute();
  await db.schema.createIndex('offers_created').on('offers').columns(['created_at', 'id']).execute();
  await db.schema
    .createTable('offer_configurations')
    .addColumn('offer_id', 'text', (c) => c.notNull().references('offers.id').onDelete('cascade'))
    .addColumn('configuration_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('offer_configurations_pk', ['offer_id', 'configuration_id'])
    .execute();
  await db.schema
    .createTable('access_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('offer_id', 'text', (c) => c.notNull().references('offers.id').onDelete('cascade'))
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    // JSON array of the configuration ids the token was narrowed to (authorization_details); NULL: all.
    .addColumn('credential_identifiers', 'text')
    .execute();
  await db.schema.createIndex('access_tokens_offer').on('access_tokens').column('offer_id').execute();
  await db.schema.createIndex('access_tokens_expires').on('access_tokens').column('expires_at').execute();
  await db.schema
    .createTable('issuances')
    .addColumn('offer_id', 'text', (c) => c.notNull())
    .addColumn('configuration_id', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'bigint', (c) => c.notNull())
    // Set once the credentials were produced; a claim without it may still be released.
    .addColumn('delivered_at', 'bigint')
    .addPrimaryKeyConstraint('issuances_pk', ['offer_id', 'configuration_id'])
    // Only a configuration of the offer can be issued from it.
    .addForeignKeyConstraint(
      'issuances_configuration',
      ['offer_id', 'configuration_id'],
      'offer_configurations',
      ['offer_id', 'configuration_id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createTable('nonces')
    .addColumn('nonce_hash', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('nonces_expires').on('nonces').column('expires_at').execute();
  await db.schema
    .createTable('deferred')
    .addColumn('transaction_hash', 'text', (c) => c.primaryKey())
    .addColumn('offer_id', 'text', (c) => c.notNull())
    .addColumn('configuration_id', 'text', (c) => c.notNull())
    .addColumn('holder_keys', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addCheckConstraint('deferred_state', sql`state in ('pending', 'issued', 'closed')`)
    .addForeignKeyConstraint(
      'deferred_configuration',
      ['offer_id', 'configuration_id'],
      'offer_configurations',
      ['offer_id', 'configuration_id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
  await db.schema.createIndex('deferred_offer').on('deferred').column('offer_id').execute();
  await db.schema.createIndex('deferred_expires').on('deferred').column('expires_at').execute();
  await db.schema
    .createTable('credentials')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('offer_id', 'text', (c) => c.notNull())
    .addColumn('credential_type', 'text', (c) => c.notNull())
    .addColumn('configuration_id', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('status_list_id', 'varchar(64)', (c) => c.notNull().references('status_lists.id'))
    .addColumn('status_index', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('credentials_status_entry', ['status_list_id', 'status_index'])
    // A credential points at an allocated entry, so its state and the published bit can always agree.
    .addForeignKeyConstraint(
      'credentials_status_entry_fk',
      ['status_list_id', 'status_index'],
      'status_entries',
      ['list_id', 'idx'],
    )
    .addCheckConstraint('credentials_state', sql`state in ('active', 'suspended', 'revoked')`)
    .addCheckConstraint('credentials_status_index', sql`status_index >= 0`)
    .execute();
  await db.schema.createIndex('credentials_type').on('credentials').column('credential_type').execute();
  await db.schema.createIndex('credentials_state_idx').on('credentials').column('state').execute();
  await db.schema.createIndex('credentials_offer').on('credentials').column('offer_id').execute();
  await db.schema.createIndex('credentials_issued').on('credentials').columns(['issued_at', 'id']).execute();
  await db.schema
    .createTable('audit_log')
    .addColumn('seq', dialect === 'postgres' ? 'bigint' : 'integer', (c) =>
      dialect === 'postgres' ? c.generatedAlwaysAsIdentity().primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('details', 'text')
    .addCheckConstraint('audit_log_outcome', sql`outcome in ('ok', 'refused')`)
    .execute();
  await db.schema.createIndex('audit_log_target').on('audit_log').columns(['target', 'seq']).execute();
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_limits_pk', ['key', 'window_start'])
    .addCheckConstraint('rate_limits_count', sql`count >= 1`)
    .execute();
  await db.schema
    .createTable('secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

// The audit log is append-only by the database's own rule: UPDATE and DELETE (and TRUNCATE on
// PostgreSQL) raise, whoever runs them.
async function createAuditTriggers(db: Kysely<unknown>, dialect: HavenDialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql`create function haven_audit_log_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_log is append-only' using errcode = 'restrict_violation';
      end
    $$`.execute(db);
    await sql`create trigger audit_log_append_only before update or delete on audit_log
      for each row execute function haven_audit_log_append_only()`.execute(db);
    await sql`create trigger audit_log_no_truncate before truncate on audit_log
      for each statement execute function haven_audit_log_append_only()`.execute(db);
  } else {
    await sql`create trigger audit_log_no_update before update on audit_log
      begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
    await sql`create trigger audit_log_no_delete before delete on audit_log
      begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
  }
}

/**
 * Up: creates the issuer's tables. Kysely runs SQLite migrations outside a transaction, so a savepoint
 * makes this one all-or-nothing there.
 *
 * @example
 * ```ts
 * '0002_issuance': { up: (db) => migrateIssuance(db, 'sqlite'), down: (db) => undoIssuance(db, 'sqlite') }
 * ```
 */
export async function migrateIssuance(db: Kysely<unknown>, dialect: HavenDialect): Promise<void> {
  if (dialect === 'postgres') {
    await createTables(db, dialect);
    await createAuditTriggers(db, dialect);
    return;
  }
  await sql`savepoint haven_0002`.execute(db);
  try {
    await createTables(db, dialect);
    await createAuditTriggers(db, dialect);
  } catch (error) {
    await sql`rollback to haven_0002`.execute(db);
    await sql`release haven_0002`.execute(db);
    throw error;
  }
  await sql`release haven_0002`.execute(db);
}

/**
 * Down: drops them again (the audit log with them: stepping back loses it).
 *
 * @example
 * ```ts
 * await migrateTo(db, '0001_status_lists'); // runs undoIssuance
 * ```
 */
export async function undoIssuance(db: Kysely<unknown>, dialect: HavenDialect): Promise<void> {
  for (const table of [
    'secrets',
    'rate_limits',
    'audit_log',
    'credentials',
    'deferred',
    'nonces',
    'issuances',
    'access_tokens',
    'offer_configurations',
    'offers',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  if (dialect === 'postgres') await sql`drop function haven_audit_log_append_only()`.execute(db);
}
