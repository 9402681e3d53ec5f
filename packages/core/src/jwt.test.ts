import { describe, expect, test } from 'vitest';
import { errorCode, P256_B } from '../test/fixtures/keys.js';
import { type Clock, createClock, fixedClock, systemClock } from './clock.js';
import { toPublicJwk } from './jwk.js';
import { signJwsSync } from './jws.js';
import { checkJwtTimes, verifyJwt } from './jwt.js';
import { createSigner } from './signer.js';

const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z
const clock = fixedClock(NOW); // default skew 60 s

describe('JWT time claims against one injected clock (RFC 7519 §4.1.4–§4.1.6)', () => {
  test('valid window passes', () => {
    expect(() => checkJwtTimes({ iat: NOW - 10, nbf: NOW - 10, exp: NOW + 600 }, { clock })).not.toThrow();
  });

  test('hostile input: iat in the future beyond the skew is rejected', () => {
    expect(errorCode(() => checkJwtTimes({ iat: NOW + 61 }, { clock }))).toBe('JWT_IAT_IN_FUTURE');
    expect(errorCode(() => checkJwtTimes({ iat: NOW + 60 }, { clock }))).toBeUndefined();
  });

  test('hostile input: exp = now is expired when no skew is allowed, and within skew otherwise', () => {
    expect(errorCode(() => checkJwtTimes({ exp: NOW }, { clock: fixedClock(NOW, { skewSeconds: 0 }) }))).toBe(
      'JWT_EXPIRED',
    );
    expect(errorCode(() => checkJwtTimes({ exp: NOW - 60 }, { clock }))).toBe('JWT_EXPIRED');
    expect(errorCode(() => checkJwtTimes({ exp: NOW - 59 }, { clock }))).toBeUndefined();
  });

  test('hostile input: nbf ahead of the clock is not yet valid', () => {
    expect(errorCode(() => checkJwtTimes({ nbf: NOW + 61 }, { clock }))).toBe('JWT_NOT_YET_VALID');
  });

  test('hostile input: a verifier clock 5 minutes off is not hidden by the default skew', () => {
    const fastClock = fixedClock(NOW + 300);
    expect(errorCode(() => checkJwtTimes({ exp: NOW + 200 }, { clock: fastClock }))).toBe('JWT_EXPIRED');
    const slowClock = fixedClock(NOW - 300);
    expect(errorCode(() => checkJwtTimes({ iat: NOW }, { clock: slowClock }))).toBe('JWT_IAT_IN_FUTURE');
    // …and a skew configured wide enough accepts it: the tolerance is a setting, not a constant.
    expect(
      errorCode(() => checkJwtTimes({ iat: NOW }, { clock: fixedClock(NOW - 300, { skewSeconds: 300 }) })),
    ).toBeUndefined();
  });

  test('required claims and NumericDate types', () => {
    expect(errorCode(() => checkJwtTimes({}, { clock, requireExp: true }))).toBe('JWT_CLAIM_MISSING');
    expect(errorCode(() => checkJwtTimes({}, { clock, requireIat: true }))).toBe('JWT_CLAIM_MISSING');
    expect(errorCode(() => checkJwtTimes({ exp: '1767225600' }, { clock }))).toBe('JWT_CLAIM_INVALID');
    expect(errorCode(() => checkJwtTimes({ exp: null }, { clock }))).toBe('JWT_CLAIM_INVALID');
    expect(errorCode(() => checkJwtTimes({ iat: -1 }, { clock }))).toBe('JWT_CLAIM_INVALID');
  });

  test('maxAgeSeconds rejects an old iat (e.g. a replayed proof)', () => {
    expect(errorCode(() => checkJwtTimes({ iat: NOW - 400 }, { clock, maxAgeSeconds: 300 }))).toBe(
      'JWT_TOO_OLD',
    );
    expect(errorCode(() => checkJwtTimes({ iat: NOW - 100 }, { clock, maxAgeSeconds: 300 }))).toBeUndefined();
    expect(errorCode(() => checkJwtTimes({}, { clock, maxAgeSeconds: 300 }))).toBe('JWT_CLAIM_MISSING');
  });

  test('verifyJwt checks signature then times', () => {
    const token = signJwsSync({ iat: NOW, exp: NOW + 10 }, { signer: createSigner(P256_B), typ: 'JWT' });
    const opts = { algorithms: ['ES256'] as const, typ: 'JWT', key: toPublicJwk(P256_B) };
    expect(verifyJwt(token, { ...opts, algorithms: ['ES256'], clock }).payload.exp).toBe(NOW + 10);
    expect(
      errorCode(() => verifyJwt(token, { ...opts, algorithms: ['ES256'], clock: fixedClock(NOW + 100) })),
    ).toBe('JWT_EXPIRED');
  });

  test('a broken clock fails closed: NaN time, missing skew, NaN maxAge → CLOCK_INVALID, never "valid"', () => {
    const expired = { exp: NOW - 3600 };
    expect(errorCode(() => checkJwtTimes(expired, { clock: createClock(() => Number.NaN) }))).toBe(
      'CLOCK_INVALID',
    );
    expect(errorCode(() => checkJwtTimes(expired, { clock: { now: () => NOW } as unknown as Clock }))).toBe(
      'CLOCK_INVALID',
    );
    expect(errorCode(() => checkJwtTimes(expired, { clock: { now: () => NOW, skewSeconds: 9999 } }))).toBe(
      'CLOCK_INVALID',
    );
    expect(errorCode(() => checkJwtTimes({ iat: 1 }, { clock, maxAgeSeconds: Number.NaN }))).toBe(
      'CLOCK_INVALID',
    );
    expect(errorCode(() => checkJwtTimes({ iat: 1 }, { clock, maxAgeSeconds: -5 }))).toBe('CLOCK_INVALID');
  });

  test('clock skew is validated: negative, NaN and over 10 minutes are refused', () => {
    expect(errorCode(() => systemClock({ skewSeconds: -1 }))).toBe('CLOCK_INVALID');
    expect(errorCode(() => fixedClock(NOW, { skewSeconds: Number.NaN }))).toBe('CLOCK_INVALID');
    expect(errorCode(() => createClock(() => NOW, { skewSeconds: 601 }))).toBe('CLOCK_INVALID');
    expect(systemClock().skewSeconds).toBe(60);
    expect(Math.abs(systemClock().now() - Date.now() / 1000)).toBeLessThan(5);
  });
});
