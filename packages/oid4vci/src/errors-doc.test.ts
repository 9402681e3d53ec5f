import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { OID4VCI_ERROR_RESPONSES } from './error-responses.js';
import { OID4VCI_ERROR_CODES } from './errors.js';

const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

/** The table row of docs/errors.md whose first cell is exactly this code. */
function rowOf(code: string): string | undefined {
  return docs.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
}

/** The last cell of a table row, trimmed. */
function lastCell(row: string): string | undefined {
  return row
    .split('|')
    .map((cell) => cell.trim())
    .filter((cell) => cell !== '')
    .at(-1);
}

describe('@haven/oid4vci error codes in docs/errors.md', () => {
  test('are unique, and each has its own row in docs/errors.md', () => {
    expect(new Set(OID4VCI_ERROR_CODES).size).toBe(OID4VCI_ERROR_CODES.length);
    for (const code of OID4VCI_ERROR_CODES) expect(rowOf(code), code).toBeDefined();
  });

  test('each row states the HTTP answer of OID4VCI_ERROR_RESPONSES (status and `error`), or — for client codes', () => {
    for (const code of OID4VCI_ERROR_CODES) {
      const row = rowOf(code) ?? '';
      const response = OID4VCI_ERROR_RESPONSES[code];
      const expected = response === undefined ? '—' : `${response.status} \`${response.error}\``;
      expect(lastCell(row), code).toBe(expected);
    }
  });
});
