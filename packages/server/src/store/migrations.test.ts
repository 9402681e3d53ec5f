import { randomBase64Url } from '@haven/core';
import { MIN_STATUS_LIST_SIZE } from '@haven/status';
import { sql } from 'kysely';
import { afterAll, describe, expect, test } from 'vitest';
import { LATEST_MIGRATION, migrateTo } from './migrations.js';
import { openDatabase } from './open-database.js';
import { SqlAuditLog } from './sql-audit-log.js';
import { SqlOid4vciStore } from './sql-oid4vci-store.js';
import { SqlOid4vpStore } from './sql-oid4vp-store.js';
import { SqlPurposeStore } from './sql-purpose-store.js';
import { SqlStatusListStore } from './sql-status-list-store.js';
import {
  freshPostgresSchema,
  freshSqlitePath,
  openTestDatabase,
  POSTGRES_URL,
  removeTestDatabases,
} from './test-backends.test-helper.js';

afterAll(removeTestDatabases);

const BACKENDS = [
  { name: 'sqlite', url: async () => freshSqlitePath() },
  ...(POSTGRES_URL === undefined
    ? []
    : [{ name: 'postgres', url: () => freshPostgresSchema(POSTGRES_URL as string) }]),
];

describe.each(BACKENDS)('migrations — $name', (backend) => {
  test('a database at 0001 only is brought to the latest migration on open, its status lists intact', async () => {
    const url = await backend.url();
    const old = await openDatabase({ url, migrate: false });
    try {
      const schema =
        old.dialect === 'postgres'
          ? (await sql<{ s: string }>`select current_schema() as s`.execute(old.db)).rows[0]?.s
          : undefined;
      await migrateTo(old.db as never, '0001_status_lists', {
        dialect: old.dialect,
        ...(schema === undefined ? {} : { schema }),
      });
      const lists = new SqlStatusListStore(old.db);
      await lists.createList({
        id: 'kept',
        mechanism: 'token-status-list',
        size: MIN_STATUS_LIST_SIZE,
        bits: 2,
      });
      await lists.claimIndex('kept', 42);
      await lists.setStatus('kept', 42, 1);
      await expect(sql`select count(*) from offers`.execute(old.db)).rejects.toThrow();
    } finally {
      await old.close();
    }

    const upgraded = await openTestDatabase({ url });
    const applied = await sql<{ name: string }>`select name from haven_migrations order by name`.execute(
      upgraded.db,
    );
    expect(applied.rows.map((r) => r.name)).toEqual(['0001_status_lists', '0002_issuance', '0003_verifier']);
    expect(LATEST_MIGRATION).toBe('0003_verifier');
    const lists = new SqlStatusListStore(upgraded.db);
    expect(await lists.getStatus('kept', 42)).toBe(1);
    expect((await lists.readList('kept')).record.used).toBe(1);
    // The new tables work, triggers included.
    const store = new SqlOid4vciStore(upgraded.db);
    await store.createNonce(randomBase64Url(32), 10);
    const audit = new SqlAuditLog(upgraded.db);
    await audit.append({ at: 1, actor: 'system', action: 'migrate', outcome: 'ok' });
    await expect(sql`delete from audit_log`.execute(upgraded.db)).rejects.toThrow();
    expect(await new SqlPurposeStore(upgraded.db).listPurposes()).toEqual([]);
    expect(await new SqlOid4vpStore(upgraded.db).purgeTransactions(10)).toBe(0);

    // Opening again is a no-op.
    const again = await openTestDatabase({ url });
    expect(await new SqlStatusListStore(again.db).getStatus('kept', 42)).toBe(1);
  });

  test('stepping back from 0003 drops the verifier tables only; stepping up again restores them empty', async () => {
    const url = await backend.url();
    const opened = await openTestDatabase({ url });
    const schema =
      opened.dialect === 'postgres'
        ? (await sql<{ s: string }>`select current_schema() as s`.execute(opened.db)).rows[0]?.s
        : undefined;
    const options = { dialect: opened.dialect, ...(schema === undefined ? {} : { schema }) };
    const purposes = new SqlPurposeStore(opened.db);
    await purposes.putPurpose(
      {
        id: 'bar.age',
        description: 'A bar checks age.',
        legalBasis: 'Licensing law.',
        credentialTypes: { 'refugee-registration': [['age_over_18']] },
      },
      1,
    );
    await migrateTo(opened.db as never, '0002_issuance', options);
    await expect(sql`select count(*) from verifier_purposes`.execute(opened.db)).rejects.toThrow();
    await expect(sql`select count(*) from verifier_transactions`.execute(opened.db)).rejects.toThrow();
    await new SqlOid4vciStore(opened.db).createNonce(randomBase64Url(32), 10);
    await migrateTo(opened.db as never, LATEST_MIGRATION, options);
    expect(await purposes.listPurposes()).toEqual([]);
  });

  test('a database migrated by newer code (an unknown migration) is refused, not used', async () => {
    const url = await backend.url();
    const db = await openTestDatabase({ url });
    await sql`insert into haven_migrations (name, timestamp) values ('9999_future', '2030-01-01T00:00:00.000Z')`.execute(
      db.db,
    );
    await expect(openDatabase({ url })).rejects.toEqual(expect.objectContaining({ code: 'INTERNAL_ERROR' }));
  });
});
