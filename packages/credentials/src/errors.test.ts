import { HavenError, type HavenErrorCode } from '@haven/core';
import { describe, expect, expectTypeOf, test } from 'vitest';
import { CREDENTIALS_ERROR_CODES, type CredentialsErrorCode, isCredentialsError } from './errors.js';

describe('credentials error codes', () => {
  test('are registered in core’s HavenErrorCode union', () => {
    expectTypeOf<CredentialsErrorCode>().toExtend<HavenErrorCode>();
    expect(new HavenError('OVER_ASKING', 'x').code).toBe('OVER_ASKING');
  });

  test('include the codes other packages switch on', () => {
    for (const code of [
      'CREDENTIAL_TYPE_UNKNOWN',
      'CREDENTIAL_CLAIMS_INVALID',
      'PURPOSE_UNKNOWN',
      'OVER_ASKING',
      'PURPOSE_TYPE_NOT_ALLOWED',
    ]) {
      expect(CREDENTIALS_ERROR_CODES).toContain(code);
    }
  });

  test('isCredentialsError narrows on this package’s codes only', () => {
    expect(isCredentialsError(new HavenError('OVER_ASKING', 'x'))).toBe(true);
    expect(isCredentialsError(new HavenError('OVER_ASKING', 'x'), 'OVER_ASKING')).toBe(true);
    expect(isCredentialsError(new HavenError('OVER_ASKING', 'x'), 'PURPOSE_UNKNOWN')).toBe(false);
    expect(isCredentialsError(new HavenError('JSON_INVALID', 'x'))).toBe(false);
    expect(isCredentialsError(new Error('OVER_ASKING'))).toBe(false);
  });
});
