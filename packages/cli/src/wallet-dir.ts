import {
  appendFileSync,
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  assertPrivateJwk,
  createSigner,
  generateKeyPair,
  isJsonObject,
  type PrivateJwk,
  type PublicJwk,
  parseStrictJson,
  randomBase64Url,
  type Signer,
  toPublicJwk,
} from '@haven/core';
import { CliError } from './cli-error.js';
import { writeSecretFile } from './io.js';

/**
 * A credential kept in a wallet directory: `DIR/credentials/<id>.json`. `vct` and `issuer` are the
 * credential's type and issuer (never a claim value); `credential` is the issued SD-JWT VC.
 */
export interface StoredCredential {
  readonly id: string;
  readonly format: 'dc+sd-jwt';
  readonly credential: string;
  readonly vct: string;
  readonly issuer: string;
  /** ISO 8601 time of receipt. */
  readonly receivedAt: string;
}

/** One line of `DIR/log.jsonl`: what was shared with whom, without any claim value. */
export interface PresentationLogEntry {
  readonly time: string;
  /** The verifier's `client_id`: who the response went (or would have gone) to. */
  readonly clientId: string;
  /** The legal name the verifier's registration states (self-asserted unless the request was signed). */
  readonly verifier: string;
  readonly purpose: string;
  readonly queryIds: readonly string[];
  /** Per credential query: the claim paths disclosed (dotted claim paths, e.g. `workplace.country`). */
  readonly claims: Readonly<Record<string, readonly string[]>>;
  readonly outcome: string;
}

/** A wallet directory opened for use. */
export interface WalletDir {
  readonly dir: string;
  readonly holderKey: PrivateJwk;
  readonly holderPublicJwk: PublicJwk;
  readonly signer: Signer;
}

const ID = /^[A-Za-z0-9_-]{16,64}$/;
/** A stored credential file is a few KiB; anything much larger is not one of ours. */
const MAX_FILE_BYTES = 1024 * 1024;

/** Best effort: some systems cannot open or fsync a directory; the rename itself is still atomic. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Not supported here (e.g. Windows): nothing more to do.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes `content` to `path` (mode 0600) whole or not at all: a temporary file, flushed to disk, then a
 * rename, then the directory flushed, so a crash leaves either the old state or the complete new file.
 */
function writeAtomic(path: string, dir: string, content: string): void {
  const temp = join(dir, `.${randomBase64Url(8)}.tmp`);
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(temp, 0o600);
    renameSync(temp, path);
  } catch {
    rmSync(temp, { force: true });
    throw new CliError('cannot write to the wallet directory');
  }
  syncDirectory(dir);
}

function ensureDirectory(path: string): void {
  if (existsSync(path)) {
    const info = lstatSync(path);
    if (!info.isDirectory()) throw new CliError('the wallet path is not a directory');
    // The directory holds the holder key: others must not be able to list, read or write into it.
    // (Windows has no such mode bits.)
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      throw new CliError(
        `the wallet directory is open to other users (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')}); restrict it with chmod 700`,
        2,
        'WALLET_DIR_PERMISSIONS',
      );
    }
    return;
  }
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    chmodSync(path, 0o700);
  } catch {
    throw new CliError('cannot create the wallet directory');
  }
}

function readSmallFile(path: string, what: string): string {
  try {
    const info = lstatSync(path);
    if (!info.isFile() || info.size > MAX_FILE_BYTES) throw new Error('not a small regular file');
    return readFileSync(path, 'utf8');
  } catch {
    throw new CliError(`cannot read the ${what} in the wallet directory`);
  }
}

function loadHolderKey(path: string): PrivateJwk {
  let jwk: unknown;
  try {
    jwk = parseStrictJson(readSmallFile(path, 'holder key'), { what: 'holder key' });
    assertPrivateJwk(jwk);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError('the holder key in the wallet directory is not a private JWK');
  }
  return jwk;
}

/**
 * Opens (and on first use creates) a wallet directory: mode 0700, `holder-key.json` (an ES256 private
 * JWK, mode 0600) and `credentials/`. A simple file store for the command line, NOT the encrypted wallet:
 * anyone who can read the directory can use the key and read the credentials.
 *
 * @example
 * ```ts
 * const wallet = openWalletDir('./my-wallet');
 * wallet.holderPublicJwk; // what received credentials are bound to
 * ```
 */
