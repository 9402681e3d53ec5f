import { request } from 'node:http';
import { HavenError } from '@haven/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hashAdminToken } from './admin-auth.js';
import {
  createFakeIssuer,
  type FakeIssuer,
  MemoryRateLimitStore,
} from './fixtures/fake-issuer.test-helper.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './fixtures/test-server.test-helper.js';

let issuer: FakeIssuer;
let server: TestServer;
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

beforeAll(async () => {
  issuer = createFakeIssuer();
  server = await startTestServer({ issuer });
});
afterAll(() => server.close());

async function call(path: string, init: RequestInit = {}) {
  const res = await fetch(`${server.url}${path}`, init);
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { res, status: res.status, body, text };
}

/**
 * Sends headers announcing `contentLength` bytes and writes only `sent` of them, then waits for the
 * answer: a server that answers has decided before reading the body.
 */
function announceLargeBody(
  path: string,
  contentLength: number,
  headers: Record<string, string>,
): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(contentLength) },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - started }));
    });
    req.on('error', reject);
    req.write(Buffer.alloc(1024, 0x20));
  });
}

/** Streams a chunked body until the server answers; returns the status and how much was sent. */
function streamUntilAnswered(
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; sent: number }> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request(url, { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } });
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const pump = () => {
      while (!answered && sent < 50 * 1024 * 1024) {
        sent += chunk.byteLength;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
    };
    req.on('response', (res) => {
      answered = true;
      res.resume();
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, sent });
      });
    });
    req.on('error', (error) => (answered ? undefined : reject(error)));
    pump();
  });
}

describe('hostile inputs, Server and storage: bodies', () => {
  test('a 50 MB body announced by Content-Length → 413 before it is read (credential endpoint)', async () => {
    const result = await announceLargeBody('/credential', 50 * 1024 * 1024, {
      'content-type': 'application/json',
      authorization: 'Bearer x',
    });
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body)).toMatchObject({ error: 'invalid_request' });
    expect(result.ms).toBeLessThan(2000);
  });

  test('a 50 MB body on the admin API → 413 before it is read', async () => {
    const result = await announceLargeBody('/admin/offers', 50 * 1024 * 1024, {
      'content-type': 'application/json',
      ...admin,
    });
    expect(result.status).toBe(413);
  });

  test('a chunked body without Content-Length is cut off at the limit (64 KiB + a chunk), not read to the end', async () => {
    const result = await streamUntilAnswered('/credential', {
      'content-type': 'application/json',
      authorization: 'Bearer x',
    });
    expect(result.status).toBe(413);
    expect(result.sent).toBeLessThan(8 * 1024 * 1024);
  });

  test('a form body over 8 KiB on /token → 413', async () => {
    const { status, body } = await call('/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=${'a'.repeat(9000)}`,
    });
    expect(status).toBe(413);
    expect(body.error).toBe('invalid_request');
  });

  test('JSON nested 100,000 deep → 400 invalid_request (depth cap before parsing)', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const { status, body } = await call('/admin/offers', {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: `{"credentialType":"labour-contract","claims":{"a":${deep.slice(0, 60_000)}${deep.slice(-60_000)}}}`,
    });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_request');
  });

  test('deep urlencoded nesting a[b][c]… on /token → 400 invalid_request, never interpreted', async () => {
    const { status, body } = await call('/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type${'[a]'.repeat(200)}=x`,
    });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_request');
  });

  test('RFC 6749 §3.2: a repeated token request parameter → 400 invalid_request', async () => {
    const { status, body } = await call('/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=a&grant_type=b',
    });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_request');
  });

  test('more than 16 form parameters → 400 invalid_request', async () => {
    const { status } = await call('/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Array.from({ length: 17 }, (_, i) => `p${i}=1`).join('&'),
    });
    expect(status).toBe(400);
  });

  test('a JSON token request → 415 (RFC 6749 §4.1.3: form encoding only)', async () => {
    const { status, body } = await call('/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"grant_type":"x"}',
    });
    expect(status).toBe(415);
    expect(body.error).toBe('invalid_request');
  });

  test('a gzip-encoded body → 415 (no decompression)', async () => {
    const { status } = await call('/admin/offers', {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: '{}',
    });
    expect(status).toBe(415);
  });

  test('{"__proto__": {"admin": true}} → 400 and no prototype is touched', async () => {
    const before = issuer.calls.length;
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const { status, body } = await call('/admin/offers', {
        method: 'POST',
        headers: { ...admin, 'content-type': 'application/json' },
        body: `{"credentialType":"labour-contract","claims":{"${key}":{"admin":true}}}`,
      });
      expect(status).toBe(400);
      expect(body.error).toBe('invalid_request');
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(issuer.calls.slice(before).filter((c) => c.method === 'createOffer')).toHaveLength(0);
  });

  test('__proto__ in a query string or form body has no effect', async () => {
    const { status } = await call('/admin/offers?__proto__[admin]=1', { headers: admin });
    expect(status).toBe(400);
    const token = await call('/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '__proto__=x&constructor=y',
    });
    // Flat names are parameters like any other (then refused by the handler); nothing is polluted.
    expect(token.status).toBeGreaterThanOrEqual(400);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(Object.prototype.toString.call({})).toBe('[object Object]');
  });

  test('duplicate JSON member names → 400 (a peer could pick the other one)', async () => {
    const { status } = await call('/admin/offers', {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: '{"credentialType":"labour-contract","credentialType":"identity-restoration"}',
    });
    expect(status).toBe(400);
  });
});

