import { type Kysely, sql } from 'kysely';
import type { HavenDialect } from './migrations.js';

// Migration 0003: the verifier's tables. Shipped migrations are never edited; change the schema in 0004.
// Epoch seconds are `bigint`. The life of a transaction (created → responded once → collected once) is
// held by CHECKs here, so it holds whatever code writes to the database.

/** `verifier_transactions`: one row per presentation transaction; secrets only as HMACs, results sealed. */
export interface VerifierTransactionsTable {
  id: string;
  request_id_hash: string;
  session_hash: string;
  purpose_id: string;
  response_mode: string;
  sealed_request: string;
  created_at: number;
  expires_at: number;
  responded_at: number | null;
  outcome: string | null;
  error_code: string | null;
  response_code_hash: string | null;
  /** Kept only until collected (then NULL) or purged. */
  sealed_result: string | null;
  collected_at: number | null;
}

/** `verifier_purposes`: the verifier's registered purposes, JSON of a checked `Purpose` under its id. */
export interface VerifierPurposesTable {
  id: string;
  purpose: string;
  created_at: number;
  updated_at: number;
}

/** The tables of this migration as Kysely sees them (a type alias: `withTables` needs an index signature). */
export type VerifierSchema = {
  verifier_transactions: VerifierTransactionsTable;
  verifier_purposes: VerifierPurposesTable;
};

async function createTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('verifier_transactions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id_hash', 'text', (c) => c.notNull().unique())
    .addColumn('session_hash', 'text', (c) => c.notNull())
    .addColumn('purpose_id', 'text', (c) => c.notNull())
    .addColumn('response_mode', 'text', (c) => c.notNull())
    .addColumn('sealed_request', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('responded_at', 'bigint')
    .addColumn('outcome', 'text')
    .addColumn('error_code', 'text')
    .addColumn('response_code_hash', 'text')
    .addColumn('sealed_result', 'text')
    .addColumn('collected_at', 'bigint')
    .addCheckConstraint(
      'verifier_transactions_response_mode',
      sql`response_mode in ('direct_post', 'direct_post.jwt')`,
    )
    .addCheckConstraint(
      'verifier_transactions_outcome',
      sql`outcome is null or outcome in ('accepted', 'rejected', 'declined')`,
    )
    // A response is recorded whole (time and outcome together); nothing of it exists before.
    .addCheckConstraint(
      'verifier_transactions_responded',
      sql`(responded_at is null) = (outcome is null) and (responded_at is not null or (error_code is null and response_code_hash is null and sealed_result is null and collected_at is null))`,
    )
    // A collected result is gone: collecting wipes it in the same statement.
    .addCheckConstraint('verifier_transactions_collected', sql`collected_at is null or sealed_result is null`)
    .execute();
  await db.schema
    .createIndex('verifier_transactions_expires')
    .on('verifier_transactions')
    .column('expires_at')
    .execute();
  await db.schema
    .createTable('verifier_purposes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

/**
 * Up: creates the verifier's tables. Kysely runs SQLite migrations outside a transaction, so a savepoint
 * makes this one all-or-nothing there.
 *
 * @example
 * ```ts
 * '0003_verifier': { up: (db) => migrateVerifier(db, 'sqlite'), down: (db) => undoVerifier(db) }
 * ```
 */
export async function migrateVerifier(db: Kysely<unknown>, dialect: HavenDialect): Promise<void> {
  if (dialect === 'postgres') {
    await createTables(db);
    return;
  }
  await sql`savepoint haven_0003`.execute(db);
  try {
    await createTables(db);
  } catch (error) {
    await sql`rollback to haven_0003`.execute(db);
    await sql`release haven_0003`.execute(db);
    throw error;
  }
  await sql`release haven_0003`.execute(db);
}

/**
 * Down: drops them again (open transactions and registered purposes with them).
 *
 * @example
 * ```ts
 * await migrateTo(db, '0002_issuance'); // runs undoVerifier
 * ```
 */
export async function undoVerifier(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('verifier_purposes').execute();
  await db.schema.dropTable('verifier_transactions').execute();
}
