import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSigner, type PrivateJwk, randomBytes, toPublicJwk } from '@haven/core';
import { claimsTemplate } from '@haven/credentials';
import { createProofJwt, PRE_AUTHORIZED_CODE_GRANT_TYPE } from '@haven/oid4vci';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHavenIssuer } from '../issuer/create-haven-issuer.js';
import type { HavenIssuer } from '../issuer/types.js';
import { type HavenDatabase, openDatabase } from '../store/open-database.js';
import { SqlRateLimitStore } from '../store/sql-rate-limit-store.js';
import { hashAdminToken } from './admin-auth.js';
import { createApp } from './create-app.js';
import { ADMIN_TOKEN, captureLogger } from './fixtures/test-server.test-helper.js';

// The whole pre-authorized code flow through the HTTP app, on SQLite, with the real issuer.
const NOW = 1_780_000_000;
const ISSUER = 'https://issuer.example';
const HOLDER: PrivateJwk = {
  kty: 'EC',
  crv: 'P-256',
  x: 'GHuIlbkNbl4_1iRYC_lL6cTKNAUT-ledLEjTYsvGcis',
  y: '-rRh8E-l7Fb-REHxVHzZHgiNAtjjLTGw4RoP7Gw9DLg',
  d: 'zhsnwHdBQKe5-Py3MFaXGY23OHD9YtiH9LWQU-LPBG0',
} as PrivateJwk;

let dir: string;
let database: HavenDatabase;
let issuer: HavenIssuer;
let server: Server;
let base: string;
let log: ReturnType<typeof captureLogger>;
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'haven-http-'));
  database = await openDatabase({ url: join(dir, 'haven.db') });
  issuer = await createHavenIssuer({
    database,
    publicUrl: ISSUER,
    masterSecret: randomBytes(32),
    now: () => NOW,
    scrypt: { N: 1024, r: 8, p: 1 },
  });
  log = captureLogger();
  const app = createApp({
    issuer,
    adminTokens: [{ id: 'ops', hash: hashAdminToken(ADMIN_TOKEN) }],
    rateLimits: new SqlRateLimitStore(database.db),
    logger: log.logger,
    now: () => NOW,
    healthCheck: async () => {
      await sql`select 1`.execute(database.db);
    },
  });
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await issuer.close();
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The wallet's view: issuer URLs are https://issuer.example/…, reached here over loopback. */
const local = (url: string) => url.replace(ISSUER, base);

/** Every string value in a claims object (names excluded), for the log check. */
function stringLeaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringLeaves);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringLeaves);
  return [];
}

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

