import { HavenError } from '@haven/core';
import {
  type Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  PostgresAdapter,
  SqliteAdapter,
  sql,
} from 'kysely';
import { migrateIssuance, undoIssuance } from './migration-0002-issuance.js';
import { migrateVerifier, undoVerifier } from './migration-0003-verifier.js';

/** The SQL dialects Haven runs on. */
export type HavenDialect = 'sqlite' | 'postgres';

// Versioned migrations, in code (so the built package carries them). A migration that has shipped is
// never edited: the next change is the next migration. Migrations that need dialect-specific SQL
// (triggers) get the dialect through this closure.
const migrationsFor = (dialect: HavenDialect): Readonly<Record<string, Migration>> => ({
  '0001_status_lists': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('status_lists')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('mechanism', 'varchar(32)', (c) => c.notNull())
        .addColumn('purpose', 'varchar(16)')
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('bits', 'integer', (c) => c.notNull())
        .addColumn('used', 'integer', (c) => c.notNull().defaultTo(0))
        // The store's invariants, held by the database whatever code writes to it.
        .addCheckConstraint('status_lists_bits', sql`bits in (1, 2, 4, 8)`)
        .addCheckConstraint('status_lists_size', sql`size > 0`)
        .addCheckConstraint('status_lists_used', sql`used >= 0 and used <= size`)
        .addCheckConstraint(
          'status_lists_mechanism',
          sql`mechanism in ('token-status-list', 'bitstring-status-list')`,
        )
        .execute();
      await db.schema
        .createTable('status_entries')
        .addColumn('list_id', 'varchar(64)', (c) => c.notNull().references('status_lists.id'))
        .addColumn('idx', 'integer', (c) => c.notNull())
        .addColumn('value', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('status_entries_pk', ['list_id', 'idx'])
        .addCheckConstraint('status_entries_idx', sql`idx >= 0`)
        .addCheckConstraint('status_entries_value', sql`value >= 0 and value <= 255`)
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('status_entries').execute();
      await db.schema.dropTable('status_lists').execute();
    },
  },
  '0002_issuance': {
    up: (db: Kysely<unknown>) => migrateIssuance(db, dialect),
    down: (db: Kysely<unknown>) => undoIssuance(db, dialect),
  },
  '0003_verifier': {
    up: (db: Kysely<unknown>) => migrateVerifier(db, dialect),
    down: (db: Kysely<unknown>) => undoVerifier(db),
  },
});

/** The name of the newest migration this code knows. */
export const LATEST_MIGRATION = Object.keys(migrationsFor('sqlite')).sort().at(-1) as string;

/** Options of {@link migrateToLatest}. */
export interface MigrateOptions {
  /** PostgreSQL: the schema the connection works in (its `current_schema()`). */
  readonly schema?: string;
  /** Which dialect the database speaks; told by the adapter when absent. */
  readonly dialect?: HavenDialect;
}

function detectDialect(db: Kysely<unknown>): HavenDialect {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  throw new HavenError('INTERNAL_ERROR', 'only SQLite and PostgreSQL databases are supported');
}

/**
 * Brings the database to the latest schema (Kysely's migrator: one lock, each migration in a transaction
 * where the dialect allows). Safe to run from several processes at once. A database newer than this code
 * (an unknown applied migration) is refused rather than used.
 *
 * @example
 * ```ts
 * await migrateToLatest(db);
 * ```
 */
export async function migrateToLatest(db: Kysely<unknown>, options: MigrateOptions = {}): Promise<void> {
  await migrateTo(db, LATEST_MIGRATION, options);
}

/**
 * Brings the database up (or down) to the named migration. For tests of upgrades and for operators who
 * must step back one release; the server itself only ever calls {@link migrateToLatest}.
 *
 * @example
 * ```ts
 * await migrateTo(db, '0001_status_lists', { dialect: 'sqlite' });
 * ```
 */
export async function migrateTo(
  db: Kysely<unknown>,
  target: string,
  options: MigrateOptions = {},
): Promise<void> {
  const migrations = migrationsFor(options.dialect ?? detectDialect(db));
  if (!Object.hasOwn(migrations, target)) {
    throw new HavenError('INTERNAL_ERROR', 'no migration of that name');
  }
  const provider: MigrationProvider = { getMigrations: async () => ({ ...migrations }) };
  const migrator = new Migrator({
    // PostgreSQL: the migration tables live in the connection's own schema; without this Kysely's
    // introspection can find another schema's tables of the same name and skip creating its own.
    ...(options.schema === undefined ? {} : { migrationTableSchema: options.schema }),
    db,
    provider,
    migrationTableName: 'haven_migrations',
    migrationLockTableName: 'haven_migrations_lock',
  });
  const { error } = await migrator.migrateTo(target);
  if (error !== undefined) {
    throw new HavenError('INTERNAL_ERROR', 'the database could not be migrated', { cause: error });
  }
}
