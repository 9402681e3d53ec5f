import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeBase64Url } from '@haven/core';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { loadOrCreateMasterSecret, MASTER_SECRET_FILE } from './master-secret.js';

// Once armed, the first look at master.key (lstat, stat or open) is followed by swapping the file for a
// symlink to the attacker's key: the window between a check and a read by path.
const swap: { path?: string; attackerKey?: string } = {};
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const after =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R => {
      const result = fn(...args);
      if (swap.path !== undefined && args[0] === swap.path && swap.attackerKey !== undefined) {
        const { path, attackerKey } = swap;
        swap.path = undefined;
        real.renameSync(path, `${path}.moved`);
        real.symlinkSync(attackerKey, path);
      }
      return result;
    };
  return {
    ...real,
    lstatSync: after(real.lstatSync),
    statSync: after(real.statSync),
    openSync: after(real.openSync),
  };
});

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('loadOrCreateMasterSecret: check and read are one descriptor', () => {
  test.runIf(process.platform !== 'win32')(
    'master.key swapped for a symlink right after it was first looked at: the attacker key is never used',
    () => {
      const dir = fs.mkdtempSync(join(tmpdir(), 'haven-master-swap-'));
      dirs.push(dir);
      const mine = new Uint8Array(32).fill(7);
      const theirs = new Uint8Array(32).fill(9);
      const path = join(dir, MASTER_SECRET_FILE);
      fs.writeFileSync(path, `${encodeBase64Url(mine)}\n`, { mode: 0o600 });
      const attackerKey = join(dir, 'attacker.key');
      fs.writeFileSync(attackerKey, `${encodeBase64Url(theirs)}\n`, { mode: 0o600 });
      swap.path = path;
      swap.attackerKey = attackerKey;
      let secret: Uint8Array | undefined;
      try {
        secret = loadOrCreateMasterSecret({ dataDir: dir, env: {} }).secret;
      } catch (error) {
        // Refusing is fine too; using the attacker's key is not.
        expect(error).toEqual(expect.objectContaining({ code: 'SERVER_MASTER_SECRET_INSECURE' }));
      }
      expect(swap.path).toBeUndefined(); // the swap did happen
      if (secret !== undefined) expect([...secret]).toEqual([...mine]);
    },
  );
});
