import { describe, expect, expectTypeOf, test } from 'vitest';
import {
  CORE_ERROR_CODES,
  type CoreErrorCode,
  HavenError,
  type HavenErrorCode,
  isHavenError,
} from './errors.js';

describe('HavenError codes form one closed, typed set', () => {
  test('isHavenError narrows to the listed codes', () => {
    const error: unknown = new HavenError('JWT_EXPIRED', 'token has expired');
    expect(isHavenError(error, 'JWT_EXPIRED', 'JWT_NOT_YET_VALID')).toBe(true);
    expect(isHavenError(error, 'JWS_SIGNATURE_INVALID')).toBe(false);
    expect(isHavenError(new Error('x'))).toBe(false);
    if (isHavenError(error, 'JWT_EXPIRED', 'JWT_NOT_YET_VALID')) {
      expectTypeOf(error.code).toEqualTypeOf<'JWT_EXPIRED' | 'JWT_NOT_YET_VALID'>();
    }
  });

  test('a misspelt code does not compile', () => {
    // @ts-expect-error not a Haven error code
    expect(isHavenError(new Error('x'), 'JWT_EXPIRD')).toBe(false);
    // @ts-expect-error not a Haven error code
    expect(new HavenError('NOT_A_CODE', 'x').code).toBe('NOT_A_CODE');
  });

  test('every core code is a HavenErrorCode and the list has no duplicates', () => {
    expectTypeOf<CoreErrorCode>().toExtend<HavenErrorCode>();
    expect(new Set(CORE_ERROR_CODES).size).toBe(CORE_ERROR_CODES.length);
  });
});
