import {
  createClock,
  createSigner,
  type GuardedFetch,
  type GuardedRequest,
  type GuardedResponse,
  HavenError,
  type PublicJwk,
  toPublicJwk,
} from '@haven/core';
import { describe, expect, it } from 'vitest';
import { ISSUER_A_PRIVATE_JWK, ISSUER_B_PRIVATE_JWK } from '../../test/token-fixtures/keys.js';
import type { StaleListPolicy } from '../policy.js';
import { signStatusListToken } from './sign-status-list-token.js';
import { StatusList } from './status-list.js';
import { createTokenStatusListChecker } from './token-status-list-checker.js';

const URI = 'https://issuer-a.example/statuslists/1';
const ISS_A = 'https://issuer-a.example';
const ISS_B = 'https://issuer-b.example';
const T0 = 1_767_225_600;
const signerA = createSigner(ISSUER_A_PRIVATE_JWK);
const signerB = createSigner(ISSUER_B_PRIVATE_JWK);
const KEYS: Record<string, PublicJwk> = {
  [ISS_A]: toPublicJwk(ISSUER_A_PRIVATE_JWK),
  [ISS_B]: toPublicJwk(ISSUER_B_PRIVATE_JWK),
};
const code = (c: string) => expect.objectContaining({ code: c });
const ref = (idx: unknown, uri: unknown = URI) => ({ status_list: { idx, uri } });
const claimsA = { iss: ISS_A };

function statuses(): StatusList {
  const list = new StatusList(16, 2);
  list.set(1, 1);
  list.set(2, 2);
  list.set(3, 3);
  return list;
}

function response(body: string, status = 200, type = 'application/statuslist+jwt'): GuardedResponse {
  const bytes = new TextEncoder().encode(body);
  return {
    status,
    url: URI,
    headers: { 'content-type': type },
    body: bytes,
    json: () => JSON.parse(body),
    text: () => body,
  };
}

/** An in-memory list server: `serve` decides each answer; every request is recorded. */
function setup(options: { policy?: StaleListPolicy; allowedValues?: number[] } = {}) {
  const time = { now: T0 };
  const clock = createClock(() => time.now);
  const requests: GuardedRequest[] = [];
  const server = {
    serve: async (): Promise<GuardedResponse> =>
      response(
        await signStatusListToken(statuses(), {
          signer: signerA,
          sub: URI,
          iss: ISS_A,
          iat: time.now,
          exp: time.now + 3600,
          ttl: 300,
        }),
      ),
  };
  const fetch: GuardedFetch = async (req) => {
    requests.push(typeof req === 'string' ? { url: req } : req);
    return server.serve();
  };
  const check = createTokenStatusListChecker({
    fetch,
    clock,
    issuerKey: (_header, _list, claims) => KEYS[claims.iss as string] as PublicJwk,
    ...options,
  });
  return { time, requests, server, check };
}

