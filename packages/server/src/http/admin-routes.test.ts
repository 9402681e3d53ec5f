import { HavenError } from '@haven/core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createFakeIssuer, type FakeIssuer } from './fixtures/fake-issuer.test-helper.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './fixtures/test-server.test-helper.js';

let issuer: FakeIssuer;
let server: TestServer;
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const json = { ...auth, 'content-type': 'application/json' };

beforeAll(async () => {
  issuer = createFakeIssuer();
  server = await startTestServer({ issuer });
});
afterAll(() => server.close());

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: body === undefined ? auth : json,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { res, status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const lastCall = (method: string) => issuer.calls.filter((c) => c.method === method).at(-1);

describe('admin API: offers', () => {
  test('POST /admin/offers → 201 CreatedOffer, Location, no-store; the actor is admin:<token id>', async () => {
    const { res, status, body } = await call('POST', '/admin/offers', {
      credentialType: 'labour-contract',
      formats: ['dc+sd-jwt', 'jwt_vc_json'],
      claims: { employer: { name: 'Example Ltd' } },
      txCode: true,
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({ offerId: 'offer-2', txCode: '493817' });
    expect(res.headers.get('location')).toBe('/admin/offers/offer-2');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(lastCall('createOffer')?.args).toEqual([
      {
        credentialType: 'labour-contract',
        formats: ['dc+sd-jwt', 'jwt_vc_json'],
        claims: { employer: { name: 'Example Ltd' } },
        txCode: true,
      },
      'admin:test',
    ]);
  });

  test('POST /admin/offers with an unknown member, a bad format or no body → 400, nothing created', async () => {
    const before = issuer.calls.filter((c) => c.method === 'createOffer').length;
    for (const body of [
      { credentialType: 'labour-contract', isAdmin: true },
      { credentialType: 'labour-contract', formats: ['mso_mdoc'] },
      { credentialType: 'labour-contract', formats: [] },
      { credentialType: 'Labour Contract' },
      { credentialType: 'labour-contract', claims: ['not', 'an', 'object'] },
      { credentialType: 'labour-contract', txCode: 'yes' },
      {},
    ]) {
      const { status, body: answer } = await call('POST', '/admin/offers', body);
      expect(status).toBe(400);
      expect(answer.error).toBe('invalid_request');
    }
    const empty = await fetch(`${server.url}/admin/offers`, { method: 'POST', headers: auth });
    expect(empty.status).toBe(400);
    expect(issuer.calls.filter((c) => c.method === 'createOffer')).toHaveLength(before);
  });

  test('a text/plain body → 415', async () => {
    const res = await fetch(`${server.url}/admin/offers`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/plain' },
      body: '{"credentialType":"labour-contract"}',
    });
    expect(res.status).toBe(415);
  });

  test('an offer with a 200 KiB portrait fits the offer limit (256 KiB); the same on a decision too', async () => {
    const portrait = `data:image/jpeg;base64,${'A'.repeat(200 * 1024)}`;
    const { status } = await call('POST', '/admin/offers', {
      credentialType: 'identity-restoration',
      claims: { portrait },
    });
    expect(status).toBe(201);
    const tooBig = await call('POST', '/admin/offers', {
      credentialType: 'identity-restoration',
      claims: { portrait: `${portrait}${'A'.repeat(60 * 1024)}` },
    });
    expect(tooBig.status).toBe(413);
  });

  test('GET /admin/offers passes limit and cursor; GET /admin/offers/:id; unknown → 404', async () => {
    const list = await call('GET', '/admin/offers?limit=10&cursor=abc');
    expect(list.status).toBe(200);
    expect(lastCall('listOffers')?.args[0]).toEqual({ limit: 10, cursor: 'abc' });
    expect(Array.isArray(list.body.items)).toBe(true);
    expect((await call('GET', '/admin/offers/offer-1')).body).toMatchObject({ id: 'offer-1' });
    expect((await call('GET', '/admin/offers/nope')).status).toBe(404);
  });

  test('POST /admin/offers/:id/decision: approve a pending offer; deciding again → 409; bad body → 400', async () => {
    const decided = await call('POST', '/admin/offers/offer-1/decision', {
      decision: 'approved',
      claims: { given_name: 'x' },
    });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ id: 'offer-1', decision: 'approved' });
    expect(lastCall('decideOffer')?.args).toEqual(['offer-1', 'approved', { given_name: 'x' }, 'admin:test']);
    expect((await call('POST', '/admin/offers/offer-1/decision', { decision: 'denied' })).status).toBe(409);
    expect((await call('POST', '/admin/offers/offer-1/decision', { decision: 'maybe' })).status).toBe(400);
    expect((await call('POST', '/admin/offers/nope/decision', { decision: 'denied' })).status).toBe(404);
  });

  test('GET /admin/offers/:id/qr: an SVG QR code for the admin only; unknown → 404; withdrawn → 409', async () => {
    const res = await fetch(`${server.url}/admin/offers/offer-1/qr`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    // The same encoder on the expected URI gives the same SVG: the code carries exactly that URI.
    const offerUrl = `${issuer.credentialIssuer}/offers/offer-1`;
    const expected = await QRCode.toString(
      `openid-credential-offer://?credential_offer_uri=${encodeURIComponent(offerUrl)}`,
      { type: 'svg', errorCorrectionLevel: 'M', margin: 4 },
    );
    expect(await res.text()).toBe(expected);
    expect((await fetch(`${server.url}/admin/offers/offer-1/qr`)).status).toBe(401);
    expect((await fetch(`${server.url}/admin/offers/nope/qr`, { headers: auth })).status).toBe(404);
    // An offer whose pre-authorized code has expired: its QR code would only lead a wallet to a 404.
    const base = issuer.offers.get('offer-1');
    if (base === undefined) throw new Error('fixture offer missing');
    issuer.offers.set('offer-old', { ...base, id: 'offer-old', expiresAt: base.createdAt - 1 });
    try {
      expect((await fetch(`${server.url}/admin/offers/offer-old/qr`, { headers: auth })).status).toBe(409);
    } finally {
      issuer.offers.delete('offer-old');
    }
  });

  test('POST /admin/offers/:id/withdraw: 200, then 409 (already withdrawn), unknown → 404', async () => {
    const first = await call('POST', '/admin/offers/offer-1/withdraw');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ withdrawn: true });
    expect(lastCall('withdrawOffer')?.args).toEqual(['offer-1', 'admin:test']);
    expect((await call('POST', '/admin/offers/offer-1/withdraw')).status).toBe(409);
    expect((await call('POST', '/admin/offers/nope/withdraw')).status).toBe(404);
    expect((await fetch(`${server.url}/admin/offers/offer-1/qr`, { headers: auth })).status).toBe(409);
  });
});

