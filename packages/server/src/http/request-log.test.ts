import { HavenError } from '@haven/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createFakeIssuer } from './fixtures/fake-issuer.test-helper.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './fixtures/test-server.test-helper.js';
import { describeError } from './request-log.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ issuer: createFakeIssuer() });
});
afterAll(() => server.close());

const ALLOWED = new Set([
  'level',
  'time',
  'pid',
  'hostname',
  'reqId',
  'method',
  'route',
  'status',
  'ms',
  'code',
  'msg',
]);

describe('request logs', () => {
  test('one line per request: the route pattern, never the raw URL, query, headers or body', async () => {
    const before = server.lines.length;
    const res = await fetch(`${server.url}/admin/credentials/cred-1?secret-query=s3cr3t`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, cookie: 'session=c00kie' },
    });
    expect(res.status).toBe(400);
    await fetch(`${server.url}/admin/offers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ credentialType: 'labour-contract', claims: { family_name: 'Nakamura' } }),
    });
    await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=x&grant_type=y&tx_code=493817',
    });
    const lines = server.lines.slice(before);
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.route)).toEqual(['/admin/credentials/:id', '/admin/offers', '/token']);
    expect(lines[0]).toMatchObject({ method: 'GET', status: 400, code: 'SERVER_HTTP_INVALID_REQUEST' });
    expect(lines[1]).toMatchObject({ method: 'POST', status: 201 });
    for (const line of lines) {
      for (const key of Object.keys(line)) expect(ALLOWED.has(key), key).toBe(true);
      expect(typeof line.reqId).toBe('string');
      expect(typeof line.ms).toBe('number');
    }
    const text = JSON.stringify(lines);
    for (const secret of ['s3cr3t', 'c00kie', ADMIN_TOKEN, 'Nakamura', '493817', 'cred-1']) {
      expect(text).not.toContain(secret);
    }
  });

  test('the request id is returned in X-Request-Id and matches the log line', async () => {
    const res = await fetch(`${server.url}/healthz`);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(server.lines.at(-1)).toMatchObject({ reqId: id, route: '/healthz', status: 200 });
  });

  test('an unmatched route is logged as (unmatched), not its path', async () => {
    await fetch(`${server.url}/offers-secret-path/abc`);
    expect(server.lines.at(-1)).toMatchObject({ route: '(unmatched)', status: 404 });
  });
});

describe('describeError', () => {
  test('keeps the class, code, Haven message and stack frames; drops other messages and details', () => {
    const foreign = Object.assign(new Error('duplicate key value (jane@example.org)'), {
      code: '23505',
      detail: 'Key (email)=(jane@example.org)',
    });
    const described = describeError(new HavenError('INTERNAL_ERROR', 'the store failed', { cause: foreign }));
    expect(described).toMatchObject({
      type: 'HavenError',
      code: 'INTERNAL_ERROR',
      message: 'the store failed',
      cause: { type: 'Error', code: '23505' },
    });
    expect(JSON.stringify(described)).not.toContain('jane@example.org');
    expect(describeError('a string')).toEqual({ type: 'string' });
  });
});