describe('status-list §8.3 verifier check (createTokenStatusListChecker)', () => {
  it('status-list §8.1, §8.3: a VALID entry passes, fetched with Accept application/statuslist+jwt', async () => {
    const { check, requests } = setup();
    await expect(check(ref(0), claimsA)).resolves.toEqual({
      mechanism: 'token-status-list',
      status: 'VALID',
      stale: false,
    });
    expect(requests).toEqual([{ url: URI, headers: { accept: 'application/statuslist+jwt' } }]);
  });

  it('status-list §7.1: INVALID throws STATUS_INVALID, SUSPENDED throws STATUS_SUSPENDED', async () => {
    const { check } = setup();
    await expect(check(ref(1), claimsA)).rejects.toThrow(code('STATUS_INVALID'));
    await expect(check(ref(2), claimsA)).rejects.toThrow(code('STATUS_SUSPENDED'));
  });

  it('status-list §7.1: application-specific 3 is STATUS_UNKNOWN_VALUE unless the caller allows it', async () => {
    await expect(setup().check(ref(3), claimsA)).rejects.toThrow(code('STATUS_UNKNOWN_VALUE'));
    await expect(setup({ allowedValues: [3] }).check(ref(3), claimsA)).resolves.toMatchObject({ status: 3 });
    expect(() => setup({ allowedValues: [1] })).toThrow(code('STATUS_POLICY_INVALID'));
  });

  it('status-list §6.2 / hostile input: idx −1, 1.5, "0", NaN and ≥ size are rejected, never VALID', async () => {
    const { check, requests } = setup();
    for (const idx of [-1, 1.5, '0', Number.NaN, null]) {
      await expect(check(ref(idx), claimsA)).rejects.toThrow(code('STATUS_INDEX_OUT_OF_RANGE'));
    }
    expect(requests).toHaveLength(0);
    for (const idx of [64, 65, 2 ** 31]) {
      await expect(check(ref(idx), claimsA)).rejects.toThrow(code('STATUS_INDEX_OUT_OF_RANGE'));
    }
  });

  it('status-list §6.2: a missing status_list, idx or uri, an http uri or one with a fragment is STATUS_REFERENCE_INVALID', async () => {
    const { check, requests } = setup();
    const bad = [
      undefined,
      {},
      { status_list: 'x' },
      { status_list: { uri: URI } },
      { status_list: { idx: 0 } },
      ref(0, 'http://issuer-a.example/statuslists/1'),
      ref(0, `${URI}#frag`),
      ref(0, 'https://user:pw@issuer-a.example/1'),
      ref(0, 'not a uri'),
    ];
    for (const status of bad)
      await expect(check(status, claimsA)).rejects.toThrow(code('STATUS_REFERENCE_INVALID'));
    expect(requests).toHaveLength(0);
  });

  it('status-list §13.7: the list is cached until iat + ttl, then fetched again; concurrent checks share one fetch', async () => {
    const { check, requests, time } = setup();
    await Promise.all([check(ref(0), claimsA), check(ref(0), claimsA), check(ref(4), claimsA)]);
    expect(requests).toHaveLength(1);
    time.now += 299;
    await check(ref(0), claimsA);
    expect(requests).toHaveLength(1);
    time.now += 1;
    await check(ref(0), claimsA);
    expect(requests).toHaveLength(2);
  });

  it('hostile input: a list signed by another issuer is refused (signature), and a cached list is not reused for another issuer', async () => {
    const { check, server } = setup();
    server.serve = async () =>
      response(await signStatusListToken(statuses(), { signer: signerB, sub: URI, iss: ISS_A, iat: T0 }));
    await expect(check(ref(0), claimsA)).rejects.toThrow(code('STATUS_LIST_SIGNATURE_INVALID'));

    const second = setup();
    await second.check(ref(0), claimsA);
    // Issuer B's credential points at issuer A's list: B's key must sign it, and A's `iss` is not B.
    await expect(second.check(ref(0), { iss: ISS_B })).rejects.toThrow(code('STATUS_LIST_SIGNATURE_INVALID'));
    second.server.serve = async () =>
      response(await signStatusListToken(statuses(), { signer: signerB, sub: URI, iss: ISS_A, iat: T0 }));
    second.time.now += 31;
    await expect(second.check(ref(0), { iss: ISS_B })).rejects.toThrow(code('STATUS_LIST_ISSUER_MISMATCH'));
  });

  it('hostile input: sub ≠ uri, wrong content type and a non-2xx answer are refused', async () => {
    const a = setup();
    a.server.serve = async () =>
      response(
        await signStatusListToken(statuses(), { signer: signerA, sub: `${URI}/x`, iss: ISS_A, iat: T0 }),
      );
    await expect(a.check(ref(0), claimsA)).rejects.toThrow(code('STATUS_LIST_SUBJECT_MISMATCH'));
    const b = setup();
    b.server.serve = async () =>
      response(
        await signStatusListToken(statuses(), { signer: signerA, sub: URI, iss: ISS_A, iat: T0 }),
        200,
        'application/jwt',
      );
    await expect(b.check(ref(0), claimsA)).rejects.toThrow(code('STATUS_LIST_TOKEN_INVALID'));
    const c = setup();
    c.server.serve = async () => response('not found', 404, 'text/plain');
    await expect(c.check(ref(0), claimsA)).rejects.toThrow(code('STATUS_LIST_UNREACHABLE'));
  });

  it('hostile input: an unreachable list is STATUS_LIST_UNREACHABLE under fail-closed, and the failure is remembered', async () => {
    const { check, server, requests, time } = setup();
    await check(ref(0), claimsA);
    server.serve = async () => {
      throw new HavenError('FETCH_NETWORK', 'connection refused');
    };
    time.now += 301;
    for (let i = 0; i < 5; i++)
      await expect(check(ref(0), claimsA)).rejects.toThrow(code('STATUS_LIST_UNREACHABLE'));
    expect(requests).toHaveLength(2);
    time.now += 30;
    await expect(check(ref(0), claimsA)).rejects.toThrow(code('STATUS_LIST_UNREACHABLE'));
    expect(requests).toHaveLength(3);
  });

  it('hostile input: allow-stale uses the last verified list within the bound (stale: true), and fails past it', async () => {
    const { check, server, time } = setup({ policy: { mode: 'allow-stale', maxStaleSeconds: 600 } });
    await check(ref(0), claimsA);
    server.serve = async () => {
      throw new HavenError('FETCH_TIMEOUT', 'timeout');
    };
    time.now += 300 + 600;
    await expect(check(ref(0), claimsA)).resolves.toEqual({
      mechanism: 'token-status-list',
      status: 'VALID',
      stale: true,
    });
    await expect(check(ref(1), claimsA)).rejects.toThrow(code('STATUS_INVALID'));
    time.now += 1;
    await expect(check(ref(0), claimsA)).rejects.toThrow(code('STATUS_LIST_UNREACHABLE'));
  });

  it('hostile input: a fetch that hangs and then fails cannot stretch the allow-stale bound', async () => {
    const { check, server, time } = setup({ policy: { mode: 'allow-stale', maxStaleSeconds: 60 } });
    await check(ref(0), claimsA);
    time.now += 300 + 30; // 30 s past freshness: within the bound when the check starts…
    server.serve = async () => {
      time.now += 300; // …but the fetch takes five minutes before failing.
      throw new HavenError('FETCH_TIMEOUT', 'timeout');
    };
    await expect(check(ref(0), claimsA)).rejects.toThrow(code('STATUS_LIST_UNREACHABLE'));
  });

  it('hostile input: an expired list is STATUS_LIST_EXPIRED under fail-closed, stale under allow-stale within the bound', async () => {
    const expired = async () =>
      response(
        await signStatusListToken(statuses(), {
          signer: signerA,
          sub: URI,
          iss: ISS_A,
          iat: T0 - 7200,
          exp: T0 - 1000,
        }),
      );
    const closed = setup();
    closed.server.serve = expired;
    await expect(closed.check(ref(0), claimsA)).rejects.toThrow(code('STATUS_LIST_EXPIRED'));
    const open = setup({ policy: { mode: 'allow-stale', maxStaleSeconds: 3600 } });
    open.server.serve = expired;
    await expect(open.check(ref(0), claimsA)).resolves.toMatchObject({ status: 'VALID', stale: true });
    await expect(open.check(ref(0), claimsA)).resolves.toMatchObject({ stale: true });
    expect(open.requests).toHaveLength(1);
    const tight = setup({ policy: { mode: 'allow-stale', maxStaleSeconds: 60 } });
    tight.server.serve = expired;
    await expect(tight.check(ref(0), claimsA)).rejects.toThrow(code('STATUS_LIST_EXPIRED'));
  });

  it('allow-stale never papers over a list that fails verification', async () => {
    const { check, server, time } = setup({ policy: { mode: 'allow-stale', maxStaleSeconds: 3600 } });
    await check(ref(0), claimsA);
    server.serve = async () =>
      response(await signStatusListToken(statuses(), { signer: signerB, sub: URI, iss: ISS_A, iat: T0 }));
    time.now += 301;
    await expect(check(ref(0), claimsA)).rejects.toThrow(code('STATUS_LIST_SIGNATURE_INVALID'));
  });

  it('privacy: error messages never carry the list uri or the index', async () => {
    const { check } = setup();
    const errors: unknown[] = [];
    for (const status of [ref(1), ref(2), ref(99), ref(-1), ref(0, `${URI}#x`)]) {
      await check(status, claimsA).catch((e: unknown) => errors.push(e));
    }
    expect(errors).toHaveLength(5);
    for (const e of errors) {
      const text = `${(e as Error).message} ${JSON.stringify((e as HavenError).details ?? {})}`;
      expect(text).not.toContain('issuer-a.example');
      expect(text).not.toMatch(/\b(99|-1)\b/);
    }
  });
});
