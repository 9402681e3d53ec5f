import { execFile } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeBase64Url } from '@haven/core';
import { afterAll, describe, expect, test } from 'vitest';
import { loadOrCreateMasterSecret, MASTER_SECRET_ENV, MASTER_SECRET_FILE } from './master-secret.js';

const code = (c: string) => expect.objectContaining({ code: c });
const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'haven-master-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const posix = process.platform !== 'win32';

describe('loadOrCreateMasterSecret (DESIGN "Keys at rest")', () => {
  test('HAVEN_MASTER_SECRET wins over any file and is decoded from base64url', () => {
    const dir = freshDir();
    const bytes = new Uint8Array(40).map((_, i) => i);
    const result = loadOrCreateMasterSecret({
      dataDir: dir,
      env: { [MASTER_SECRET_ENV]: encodeBase64Url(bytes) },
    });
    expect(result.source).toBe('env');
    expect([...result.secret]).toEqual([...bytes]);
    // Nothing is written when the environment provides the secret.
    expect(readdirSync(dir)).toEqual([]);
  });

  test('an env secret shorter than 32 bytes, padded, non-base64url or empty is refused', () => {
    const dir = freshDir();
    for (const bad of [
      encodeBase64Url(new Uint8Array(31)),
      `${encodeBase64Url(new Uint8Array(33))}=`,
      'not base64!',
      '',
    ]) {
      expect(() => loadOrCreateMasterSecret({ dataDir: dir, env: { [MASTER_SECRET_ENV]: bad } })).toThrow(
        code('SERVER_MASTER_SECRET_INVALID'),
      );
    }
  });

  test('first start creates master.key (0600, 32 bytes, one line); the next start reads the same secret', () => {
    const dir = join(freshDir(), 'nested', 'data');
    const first = loadOrCreateMasterSecret({ dataDir: dir, env: {} });
    expect(first.source).toBe('created');
    expect(first.secret.byteLength).toBe(32);
    const path = join(dir, MASTER_SECRET_FILE);
    if (posix) expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe(`${encodeBase64Url(first.secret)}\n`);
    // No temporary file is left behind.
    expect(readdirSync(dir)).toEqual([MASTER_SECRET_FILE]);
    const second = loadOrCreateMasterSecret({ dataDir: dir, env: {} });
    expect(second.source).toBe('file');
    expect([...second.secret]).toEqual([...first.secret]);
  });

  test('separate processes starting at once on an empty data dir end with ONE master.key that all use', async () => {
    const dir = freshDir();
    const script = join(freshDir(), 'start.mts');
    writeFileSync(
      script,
      `import { loadOrCreateMasterSecret } from ${JSON.stringify(join(import.meta.dirname, 'master-secret.ts'))};
// A start barrier: every process spins until the same instant, then all start together.
const startAt = Number(process.argv[3]);
while (Date.now() < startAt) {}
const { secret, source } = loadOrCreateMasterSecret({ dataDir: process.argv[2], env: {} });
process.stdout.write(Buffer.from(secret).toString('base64url') + ' ' + source);`,
    );
    const startAt = String(Date.now() + 2500);
    const run = () =>
      new Promise<string>((resolve, reject) => {
        execFile(
          process.execPath,
          ['--conditions=@haven/source', '--import', 'tsx', script, dir, startAt],
          { cwd: import.meta.dirname },
          (error, stdout) => (error ? reject(error) : resolve(stdout)),
        );
      });
    const outputs = await Promise.all(Array.from({ length: 6 }, run));
    expect(readdirSync(dir)).toEqual([MASTER_SECRET_FILE]);
    const stored = readFileSync(join(dir, MASTER_SECRET_FILE), 'utf8').trim();
    expect(outputs.map((o) => o.split(' ')[0])).toEqual(outputs.map(() => stored));
    expect(outputs.filter((o) => o.endsWith(' created')).length).toBe(1);
  }, 30_000);

  test.runIf(posix)('a master.key readable or writable by group or others is refused, and left alone', () => {
    const dir = freshDir();
    loadOrCreateMasterSecret({ dataDir: dir, env: {} });
    const path = join(dir, MASTER_SECRET_FILE);
    const before = readFileSync(path, 'utf8');
    for (const mode of [0o640, 0o604, 0o620, 0o660, 0o644]) {
      chmodSync(path, mode);
      expect(() => loadOrCreateMasterSecret({ dataDir: dir, env: {} })).toThrow(
        code('SERVER_MASTER_SECRET_INSECURE'),
      );
      expect(readFileSync(path, 'utf8')).toBe(before);
    }
    chmodSync(path, 0o400);
    expect(loadOrCreateMasterSecret({ dataDir: dir, env: {} }).source).toBe('file');
  });

  test.runIf(posix)('a symlink or a directory named master.key is refused, not followed', () => {
    const dir = freshDir();
    const target = join(freshDir(), 'elsewhere.key');
    writeFileSync(target, `${encodeBase64Url(new Uint8Array(32))}\n`, { mode: 0o600 });
    symlinkSync(target, join(dir, MASTER_SECRET_FILE));
    expect(() => loadOrCreateMasterSecret({ dataDir: dir, env: {} })).toThrow(
      code('SERVER_MASTER_SECRET_INSECURE'),
    );
  });

  test.runIf(posix && process.getuid?.() === 0)(
    'a master.key owned by another user is refused, even with 0600',
    () => {
      const dir = freshDir();
      const path = join(dir, MASTER_SECRET_FILE);
      writeFileSync(path, `${encodeBase64Url(new Uint8Array(32).fill(5))}\n`, { mode: 0o600 });
      chownSync(path, 12345, 12345);
      expect(() => loadOrCreateMasterSecret({ dataDir: dir, env: {} })).toThrow(
        code('SERVER_MASTER_SECRET_INSECURE'),
      );
    },
  );

  test('a master.key with short, malformed or extra content is refused (never replaced)', () => {
    for (const content of [
      encodeBase64Url(new Uint8Array(16)),
      'AAAA AAAA',
      `${encodeBase64Url(new Uint8Array(32))}\n\n`,
      '',
    ]) {
      const dir = freshDir();
      const path = join(dir, MASTER_SECRET_FILE);
      writeFileSync(path, content, { mode: 0o600 });
      expect(() => loadOrCreateMasterSecret({ dataDir: dir, env: {} })).toThrow(
        code('SERVER_MASTER_SECRET_INVALID'),
      );
      expect(readFileSync(path, 'utf8')).toBe(content);
    }
  });
});