describe('admin API: credentials and audit', () => {
  test('GET /admin/credentials maps the allow-listed filters to the search', async () => {
    const { status, body } = await call(
      'GET',
      '/admin/credentials?type=labour-contract&state=active&offer=offer-1&limit=5',
    );
    expect(status).toBe(200);
    expect(body.items).toHaveLength(1);
    expect(lastCall('searchCredentials')?.args[0]).toEqual({
      credentialType: 'labour-contract',
      state: 'active',
      offerId: 'offer-1',
      limit: 5,
    });
  });

  test('GET /admin/credentials/:id; unknown → 404', async () => {
    expect((await call('GET', '/admin/credentials/cred-1')).body).toMatchObject({
      id: 'cred-1',
      statusIndex: 7,
    });
    expect((await call('GET', '/admin/credentials/nope')).status).toBe(404);
  });

  test('suspend → reinstate → revoke; revocation is final (409); unknown → 404', async () => {
    const suspended = await call('POST', '/admin/credentials/cred-1/suspend');
    expect(suspended.status).toBe(200);
    expect(suspended.body.state).toBe('suspended');
    expect(lastCall('setCredentialState')?.args).toEqual(['cred-1', 'suspended', 'admin:test']);
    expect((await call('POST', '/admin/credentials/cred-1/reinstate')).body.state).toBe('active');
    expect((await call('POST', '/admin/credentials/cred-1/revoke')).body.state).toBe('revoked');
    const again = await call('POST', '/admin/credentials/cred-1/reinstate');
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('conflict');
    expect((await call('POST', '/admin/credentials/nope/revoke')).status).toBe(404);
    expect((await call('POST', '/admin/credentials/cred-1/delete')).status).toBe(404);
  });

  test('GET /admin/audit passes limit, before and target as numbers and ids', async () => {
    const { status, body } = await call('GET', '/admin/audit?limit=20&before=100&target=cred-1');
    expect(status).toBe(200);
    expect(lastCall('auditLog')?.args[0]).toEqual({ limit: 20, before: 100, target: 'cred-1' });
    expect(body.items).toEqual(expect.arrayContaining([expect.objectContaining({ actor: 'admin:test' })]));
    expect((await call('GET', '/admin/audit?before=-1')).status).toBe(400);
    expect((await call('GET', '/admin/audit?actor=x')).status).toBe(400);
  });
});

