import { gzipSync } from 'node:zlib';
import { createClock, type GuardedFetch, type GuardedResponse, HavenError } from '@haven/core';
import { describe, expect, it } from 'vitest';
import type { StaleListPolicy } from '../policy.js';
import { Bitstring } from './bitstring.js';
import { createBitstringStatusListCredential } from './list-credential.js';
import { createBitstringStatusChecker } from './status-checker.js';
import { bitstringStatusEntry } from './status-entry.js';
import type { BitstringStatusPurpose } from './status-purpose.js';
import type { VerifyBitstringList } from './verify-list-with-w3c.js';

const ISSUER = 'did:example:registry';
const URL_A = 'https://status.example/lists/a';
const T0 = Date.UTC(2026, 5, 1) / 1000;
const credential = { issuer: ISSUER };

/** An in-memory list host: what each URL serves, and how often it was asked. */
function host() {
  const served = new Map<string, { status: number; type: string; body: string } | 'down'>();
  let calls = 0;
  const fetch: GuardedFetch = async (req) => {
    calls++;
    const url = typeof req === 'string' ? req : req.url;
    const s = served.get(url);
    if (s === undefined || s === 'down') throw new HavenError('FETCH_NETWORK', 'down');
    const body = new TextEncoder().encode(s.body);
    const response: GuardedResponse = {
      status: s.status,
      url,
      headers: { 'content-type': s.type },
      body,
      text: () => s.body,
      json: () => JSON.parse(s.body),
    };
    return response;
  };
  return {
    fetch,
    calls: () => calls,
    serve(url: string, doc: unknown, type = 'application/vc') {
      served.set(url, { status: 200, type, body: JSON.stringify(doc) });
    },
    fail(url: string, status?: number) {
      served.set(url, status === undefined ? 'down' : { status, type: 'text/plain', body: 'no' });
    },
  };
}

/** Stands in for the signature check: a document marked `forged` fails, anything else verifies. */
const verifyList: VerifyBitstringList = async (doc) => {
  const d = doc as Record<string, unknown>;
  if (d.forged === true) throw new HavenError('STATUS_LIST_SIGNATURE_INVALID', 'bad signature');
  return { credential: d, issuer: d.issuer as string };
};

function listDoc(
  options: {
    set?: number[];
    purpose?: BitstringStatusPurpose;
    issuer?: string;
    id?: string;
    validUntil?: Date;
    validFrom?: Date;
    ttl?: number;
  } = {},
): Record<string, unknown> {
  const list = new Bitstring();
  for (const i of options.set ?? []) list.set(i, 1);
  return createBitstringStatusListCredential({
    id: options.id ?? URL_A,
    issuer: options.issuer ?? ISSUER,
    statusPurpose: options.purpose ?? 'revocation',
    list,
    validFrom: options.validFrom ?? new Date((T0 - 3600) * 1000),
    ...(options.validUntil ? { validUntil: options.validUntil } : {}),
    ...(options.ttl ? { ttl: options.ttl } : {}),
  }) as unknown as Record<string, unknown>;
}

function setup(policy?: StaleListPolicy) {
  let now = T0;
  const h = host();
  const clock = createClock(() => now);
  const check = createBitstringStatusChecker({
    fetch: h.fetch,
    verifyList,
    clock,
    ...(policy ? { policy } : {}),
  });
  return { h, check, advance: (s: number) => (now += s) };
}

const entry = (index: number, statusPurpose: BitstringStatusPurpose = 'revocation', url = URL_A) =>
  bitstringStatusEntry({ listCredential: url, index, statusPurpose });

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code ?? 'NOT_HAVEN_ERROR';
  }
  return undefined;
}

const VALID = { mechanism: 'bitstring-status-list', status: 'VALID', stale: false };
const STALE = { ...VALID, stale: true };

