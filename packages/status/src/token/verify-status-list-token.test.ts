import { createSigner, fixedClock, signJws, toPublicJwk } from '@haven/core';
import { describe, expect, it } from 'vitest';
import {
  DRAFT_EXAMPLE_PUBLIC_JWK,
  DRAFT_EXAMPLE_TOKEN,
  ISSUER_A_PRIVATE_JWK,
  ISSUER_B_PRIVATE_JWK,
} from '../../test/token-fixtures/keys.js';
import { encodeStatusList } from './encode-status-list.js';
import { signStatusListToken } from './sign-status-list-token.js';
import { StatusList } from './status-list.js';
import { verifyStatusListToken } from './verify-status-list-token.js';

const URI = 'https://issuer.example/statuslists/1';
const ISS = 'https://issuer.example';
const T = 1_767_225_600;
const signerA = createSigner(ISSUER_A_PRIVATE_JWK, { kid: 'a' });
const signerB = createSigner(ISSUER_B_PRIVATE_JWK);
const keyA = toPublicJwk(ISSUER_A_PRIVATE_JWK);
const clock = fixedClock(T);

function list(): StatusList {
  const l = new StatusList(64, 2);
  l.set(3, 1);
  l.set(5, 2);
  return l;
}

const verify = (token: string, extra: Record<string, unknown> = {}) =>
  verifyStatusListToken(token, { key: keyA, expectedSub: URI, expectedIssuer: ISS, clock, ...extra });

const code = (c: string) => expect.objectContaining({ code: c });

