export { LATEST_MIGRATION, migrateToLatest } from './store/migrations.js';
export { type HavenDatabase, type OpenDatabaseOptions, openDatabase } from './store/open-database.js';
export type { HavenSchema, StatusEntriesTable, StatusListsTable } from './store/schema.js';
export { SqlStatusListStore } from './store/sql-status-list-store.js';
