import { expect, test } from 'vitest';
import { runDemo } from './demo.js';

test('the foundation demo reaches every expected verdict, with the expected refusal codes', async () => {
  const result = await runDemo();
  expect(result.steps.map((s) => [s.outcome, s.code ?? null])).toEqual([
    ['accepted', null],
    ['accepted', null],
    ['refused', 'JWS_SIGNATURE_INVALID'],
    ['refused', 'JWS_ALG_NOT_ALLOWED'],
    ['refused', 'JWS_SIGNATURE_INVALID'],
    ['refused', 'JWS_TYP_MISMATCH'],
    ['refused', 'JWT_EXPIRED'],
    ['refused', 'FETCH_ADDRESS_BLOCKED'],
    ['refused', 'JWS_HEADER_KEY_NOT_ALLOWED'],
  ]);
  expect(result.ok).toBe(true);
});