describe('OpenID4VCI pre-authorized code flow through the app (SQLite)', () => {
  const secrets: string[] = [];
  let credentialId = '';

  test('§4.1.3, §6, §7, §8: offer → token (tx_code) → nonce → credential; single-use everywhere', async () => {
    const claims = claimsTemplate('labour-contract');
    const created = await fetch(`${base}/admin/offers`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ credentialType: 'labour-contract', claims }),
    });
    expect(created.status).toBe(201);
    const offer = await json(created);
    expect(offer.txCode).toMatch(/^[0-9]+$/);
    const offerUri = new URL(String(offer.offerUri));
    const byReference = offerUri.searchParams.get('credential_offer_uri') ?? '';
    expect(byReference).toBe(`${ISSUER}/offers/${offer.offerId}`);

    const fetched = await fetch(local(byReference));
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get('content-type')).toContain('application/json');
    expect(fetched.headers.get('cache-control')).toBe('no-store');
    expect(fetched.headers.get('access-control-allow-origin')).toBe('*');
    const offerObject = (await fetched.json()) as {
      credential_issuer: string;
      credential_configuration_ids: string[];
      grants: Record<string, { 'pre-authorized_code': string }>;
    };
    expect(offerObject.credential_issuer).toBe(ISSUER);
    const code = offerObject.grants[PRE_AUTHORIZED_CODE_GRANT_TYPE]?.['pre-authorized_code'] ?? '';
    const configurationId = offerObject.credential_configuration_ids[0] ?? '';

    const metadata = await json(await fetch(`${base}/.well-known/openid-credential-issuer`));
    expect(metadata.credential_issuer).toBe(ISSUER);
    expect(metadata.credential_endpoint).toBe(`${ISSUER}/credential`);
    expect(metadata.nonce_endpoint).toBe(`${ISSUER}/nonce`);
    expect((await fetch(`${base}/.well-known/oauth-authorization-server`)).status).toBe(200);
    expect((await fetch(`${base}/.well-known/jwt-vc-issuer`)).status).toBe(200);

    const tokenBody = new URLSearchParams({
      grant_type: PRE_AUTHORIZED_CODE_GRANT_TYPE,
      'pre-authorized_code': code,
      tx_code: String(offer.txCode),
    });
    const tokenRes = await fetch(`${base}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: tokenBody,
    });
    expect(tokenRes.status).toBe(200);
    expect(tokenRes.headers.get('cache-control')).toBe('no-store');
    const token = await json(tokenRes);
    const accessToken = String(token.access_token);

    // RFC 6749 §4.1.2 / OpenID4VCI §13.6: the code is single-use; a second exchange is invalid_grant.
    const again = await fetch(`${base}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: tokenBody,
    });
    expect(again.status).toBe(400);
    expect(await json(again)).toMatchObject({ error: 'invalid_grant' });

    const nonceRes = await fetch(`${base}/nonce`, { method: 'POST' });
    expect(nonceRes.status).toBe(200);
    expect(nonceRes.headers.get('cache-control')).toBe('no-store');
    const nonce = String((await json(nonceRes)).c_nonce);

    const proof = await createProofJwt({
      signer: createSigner(HOLDER),
      publicJwk: toPublicJwk(HOLDER),
      credentialIssuer: ISSUER,
      nonce,
      now: NOW,
    });
    const request = JSON.stringify({
      credential_configuration_id: configurationId,
      proofs: { jwt: [proof] },
    });

    // RFC 6750 §2.3 is not supported: the same request with the token in the URL is refused.
    const inQuery = await fetch(`${base}/credential?access_token=${encodeURIComponent(accessToken)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: request,
    });
    expect(inQuery.status).toBe(401);
    expect(inQuery.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');

    const credentialRes = await fetch(`${base}/credential`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: request,
    });
    expect(credentialRes.status).toBe(200);
    expect(credentialRes.headers.get('cache-control')).toBe('no-store');
    const issued = (await credentialRes.json()) as { credentials: { credential: string }[] };
    expect(issued.credentials).toHaveLength(1);
    expect(issued.credentials[0]?.credential).toMatch(/^ey[^.]+\.[^.]+\.[^.~]+~/);

    // §8.3.1.2: the c_nonce was used up by that proof.
    const replay = await fetch(`${base}/credential`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: request,
    });
    expect(replay.status).toBe(400);

    const wrongToken = await fetch(`${base}/credential`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-a-token', 'content-type': 'application/json' },
      body: request,
    });
    expect(wrongToken.status).toBe(401);
    expect(await json(wrongToken)).toMatchObject({ error: 'invalid_token' });

    secrets.push(
      code,
      String(offer.txCode),
      accessToken,
      nonce,
      proof,
      String(issued.credentials[0]?.credential),
    );
    secrets.push(...stringLeaves(claims).filter((value) => value.length >= 4));
    secrets.push(String(offer.offerId));
  });

  test('admin: the credential is registered (no claim values), revoked, and its status list is served', async () => {
    const list = await json(
      await fetch(`${base}/admin/credentials?type=labour-contract`, { headers: admin }),
    );
    const items = list.items as { id: string; statusListId: string; state: string }[];
    expect(items).toHaveLength(1);
    const record = items[0] as { id: string; statusListId: string };
    credentialId = record.id;
    const revoked = await fetch(`${base}/admin/credentials/${credentialId}/revoke`, {
      method: 'POST',
      headers: admin,
    });
    expect(revoked.status).toBe(200);
    expect(await json(revoked)).toMatchObject({ state: 'revoked' });
    const final = await fetch(`${base}/admin/credentials/${credentialId}/reinstate`, {
      method: 'POST',
      headers: admin,
    });
    expect(final.status).toBe(409);

    const status = await fetch(`${base}/status/${record.statusListId}`);
    expect(status.status).toBe(200);
    expect(status.headers.get('content-type')).toBe('application/statuslist+jwt');
    expect(status.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);

    const audit = await json(await fetch(`${base}/admin/audit?target=${credentialId}`, { headers: admin }));
    expect(audit.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ actor: 'admin:ops', target: credentialId })]),
    );
  });

  test('§9 deferred: 202 with a transaction_id until the caseworker approves, then the deferred endpoint issues', async () => {
    const created = await json(
      await fetch(`${base}/admin/offers`, {
        method: 'POST',
        headers: { ...admin, 'content-type': 'application/json' },
        body: JSON.stringify({ credentialType: 'labour-contract', deferred: true, txCode: false }),
      }),
    );
    expect(created.txCode).toBeUndefined();
    const reference = new URL(String(created.offerUri)).searchParams.get('credential_offer_uri') ?? '';
    const offerObject = (await (await fetch(local(reference))).json()) as {
      credential_configuration_ids: string[];
      grants: Record<string, { 'pre-authorized_code': string }>;
    };
    const code = offerObject.grants[PRE_AUTHORIZED_CODE_GRANT_TYPE]?.['pre-authorized_code'] ?? '';
    const token = await json(
      await fetch(`${base}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: PRE_AUTHORIZED_CODE_GRANT_TYPE,
          'pre-authorized_code': code,
        }),
      }),
    );
    const bearer = {
      authorization: `Bearer ${String(token.access_token)}`,
      'content-type': 'application/json',
    };
    const nonce = String((await json(await fetch(`${base}/nonce`, { method: 'POST' }))).c_nonce);
    const proof = await createProofJwt({
      signer: createSigner(HOLDER),
      publicJwk: toPublicJwk(HOLDER),
      credentialIssuer: ISSUER,
      nonce,
      now: NOW,
    });
    const pending = await fetch(`${base}/credential`, {
      method: 'POST',
      headers: bearer,
      body: JSON.stringify({
        credential_configuration_id: offerObject.credential_configuration_ids[0],
        proofs: { jwt: [proof] },
      }),
    });
    expect(pending.status).toBe(202);
    const { transaction_id } = (await pending.json()) as { transaction_id: string };
    const early = await fetch(`${base}/deferred_credential`, {
      method: 'POST',
      headers: bearer,
      body: JSON.stringify({ transaction_id }),
    });
    expect(early.status).toBe(202);

    const decided = await fetch(`${base}/admin/offers/${created.offerId}/decision`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approved', claims: claimsTemplate('labour-contract') }),
    });
    expect(decided.status).toBe(200);
    expect(await json(decided)).toMatchObject({ decision: 'approved' });

    const issued = await fetch(`${base}/deferred_credential`, {
      method: 'POST',
      headers: bearer,
      body: JSON.stringify({ transaction_id }),
    });
    expect(issued.status).toBe(200);
    expect(((await issued.json()) as { credentials: unknown[] }).credentials).toHaveLength(1);
    secrets.push(transaction_id, String(token.access_token), nonce);
  });

  test('hostile inputs: SQL text in an admin cursor reaches the store only as a parameter (400, table intact)', async () => {
    const res = await fetch(`${base}/admin/credentials?cursor=${encodeURIComponent("1'or'1'='1;drop")}`, {
      headers: admin,
    });
    expect(res.status).toBe(400);
    const after = await json(await fetch(`${base}/admin/credentials`, { headers: admin }));
    expect(after.items).toHaveLength(2);
  });

  test('/healthz checks the database', async () => {
    expect(await json(await fetch(`${base}/healthz`))).toEqual({ status: 'ok' });
  });

  test('the logs of the whole flow hold no code, tx_code, token, nonce, proof, credential, claim value or offer id', () => {
    const text = log.raw.join('');
    expect(secrets.length).toBeGreaterThan(6);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain(ADMIN_TOKEN);
    const routes = new Set(log.lines.map((l) => l.route));
    expect(routes).toEqual(
      new Set([
        '/admin/offers',
        '/offers/:id',
        '/.well-known/openid-credential-issuer',
        '/.well-known/oauth-authorization-server',
        '/.well-known/jwt-vc-issuer',
        '/token',
        '/nonce',
        '/credential',
        '/admin/credentials',
        '/admin/credentials/:id/revoke',
        '/admin/credentials/:id/reinstate',
        '/admin/offers/:id/decision',
        '/deferred_credential',
        '/status/:listId',
        '/admin/audit',
        '/healthz',
      ]),
    );
  });
});
