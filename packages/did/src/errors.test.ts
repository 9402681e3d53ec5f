import { HavenError } from '@haven/core';
import { describe, expect, test } from 'vitest';
import {
  DID_ERROR_CODES,
  didErrorCodeFromResolutionError,
  isDidError,
  resolutionErrorFromDidErrorCode,
} from './errors.js';

describe('DID Resolution error names ↔ Haven codes', () => {
  test.each([
    ['invalidDid', 'DID_INVALID'],
    ['invalidDidUrl', 'DID_URL_INVALID'],
    ['notFound', 'DID_NOT_FOUND'],
    ['invalidPublicKey', 'DID_INVALID_PUBLIC_KEY'],
    ['methodNotSupported', 'DID_METHOD_NOT_SUPPORTED'],
    ['unsupportedDidMethod', 'DID_METHOD_NOT_SUPPORTED'],
    ['representationNotSupported', 'DID_REPRESENTATION_NOT_SUPPORTED'],
    ['internalError', 'DID_RESOLUTION_FAILED'],
  ])('DID Resolution error %s → %s', (name, code) => {
    expect(didErrorCodeFromResolutionError(name)).toBe(code);
  });

  test('unknown, missing or prototype names never map to success-looking codes', () => {
    for (const name of ['somethingNew', undefined, 'constructor', '__proto__', 'toString']) {
      expect(didErrorCodeFromResolutionError(name)).toBe('DID_RESOLUTION_FAILED');
    }
  });

  test('every code maps back to a DID Resolution name; spec-named codes round-trip', () => {
    for (const code of DID_ERROR_CODES) {
      const name = resolutionErrorFromDidErrorCode(code);
      if (name !== 'internalError') expect(didErrorCodeFromResolutionError(name)).toBe(code);
    }
    expect(resolutionErrorFromDidErrorCode('DID_DOCUMENT_ID_MISMATCH')).toBe('internalError');
  });

  test('isDidError narrows on package codes only', () => {
    expect(isDidError(new HavenError('DID_NOT_FOUND', 'x'), 'DID_NOT_FOUND')).toBe(true);
    expect(isDidError(new HavenError('DID_NOT_FOUND', 'x'), 'DID_INVALID')).toBe(false);
    expect(isDidError(new HavenError('FETCH_TIMEOUT', 'x'))).toBe(false);
    expect(isDidError(new Error('x'))).toBe(false);
  });
});
