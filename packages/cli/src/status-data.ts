import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  decodeBase64Url,
  encodeBase64Url,
  type GuardedFetch,
  type GuardedResponse,
  parseStrictJson,
  randomBase64Url,
} from '@haven/core';
import { MemoryStatusListStore, type StatusListRecord, type StatusListSnapshot } from '@haven/status';
import { CliError } from './cli-error.js';

/**
 * The issuer's status lists in a data directory (the embedded default: one file, rewritten whole and
 * atomically). It holds which indexes are taken and each entry's status — never which credential or
 * person an index belongs to. Every change runs under a lock file ({@link withStatusData}), so two
 * `haven` processes cannot overwrite each other's allocation or revocation; the server keeps lists in
 * its database instead.
 */
export interface StatusData {
  readonly dir: string;
  readonly store: MemoryStatusListStore;
  /** Where lists are published: a list's URI is `${uriBase}/${listId}`. */
  readonly uriBase: string;
}

const FILE = 'status-lists.json';

interface StoredList {
  record: StatusListRecord;
  claimed: string;
  values: string;
}

function checkUriBase(uriBase: string): string {
  let url: URL;
  try {
    url = new URL(uriBase);
  } catch {
    throw new CliError('--uri-base is not a URL');
  }
  // Token Status List §8: the list URI is fetched by verifiers over HTTPS.
  if (url.protocol !== 'https:' || url.search !== '' || url.hash !== '' || url.username !== '') {
    throw new CliError('--uri-base must be an https URL without query, fragment or credentials');
  }
  return url.href.replace(/\/+$/, '');
}

/** The URI a list is published at. */
export function statusListUri(data: StatusData, listId: string): string {
  return `${data.uriBase}/${listId}`;
}

/** New, empty status data for a data directory (saved by {@link withStatusData}). */
function createStatusData(dir: string, uriBase: string): StatusData {
  return { dir, store: new MemoryStatusListStore(), uriBase: checkUriBase(uriBase) };
}

/** Reads the status data of a data directory. */
export function loadStatusData(dir: string): StatusData {
  const path = join(dir, FILE);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new CliError('the data directory has no status lists (run: haven status create)');
  }
  let parsed: { version?: unknown; uriBase?: unknown; lists?: unknown };
  try {
    parsed = parseStrictJson(readFileSync(path, 'utf8'), { maxBytes: 64 * 1024 * 1024 }) as typeof parsed;
  } catch {
    throw new CliError('the status lists file is not valid JSON');
  }
  if (parsed.version !== 1 || typeof parsed.uriBase !== 'string' || !Array.isArray(parsed.lists)) {
    throw new CliError('the status lists file is not one haven wrote');
  }
  const store = new MemoryStatusListStore();
  store.restore(
    (parsed.lists as StoredList[]).map(
      (l): StatusListSnapshot => ({
        record: l.record,
        claimed: decodeBase64Url(l.claimed, 'claimed'),
        values: decodeBase64Url(l.values, 'values'),
      }),
    ),
  );
  return { dir, store, uriBase: checkUriBase(parsed.uriBase) };
}

/**
 * Writes the status data all or nothing: a temporary file in the same directory, flushed to disk, then
 * renamed over the old one, and the directory flushed — a crash or power loss leaves the old file or the
 * new one, never a truncated one that would lose every revocation.
 */
export function saveStatusData(data: StatusData): void {
  const lists: StoredList[] = data.store.snapshot().map((s) => ({
    record: s.record,
    claimed: encodeBase64Url(s.claimed),
    values: encodeBase64Url(s.values),
  }));
  const temp = join(data.dir, `.${randomBase64Url(8)}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify({ version: 1, uriBase: data.uriBase, lists }));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, join(data.dir, FILE));
  const dirFd = openSync(data.dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/**
 * Runs `change` on the status data under an exclusive lock (`status-lists.lock`, created with `wx`), and
 * saves the result before releasing it: load → change → save is one step for other `haven` processes.
 * A second process finds the lock and stops with a clear error rather than overwriting.
 */
export async function withStatusData<T>(
  dir: string,
  change: (data: StatusData) => Promise<T>,
  init?: { uriBase: string },
): Promise<T> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lock = join(dir, 'status-lists.lock');
  let fd: number;
  try {
    fd = openSync(lock, 'wx', 0o600);
  } catch {
    throw new CliError(
      'another haven process is changing the status lists (if none is, remove status-lists.lock in the data directory)',
    );
  }
  try {
    const fresh = init !== undefined && !existsSync(join(dir, FILE));
    const data = fresh ? createStatusData(dir, init.uriBase) : loadStatusData(dir);
    if (!fresh && init !== undefined) throw new CliError('the data directory already has a --uri-base');
    const result = await change(data);
    saveStatusData(data);
    return result;
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
}

/** The list id of a status list URI of this data, or a usage error. */
export function listIdForUri(data: StatusData, uri: unknown): string {
  const prefix = `${data.uriBase}/`;
  if (typeof uri !== 'string' || !uri.startsWith(prefix)) {
    throw new CliError('the credential’s status list is not one of this data directory');
  }
  return uri.slice(prefix.length);
}

/** A fetch response served from memory or a file (offline status lists: the CLI and the demo). */
export function staticResponse(url: string, status: number, body: Uint8Array, type: string): GuardedResponse {
  return {
    status,
    url,
    headers: { 'content-type': type },
    body,
    json: () => parseStrictJson(body),
    text: () => Buffer.from(body).toString('utf8'),
  };
}

/**
 * A fetcher for published status lists kept as files (`haven status publish` writes them with an
 * `index.json` of URI → file): offline verification answers exactly those URIs and nothing else — any
 * other URL is a 404, so an unknown list is unreachable and the check fails closed.
 */
export function publishedListsFetch(dir: string): GuardedFetch {
  let index: Record<string, string>;
  try {
    index = parseStrictJson(readFileSync(join(dir, 'index.json'), 'utf8')) as Record<string, string>;
  } catch {
    throw new CliError('the --status-dir has no readable index.json (written by haven status publish)');
  }
  return async (request) => {
    const url = typeof request === 'string' ? request : request.url;
    const file = Object.hasOwn(index, url) ? index[url] : undefined;
    if (typeof file !== 'string' || file.includes('/') || file.includes('\\')) {
      return staticResponse(url, 404, new Uint8Array(), 'text/plain');
    }
    return staticResponse(url, 200, readFileSync(join(dir, file)), 'application/statuslist+jwt');
  };
}
