import { randomBase64Url } from '@haven/core';
import { MIN_STATUS_LIST_SIZE } from '@haven/status';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CredentialSearch, IssuedCredentialRecord } from './contracts.js';
import type { HavenDatabase } from './open-database.js';
import { SqlAuditLog } from './sql-audit-log.js';
import { SqlCredentialRegistry } from './sql-credential-registry.js';
import { SqlRateLimitStore } from './sql-rate-limit-store.js';
import { SqlSecretStore } from './sql-secret-store.js';
import { SqlStatusListStore } from './sql-status-list-store.js';
import { removeTestDatabases, sqlBackends } from './test-backends.test-helper.js';

const code = (c: string) => expect.objectContaining({ code: c });
const NOW = 1_767_225_600;

afterAll(removeTestDatabases);

describe.each(sqlBackends())('server stores contract — $name', (backend) => {
  let database: HavenDatabase;
  let lists: SqlStatusListStore;
  let registry: SqlCredentialRegistry;
  let tokenListId: string;
  let nextIndex = 0;

  beforeAll(async () => {
    database = await backend.open();
    lists = new SqlStatusListStore(database.db);
    registry = new SqlCredentialRegistry(database.db);
    tokenListId = randomBase64Url(12);
    await lists.createList({
      id: tokenListId,
      mechanism: 'token-status-list',
      size: MIN_STATUS_LIST_SIZE,
      bits: 2,
    });
  });

  /** Claims a fresh entry of `listId` and records an active credential on it. */
  async function issue(
    overrides: Partial<Omit<IssuedCredentialRecord, 'updatedAt'>> = {},
  ): Promise<Omit<IssuedCredentialRecord, 'updatedAt'>> {
    const statusListId = overrides.statusListId ?? tokenListId;
    const statusIndex = overrides.statusIndex ?? nextIndex++;
    await lists.claimIndex(statusListId, statusIndex);
    const record: Omit<IssuedCredentialRecord, 'updatedAt'> = {
      id: randomBase64Url(16),
      offerId: randomBase64Url(16),
      credentialType: 'identity-restoration',
      configurationId: 'identity-restoration_dc+sd-jwt',
      format: 'dc+sd-jwt',
      statusListId,
      statusIndex,
      state: 'active',
      issuedAt: NOW,
      ...overrides,
    };
    await registry.recordIssued(record);
    return record;
  }

  describe('CredentialRegistry', () => {
    test('recordIssued / getCredential round-trip; a used id or status entry is a conflict', async () => {
      const record = await issue({ expiresAt: NOW + 86_400 });
      expect(await registry.getCredential(record.id)).toEqual({ ...record, updatedAt: NOW });
      await expect(registry.recordIssued({ ...record, statusIndex: nextIndex++ })).rejects.toEqual(
        code('SERVER_STORE_CONFLICT'),
      );
      await expect(registry.recordIssued({ ...record, id: randomBase64Url(16) })).rejects.toEqual(
        code('SERVER_STORE_CONFLICT'),
      );
      expect(await registry.getCredential('no-such-credential')).toBeUndefined();
    });

    test('recordIssued refuses an entry never claimed, an unknown list and malformed records', async () => {
      const base = {
        id: randomBase64Url(16),
        offerId: 'o',
        credentialType: 'identity-restoration',
        configurationId: 'c',
        format: 'dc+sd-jwt',
        statusListId: tokenListId,
        statusIndex: 99_999,
        state: 'active' as const,
        issuedAt: NOW,
      };
      await expect(registry.recordIssued(base)).rejects.toEqual(code('SERVER_STORE_NOT_FOUND'));
      await expect(registry.recordIssued({ ...base, statusListId: 'no-such-list' })).rejects.toEqual(
        code('SERVER_STORE_NOT_FOUND'),
      );
      for (const bad of [
        { format: 'mso_mdoc' },
        { state: 'lost' },
        { statusIndex: -1 },
        { issuedAt: 1.5 },
        { id: '' },
      ]) {
        await expect(registry.recordIssued({ ...base, ...bad } as typeof base)).rejects.toEqual(
          code('SERVER_STORE_RECORD_INVALID'),
        );
      }
      expect(await registry.getCredential(base.id)).toBeUndefined();
    });

    test('Token Status List §7.1: state and status entry change together; revoked is final', async () => {
      const record = await issue();
      const entry = () => lists.getStatus(tokenListId, record.statusIndex);
      expect(await entry()).toBe(0);
      expect(await registry.setCredentialState(record.id, 'suspended', NOW + 1)).toBe(true);
      expect(await entry()).toBe(2);
      expect(await registry.getCredential(record.id)).toMatchObject({
        state: 'suspended',
        updatedAt: NOW + 1,
      });
      expect(await registry.setCredentialState(record.id, 'active', NOW + 2)).toBe(true);
      expect(await entry()).toBe(0);
      expect(await registry.setCredentialState(record.id, 'revoked', NOW + 3)).toBe(true);
      expect(await entry()).toBe(1);
      for (const state of ['active', 'suspended', 'revoked'] as const) {
        expect(await registry.setCredentialState(record.id, state, NOW + 4)).toBe(false);
      }
      expect(await entry()).toBe(1);
      expect(await registry.getCredential(record.id)).toMatchObject({ state: 'revoked', updatedAt: NOW + 3 });
      expect(await registry.setCredentialState('no-such-credential', 'revoked', NOW)).toBe(false);
      await expect(registry.setCredentialState(record.id, 'gone' as 'revoked', NOW)).rejects.toEqual(
        code('SERVER_STORE_RECORD_INVALID'),
      );
    });

    test('setCredentialState is one transaction: an entry that cannot hold the state changes nothing', async () => {
      const oneBit = randomBase64Url(12);
      await lists.createList({
        id: oneBit,
        mechanism: 'token-status-list',
        size: MIN_STATUS_LIST_SIZE,
        bits: 1,
      });
      const record = await issue({ statusListId: oneBit, statusIndex: 7 });
      await expect(registry.setCredentialState(record.id, 'suspended', NOW + 1)).rejects.toEqual(
        code('STATUS_BITS_INVALID'),
      );
      expect((await registry.getCredential(record.id))?.state).toBe('active');
      expect(await lists.getStatus(oneBit, 7)).toBe(0);
      expect(await registry.setCredentialState(record.id, 'revoked', NOW + 1)).toBe(true);
      expect(await lists.getStatus(oneBit, 7)).toBe(1);
    });

    test('bitstring lists: a revocation list marks revoked with 1 and cannot mark a suspension', async () => {
      const listId = randomBase64Url(12);
      await lists.createList({
        id: listId,
        mechanism: 'bitstring-status-list',
        purpose: 'revocation',
        size: MIN_STATUS_LIST_SIZE,
        bits: 1,
      });
      const record = await issue({ statusListId: listId, statusIndex: 3, format: 'jwt_vc_json' });
      await expect(registry.setCredentialState(record.id, 'suspended', NOW)).rejects.toEqual(
        code('STATUS_BITS_INVALID'),
      );
      expect(await registry.setCredentialState(record.id, 'revoked', NOW)).toBe(true);
      expect(await lists.getStatus(listId, 3)).toBe(1);
    });

    test('concurrent state changes: the registry row and the status entry always agree', async () => {
      const record = await issue();
      const states = ['suspended', 'active', 'revoked', 'suspended', 'active'] as const;
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          registry.setCredentialState(
            record.id,
            states[i % states.length] as (typeof states)[number],
            NOW + i,
          ),
        ),
      );
      const row = await registry.getCredential(record.id);
      const value = await lists.getStatus(tokenListId, record.statusIndex);
      expect(value).toBe({ active: 0, revoked: 1, suspended: 2 }[row?.state ?? 'active']);
      expect(row?.state).toBe('revoked');
    });

    test('search: allow-listed filters, newest first, keyset pages with an opaque cursor', async () => {
      const offerId = randomBase64Url(16);
      const made: Omit<IssuedCredentialRecord, 'updatedAt'>[] = [];
      for (let i = 0; i < 9; i++) {
        made.push(
          await issue({
            offerId,
            issuedAt: NOW + 1000 + Math.floor(i / 3),
            credentialType: i % 3 === 0 ? 'labour-contract' : 'identity-restoration',
          }),
        );
      }
      await registry.setCredentialState(made[1]?.id as string, 'revoked', NOW + 2000);
      const collect = async (search: CredentialSearch) => {
        const ids: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await registry.searchCredentials({
            ...search,
            ...(cursor === undefined ? {} : { cursor }),
          });
          ids.push(...page.items.map((c) => c.id));
          cursor = page.nextCursor;
        } while (cursor !== undefined);
        return ids;
      };
      const all = await collect({ offerId, limit: 2 });
      expect(all).toHaveLength(9);
      expect(new Set(all).size).toBe(9);
      const times = all.map((id) => made.find((m) => m.id === id)?.issuedAt as number);
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(await collect({ offerId, credentialType: 'labour-contract', limit: 1 })).toHaveLength(3);
      expect(await collect({ offerId, state: 'revoked' })).toEqual([made[1]?.id]);
      expect(
        await collect({ offerId, state: 'active', credentialType: 'identity-restoration' }),
      ).toHaveLength(5);
      expect((await registry.searchCredentials({ offerId })).nextCursor).toBeUndefined();
    });

    test('search: hostile values are only parameters; unknown filters, bad limits and cursors are typed errors', async () => {
      const record = await issue({ credentialType: "x' or '1'='1" });
      for (const value of ["' or 1=1 --", "identity-restoration'; drop table credentials; --", '%', '_']) {
        expect((await registry.searchCredentials({ credentialType: value })).items).toEqual([]);
        expect((await registry.searchCredentials({ offerId: value })).items).toEqual([]);
      }
      expect(
        (await registry.searchCredentials({ credentialType: "x' or '1'='1" })).items.map((c) => c.id),
      ).toEqual([record.id]);
      // @ts-expect-error — only credentialType, state, offerId, limit and cursor are filters
      const unknownFilter: CredentialSearch = { format: 'dc+sd-jwt' };
      await expect(registry.searchCredentials(unknownFilter)).rejects.toEqual(
        code('SERVER_STORE_QUERY_INVALID'),
      );
      await expect(
        registry.searchCredentials({ orderBy: 'id; drop table credentials' } as CredentialSearch),
      ).rejects.toEqual(code('SERVER_STORE_QUERY_INVALID'));
      await expect(registry.searchCredentials({ state: 'active or 1=1' as 'active' })).rejects.toEqual(
        code('SERVER_STORE_QUERY_INVALID'),
      );
      await expect(registry.searchCredentials({ credentialType: 42 as unknown as string })).rejects.toEqual(
        code('SERVER_STORE_QUERY_INVALID'),
      );
      await expect(registry.searchCredentials({ credentialType: 'x'.repeat(300) })).rejects.toEqual(
        code('SERVER_STORE_QUERY_INVALID'),
      );
      for (const limit of [0, 501, 2.5, -3]) {
        await expect(registry.searchCredentials({ limit })).rejects.toEqual(
          code('SERVER_STORE_QUERY_INVALID'),
        );
      }
      for (const cursor of [
        "' or 1=1 --",
        'bm90LWEtY3Vyc29y',
        Buffer.from('1:').toString('base64url'),
        '=',
      ]) {
        await expect(registry.searchCredentials({ cursor })).rejects.toEqual(
          code('SERVER_STORE_CURSOR_INVALID'),
        );
      }
      // The table is still there and whole.
      expect(await registry.getCredential(record.id)).toBeDefined();
    });
  });

  describe('AuditLog', () => {
    let audit: SqlAuditLog;
    beforeAll(() => {
      audit = new SqlAuditLog(database.db);
    });

    test('append and list newest first, by target, paging back with before', async () => {
      const target = randomBase64Url(16);
      for (let i = 0; i < 5; i++) {
        await audit.append({
          at: NOW + i,
          actor: 'admin:ops-1',
          action: i === 0 ? 'offer.create' : 'credential.revoke',
          target,
          outcome: i === 4 ? 'refused' : 'ok',
          details: { credentialType: 'identity-restoration', count: i, deferred: false },
        });
      }
      await audit.append({ at: NOW, actor: 'system', action: 'offer.purge', outcome: 'ok' });
      const mine = await audit.list({ target });
      expect(mine.map((e) => e.at)).toEqual([NOW + 4, NOW + 3, NOW + 2, NOW + 1, NOW]);
      expect(mine[0]).toMatchObject({ actor: 'admin:ops-1', outcome: 'refused', target });
      expect(mine[0]?.details).toEqual({ credentialType: 'identity-restoration', count: 4, deferred: false });
      const page = await audit.list({ target, limit: 2 });
      expect(page).toHaveLength(2);
      const older = await audit.list({ target, limit: 2, before: page[1]?.seq as number });
      expect(older.map((e) => e.at)).toEqual([NOW + 2, NOW + 1]);
      const latest = await audit.list({ limit: 1 });
      expect(latest[0]).toEqual({
        seq: latest[0]?.seq,
        at: NOW,
        actor: 'system',
        action: 'offer.purge',
        outcome: 'ok',
      });
      expect((latest[0]?.seq as number) > (mine[0]?.seq as number)).toBe(true);
    });

    test('bad entries and bad queries are typed errors', async () => {
      const ok = { at: NOW, actor: 'system', action: 'x', outcome: 'ok' as const };
      for (const bad of [
        { outcome: 'maybe' },
        { actor: '' },
        { at: -1 },
        { details: { nested: { a: 1 } } },
        { details: { n: Number.POSITIVE_INFINITY } },
        { details: ['a'] },
      ]) {
        await expect(audit.append({ ...ok, ...bad } as typeof ok)).rejects.toEqual(
          code('SERVER_STORE_RECORD_INVALID'),
        );
      }
      for (const options of [{ limit: 0 }, { limit: 501 }, { before: 0 }, { before: 1.5 }, { target: '' }]) {
        await expect(audit.list(options)).rejects.toEqual(code('SERVER_STORE_QUERY_INVALID'));
      }
    });

    test('append-only by the database: raw UPDATE and DELETE are refused and change nothing', async () => {
      await audit.append({ at: NOW, actor: 'system', action: 'audit.probe', target: 'probe', outcome: 'ok' });
      const before = await audit.list({ target: 'probe' });
      // Refused by the append-only trigger itself (not a syntax or permission error).
      const refused = expect.objectContaining({
        code: database.dialect === 'postgres' ? '23001' : 'SQLITE_CONSTRAINT_TRIGGER',
      });
      await expect(sql`update audit_log set outcome = 'refused'`.execute(database.db)).rejects.toEqual(
        refused,
      );
      await expect(
        sql`update audit_log set actor = 'someone-else' where target = 'probe'`.execute(database.db),
      ).rejects.toEqual(refused);
      await expect(sql`delete from audit_log where target = 'probe'`.execute(database.db)).rejects.toEqual(
        refused,
      );
      await expect(sql`delete from audit_log`.execute(database.db)).rejects.toEqual(refused);
      if (database.dialect === 'postgres') {
        await expect(sql`truncate audit_log`.execute(database.db)).rejects.toEqual(refused);
      }
      expect(await audit.list({ target: 'probe' })).toEqual(before);
    });
  });

  describe('RateLimitStore', () => {
    test('hits count per key and window; purge drops old windows', async () => {
      const limits = new SqlRateLimitStore(database.db);
      const key = `token:${randomBase64Url(8)}`;
      expect(await limits.hit(key, NOW)).toBe(1);
      expect(await limits.hit(key, NOW)).toBe(2);
      expect(await limits.hit(key, NOW + 60)).toBe(1);
      expect(await limits.hit(`${key}x`, NOW)).toBe(1);
      expect(await limits.purge(NOW + 1)).toBeGreaterThanOrEqual(2);
      expect(await limits.hit(key, NOW)).toBe(1);
      expect(await limits.hit(key, NOW + 60)).toBe(2);
      await expect(limits.hit('', NOW)).rejects.toEqual(code('SERVER_STORE_RECORD_INVALID'));
      await expect(limits.hit(key, -5)).rejects.toEqual(code('SERVER_STORE_RECORD_INVALID'));
    });

    test('50 concurrent hits across two handles are counted exactly', async () => {
      const [a, b] = await backend.openTwo();
      const limitsA = new SqlRateLimitStore(a.db);
      const limitsB = new SqlRateLimitStore(b.db);
      const key = `credential:${randomBase64Url(8)}`;
      const counts = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 ? limitsA : limitsB).hit(key, NOW)),
      );
      expect([...counts].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(await limitsA.hit(key, NOW)).toBe(51);
    });
  });

  describe('SecretStore', () => {
    test('putIfAbsent: the first writer wins, across handles and under concurrency', async () => {
      const [a, b] = await backend.openTwo();
      const secretsA = new SqlSecretStore(a.db, { now: () => NOW });
      const secretsB = new SqlSecretStore(b.db, { now: () => NOW });
      expect(await secretsA.get('issuer-key')).toBeUndefined();
      expect(await secretsA.putIfAbsent('issuer-key', 'sealed-first')).toBe('sealed-first');
      expect(await secretsB.putIfAbsent('issuer-key', 'sealed-second')).toBe('sealed-first');
      expect(await secretsB.get('issuer-key')).toBe('sealed-first');
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? secretsA : secretsB).putIfAbsent('data-key-check', `v${i}`),
        ),
      );
      expect(new Set(results).size).toBe(1);
      expect(await secretsA.get('data-key-check')).toBe(results[0]);
      await expect(secretsA.putIfAbsent('', 'x')).rejects.toEqual(code('SERVER_STORE_RECORD_INVALID'));
    });
  });
});
