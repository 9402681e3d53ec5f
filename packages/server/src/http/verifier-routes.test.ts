import {
  createSigner,
  decodeBase64Url,
  fixedClock,
  generateKeyPair,
  parseStrictJsonObject,
  randomBytes,
  toPublicJwk,
} from '@haven/core';
import { claimsTemplate } from '@haven/credentials';
import { presentSdJwtSync } from '@haven/sd-jwt';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHavenIssuer, type HavenIssuerCore } from '../issuer/create-haven-issuer.js';
import {
  freshPostgresSchema,
  freshSqlitePath,
  openTestDatabase,
  POSTGRES_URL,
  removeTestDatabases,
} from '../store/test-backends.test-helper.js';
import { createHavenVerifier } from '../verifier/create-haven-verifier.js';
import type { HavenVerifier } from '../verifier/types.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './fixtures/test-server.test-helper.js';

// The OpenID4VP flow through the HTTP app, end to end in process over real HTTP: the server's own issuer
// issues, the holder presents with a KB-JWT, the front end collects the result with its session.
const NOW = 1_780_000_000;
const PUBLIC_URL = 'https://issuer.example';
const CLIENT_ID = `redirect_uri:${PUBLIC_URL}/oid4vp/response`;
const PURPOSE = 'inspector.contract-validity';
const SCRYPT = { N: 1024, r: 8, p: 1 };
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const jsonHeaders = { ...admin, 'content-type': 'application/json' };

afterAll(() => removeTestDatabases());

type Json = Record<string, unknown>;

async function json(res: Response): Promise<Json> {
  return (await res.json()) as Json;
}

function payloadOf(jwt: string): Json {
  return parseStrictJsonObject(decodeBase64Url(jwt.split('.')[1] ?? '', 'payload'), { what: 'payload' });
}

/** The authorization request parameters of a by-value `openid4vp://` URI. */
function requestParameters(uri: string): Record<string, string> {
  const url = new URL(uri);
  expect(url.protocol).toBe('openid4vp:');
  return Object.fromEntries(url.searchParams);
}

interface Setup {
  readonly server: TestServer;
  readonly issuer: HavenIssuerCore;
  readonly verifier: HavenVerifier;
}

async function setUp(url: string, parts: { issuer: boolean; verifier: boolean }): Promise<Setup> {
  const database = await openTestDatabase({ url });
  const masterSecret = randomBytes(32);
  const issuer = await createHavenIssuer({
    database,
    publicUrl: PUBLIC_URL,
    masterSecret,
    now: () => NOW,
    scrypt: SCRYPT,
  });
  const verifier = await createHavenVerifier({
    database,
    publicUrl: PUBLIC_URL,
    masterSecret,
    issuer,
    verifier: { legalName: 'Labour Inspectorate', deletionContact: 'privacy@inspectorate.example' },
    now: () => NOW,
    scrypt: SCRYPT,
  });
  const server = await startTestServer({
    ...(parts.issuer ? { issuer } : {}),
    ...(parts.verifier ? { verifier } : {}),
    now: () => NOW,
  });
  return { server, issuer, verifier };
}

function contractQuery(vct: string, paths: readonly string[][]): Json {
  return {
    credentials: [
      {
        id: 'contract',
        format: 'dc+sd-jwt',
        meta: { vct_values: [vct] },
        claims: paths.map((path) => ({ path })),
      },
    ],
  };
}

const backends: [string, () => Promise<string>][] = [['SQLite', async () => freshSqlitePath()]];
if (POSTGRES_URL !== undefined) {
  const pgUrl = POSTGRES_URL;
  backends.push(['PostgreSQL', () => freshPostgresSchema(pgUrl)]);
}

