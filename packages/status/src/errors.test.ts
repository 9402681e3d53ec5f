import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { STATUS_ERROR_CODES } from './errors.js';

describe('@haven/status error codes', () => {
  test('are unique and each is documented in docs/errors.md', () => {
    expect(new Set(STATUS_ERROR_CODES).size).toBe(STATUS_ERROR_CODES.length);
    const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    for (const code of STATUS_ERROR_CODES) expect(docs, code).toContain(`\`${code}\``);
  });
});
