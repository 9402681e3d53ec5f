import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CredentialTypeId } from '@haven/credentials';
import { PURPOSES } from '@haven/credentials';
import type { HavenDatabase } from '@haven/server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AdminApi, adminApi } from './fixtures/admin-api.js';
import { MARKERS } from './fixtures/credentials.js';
import { backends, removeTestStorage, type ServerStorage } from './fixtures/databases.js';
import { ADMIN_TOKEN } from './fixtures/in-process-server.js';
import { PUBLIC_URL } from './fixtures/issuer-routing.js';
import {
  type CollectedResult,
  issueHeld,
  type VerifierAdminApi,
  verifierAdminApi,
  walletFetch,
  walletPresents,
} from './fixtures/presentation-flow.js';
import {
  type PresentationServer,
  startPresentationServer,
  VERIFIER_CLIENT_ID,
} from './fixtures/presentation-server.js';

// End to end over real HTTP on loopback, issuer and verifier in one Haven server: the operator issues
// through the admin API, Haven's wallet receives each credential over OpenID4VCI, the operator starts a
// presentation request for a purpose (OpenID4VP 1.0 §5 with DCQL §6), the wallet fetches, prepares and
// answers it (§8.2 direct_post, §8.3 direct_post.jwt), and the front end collects the result once with
// its session secret (§13.3) — on SQLite and on PostgreSQL.

// 2026-06-01T09:00:00Z; moved forward only.
const NOW = 1_780_304_400;
const clock = NOW;
const now = () => clock;

const TABLES = ['verifier_transactions', 'verifier_purposes', 'audit_log', 'offers', 'credentials'] as const;

/** Per credential type: the built-in purpose it is presented for, and the response mode used. */
const CASES: readonly {
  readonly type: CredentialTypeId;
  readonly purpose: string;
  readonly mode: 'direct_post' | 'direct_post.jwt';
}[] = [
  { type: 'identity-restoration', purpose: 'age-check', mode: 'direct_post.jwt' },
  { type: 'labour-contract', purpose: 'inspector.contract-validity', mode: 'direct_post' },
  { type: 'refugee-registration', purpose: 'refugee-services.registration-check', mode: 'direct_post.jwt' },
];

/** The top-level claim names a purpose allows for a type, sorted. */
function purposeClaimNames(purpose: string, type: CredentialTypeId): string[] {
  const paths = PURPOSES[purpose]?.credentialTypes[type];
  if (paths === undefined) throw new Error('test: the purpose does not cover the type');
  return paths.map((path) => String(path[0])).sort();
}

/** Every row of the verifier's (and the registry's) tables, as text. */
async function dumpRows(database: HavenDatabase): Promise<string> {
  const out: unknown[] = [];
  for (const table of TABLES) out.push(await database.db.selectFrom(table).selectAll().execute());
  return JSON.stringify(out);
}

/** The SQLite database and its WAL/journal files, byte for byte, as latin1 text. */
function sqliteBytes(file: string): string {
  const dir = dirname(file);
  const base = file.slice(dir.length + 1);
  return readdirSync(dir)
    .filter((name) => name.startsWith(base))
    .map((name) => readFileSync(join(dir, name)).toString('latin1'))
    .join('\n');
}