describe.each(backends)('OpenID4VP verifier through the app (%s)', (_name, databaseUrl) => {
  let setup: Setup;
  let base: string;
  const holder = generateKeyPair('ES256');
  let credential = '';
  let vct = '';

  beforeAll(async () => {
    setup = await setUp(await databaseUrl(), { issuer: true, verifier: true });
    base = setup.server.url;
    const batch = await setup.issuer.issueBatch(
      {
        credentialType: 'labour-contract',
        format: 'dc+sd-jwt',
        items: [{ claims: claimsTemplate('labour-contract'), holderJwk: toPublicJwk(holder.publicJwk) }],
      },
      'admin:test',
    );
    credential = String(batch.credentials[0]?.credential);
    vct = String(payloadOf(credential).vct);
  });
  afterAll(async () => {
    await setup.server.close();
  });

  async function startPresentation(body: Json): Promise<Response> {
    return fetch(`${base}/admin/presentations`, {
      method: 'POST',
      headers: jsonHeaders,
      body: JSON.stringify(body),
    });
  }

  function present(parameters: Record<string, string>, disclose: string[][], aud = CLIENT_ID): string {
    return presentSdJwtSync(credential, {
      disclose,
      keyBinding: {
        signer: createSigner(holder.privateJwk),
        nonce: parameters.nonce ?? '',
        aud,
        clock: fixedClock(NOW),
      },
    });
  }

  async function postResponse(form: Record<string, string>): Promise<Response> {
    return fetch(`${base}/oid4vp/response`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  async function collect(transactionId: string, session: string): Promise<Response> {
    return fetch(`${base}/oid4vp/results/${transactionId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session}` },
    });
  }

  test('openid4vp §13.3, §8.2: request → direct_post → the front end collects only the requested claims once', async () => {
    const asked = [['employer_name'], ['no_recruitment_fees_paid']];
    const created = await startPresentation({
      purpose: PURPOSE,
      response_mode: 'direct_post',
      dcql_query: contractQuery(vct, asked),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const transaction = await json(created);
    const transactionId = String(transaction.transaction_id);
    const session = String(transaction.session);
    expect(created.headers.get('location')).toBe(`/admin/presentations/${transactionId}`);
    const parameters = requestParameters(String(transaction.authorization_request_uri));
    expect(parameters.client_id).toBe(CLIENT_ID);
    expect(parameters.response_uri).toBe(`${PUBLIC_URL}/oid4vp/response`);

    const pending = await json(
      await fetch(`${base}/admin/presentations/${transactionId}`, { headers: admin }),
    );
    expect(pending).toMatchObject({
      id: transactionId,
      purposeId: PURPOSE,
      state: 'pending',
      collected: false,
    });
    expect(await json(await collect(transactionId, session))).toEqual({
      status: 'pending',
      expiresAt: transaction.expires_at,
    });

    const vpToken = JSON.stringify({ contract: [present(parameters, asked)] });
    const answered = await postResponse({ vp_token: vpToken, state: parameters.state ?? '' });
    expect(answered.status).toBe(200);
    expect(answered.headers.get('access-control-allow-origin')).toBe('*');

    // The admin sees the outcome, never the claims.
    const status = await fetch(`${base}/admin/presentations/${transactionId}`, { headers: admin });
    const statusText = await status.text();
    expect(JSON.parse(statusText)).toMatchObject({ state: 'accepted', collected: false });
    expect(statusText).not.toContain('employer_name');

    // §13.3: the result is bound to the session secret.
    const wrong = await collect(transactionId, `${session.slice(0, -2)}AA`);
    expect(wrong.status).toBe(401);
    expect(await json(wrong)).toMatchObject({ error: 'invalid_token' });
    const none = await fetch(`${base}/oid4vp/results/${transactionId}`, { method: 'POST' });
    expect(none.status).toBe(401);

    const result = await collect(transactionId, session);
    expect(result.status).toBe(200);
    expect(result.headers.get('cache-control')).toBe('no-store');
    const body = (await result.json()) as {
      status: string;
      purpose: string;
      credentials: { queryId: string; issuer: string; claims: Json }[];
    };
    expect(body.status).toBe('accepted');
    expect(body.purpose).toBe(PURPOSE);
    expect(body.credentials).toHaveLength(1);
    expect(body.credentials[0]?.issuer).toBe(PUBLIC_URL);
    expect(Object.keys(body.credentials[0]?.claims ?? {}).sort()).toEqual([
      'employer_name',
      'no_recruitment_fees_paid',
    ]);
    // Handed out once.
    expect(await json(await collect(transactionId, session))).toEqual({ status: 'collected' });

    // §14.1: the nonce is spent; the same response again is refused.
    const replay = await postResponse({ vp_token: vpToken, state: parameters.state ?? '' });
    expect(replay.status).toBe(400);

    const audit = await json(await fetch(`${base}/admin/audit?target=${transactionId}`, { headers: admin }));
    const actions = (audit.items as { action: string }[]).map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['presentation.create', 'presentation.collect']));
    expect(JSON.stringify(audit)).not.toContain(session);
    // Nothing personal or secret in the log: no session, nonce, state or claim value.
    const log = setup.server.raw.join('');
    const employer = String(claimsTemplate('labour-contract').employer_name);
    for (const secret of [session, parameters.nonce ?? '', parameters.state ?? '', employer]) {
      expect(secret.length).toBeGreaterThan(0);
      expect(log).not.toContain(secret);
    }
  });

  test('openid4vp §8.6: a KB-JWT for another client_id is rejected, and the front end learns why', async () => {
    const asked = [['employer_name']];
    const transaction = await json(
      await startPresentation({
        purpose: PURPOSE,
        response_mode: 'direct_post',
        dcql_query: contractQuery(vct, asked),
      }),
    );
    const parameters = requestParameters(String(transaction.authorization_request_uri));
    const vpToken = JSON.stringify({
      contract: [present(parameters, asked, 'redirect_uri:https://other.example/cb')],
    });
    const answered = await postResponse({ vp_token: vpToken, state: parameters.state ?? '' });
    expect(answered.status).toBe(400);
    const result = await json(await collect(String(transaction.transaction_id), String(transaction.session)));
    expect(result.status).toBe('rejected');
  });

  test('ARF RPRC_21: a DCQL query beyond the purpose is 400 OVER_ASKING, nothing is started', async () => {
    const res = await startPresentation({
      purpose: PURPOSE,
      response_mode: 'direct_post',
      dcql_query: contractQuery(vct, [['employer_name'], ['worker_reference']]),
    });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error).toBe('invalid_request');
    expect(String(body.error_description)).toContain('OVER_ASKING');
  });

  test('an unknown purpose or an unknown body member is 400', async () => {
    expect((await startPresentation({ purpose: 'no-such-purpose' })).status).toBe(400);
    expect((await startPresentation({ purpose: PURPOSE, extra: true })).status).toBe(400);
  });

  test('the request object of a by-value request is not served; unknown request ids are one 404', async () => {
    const res = await fetch(`${base}/oid4vp/requests/${'A'.repeat(43)}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  test('the QR code of a pending presentation is an SVG of its authorization request', async () => {
    const transaction = await json(
      await startPresentation({ purpose: 'age-check', response_mode: 'direct_post' }),
    );
    const res = await fetch(`${base}/admin/presentations/${transaction.transaction_id}/qr`, {
      headers: admin,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('image/svg+xml');
    expect(await res.text()).toContain('<svg');
    const missing = await fetch(`${base}/admin/presentations/${'B'.repeat(43)}/qr`, { headers: admin });
    expect(missing.status).toBe(404);
  });

  test('purposes: built-in ones listed read-only (reserved ids); own ones registered, replaced, deleted, audited', async () => {
    const listed = await json(await fetch(`${base}/admin/purposes`, { headers: admin }));
    const items = listed.items as { purpose: { id: string }; builtIn: boolean }[];
    expect(items.find((item) => item.purpose.id === 'age-check')?.builtIn).toBe(true);

    const own = {
      id: 'shelter.age-check',
      description: 'A shelter checks that a guest is an adult.',
      legalBasis: 'GDPR Art. 6(1)(c): a legal age restriction.',
      credentialTypes: { 'refugee-registration': [['age_over_18']] },
    };
    const put = (id: string, value: unknown) =>
      fetch(`${base}/admin/purposes/${id}`, {
        method: 'PUT',
        headers: jsonHeaders,
        body: JSON.stringify(value),
      });

    expect((await put('age-check', { ...own, id: 'age-check' })).status).toBe(409);
    expect(
      (await fetch(`${base}/admin/purposes/age-check`, { method: 'DELETE', headers: admin })).status,
    ).toBe(409);

    const invalid = await put(own.id, { ...own, credentialTypes: {} });
    expect(invalid.status).toBe(400);
    expect((await json(invalid)).details).toEqual({ paths: ['credentialTypes'] });
    expect((await put(own.id, { ...own, id: 'other.id' })).status).toBe(400);
    expect((await put(own.id, { ...own, unknown: 1 })).status).toBe(400);

    const created = await put(own.id, own);
    expect(created.status).toBe(201);
    expect(await json(created)).toEqual({ purpose: own, builtIn: false });
    const replaced = await put(own.id, { ...own, description: 'A shelter checks adulthood.' });
    expect(replaced.status).toBe(200);
    const read = await json(await fetch(`${base}/admin/purposes/${own.id}`, { headers: admin }));
    expect(read).toMatchObject({ builtIn: false, purpose: { description: 'A shelter checks adulthood.' } });

    // A registered purpose can be used for a presentation request.
    const started = await startPresentation({ purpose: own.id, response_mode: 'direct_post' });
    expect(started.status).toBe(201);

    expect(
      (await fetch(`${base}/admin/purposes/${own.id}`, { method: 'DELETE', headers: admin })).status,
    ).toBe(204);
    expect(
      (await fetch(`${base}/admin/purposes/${own.id}`, { method: 'DELETE', headers: admin })).status,
    ).toBe(404);
    expect((await fetch(`${base}/admin/purposes/${own.id}`, { headers: admin })).status).toBe(404);

    // Purpose ids may hold dots, which the audit `target` filter does not take: read the newest entries.
    const audit = await json(await fetch(`${base}/admin/audit?limit=100`, { headers: admin }));
    const entries = (audit.items as { action: string; outcome: string; target?: string }[]).filter(
      (e) => e.target === own.id,
    );
    expect(entries.filter((e) => e.action === 'purpose.put' && e.outcome === 'ok')).toHaveLength(2);
    expect(
      entries
        .filter((e) => e.action === 'purpose.delete')
        .map((e) => e.outcome)
        .sort(),
    ).toEqual(['ok', 'refused']);
  });

  test('the verifier admin API needs the admin token', async () => {
    expect((await fetch(`${base}/admin/purposes`)).status).toBe(401);
    const res = await fetch(`${base}/admin/presentations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ purpose: PURPOSE }),
    });
    expect(res.status).toBe(401);
  });
});