describe('admin API: bulk issuance (POST /admin/credentials/batch)', () => {
  const holderJwk = { kty: 'EC', crv: 'P-256', x: 'x-coordinate', y: 'y-coordinate' };
  const item = { claims: { employer_name: 'Example Ltd' }, holderJwk };

  test('201 {batchId, credentials:[{id, credential}]} in item order, no-store; the actor is admin:<token id>', async () => {
    const { res, status, body } = await call('POST', '/admin/credentials/batch', {
      credentialType: 'labour-contract',
      format: 'dc+sd-jwt',
      items: [item, item, item],
    });
    expect(status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const credentials = body.credentials as { id: string; credential: string }[];
    expect(credentials.map((c) => c.credential)).toEqual(['sd-jwt-0~', 'sd-jwt-1~', 'sd-jwt-2~']);
    expect(typeof body.batchId).toBe('string');
    expect(lastCall('issueBatch')?.args).toEqual([
      { credentialType: 'labour-contract', format: 'dc+sd-jwt', items: [item, item, item] },
      'admin:test',
    ]);
  });

  test('1,000 items with ordinary claims fit the 2 MiB body limit; 1,001 items → 400; a body over 2 MiB → 413', async () => {
    const claims = { employer_name: 'Example Ltd', worker_reference: 'W'.repeat(900) };
    const full = await call('POST', '/admin/credentials/batch', {
      credentialType: 'labour-contract',
      format: 'jwt_vc_json',
      items: Array(1000).fill({ claims, holderJwk }),
    });
    expect(full.status).toBe(201);
    expect((full.body.credentials as unknown[]).length).toBe(1000);
    const before = issuer.calls.filter((c) => c.method === 'issueBatch').length;
    const tooMany = await call('POST', '/admin/credentials/batch', {
      credentialType: 'labour-contract',
      format: 'jwt_vc_json',
      items: Array(1001).fill(item),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.details).toEqual({ paths: ['["items"]'] });
    const huge = await fetch(`${server.url}/admin/credentials/batch`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        credentialType: 'labour-contract',
        format: 'dc+sd-jwt',
        items: [{ claims: { note: 'x'.repeat(2 * 1024 * 1024) }, holderJwk }],
      }),
    });
    expect(huge.status).toBe(413);
    expect(issuer.calls.filter((c) => c.method === 'issueBatch').length).toBe(before);
  });

  test('hostile bodies → 400 before the issuer is called: unknown members, bad format, no items, bad shapes', async () => {
    const before = issuer.calls.filter((c) => c.method === 'issueBatch').length;
    const base = { credentialType: 'labour-contract', format: 'dc+sd-jwt' };
    for (const body of [
      { ...base, items: [] },
      { ...base },
      { ...base, items: [item], deliver: 'wallet' },
      { ...base, format: 'mso_mdoc', items: [item] },
      { credentialType: 'Labour Contract', format: 'dc+sd-jwt', items: [item] },
      { ...base, items: [{ claims: item.claims }] },
      { ...base, items: [{ ...item, holderJwk: 'jwk' }] },
      { ...base, items: [{ ...item, claims: ['x'] }] },
      { ...base, items: [{ ...item, extra: 1 }] },
      { ...base, items: item },
    ]) {
      const { status, body: answer } = await call('POST', '/admin/credentials/batch', body);
      expect(status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(JSON.stringify(answer)).not.toContain('Example Ltd');
    }
    expect(issuer.calls.filter((c) => c.method === 'issueBatch').length).toBe(before);
  });

  test('without the admin token → 401 and nothing issued; an issuer refusal keeps its paths (admin only)', async () => {
    const before = issuer.calls.filter((c) => c.method === 'issueBatch').length;
    const res = await fetch(`${server.url}/admin/credentials/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ credentialType: 'labour-contract', format: 'dc+sd-jwt', items: [item] }),
    });
    expect(res.status).toBe(401);
    expect(issuer.calls.filter((c) => c.method === 'issueBatch').length).toBe(before);
    issuer.failNext(
      'issueBatch',
      new HavenError('CREDENTIAL_CLAIMS_INVALID', 'items of the batch are invalid', {
        details: { paths: ['["items",0,"claims","employer_name"]'] },
      }),
    );
    const refused = await call('POST', '/admin/credentials/batch', {
      credentialType: 'labour-contract',
      format: 'dc+sd-jwt',
      items: [item],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.details).toEqual({ paths: ['["items",0,"claims","employer_name"]'] });
  });
});
