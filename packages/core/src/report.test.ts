import { describe, expect, test } from 'vitest';
import { HavenError } from './errors.js';
import { verifyWithReport, verifyWithReportSync } from './report.js';

describe('verify reports', () => {
  test('success carries the value and every passed check', async () => {
    const result = await verifyWithReport(async (log) => {
      log.run('signature', () => true);
      await log.runAsync('status', async () => 'valid');
      return { claims: { a: 1 } };
    });
    expect(result).toEqual({
      verified: true,
      claims: { a: 1 },
      checks: [
        { name: 'signature', ok: true },
        { name: 'status', ok: true },
      ],
    });
  });

  test('the first failure stops verification (fail closed) and names its code', () => {
    let reachedLater = false;
    const result = verifyWithReportSync((log) => {
      log.run('signature', () => true);
      log.run('typ', () => {
        throw new HavenError('JWS_TYP_MISMATCH', 'wrong typ');
      });
      reachedLater = true;
      return {};
    });
    expect(reachedLater).toBe(false);
    expect(result).toEqual({
      verified: false,
      error: { code: 'JWS_TYP_MISMATCH', message: 'wrong typ' },
      checks: [
        { name: 'signature', ok: true },
        { name: 'typ', ok: false, code: 'JWS_TYP_MISMATCH' },
      ],
    });
  });

  test('an unexpected error becomes INTERNAL_ERROR without leaking its message', async () => {
    const result = await verifyWithReport(() => {
      throw new TypeError('Cannot read given_name of Amina');
    });
    expect(result.verified).toBe(false);
    if (!result.verified) {
      expect(result.error.code).toBe('INTERNAL_ERROR');
      expect(JSON.stringify(result)).not.toContain('Amina');
    }
  });

  test('HavenError.toJSON has no stack or cause', () => {
    const error = new HavenError('JWT_EXPIRED', 'token has expired', {
      cause: new Error('secret'),
      details: { n: 1 },
    });
    expect(JSON.stringify(error)).toBe(
      '{"name":"HavenError","code":"JWT_EXPIRED","message":"token has expired","details":{"n":1}}',
    );
  });
});

test('a success report cannot carry an error member (type-level guard)', async () => {
  // @ts-expect-error `error` belongs to failure reports only
  await verifyWithReport(() => ({ error: { code: 'X' } }));
});