describe('switching the verifier (or the issuer) off', () => {
  test('without a verifier its routes are 404, the issuer still serves', async () => {
    const { server } = await setUp(freshSqlitePath(), { issuer: true, verifier: false });
    try {
      expect((await fetch(`${server.url}/admin/purposes`, { headers: admin })).status).toBe(404);
      expect(
        (
          await fetch(`${server.url}/oid4vp/response`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: 'state=x',
          })
        ).status,
      ).toBe(404);
      expect((await fetch(`${server.url}/oid4vp/requests/${'A'.repeat(43)}`)).status).toBe(404);
      expect((await fetch(`${server.url}/.well-known/jwt-vc-issuer`)).status).toBe(200);
      const doc = await json(await fetch(`${server.url}/openapi.json`));
      expect(Object.keys(doc.paths as Json)).not.toContain('/oid4vp/response');
    } finally {
      await server.close();
    }
  });

  test('a verifier alone: no issuer routes, the admin URL space still behind the token', async () => {
    const { server } = await setUp(freshSqlitePath(), { issuer: false, verifier: true });
    try {
      expect((await fetch(`${server.url}/admin/purposes`, { headers: admin })).status).toBe(200);
      expect((await fetch(`${server.url}/admin/offers`, { headers: admin })).status).toBe(404);
      expect((await fetch(`${server.url}/admin/offers`)).status).toBe(401);
      expect((await fetch(`${server.url}/.well-known/openid-credential-issuer`)).status).toBe(404);
      const doc = await json(await fetch(`${server.url}/openapi.json`));
      expect(Object.keys(doc.paths as Json)).toContain('/oid4vp/response');
      expect(Object.keys(doc.paths as Json)).not.toContain('/admin/offers');
    } finally {
      await server.close();
    }
  });
});