export function openWalletDir(dir: string): WalletDir {
  ensureDirectory(dir);
  ensureDirectory(join(dir, 'credentials'));
  const keyPath = join(dir, 'holder-key.json');
  if (!existsSync(keyPath)) {
    const keys = generateKeyPair('ES256');
    try {
      writeSecretFile(keyPath, `${JSON.stringify(keys.privateJwk, null, 2)}\n`);
    } catch (error) {
      // Another process created it meanwhile: use that one.
      if (!existsSync(keyPath)) throw error;
    }
  }
  const holderKey = loadHolderKey(keyPath);
  return {
    dir,
    holderKey,
    holderPublicJwk: toPublicJwk(holderKey),
    signer: createSigner(holderKey),
  };
}

/**
 * Stores a received credential as `credentials/<random id>.json` (mode 0600, atomic) and returns it.
 *
 * @example
 * ```ts
 * storeCredential(wallet, { credential: sdJwt, vct, issuer });
 * ```
 */
export function storeCredential(
  wallet: WalletDir,
  input: { readonly credential: string; readonly vct: string; readonly issuer: string },
  now: Date = new Date(),
): StoredCredential {
  const stored: StoredCredential = {
    id: randomBase64Url(16),
    format: 'dc+sd-jwt',
    credential: input.credential,
    vct: input.vct,
    issuer: input.issuer,
    receivedAt: now.toISOString(),
  };
  const directory = join(wallet.dir, 'credentials');
  writeAtomic(join(directory, `${stored.id}.json`), directory, `${JSON.stringify(stored, null, 2)}\n`);
  return stored;
}

function readStored(text: string, fileId: string): StoredCredential | undefined {
  let parsed: unknown;
  try {
    parsed = parseStrictJson(text, { what: 'stored credential' });
  } catch {
    return undefined;
  }
  if (
    !isJsonObject(parsed) ||
    parsed.id !== fileId ||
    parsed.format !== 'dc+sd-jwt' ||
    typeof parsed.credential !== 'string' ||
    typeof parsed.vct !== 'string' ||
    typeof parsed.issuer !== 'string' ||
    typeof parsed.receivedAt !== 'string'
  ) {
    return undefined;
  }
  return parsed as unknown as StoredCredential;
}

function readStoredFile(path: string, fileId: string): StoredCredential | undefined {
  let text: string;
  try {
    text = readSmallFile(path, 'credential');
  } catch {
    return undefined;
  }
  return readStored(text, fileId);
}

/** Options of {@link listCredentials}. */
export interface ListCredentialsOptions {
  /**
   * Told the id of each credential file that is unreadable or malformed. Such a file is skipped (the
   * other credentials stay usable) and left on disk untouched, for the holder to inspect.
   */
  readonly onMalformed?: (fileId: string) => void;
}

/**
 * The credentials of a wallet directory, oldest first. A malformed or unreadable credential file is
 * skipped, never deleted, and reported by its file id (never its content) through `onMalformed`.
 *
 * @example
 * ```ts
 * listCredentials(wallet, { onMalformed: (id) => warn(`skipped credential ${id}`) }).map((c) => c.vct)
 * ```
 */
export function listCredentials(wallet: WalletDir, options: ListCredentialsOptions = {}): StoredCredential[] {
  const directory = join(wallet.dir, 'credentials');
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    throw new CliError('cannot read the wallet directory');
  }
  const stored: StoredCredential[] = [];
  for (const name of names.sort()) {
    if (!name.endsWith('.json')) continue;
    const id = name.slice(0, -'.json'.length);
    if (!ID.test(id)) continue;
    const credential = readStoredFile(join(directory, name), id);
    if (credential === undefined) options.onMalformed?.(id);
    else stored.push(credential);
  }
  return stored.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
}

/**
 * Appends one line to `DIR/log.jsonl` (mode 0600): the record of what was shared, names only.
 *
 * @example
 * ```ts
 * appendPresentationLog(wallet, { time, clientId, verifier, purpose, queryIds, claims, outcome: 'shared' });
 * ```
 */
export function appendPresentationLog(wallet: WalletDir, entry: PresentationLogEntry): void {
  const path = join(wallet.dir, 'log.jsonl');
  try {
    appendFileSync(path, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  } catch {
    throw new CliError('cannot write the presentation log in the wallet directory');
  }
}
