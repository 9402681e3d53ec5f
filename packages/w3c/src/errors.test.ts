import { readFileSync } from 'node:fs';
import { HavenError } from '@haven/core';
import { describe, expect, test } from 'vitest';
import { isW3cError, W3C_ERROR_CODES } from './errors.js';

describe('@haven/w3c error codes', () => {
  test('are unique and each is documented in docs/errors.md', () => {
    expect(new Set(W3C_ERROR_CODES).size).toBe(W3C_ERROR_CODES.length);
    const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    for (const code of W3C_ERROR_CODES) expect(docs, code).toContain(`\`${code}\``);
  });

  test('isW3cError narrows to this package’s codes', () => {
    expect(isW3cError(new HavenError('W3C_EXPIRED', 'x'))).toBe(true);
    expect(isW3cError(new HavenError('W3C_EXPIRED', 'x'), 'W3C_NOT_YET_VALID')).toBe(false);
    expect(isW3cError(new HavenError('JWS_MALFORMED', 'x'))).toBe(false);
    expect(isW3cError(new Error('W3C_EXPIRED'))).toBe(false);
  });
});