describe('status-list §5.1 Status List Token in JWT format', () => {
  it('status-list §5.1: the draft example token verifies with its key at 1686920170 and decodes to b9a3', async () => {
    const result = await verifyStatusListToken(DRAFT_EXAMPLE_TOKEN, {
      key: DRAFT_EXAMPLE_PUBLIC_JWK,
      expectedSub: 'https://example.com/statuslists/1',
      expectedIssuer: 'https://example.com',
      clock: fixedClock(1_686_920_170),
    });
    expect(result.header).toMatchObject({ typ: 'statuslist+jwt', kid: '12', alg: 'ES256' });
    expect(result).toMatchObject({ iat: 1_686_920_170, exp: 2_291_720_170, ttl: 43_200, stale: false });
    expect(result.list.bits).toBe(1);
    const expected = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1];
    expect(expected.map((_, i) => result.list.get(i))).toEqual(expected);
  });

  it('status-list §5.1: a token Haven signs has typ statuslist+jwt and sub, iat, exp, ttl, status_list', async () => {
    const token = await signStatusListToken(list(), {
      signer: signerA,
      sub: URI,
      iss: ISS,
      clock,
      exp: T + 3600,
      ttl: 300,
    });
    const result = await verify(token);
    expect(result.header).toMatchObject({ typ: 'statuslist+jwt', kid: 'a' });
    expect(result.payload).toEqual({
      sub: URI,
      iat: T,
      iss: ISS,
      exp: T + 3600,
      ttl: 300,
      status_list: encodeStatusList(list()),
    });
    expect([result.list.get(3), result.list.get(5), result.list.get(4)]).toEqual([1, 2, 0]);
  });

  it('status-list §5.1 rule 2 / hostile input: a list signed by another key is STATUS_LIST_SIGNATURE_INVALID', async () => {
    const token = await signStatusListToken(list(), { signer: signerB, sub: URI, iss: ISS, clock });
    await expect(verify(token)).rejects.toThrow(code('STATUS_LIST_SIGNATURE_INVALID'));
    const good = await signStatusListToken(list(), { signer: signerA, sub: URI, iss: ISS, clock });
    const tampered = `${good.slice(0, -6)}${good.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA'}`;
    await expect(verify(tampered)).rejects.toThrow(code('STATUS_LIST_SIGNATURE_INVALID'));
  });

  it('status-list §5.1 / hostile input: typ other than statuslist+jwt is STATUS_LIST_TOKEN_INVALID', async () => {
    const payload = { sub: URI, iat: T, status_list: encodeStatusList(list()) };
    for (const typ of ['JWT', 'dc+sd-jwt', undefined]) {
      const token = await signJws(payload, { signer: signerA, ...(typ ? { typ } : {}) });
      await expect(verify(token)).rejects.toThrow(code('STATUS_LIST_TOKEN_INVALID'));
    }
  });

  it('status-list §8.3 step 4a / hostile input: sub ≠ the credential uri is STATUS_LIST_SUBJECT_MISMATCH', async () => {
    const token = await signStatusListToken(list(), { signer: signerA, sub: `${URI}0`, iss: ISS, clock });
    await expect(verify(token)).rejects.toThrow(code('STATUS_LIST_SUBJECT_MISMATCH'));
  });

  it('status-list §11.3 / hostile input: iss of another issuer is STATUS_LIST_ISSUER_MISMATCH', async () => {
    const token = await signStatusListToken(list(), {
      signer: signerA,
      sub: URI,
      iss: 'https://other.example',
      clock,
    });
    await expect(verify(token)).rejects.toThrow(code('STATUS_LIST_ISSUER_MISMATCH'));
    await expect(verify(token, { expectedIssuer: undefined })).rejects.toThrow(
      code('STATUS_LIST_ISSUER_MISMATCH'),
    );
  });

  it('status-list §5.1: missing iat, missing status_list, ttl 0 / negative / string are STATUS_LIST_TOKEN_INVALID', async () => {
    const base = { sub: URI, iat: T, status_list: encodeStatusList(list()) };
    const bad = [
      { sub: URI, status_list: base.status_list },
      { sub: URI, iat: T },
      { ...base, ttl: 0 },
      { ...base, ttl: -5 },
      { ...base, ttl: '60' },
      { ...base, iat: 'yesterday' },
      { ...base, iat: T + 3600 },
      { ...base, exp: 'soon' },
    ];
    for (const payload of bad) {
      const token = await signJws(payload, { signer: signerA, typ: 'statuslist+jwt' });
      await expect(verify(token)).rejects.toThrow(code('STATUS_LIST_TOKEN_INVALID'));
    }
  });

  it('status-list §8.3 step 4c / hostile input: an expired list is STATUS_LIST_EXPIRED under fail-closed', async () => {
    const token = await signStatusListToken(list(), {
      signer: signerA,
      sub: URI,
      iss: ISS,
      iat: T - 7200,
      exp: T - 3600,
    });
    await expect(verify(token)).rejects.toThrow(code('STATUS_LIST_EXPIRED'));
    await expect(verify(token, { policy: { mode: 'allow-stale', maxStaleSeconds: 60 } })).rejects.toThrow(
      code('STATUS_LIST_EXPIRED'),
    );
    const stale = await verify(token, { policy: { mode: 'allow-stale', maxStaleSeconds: 7200 } });
    expect(stale.stale).toBe(true);
  });

  it('status-list §4.1 step 1: a token whose status_list has bits 3 is STATUS_BITS_INVALID', async () => {
    const token = await signJws(
      { sub: URI, iat: T, status_list: { bits: 3, lst: 'eNo76fITAAPfAgc' } },
      { signer: signerA, typ: 'statuslist+jwt' },
    );
    await expect(verify(token)).rejects.toThrow(code('STATUS_BITS_INVALID'));
  });

  it('status-list §5.1: signing refuses a non-https sub, exp before iat and a non-positive ttl', async () => {
    await expect(
      signStatusListToken(list(), { signer: signerA, sub: 'http://x.example/1', iat: T }),
    ).rejects.toThrow(code('STATUS_REFERENCE_INVALID'));
    await expect(signStatusListToken(list(), { signer: signerA, sub: URI, iat: T, exp: T })).rejects.toThrow(
      code('STATUS_LIST_TOKEN_INVALID'),
    );
    await expect(signStatusListToken(list(), { signer: signerA, sub: URI, iat: T, ttl: 0 })).rejects.toThrow(
      code('STATUS_LIST_TOKEN_INVALID'),
    );
    await expect(signStatusListToken(list(), { signer: signerA, sub: URI })).rejects.toThrow(
      code('STATUS_LIST_TOKEN_INVALID'),
    );
  });

  it('status-list §13.4: a large list token (a million random 2-bit statuses, >256 KiB) verifies; maxTokenLength caps it', async () => {
    const big = new StatusList(1_000_000, 2);
    let x = 12_345;
    for (let i = 0; i < big.bytes.length; i++) {
      x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
      big.bytes[i] = x >>> 24;
    }
    const token = await signStatusListToken(big, { signer: signerA, sub: URI, iss: ISS, clock });
    expect(token.length).toBeGreaterThan(256 * 1024);
    const result = await verify(token);
    expect(result.list.get(999_999)).toBe(big.get(999_999));
    await expect(verify(token, { maxTokenLength: 256 * 1024 })).rejects.toThrow(
      code('STATUS_LIST_TOKEN_INVALID'),
    );
  });
});
