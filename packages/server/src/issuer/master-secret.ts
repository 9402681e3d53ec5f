import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { decodeBase64Url, encodeBase64Url, randomBase64Url, randomBytes } from '@haven/core';
import { failIssuer } from './errors.js';

/** The environment variable that carries the master secret (base64url, at least 32 bytes decoded). */
export const MASTER_SECRET_ENV = 'HAVEN_MASTER_SECRET';

/** The file under the data directory that holds the master secret when the environment does not. */
export const MASTER_SECRET_FILE = 'master.key';

/** Shortest master secret accepted, in bytes (256 bits). */
export const MASTER_SECRET_MIN_BYTES = 32;

// A master.key is one base64url line; anything far longer is not ours.
const MAX_FILE_BYTES = 4096;

/** Options of {@link loadOrCreateMasterSecret}. */
export interface LoadMasterSecretOptions {
  /** The server's data directory (created 0700 if missing). */
  readonly dataDir: string;
  /** Where `HAVEN_MASTER_SECRET` is looked up (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The master secret and where it came from (for a startup log line; never log the bytes). */
export interface MasterSecret {
  readonly secret: Uint8Array;
  /** `env`: HAVEN_MASTER_SECRET; `file`: an existing master.key; `created`: a new master.key was written. */
  readonly source: 'env' | 'file' | 'created';
}

function decodeSecret(text: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64Url(text, 'master secret');
  } catch (cause) {
    failIssuer('SERVER_MASTER_SECRET_INVALID', 'the master secret is not base64url', { cause });
  }
  if (bytes.byteLength < MASTER_SECRET_MIN_BYTES) {
    failIssuer(
      'SERVER_MASTER_SECRET_INVALID',
      `the master secret must be at least ${MASTER_SECRET_MIN_BYTES} bytes`,
    );
  }
  return bytes;
}

function errorCode(error: unknown): string | undefined {
  return error !== null && typeof error === 'object' && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

/**
 * Reads master.key through one descriptor, so what is checked is what is read: opened with `O_NOFOLLOW`
 * (a symlink — even one swapped in after any earlier look — is refused, not followed), then `fstat` of
 * that descriptor (a regular file, owned by this user, no group/other bits, small), then read from it.
 * `undefined` when there is no file.
 */
function readSecretFileOrUndefined(path: string): Uint8Array | undefined {
  let fd: number;
  try {
    // O_NOFOLLOW is 0 on Windows (no such flag there; the data directory's ACL protects the file).
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return undefined;
    // Linux answers ELOOP for a symlink under O_NOFOLLOW; some BSDs EMLINK or EFTYPE.
    if (code === 'ELOOP' || code === 'EMLINK' || code === 'EFTYPE') {
      failIssuer('SERVER_MASTER_SECRET_INSECURE', 'master.key is not a regular file');
    }
    throw error;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) failIssuer('SERVER_MASTER_SECRET_INSECURE', 'master.key is not a regular file');
    // POSIX permission bits and owners only mean something off Windows.
    if (process.platform !== 'win32') {
      if ((stats.mode & 0o077) !== 0) {
        failIssuer('SERVER_MASTER_SECRET_INSECURE', 'master.key is readable or writable by group or others', {
          details: { mode: (stats.mode & 0o777).toString(8) },
        });
      }
      const uid = process.getuid?.();
      if (uid !== undefined && stats.uid !== uid) {
        failIssuer('SERVER_MASTER_SECRET_INSECURE', 'master.key is owned by another user');
      }
    }
    if (stats.size > MAX_FILE_BYTES) failIssuer('SERVER_MASTER_SECRET_INVALID', 'master.key is too large');
    // Read at most one byte past the limit from the descriptor: a file grown since fstat is still caught.
    const buffer = Buffer.alloc(MAX_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > MAX_FILE_BYTES) failIssuer('SERVER_MASTER_SECRET_INVALID', 'master.key is too large');
    }
    const text = buffer.subarray(0, length).toString('utf8');
    buffer.fill(0);
    // One trailing line break is allowed (editors add one); nothing else is trimmed.
    return decodeSecret(text.replace(/\r?\n$/, ''));
  } finally {
    closeSync(fd);
  }
}

function syncDirectory(dir: string): void {
  // The rename/link is durable only once the directory entry is; not every platform can fsync a directory.
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (error) {
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF'].includes(errorCode(error) ?? '')) throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function writeDurably(path: string, text: string, flags: 'wx'): void {
  const fd = openSync(path, flags, 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Publishes `text` as `path` if and only if nothing is there: written to a temporary file (0600, fsync),
 * then hard-linked into place — a link, unlike a rename, fails when the target exists, so when several
 * processes race exactly one file wins and nobody overwrites it. Returns whether this call created it.
 */
function createExclusively(dir: string, path: string, text: string): boolean {
  const temp = join(dir, `.${MASTER_SECRET_FILE}.${randomBase64Url(9)}.tmp`);
  writeDurably(temp, text, 'wx');
  try {
    linkSync(temp, path);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') return false;
    // Filesystems without hard links: an O_EXCL create of the file itself (still exclusive; a crash in the
    // middle leaves a short file, which the next start refuses rather than trusts).
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EXDEV') {
      try {
        writeDurably(path, text, 'wx');
      } catch (inner) {
        if (errorCode(inner) === 'EEXIST') return false;
        throw inner;
      }
    } else {
      throw error;
    }
  } finally {
    unlinkSync(temp);
  }
  syncDirectory(dir);
  return true;
}

/**
 * The server's master secret (DESIGN "Keys at rest"): `HAVEN_MASTER_SECRET` (base64url, ≥ 32 bytes) when
 * set, else `<dataDir>/master.key`, created on first start with 32 random bytes — atomically and
 * exclusively, so processes starting together end up with the same single file. master.key is opened
 * without following symlinks and checked on the open descriptor (regular file, this user's, no group or
 * other bits) before it is read from that same descriptor. A master.key that is not, or that group
 * or others may read or write, is refused (`SERVER_MASTER_SECRET_INSECURE`); malformed content is
 * `SERVER_MASTER_SECRET_INVALID`. Nothing is ever overwritten.
 *
 * @example
 * ```ts
 * const { secret, source } = loadOrCreateMasterSecret({ dataDir: '.haven', env: process.env });
 * const issuer = await createHavenIssuer({ database, publicUrl, masterSecret: secret });
 * ```
 */
export function loadOrCreateMasterSecret(options: LoadMasterSecretOptions): MasterSecret {
  const env = options.env ?? process.env;
  const fromEnv = env[MASTER_SECRET_ENV];
  // Set but empty is an error, not "unset": someone meant to configure it (fail closed).
  if (fromEnv !== undefined) return { secret: decodeSecret(fromEnv), source: 'env' };
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const path = join(options.dataDir, MASTER_SECRET_FILE);
  const existing = readSecretFileOrUndefined(path);
  if (existing !== undefined) return { secret: existing, source: 'file' };
  const fresh = randomBytes(MASTER_SECRET_MIN_BYTES);
  if (createExclusively(options.dataDir, path, `${encodeBase64Url(fresh)}\n`)) {
    return { secret: fresh, source: 'created' };
  }
  // Another process won the race: use its secret.
  const theirs = readSecretFileOrUndefined(path);
  if (theirs === undefined) failIssuer('SERVER_MASTER_SECRET_INVALID', 'master.key vanished while starting');
  return { secret: theirs, source: 'file' };
}
