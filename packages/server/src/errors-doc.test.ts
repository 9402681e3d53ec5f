import { readFileSync } from 'node:fs';
import { HavenError, type HavenErrorCode } from '@haven/core';
import { describe, expect, test } from 'vitest';
import { SERVER_ERROR_CODES } from './errors.js';
import { mapHttpError, mappedErrorCodes } from './http/error-table.js';
import { SERVER_HTTP_ERROR_CODES } from './http/http-errors.js';
import { ISSUER_ERROR_CODES } from './issuer/errors.js';
import { SERVER_RUN_ERROR_CODES } from './run/run-errors.js';

const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

const CODE_LISTS: Readonly<Record<string, readonly string[]>> = {
  'store (src/errors.ts)': SERVER_ERROR_CODES,
  'issuer (src/issuer/errors.ts)': ISSUER_ERROR_CODES,
  'HTTP (src/http/http-errors.ts)': SERVER_HTTP_ERROR_CODES,
  'run (src/run/run-errors.ts)': SERVER_RUN_ERROR_CODES,
};

const HTTP_SECTION_HEADING = '### HTTP answers';

/** The rows of the HTTP answers table: status, `error` and the codes answered that way. */
function httpAnswerRows(): { status: number; error: string; codes: string[] }[] {
  const start = docs.indexOf(HTTP_SECTION_HEADING);
  if (start < 0) return [];
  const rest = docs.slice(start + HTTP_SECTION_HEADING.length);
  const end = rest.search(/\n#{2,3} /);
  const section = end < 0 ? rest : rest.slice(0, end);
  const rows: { status: number; error: string; codes: string[] }[] = [];
  for (const line of section.split('\n')) {
    const match = /^\| (\d{3}) \| `([a-z_]+)` \| (.*) \|$/.exec(line);
    if (match === null) continue;
    const codes = [...(match[3] ?? '').matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1] as string);
    rows.push({ status: Number(match[1]), error: match[2] as string, codes });
  }
  return rows;
}

describe('@haven/server error codes in docs/errors.md', () => {
  test('are unique across the store, issuer, HTTP and run lists, and each is documented', () => {
    const all = Object.values(CODE_LISTS).flat();
    expect(new Set(all).size).toBe(all.length);
    for (const [list, codes] of Object.entries(CODE_LISTS)) {
      for (const code of codes) expect(docs, `${list}: ${code}`).toContain(`| \`${code}\` |`);
    }
  });

  test('the HTTP answers table lists every code of the error table, each in one row', () => {
    const rows = httpAnswerRows();
    expect(rows.length).toBeGreaterThan(0);
    const documented = rows.flatMap((row) => row.codes);
    expect(new Set(documented).size, 'a code in two rows').toBe(documented.length);
    for (const code of mappedErrorCodes()) expect(documented, code).toContain(code);
  });

  test('each code in the HTTP answers table is answered with the status and `error` of its row', () => {
    const known = new Set<string>([...mappedErrorCodes(), ...Object.values(CODE_LISTS).flat()]);
    for (const row of httpAnswerRows()) {
      for (const code of row.codes) {
        expect(known.has(code), `${code} is neither mapped nor a server code`).toBe(true);
        const mapping = mapHttpError(new HavenError(code as HavenErrorCode, 'x'));
        expect({ code, status: mapping.status, error: mapping.error }).toEqual({
          code,
          status: row.status,
          error: row.error,
        });
      }
    }
  });
});
