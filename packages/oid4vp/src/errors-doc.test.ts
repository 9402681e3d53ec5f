import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { OID4VP_ERROR_CODES } from './errors.js';

const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

describe('@haven/oid4vp error codes in docs/errors.md', () => {
  test('are unique, and each has its own row in docs/errors.md', () => {
    expect(new Set(OID4VP_ERROR_CODES).size).toBe(OID4VP_ERROR_CODES.length);
    for (const code of OID4VP_ERROR_CODES) {
      const rows = docs.split('\n').filter((line) => line.startsWith(`| \`${code}\` |`));
      expect(rows, code).toHaveLength(1);
    }
  });
});
