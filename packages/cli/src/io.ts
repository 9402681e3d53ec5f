import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseStrictJson, randomBase64Url } from '@haven/core';
import { CliError } from './cli-error.js';

/** Where a command writes: injected so tests can run the CLI in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<string>;
}

/** Largest input file accepted (credentials, claims, keys are a few KiB; a portrait fits in 1 MiB). */
const MAX_INPUT_BYTES = 2 * 1024 * 1024;

/** Reads a text file, or standard input for `-`. */
export async function readInput(path: string, io: CliIo, what: string): Promise<string> {
  if (path === '-') return io.readStdin();
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new CliError(`cannot read the ${what} file`);
  }
  if (bytes.byteLength > MAX_INPUT_BYTES) throw new CliError(`the ${what} file is larger than 2 MiB`);
  return bytes.toString('utf8');
}

/** Reads a JSON file strictly (no duplicate keys, no prototype keys); errors name the file kind only. */
export async function readJsonFile(path: string, io: CliIo, what: string): Promise<unknown> {
  const text = await readInput(path, io, what);
  try {
    return parseStrictJson(text, { maxBytes: MAX_INPUT_BYTES, what });
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new CliError(`the ${what} file is not valid JSON${code ? ` (${code})` : ''}`);
  }
}

/**
 * Writes a secret file atomically with mode 0600: a temporary file in the same directory, then a rename,
 * so a crash leaves the old file or the new one, never a half-written key.
 */
export function writeSecretFile(path: string, content: string): void {
  const temp = join(dirname(path), `.${randomBase64Url(8)}.tmp`);
  try {
    writeFileSync(temp, content, { mode: 0o600, flag: 'wx' });
    chmodSync(temp, 0o600);
    renameSync(temp, path);
  } catch {
    throw new CliError('cannot write the key file');
  }
}

/** Reads all of standard input (for `-`). */
export async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).byteLength;
    if (size > MAX_INPUT_BYTES) throw new CliError('standard input is larger than 2 MiB');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