describe.each(backends())('e2e OpenID4VP presentation over HTTP — $name', (backend) => {
  let storage: ServerStorage;
  let server: PresentationServer;
  let admin: AdminApi;
  let verifierApi: VerifierAdminApi;
  const fetch = walletFetch(() => [server.url]);
  const collectedIds: string[] = [];

  beforeAll(async () => {
    storage = await backend.fresh();
    server = await startPresentationServer({ storage, now });
    admin = adminApi(server.url, ADMIN_TOKEN);
    verifierApi = verifierAdminApi(server.url, ADMIN_TOKEN);
    return () => server.close();
  });

  async function collect(transactionId: string, session: string, responseCode?: string) {
    const answer = await verifierApi.collect(transactionId, session, responseCode);
    return { status: answer.status, text: answer.text, body: answer.json<CollectedResult>() };
  }

  test.each(CASES)(
    'openid4vp §5, §6, §8.2/§8.3, §13.3: $type for $purpose ($mode) — accepted with exactly the purpose’s claims, collected once',
    async ({ type, purpose, mode }) => {
      const issued = await issueHeld(admin, fetch, type, now, `${type}-1`);
      const created = await verifierApi.startPresentation({ purpose, response_mode: mode });
      expect(created.authorization_request_uri).toMatch(/^openid4vp:\/\/\?/);

      const run = await walletPresents(created.authorization_request_uri, [issued.held], {
        fetch,
        now: clock,
      });
      expect(run.request.parameters.client_id).toBe(VERIFIER_CLIENT_ID);
      expect(run.request.responseMode).toBe(mode);
      expect(run.request.responseUri).toBe(`${PUBLIC_URL}/oid4vp/response`);
      expect(run.request.purposeCheck).toMatchObject({
        status: 'within-purpose',
        overAsking: false,
        purpose,
      });
      // What the holder consents to is what the purpose allows, nothing more.
      expect(run.prepared.consent).toHaveLength(1);
      expect(run.prepared.consent[0]?.claims.map((p) => String(p[0])).sort()).toEqual(
        purposeClaimNames(purpose, type),
      );
      // §8.3: an encrypted response is one `response` field; §8.2: vp_token and state in the clear.
      expect(Object.keys(run.body).sort()).toEqual(
        mode === 'direct_post.jwt' ? ['response'] : ['state', 'vp_token'],
      );
      expect(run.answer).toEqual({});

      // The operator sees the outcome, never the claims.
      const status = await verifierApi.presentationStatus(created.transaction_id);
      expect(status.json()).toMatchObject({ purposeId: purpose, state: 'accepted', collected: false });
      expect(status.text).not.toContain(MARKERS[type].value);

      const result = await collect(created.transaction_id, created.session);
      expect(result.status).toBe(200);
      expect(result.body.status).toBe('accepted');
      expect(result.body.purpose).toBe(purpose);
      const credentials = result.body.credentials ?? [];
      expect(credentials).toHaveLength(1);
      const [presented] = credentials;
      expect(presented?.credentialType).toBe(type);
      expect(presented?.issuer).toBe(PUBLIC_URL);
      expect(Object.keys(presented?.claims ?? {}).sort()).toEqual(purposeClaimNames(purpose, type));
      const marker = MARKERS[type];
      if (purposeClaimNames(purpose, type).includes(marker.claim)) {
        // The real issued value came through.
        expect(presented?.claims[marker.claim]).toBe(marker.value);
      } else {
        expect(result.text).not.toContain(marker.value);
        expect(presented?.claims).toEqual({ age_over_18: true });
      }
      // Handed out once: a second collection says so and carries no claims.
      const again = await collect(created.transaction_id, created.session);
      expect(again.body).toEqual({ status: 'collected' });
      collectedIds.push(created.transaction_id);
    },
  );

  test('openid4vp §8.2 + token status list: a credential revoked through the admin API is then rejected, the front end learns it', async () => {
    const issued = await issueHeld(admin, fetch, 'labour-contract', now, 'contract-revoked');
    const start = () =>
      verifierApi.startPresentation({ purpose: 'inspector.contract-validity', response_mode: 'direct_post' });
    // Valid first: the same credential is accepted before the revocation.
    const before = await start();
    await walletPresents(before.authorization_request_uri, [issued.held], { fetch, now: clock });
    expect((await collect(before.transaction_id, before.session)).body.status).toBe('accepted');

    expect((await admin.setState(issued.recordId, 'revoke')).status).toBe(200);
    // The co-located issuer's lists are not kept by the verifier (other issuers' are, for their `ttl`):
    // the revocation counts at once, well within the list's 300 s `ttl`.
    const created = await start();
    const refused = await walletPresents(created.authorization_request_uri, [issued.held], {
      fetch,
      now: clock,
    }).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      code: 'OID4VP_VERIFIER_ERROR',
      details: { status: 400, error: 'invalid_request' },
    });
    const result = await collect(created.transaction_id, created.session);
    expect(result.body).toEqual({ status: 'rejected', code: 'OID4VP_PRESENTATION_INVALID' });
    expect(result.text).not.toContain(MARKERS['labour-contract'].value);
    const status = await verifierApi.presentationStatus(created.transaction_id);
    expect(status.json()).toMatchObject({ state: 'rejected', errorCode: 'OID4VP_PRESENTATION_INVALID' });
  });

  test('a purpose stored with PUT /admin/purposes is used for a request: only its claims are asked and returned', async () => {
    const own = {
      id: 'shelter.household-check',
      description: 'A shelter checks the size of a registered household and its protection status.',
      legalBasis: 'GDPR Art. 6(1)(e): humanitarian assistance in the public interest.',
      credentialTypes: { 'refugee-registration': [['household_size'], ['protection_status']] },
    };
    const put = await verifierApi.putPurpose(own.id, own);
    expect(put.status).toBe(201);
    expect(put.body).toEqual({ purpose: own, builtIn: false });

    const issued = await issueHeld(admin, fetch, 'refugee-registration', now, 'registration-own');
    const created = await verifierApi.startPresentation({ purpose: own.id });
    const run = await walletPresents(created.authorization_request_uri, [issued.held], { fetch, now: clock });
    // Haven does not know this purpose: the wallet checks the query against the registration it carries.
    expect(run.request.purposeCheck).toMatchObject({
      status: 'within-purpose',
      purpose: own.id,
      basis: 'registration',
    });
    // The server's default response mode is the encrypted one (HAIP).
    expect(run.request.responseMode).toBe('direct_post.jwt');
    const result = await collect(created.transaction_id, created.session);
    expect(result.body).toMatchObject({ status: 'accepted', purpose: own.id });
    expect(Object.keys(result.body.credentials?.[0]?.claims ?? {}).sort()).toEqual([
      'household_size',
      'protection_status',
    ]);
    expect(result.body.credentials?.[0]?.claims).toEqual({ household_size: 3, protection_status: 'refugee' });
    expect(result.text).not.toContain(MARKERS['refugee-registration'].value);
    collectedIds.push(created.transaction_id);
  });

  test('openid4vp §13.3 same-device: redirect_uri with a response_code — collecting needs it', async () => {
    const issued = await issueHeld(admin, fetch, 'identity-restoration', now, 'identity-same-device');
    const created = await verifierApi.startPresentation({
      purpose: 'age-check',
      response_mode: 'direct_post',
      redirect_uri: 'https://frontend.test/done',
    });
    const run = await walletPresents(created.authorization_request_uri, [issued.held], { fetch, now: clock });
    const redirect = run.answer.redirectUri ?? '';
    expect(redirect.startsWith('https://frontend.test/done#response_code=')).toBe(true);
    const code = new URLSearchParams(new URL(redirect).hash.slice(1)).get('response_code') ?? '';
    expect(code).toMatch(/^[A-Za-z0-9_-]{16,}$/);

    // The session alone is not enough, nor a wrong code; neither spends the result.
    const without = await collect(created.transaction_id, created.session);
    expect(without.status).toBe(401);
    expect(without.text).not.toContain('age_over_18');
    const wrong = await collect(created.transaction_id, created.session, `${code.slice(0, -2)}AA`);
    expect(wrong.status).toBe(401);
    const result = await collect(created.transaction_id, created.session, code);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      status: 'accepted',
      purpose: 'age-check',
      credentials: [{ claims: { age_over_18: true } }],
    });
    expect((await collect(created.transaction_id, created.session, code)).body).toEqual({
      status: 'collected',
    });
    collectedIds.push(created.transaction_id);
  });

  test('after collection no claim value is left in the database, its files or the logs; sealed results are wiped', async () => {
    expect(collectedIds.length).toBeGreaterThanOrEqual(5);
    const rows = await dumpRows(server.database);
    const bytes = storage.sqliteFile === undefined ? '' : sqliteBytes(storage.sqliteFile);
    const logs = server.logLines.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const { value } of Object.values(MARKERS)) {
      expect(rows).not.toContain(value);
      expect(bytes).not.toContain(value);
      expect(logs).not.toContain(value);
    }
    const transactions = await server.database.db
      .selectFrom('verifier_transactions')
      .select(['id', 'sealed_result', 'collected_at'])
      .execute();
    for (const id of collectedIds) {
      const row = transactions.find((t) => t.id === id);
      expect(row?.collected_at).not.toBeNull();
      expect(row?.sealed_result).toBeNull();
    }
    // The scans saw real data: the collected transactions are there, in the rows and in the file.
    expect(rows).toContain(collectedIds[0]);
    if (storage.sqliteFile !== undefined) expect(bytes).toContain(collectedIds[0]);
  });
});

afterAll(removeTestStorage);
