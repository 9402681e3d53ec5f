import { HavenError } from '@haven/core';
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';

// Versioned migrations, in code (so the built package carries them). A migration that has shipped is
// never edited: the next change is the next migration.
const MIGRATIONS: Readonly<Record<string, Migration>> = {
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
};

const provider: MigrationProvider = { getMigrations: async () => ({ ...MIGRATIONS }) };

/** The name of the newest migration this code knows. */
export const LATEST_MIGRATION = Object.keys(MIGRATIONS).sort().at(-1) as string;

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
export async function migrateToLatest(db: Kysely<unknown>, options: { schema?: string } = {}): Promise<void> {
  const migrator = new Migrator({
    // PostgreSQL: the migration tables live in the connection's own schema; without this Kysely's
    // introspection can find another schema's tables of the same name and skip creating its own.
    ...(options.schema === undefined ? {} : { migrationTableSchema: options.schema }),
    db,
    provider,
    migrationTableName: 'haven_migrations',
    migrationLockTableName: 'haven_migrations_lock',
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) {
    throw new HavenError('INTERNAL_ERROR', 'the database could not be migrated', { cause: error });
  }
}