describe('RFC 6750: the access token only in the Authorization header', () => {
  test('§2.3 a token in the query string → 401 invalid_token with WWW-Authenticate', async () => {
    for (const path of ['/credential', '/deferred_credential']) {
      const { res, status, body } = await call(`${path}?access_token=abc`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(status).toBe(401);
      expect(body.error).toBe('invalid_token');
      expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  test('§2.2 a token in a form body → 401 invalid_token', async () => {
    const { status, body } = await call('/credential', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'access_token=abc&credential_configuration_id=x',
    });
    expect(status).toBe(401);
    expect(body.error).toBe('invalid_token');
  });
});

describe('admin API authentication', () => {
  test('without a token, with a wrong one, with the token in the query, or another scheme → 401', async () => {
    const attempts: RequestInit[] = [
      {},
      { headers: { authorization: 'Bearer wrong' } },
      { headers: { authorization: `Basic ${ADMIN_TOKEN}` } },
      { headers: { authorization: `Bearer ${ADMIN_TOKEN}x` } },
      { headers: { authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}` } },
      { headers: { authorization: `Bearer  ${ADMIN_TOKEN}` } },
    ];
    for (const init of attempts) {
      const { res, status, body } = await call('/admin/offers', init);
      expect(status).toBe(401);
      expect(body.error).toBe('invalid_token');
      expect(res.headers.get('www-authenticate')).toContain('realm="haven-admin"');
    }
    const inQuery = await call(`/admin/offers?access_token=${ADMIN_TOKEN}`);
    expect(inQuery.status).toBe(401);
    expect(issuer.calls.filter((c) => c.method === 'listOffers')).toHaveLength(0);
    const ok = await call('/admin/offers', { headers: admin });
    expect(ok.status).toBe(200);
  });

  test('unknown admin paths answer 401 before 404, so the admin URL space cannot be probed', async () => {
    expect((await call('/admin/secret-thing')).status).toBe(401);
    expect((await call('/admin/secret-thing', { headers: admin })).status).toBe(404);
  });

  test('the admin token never appears in a log line', () => {
    expect(server.raw.join('')).not.toContain(ADMIN_TOKEN);
    expect(server.raw.join('')).not.toContain('test-token');
  });
});

describe('admin filters', () => {
  test('an unknown filter → 400 invalid_request naming the parameter only', async () => {
    const { status, body } = await call('/admin/credentials?holder=alice', { headers: admin });
    expect(status).toBe(400);
    expect(body).toEqual({
      error: 'invalid_request',
      error_description: expect.any(String),
      details: { paths: ['["holder"]'] },
    });
    expect(JSON.stringify(body)).not.toContain('alice');
  });

  test('a repeated filter → 400', async () => {
    const { status } = await call('/admin/credentials?state=active&state=revoked', { headers: admin });
    expect(status).toBe(400);
  });

  test('SQL text in a filter is refused by the allow-list or reaches the issuer only as a parameter value', async () => {
    for (const query of [
      "type=x'%20OR%201%3D1--",
      'state=active%3B%20DROP%20TABLE%20credentials',
      "offer=1'%20or%20'1'%3D'1",
      'limit=1%20OR%201%3D1',
    ]) {
      const { status } = await call(`/admin/credentials?${query}`, { headers: admin });
      expect(status).toBe(400);
    }
    const before = issuer.calls.length;
    const cursor = "1'or'1'='1";
    const { status } = await call(
      `/admin/credentials?cursor=${encodeURIComponent(cursor)}&type=labour-contract&state=suspended&limit=25`,
      { headers: admin },
    );
    expect(status).toBe(200);
    const search = issuer.calls.slice(before).find((c) => c.method === 'searchCredentials');
    expect(search?.args[0]).toEqual({
      credentialType: 'labour-contract',
      state: 'suspended',
      limit: 25,
      cursor,
    });
  });

  test('limit outside 1..500 → 400', async () => {
    for (const limit of ['0', '501', '-1', '1.5', '1e2']) {
      expect((await call(`/admin/offers?limit=${limit}`, { headers: admin })).status).toBe(400);
    }
  });
});

describe('error bodies', () => {
  test('an unexpected error → 500 server_error, generic, and the log holds no message or value', async () => {
    issuer.failNext(
      'listOffers',
      new Error('connection to postgres://user:hunter2@db failed for claim Jane Doe'),
    );
    const { status, body, res } = await call('/admin/offers', { headers: admin });
    expect(status).toBe(500);
    expect(body).toEqual({
      error: 'server_error',
      error_description: 'The server could not complete the request',
    });
    expect(res.headers.get('cache-control')).toBe('no-store');
    const logs = server.raw.join('');
    expect(logs).not.toContain('hunter2');
    expect(logs).not.toContain('Jane Doe');
    const failure = server.lines.filter((l) => l.msg === 'request failed').at(-1);
    expect(failure).toMatchObject({ error: { type: 'Error' } });
  });

  test('claims validation → 400 invalid_request with the paths only, to the admin', async () => {
    issuer.failNext(
      'createOffer',
      new HavenError('CREDENTIAL_CLAIMS_INVALID', 'claims do not match', {
        details: { paths: ['["birthdate"]'] },
      }),
    );
    const { status, body } = await call('/admin/offers', {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: '{"credentialType":"identity-restoration","claims":{"birthdate":"Jane 1990"}}',
    });
    expect(status).toBe(400);
    expect(body).toEqual({
      error: 'invalid_request',
      error_description: expect.any(String),
      details: { paths: ['["birthdate"]'] },
    });
    expect(JSON.stringify(body)).not.toContain('Jane');
  });

  test('claim paths are never shown to unauthenticated (wallet-side) callers', async () => {
    issuer.failNext(
      'statusList',
      new HavenError('CREDENTIAL_CLAIMS_INVALID', 'claims do not match', {
        details: { paths: ['["birthdate"]'] },
      }),
    );
    const { status, body } = await call('/status/list-9');
    expect(status).toBe(400);
    expect(body).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
  });

  test('error descriptions are fixed ASCII text from the code, never the error message', async () => {
    issuer.failNext('getOffer', new HavenError('SERVER_OFFER_INVALID', 'message with "quotes" and ünïcode'));
    const { body } = await call('/admin/offers/offer-1', { headers: admin });
    expect(body.error).toBe('invalid_request');
    expect(String(body.error_description)).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/);
    expect(String(body.error_description)).not.toContain('quotes');
  });

  test('an unknown route → 404 not_found JSON; malformed ids → 404, never passed on', async () => {
    expect((await call('/nothing-here')).body.error).toBe('not_found');
    const before = issuer.calls.length;
    expect((await call('/status/..%2F..%2Fetc')).status).toBe(404);
    expect((await call(`/admin/credentials/${'x'.repeat(200)}`, { headers: admin })).status).toBe(404);
    expect(issuer.calls.slice(before)).toHaveLength(0);
  });
});

describe('CORS only on wallet endpoints', () => {
  test('wallet endpoints: Access-Control-Allow-Origin *, never credentials', async () => {
    for (const path of [
      '/.well-known/openid-credential-issuer',
      '/.well-known/oauth-authorization-server',
      '/.well-known/jwt-vc-issuer',
    ]) {
      const { res, status } = await call(path, { headers: { origin: 'https://wallet.example' } });
      expect(status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  test('a preflight for /credential allows Authorization and Content-Type', async () => {
    const { res, status } = await call('/credential', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://wallet.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toContain('Authorization');
  });

  test('admin, docs, OpenAPI and health: no CORS headers', async () => {
    for (const [path, init] of [
      ['/admin/offers', { headers: { ...admin, origin: 'https://evil.example' } }],
      ['/docs', {}],
      ['/openapi.json', {}],
      ['/healthz', {}],
    ] as const) {
      const { res } = await call(path, init);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
    const preflight = await call('/admin/offers', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('helmet', () => {
  test('security headers and a self-only CSP on every answer', async () => {
    const { res } = await call('/healthz');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });
});

describe('rate limits (store-backed, fixed window)', () => {
  test('the token endpoint: over the limit → 429 slow_down with Retry-After to the window end', async () => {
    const local = await startTestServer({
      issuer: createFakeIssuer(),
      limits: { rateLimits: { token: 2 } },
      now: () => 1_780_000_000,
    });
    try {
      const post = () =>
        fetch(`${local.url}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=a&grant_type=b',
        });
      expect((await post()).status).toBe(400);
      expect((await post()).status).toBe(400);
      const limited = await post();
      expect(limited.status).toBe(429);
      // 1_780_000_000 % 60 = 40: the window ends in 20 s.
      expect(limited.headers.get('retry-after')).toBe('20');
      expect(await limited.json()).toMatchObject({ error: 'slow_down' });
      // The store holds an HMAC of the address, never the address.
      expect([...local.rateLimits.counts.keys()].join()).not.toContain('127.0.0.1');
    } finally {
      await local.close();
    }
  });

  test('the admin token is checked before any admin limit: 600+ bad tokens never lock out a valid one', async () => {
    const store = new MemoryRateLimitStore();
    const local = await startTestServer({ issuer: createFakeIssuer(), rateLimits: store });
    try {
      const bad = () => fetch(`${local.url}/admin/offers`, { headers: { authorization: 'Bearer wrong' } });
      const statuses: number[] = [];
      for (let batch = 0; batch < 13; batch++) {
        const answers = await Promise.all(Array.from({ length: 50 }, bad));
        statuses.push(...answers.map((r) => r.status));
      }
      // The failing client is told to back off once over its own (failure) limit...
      expect(statuses.slice(0, 60).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(60).every((s) => s === 429)).toBe(true);
      // ...while a valid token from the very same address is served.
      const ok = await fetch(`${local.url}/admin/offers`, { headers: admin });
      expect(ok.status).toBe(200);
    } finally {
      await local.close();
    }
  });

  test('valid admin requests are counted per token, failures per address; keys hold neither', async () => {
    const store = new MemoryRateLimitStore();
    const other = 'haven_admin_other-token-0123456789abcdefghijklmnopqrstuvw';
    const local = await startTestServer({
      issuer: createFakeIssuer(),
      rateLimits: store,
      adminTokens: [
        { id: 'test', hash: hashAdminToken(ADMIN_TOKEN) },
        { id: 'other', hash: hashAdminToken(other) },
      ],
      limits: { rateLimits: { admin: 2, adminAuthFailure: 1 } },
    });
    try {
      const get = (headers: Record<string, string> = {}) => fetch(`${local.url}/admin/offers`, { headers });
      expect((await get(admin)).status).toBe(200);
      expect((await get(admin)).status).toBe(200);
      const limited = await get(admin);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('20');
      expect(await limited.json()).toMatchObject({ error: 'slow_down' });
      // Another token has its own bucket; successes never count as failures.
      expect((await get({ authorization: `Bearer ${other}` })).status).toBe(200);
      expect((await get()).status).toBe(401);
      expect((await get({ authorization: 'Bearer nope' })).status).toBe(429);
      const keys = [...store.counts.keys()];
      expect(keys.some((k) => k.startsWith('admin:'))).toBe(true);
      expect(keys.some((k) => k.startsWith('adminAuthFailure:'))).toBe(true);
      expect(keys.join()).not.toMatch(/127\.0\.0\.1|ip:|admin-token:/);
    } finally {
      await local.close();
    }
  });
});

describe('status lists and health', () => {
  const token = (payload: Record<string, unknown>) =>
    `eyJhbGciOiJFUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`;

  test('Token Status List §8: application/statuslist+jwt, max-age = ttl bounded by exp', async () => {
    issuer.statusTokens.set('list-1', token({ ttl: 120, exp: 1_780_000_000 + 1000 }));
    issuer.statusTokens.set('list-2', token({ ttl: 5000, exp: 1_780_000_000 + 90 }));
    const one = await call('/status/list-1');
    expect(one.status).toBe(200);
    expect(one.res.headers.get('content-type')).toBe('application/statuslist+jwt');
    expect(one.res.headers.get('cache-control')).toBe('public, max-age=120');
    expect(one.res.headers.get('access-control-allow-origin')).toBe('*');
    expect(one.text).toBe(issuer.statusTokens.get('list-1'));
    expect((await call('/status/list-2')).res.headers.get('cache-control')).toBe('public, max-age=90');
    expect((await call('/status/unknown')).status).toBe(404);
  });

  test('/healthz: 200 ok, or 503 with no details when the database check fails', async () => {
    expect((await call('/healthz')).body).toEqual({ status: 'ok' });
    const local = await startTestServer({
      issuer: createFakeIssuer(),
      healthCheck: async () => {
        throw new Error('database at 10.0.0.5 refused');
      },
    });
    try {
      const res = await fetch(`${local.url}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.text()).toBe('{"status":"unavailable"}');
    } finally {
      await local.close();
    }
  });
});
