import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { openDatabase } from './open-database.js';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'haven-open-db-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const modeOf = (path: string) => statSync(path).mode & 0o777;
const posix = process.platform !== 'win32';

describe('openDatabase (SQLite): the files hold sealed claims and the audit log', () => {
  test.runIf(posix)(
    'a new haven.db, its -wal and -shm are 0600 (not 0644) after open and the migrations',
    async () => {
      const url = join(freshDir(), 'haven.db');
      const database = await openDatabase({ url });
      for (const file of [url, `${url}-wal`, `${url}-shm`]) expect(modeOf(file)).toBe(0o600);
      await database.close();
    },
  );

  test.runIf(posix)(
    'an existing world-readable haven.db (and -wal) is narrowed to 0600 on open',
    async () => {
      const dir = freshDir();
      const url = join(dir, 'haven.db');
      const first = await openDatabase({ url });
      await first.close();
      chmodSync(url, 0o644);
      writeFileSync(`${url}-wal`, '', { mode: 0o644 });
      chmodSync(`${url}-wal`, 0o644);
      const again = await openDatabase({ url });
      for (const file of [url, `${url}-wal`, `${url}-shm`]) expect(modeOf(file)).toBe(0o600);
      await again.close();
    },
  );
});