describe('createBitstringStatusChecker (Bitstring Status List §3 validate algorithm)', () => {
  it('bitstring-status-list §3: bit 0 is VALID; a set revocation bit is STATUS_REVOKED', async () => {
    const { h, check } = setup();
    h.serve(URL_A, listDoc({ set: [5] }));
    expect(await check(entry(4), credential)).toEqual(VALID);
    expect(await codeOf(check(entry(5), credential))).toBe('STATUS_REVOKED');
  });

  it('bitstring-status-list §3: a set suspension bit is STATUS_SUSPENDED', async () => {
    const { h, check } = setup();
    h.serve(URL_A, listDoc({ set: [131_071], purpose: 'suspension' }));
    expect(await codeOf(check(entry(131_071, 'suspension'), credential))).toBe('STATUS_SUSPENDED');
    expect(await check(entry(131_070, 'suspension'), credential)).toEqual(VALID);
  });

  it('hostile inputs: index ≥ list size is STATUS_INDEX_OUT_OF_RANGE', async () => {
    const { h, check } = setup();
    h.serve(URL_A, listDoc());
    expect(await codeOf(check(entry(131_072), credential))).toBe('STATUS_INDEX_OUT_OF_RANGE');
    expect(await codeOf(check(entry(2 ** 32), credential))).toBe('STATUS_INDEX_OUT_OF_RANGE');
  });

  it('hostile inputs: index −1, "1.5", "01", " 5" are STATUS_REFERENCE_INVALID before any fetch', async () => {
    const { h, check } = setup();
    h.serve(URL_A, listDoc());
    for (const bad of ['-1', '1.5', '01', ' 5', '1e2']) {
      expect(await codeOf(check({ ...entry(0), statusListIndex: bad }, credential))).toBe(
        'STATUS_REFERENCE_INVALID',
      );
    }
    expect(await codeOf(check({ ...entry(0), type: 'StatusList2021Entry' }, credential))).toBe(
      'STATUS_REFERENCE_INVALID',
    );
    expect(
      await codeOf(check({ ...entry(0), statusListCredential: 'http://status.example/a' }, credential)),
    ).toBe('STATUS_REFERENCE_INVALID');
    expect(h.calls()).toBe(0);
  });

  it('bitstring-status-list §3: a list of another issuer is STATUS_LIST_ISSUER_MISMATCH', async () => {
    const { h, check } = setup();
    h.serve(URL_A, listDoc({ issuer: 'did:example:other' }));
    expect(await codeOf(check(entry(1), credential))).toBe('STATUS_LIST_ISSUER_MISMATCH');
  });

  it('bitstring-status-list §3: a list of another purpose is STATUS_LIST_PURPOSE_MISMATCH', async () => {
    const { h, check } = setup();
    h.serve(URL_A, listDoc({ purpose: 'suspension', set: [1] }));
    expect(await codeOf(check(entry(1), credential))).toBe('STATUS_LIST_PURPOSE_MISMATCH');
  });

  it('bitstring-status-list §2.2: wrong credential or subject type is STATUS_LIST_TOKEN_INVALID', async () => {
    const { h, check } = setup();
    const doc = listDoc();
    h.serve(URL_A, { ...doc, type: ['VerifiableCredential', 'StatusList2021Credential'] });
    expect(await codeOf(check(entry(1), credential))).toBe('STATUS_LIST_TOKEN_INVALID');
    const other = setup();
    other.h.serve(URL_A, {
      ...doc,
      credentialSubject: { ...(doc.credentialSubject as object), type: 'StatusList2021' },
    });
    expect(await codeOf(other.check(entry(1), credential))).toBe('STATUS_LIST_TOKEN_INVALID');
  });

  it('a list served under another URL than its id is STATUS_LIST_SUBJECT_MISMATCH', async () => {
    const { h, check } = setup();
    h.serve(URL_A, listDoc({ id: 'https://status.example/lists/b' }));
    expect(await codeOf(check(entry(1), credential))).toBe('STATUS_LIST_SUBJECT_MISMATCH');
  });

  it('hostile inputs: a bad signature is STATUS_LIST_SIGNATURE_INVALID', async () => {
    const { h, check } = setup();
    h.serve(URL_A, { ...listDoc(), forged: true });
    expect(await codeOf(check(entry(1), credential))).toBe('STATUS_LIST_SIGNATURE_INVALID');
  });

  it('hostile inputs: a GZIP bomb in encodedList is STATUS_LIST_TOO_LARGE', async () => {
    const { h, check } = setup();
    const doc = listDoc();
    const bomb = `u${Buffer.from(gzipSync(new Uint8Array(32 * 1024 * 1024))).toString('base64url')}`;
    h.serve(URL_A, {
      ...doc,
      credentialSubject: { ...(doc.credentialSubject as object), encodedList: bomb },
    });
    expect(await codeOf(check(entry(1), credential))).toBe('STATUS_LIST_TOO_LARGE');
  });

  it('bitstring-status-list §3.2: an encodedList that does not expand is STATUS_LIST_INVALID', async () => {
    const doc = listDoc();
    for (const encodedList of ['zQmNotBase64url', `u${Buffer.from('not gzip').toString('base64url')}`, 7]) {
      const { h, check } = setup();
      h.serve(URL_A, { ...doc, credentialSubject: { ...(doc.credentialSubject as object), encodedList } });
      expect(await codeOf(check(entry(1), credential))).toBe('STATUS_LIST_INVALID');
    }
  });

  it('a list that is not valid yet, or served with an unknown media type, is STATUS_LIST_TOKEN_INVALID', async () => {
    const a = setup();
    a.h.serve(URL_A, listDoc({ validFrom: new Date((T0 + 3600) * 1000) }));
    expect(await codeOf(a.check(entry(1), credential))).toBe('STATUS_LIST_TOKEN_INVALID');
    const b = setup();
    b.h.serve(URL_A, listDoc(), 'text/html');
    expect(await codeOf(b.check(entry(1), credential))).toBe('STATUS_LIST_TOKEN_INVALID');
  });

  it('bitstring-status-list §2.2: ttl is in milliseconds; the list is fetched again after it', async () => {
    const { h, check, advance } = setup();
    h.serve(URL_A, listDoc({ ttl: 60_000 }));
    await check(entry(1), credential);
    advance(59);
    await check(entry(2), credential);
    expect(h.calls()).toBe(1);
    h.serve(URL_A, listDoc({ ttl: 60_000, set: [1] }));
    advance(2);
    expect(await codeOf(check(entry(1), credential))).toBe('STATUS_REVOKED');
    expect(h.calls()).toBe(2);
  });

  it('the cache bound caps a long ttl (default 300 s)', async () => {
    const { h, check, advance } = setup();
    h.serve(URL_A, listDoc({ ttl: 86_400_000 }));
    await check(entry(1), credential);
    advance(299);
    await check(entry(1), credential);
    expect(h.calls()).toBe(1);
    advance(2);
    await check(entry(1), credential);
    expect(h.calls()).toBe(2);
  });

  it('concurrent checks of one list share one fetch', async () => {
    const { h, check } = setup();
    h.serve(URL_A, listDoc({ set: [3] }));
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => check(entry(i), credential)),
    );
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(h.calls()).toBe(1);
  });

  it('a failure is remembered briefly (30 s) instead of hammering the list host', async () => {
    const { h, check, advance } = setup();
    h.fail(URL_A);
    expect(await codeOf(check(entry(1), credential))).toBe('STATUS_LIST_UNREACHABLE');
    h.serve(URL_A, listDoc());
    advance(10);
    expect(await codeOf(check(entry(1), credential))).toBe('STATUS_LIST_UNREACHABLE');
    expect(h.calls()).toBe(1);
    advance(21);
    expect(await check(entry(1), credential)).toEqual(VALID);
    expect(h.calls()).toBe(2);
  });

  describe('stale-list policy (hostile inputs: expired, stale, unreachable)', () => {
    const expiring = () => listDoc({ validUntil: new Date((T0 + 100) * 1000), ttl: 600_000 });

    it('fail-closed (default): an unreachable list is STATUS_LIST_UNREACHABLE, never VALID', async () => {
      const { h, check, advance } = setup();
      h.fail(URL_A, 503);
      expect(await codeOf(check(entry(1), credential))).toBe('STATUS_LIST_UNREACHABLE');
      const b = setup();
      b.h.serve(URL_A, listDoc());
      await b.check(entry(1), credential);
      b.h.fail(URL_A);
      b.advance(301);
      expect(await codeOf(b.check(entry(1), credential))).toBe('STATUS_LIST_UNREACHABLE');
      advance(0);
    });

    it('fail-closed: an expired list (validUntil + skew passed) is STATUS_LIST_EXPIRED', async () => {
      const { h, check, advance } = setup();
      h.serve(URL_A, expiring());
      expect(await check(entry(1), credential)).toEqual(VALID);
      advance(100 + 61);
      expect(await codeOf(check(entry(1), credential))).toBe('STATUS_LIST_EXPIRED');
      expect(h.calls()).toBe(2);
    });

    it('allow-stale: an expired list verified earlier is used within maxStaleSeconds, marked stale', async () => {
      const { h, check, advance } = setup({ mode: 'allow-stale', maxStaleSeconds: 600 });
      h.serve(URL_A, expiring());
      await check(entry(1), credential);
      advance(100 + 61);
      expect(await check(entry(1), credential)).toEqual(STALE);
      advance(600);
      expect(await codeOf(check(entry(1), credential))).toBe('STATUS_LIST_EXPIRED');
    });

    it('allow-stale: an unreachable list host falls back to the last verified list, then fails', async () => {
      const { h, check, advance } = setup({ mode: 'allow-stale', maxStaleSeconds: 3600 });
      h.serve(URL_A, listDoc({ set: [9] }));
      await check(entry(1), credential);
      h.fail(URL_A);
      advance(301);
      expect(await check(entry(1), credential)).toEqual(STALE);
      // A stale list still revokes.
      expect(await codeOf(check(entry(9), credential))).toBe('STATUS_REVOKED');
      advance(3600);
      expect(await codeOf(check(entry(1), credential))).toBe('STATUS_LIST_UNREACHABLE');
    });

    it('allow-stale: never VALID without a list verified earlier', async () => {
      const { h, check } = setup({ mode: 'allow-stale', maxStaleSeconds: 3600 });
      h.fail(URL_A);
      expect(await codeOf(check(entry(1), credential))).toBe('STATUS_LIST_UNREACHABLE');
    });

    it('allow-stale: a republished list that fails verification is refused, not replaced by the old one', async () => {
      const { h, check, advance } = setup({ mode: 'allow-stale', maxStaleSeconds: 3600 });
      h.serve(URL_A, listDoc());
      await check(entry(1), credential);
      h.serve(URL_A, { ...listDoc(), forged: true });
      advance(301);
      expect(await codeOf(check(entry(1), credential))).toBe('STATUS_LIST_SIGNATURE_INVALID');
    });

    it('an invalid policy or cache bound is STATUS_POLICY_INVALID', () => {
      expect(() => setup({ mode: 'allow-stale', maxStaleSeconds: -1 })).toThrow(
        expect.objectContaining({ code: 'STATUS_POLICY_INVALID' }),
      );
      const base = { fetch: host().fetch, verifyList, clock: createClock(() => T0) };
      for (const cache of [{ maxEntries: 0 }, { maxAgeSeconds: -1 }, { failureSeconds: Number.NaN }]) {
        expect(() => createBitstringStatusChecker({ ...base, cache })).toThrow(
          expect.objectContaining({ code: 'STATUS_POLICY_INVALID' }),
        );
      }
    });
  });

  it('errors never carry the list URL or the index', async () => {
    const { h, check } = setup();
    h.serve(URL_A, listDoc({ set: [77_777] }));
    const errors: unknown[] = [];
    for (const e of [entry(77_777), entry(131_072), { ...entry(0), statusListIndex: '077777' }]) {
      await check(e, credential).catch((err) => errors.push(err));
    }
    expect(errors).toHaveLength(3);
    for (const err of errors) {
      const text = `${(err as Error).message} ${JSON.stringify(err)}`;
      expect(text).not.toContain('status.example');
      expect(text).not.toMatch(/77777|131072/);
    }
  });
});
