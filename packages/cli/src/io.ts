import { chmodSync, linkSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
  // Size first, from the file system: a huge file or a device (/dev/zero) is refused before any read.
  let size: number;
  try {
    const info = statSync(path);
    if (!info.isFile()) throw new CliError(`the ${what} path is not a regular file`);
    size = info.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot read the ${what} file`);
  }
  if (size > MAX_INPUT_BYTES) throw new CliError(`the ${what} file is larger than 2 MiB`);
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
 * Writes a secret file with mode 0600, whole or not at all: a temporary file in the same directory,
 * then a hard link to the target name (which refuses to replace an existing file), then the temporary
 * name is removed. A crash leaves no file or the complete key, never a half-written one.
 */
export function writeSecretFile(path: string, content: string): void {
  const temp = join(dirname(path), `.${randomBase64Url(8)}.tmp`);
  try {
    writeFileSync(temp, content, { mode: 0o600, flag: 'wx' });
    chmodSync(temp, 0o600);
    // link() fails if the target exists, so a file created meanwhile is never overwritten.
    linkSync(temp, path);
  } catch (error) {
    throw new CliError(
      (error as NodeJS.ErrnoException).code === 'EEXIST'
        ? 'the key file exists already; it is never overwritten'
        : 'cannot write the key file',
    );
  } finally {
    rmSync(temp, { force: true });
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
