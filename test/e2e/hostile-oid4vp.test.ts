import { fixedClock } from '@haven/core';
import {
  createAuthorizationResponse,
  fetchAuthorizationRequest,
  type ParsedAuthorizationRequest,
  preparePresentation,
} from '@haven/oid4vp';
import { presentSdJwtSync } from '@haven/sd-jwt';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { adminApi } from './fixtures/admin-api.js';
import { MARKERS } from './fixtures/credentials.js';
import { backends, removeTestStorage } from './fixtures/databases.js';
import { ADMIN_TOKEN } from './fixtures/in-process-server.js';
import {
  type CollectedResult,
  type CreatedPresentationBody,
  type IssuedHeld,
  issueHeld,
  postLargeForm,
  type VerifierAdminApi,
  verifierAdminApi,
  walletFetch,
} from './fixtures/presentation-flow.js';
import {
  type PresentationServer,
  startPresentationServer,
  VERIFIER_CLIENT_ID,
} from './fixtures/presentation-server.js';

// Hostile inputs (../shared/hostile-inputs.md, "OpenID4VP") against Haven's verifier over real HTTP on
// loopback, issuer and verifier in one server, on SQLite and PostgreSQL: replayed and misdirected
// presentations, responses for another request, vp_tokens that do not answer the DCQL query, over-asking
// on both sides, and the front end's result endpoint (§13.3) under a wrong session, twice, and expired.

// 2026-06-01T09:00:00Z; moved forward only.
const NOW = 1_780_304_400;
let clock = NOW;
const now = () => clock;

const PURPOSE = 'inspector.contract-validity';
const CONTRACT_VCT = 'https://haven.example/vct/labour-contract/v1';
const EMPLOYER = MARKERS['labour-contract'];

/** A DCQL query for the labour contract asking `paths` (within the purpose unless told otherwise). */
function contractQuery(paths: readonly string[][], extra: Record<string, unknown> = {}) {
  return {
    credentials: [
      {
        id: 'contract',
        format: 'dc+sd-jwt',
        meta: { vct_values: [CONTRACT_VCT] },
        claims: paths.map((path) => ({ path })),
        ...extra,
      },
    ],
  };
}

describe.each(backends())('hostile OpenID4VP inputs over HTTP — $name', (backend) => {
  let server: PresentationServer;
  let verifierApi: VerifierAdminApi;
  let contract: IssuedHeld;
  let otherContract: IssuedHeld;
  const fetch = walletFetch(() => [server.url]);

  beforeAll(async () => {
    server = await startPresentationServer({ storage: await backend.fresh(), now });
    verifierApi = verifierAdminApi(server.url, ADMIN_TOKEN);
    const admin = adminApi(server.url, ADMIN_TOKEN);
    contract = await issueHeld(admin, fetch, 'labour-contract', now, 'contract');
    otherContract = await issueHeld(admin, fetch, 'labour-contract', now, 'contract-2');
    return () => server.close();
  });

  /** A direct_post request for the employer name, and what the wallet reads from it. */
  async function start(
    dcql = contractQuery([['employer_name']]),
  ): Promise<{ created: CreatedPresentationBody; request: ParsedAuthorizationRequest }> {
    const created = await verifierApi.startPresentation({
      purpose: PURPOSE,
      response_mode: 'direct_post',
      dcql_query: dcql,
    });
    const request = await fetchAuthorizationRequest(created.authorization_request_uri, {
      fetch,
      clock: fixedClock(clock),
    });
    return { created, request };
  }

  /** One SD-JWT VC presentation of `held` disclosing `disclose`, with a KB-JWT for `nonce` and `aud`. */
  function present(
    held: IssuedHeld,
    nonce: string,
    options: { aud?: string; disclose?: string[][] } = {},
  ): string {
    return presentSdJwtSync(held.held.credential, {
      disclose: options.disclose ?? [['employer_name']],
      keyBinding: {
        signer: held.holderSigner,
        nonce,
        aud: options.aud ?? VERIFIER_CLIENT_ID,
        clock: fixedClock(clock),
      },
    });
  }

  async function collect(created: CreatedPresentationBody, session = created.session) {
    const answer = await verifierApi.collect(created.transaction_id, session);
    return { status: answer.status, text: answer.text, body: answer.json<CollectedResult>() };
  }

  /** Posts a hand-made response; expects the verifier's refusal with `code` and a rejected result. */
  async function expectRejected(
    created: CreatedPresentationBody,
    form: Record<string, string>,
    code: 'OID4VP_PRESENTATION_INVALID' | 'OID4VP_VP_TOKEN_INVALID' | 'OID4VP_OVER_DISCLOSED',
  ): Promise<CollectedResult> {
    const answer = await verifierApi.postResponse(form);
    expect(answer.status).toBe(400);
    expect(answer.json()).toEqual({ error: 'invalid_request', error_description: code });
    expect(answer.text).not.toContain(EMPLOYER.value);
    const result = await collect(created);
    expect(result.body).toEqual({ status: 'rejected', code });
    expect(result.text).not.toContain(EMPLOYER.value);
    return result.body;
  }

  test('hostile OpenID4VP / openid4vp §14.1: a vp_token replayed with its used nonce → 400, the first result unchanged', async () => {
    const { created, request } = await start();
    const vpToken = JSON.stringify({ contract: [present(contract, request.nonce)] });
    const form = { vp_token: vpToken, state: request.state ?? '' };
    expect((await verifierApi.postResponse(form)).status).toBe(200);
    const replay = await verifierApi.postResponse(form);
    expect(replay.status).toBe(400);
    expect(replay.text).not.toContain(EMPLOYER.value);
    const result = await collect(created);
    expect(result.body).toMatchObject({
      status: 'accepted',
      purpose: PURPOSE,
      credentials: [{ queryId: 'contract', claims: { employer_name: EMPLOYER.value } }],
    });
    expect(Object.keys(result.body.credentials?.[0]?.claims ?? {})).toEqual(['employer_name']);
  });

  test('hostile OpenID4VP / openid4vp §8.6, §14.1: a presentation made for verifier A (another client_id as aud) → rejected', async () => {
    const { created, request } = await start();
    const forA = present(contract, request.nonce, {
      aud: 'redirect_uri:https://verifier-a.test/oid4vp/response',
    });
    await expectRejected(
      created,
      {
        vp_token: JSON.stringify({ contract: [forA] }),
        state: request.state ?? '',
      },
      'OID4VP_PRESENTATION_INVALID',
    );
  });

  test('hostile OpenID4VP / openid4vp §14.1: a response for another request (state of 1, vp_token of 2: nonce mismatch) → rejected; 2 still answerable', async () => {
    const one = await start();
    const two = await start();
    const tokenOfTwo = JSON.stringify({ contract: [present(contract, two.request.nonce)] });
    await expectRejected(
      one.created,
      { vp_token: tokenOfTwo, state: one.request.state ?? '' },
      'OID4VP_PRESENTATION_INVALID',
    );
    // Request 2 was not touched: its own wallet answer is accepted.
    expect(
      (await verifierApi.postResponse({ vp_token: tokenOfTwo, state: two.request.state ?? '' })).status,
    ).toBe(200);
    expect((await collect(two.created)).body.status).toBe('accepted');
  });

  test.each([
    ['an unknown query id', (p: string) => ({ unknown_query: [p] })],
    ['the required query missing (empty vp_token)', () => ({})],
    ['the required query missing, another id instead', (p: string) => ({ Contract: [p] })],
    [
      'extra credentials (two presentations where multiple is false)',
      (p: string, q: string) => ({ contract: [p, q] }),
    ],
    ['an unknown query id next to the right one', (p: string) => ({ contract: [p], extra: [p] })],
  ])('hostile OpenID4VP / openid4vp §6.1, §8.1: a vp_token with %s → rejected', async (_name, shape) => {
    const { created, request } = await start();
    const vpToken = shape(present(contract, request.nonce), present(otherContract, request.nonce));
    await expectRejected(
      created,
      { vp_token: JSON.stringify(vpToken), state: request.state ?? '' },
      'OID4VP_VP_TOKEN_INVALID',
    );
  });

  test('hostile OpenID4VP / openid4vp §6.1 multiple: every credential is validated, not only the first', async () => {
    const { created, request } = await start(contractQuery([['employer_name']], { multiple: true }));
    const good = present(contract, request.nonce);
    const forA = present(otherContract, request.nonce, { aud: 'redirect_uri:https://verifier-a.test/cb' });
    await expectRejected(
      created,
      { vp_token: JSON.stringify({ contract: [good, forA] }), state: request.state ?? '' },
      'OID4VP_PRESENTATION_INVALID',
    );
    // The same pair, both made for this verifier, is accepted: the second credential was the reason.
    const again = await start(contractQuery([['employer_name']], { multiple: true }));
    const both = [present(contract, again.request.nonce), present(otherContract, again.request.nonce)];
    const ok = await verifierApi.postResponse({
      vp_token: JSON.stringify({ contract: both }),
      state: again.request.state ?? '',
    });
    expect(ok.status).toBe(200);
    expect((await collect(again.created)).body.credentials).toHaveLength(2);
  });

  test('hostile OpenID4VP / ARF over-asking: POST /admin/presentations beyond the purpose → 400 OVER_ASKING, nothing created', async () => {
    const count = async () =>
      (await server.database.db.selectFrom('verifier_transactions').select('id').execute()).length;
    const before = await count();
    const answer = await verifierApi.createPresentation({
      purpose: PURPOSE,
      response_mode: 'direct_post',
      dcql_query: contractQuery([['employer_name'], ['worker_reference']]),
    });
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ error: 'invalid_request' });
    expect(answer.text).toContain('OVER_ASKING');
    expect(answer.text).not.toContain('session');
    expect(await count()).toBe(before);
    // Another credential type than the purpose allows is refused the same way.
    const otherType = await verifierApi.createPresentation({
      purpose: PURPOSE,
      dcql_query: {
        credentials: [
          {
            id: 'id',
            format: 'dc+sd-jwt',
            meta: { vct_values: ['https://haven.example/vct/civil-identity/v1'] },
            claims: [{ path: ['age_over_18'] }],
          },
        ],
      },
    });
    expect(otherType.status).toBe(400);
    expect(await count()).toBe(before);
  });

  test('hostile OpenID4VP / ARF over-asking: the wallet flags a request widened beyond its registration; the verifier refuses the extra disclosure', async () => {
    const { created } = await start();
    // The request as the verifier made it, with its dcql_query widened by hand (the verifier's own
    // request builder refuses to over-ask, so a hostile verifier would do exactly this).
    const url = new URL(created.authorization_request_uri);
    url.searchParams.set(
      'dcql_query',
      JSON.stringify(contractQuery([['employer_name'], ['worker_reference'], ['wage']])),
    );
    const widened = await fetchAuthorizationRequest(url.href, { fetch, clock: fixedClock(clock) });
    expect(widened.purposeCheck).toMatchObject({
      status: 'over-asking',
      overAsking: true,
      purpose: PURPOSE,
      code: 'OVER_ASKING',
    });
    const paths = widened.purposeCheck.status === 'over-asking' ? widened.purposeCheck.paths : [];
    expect(paths.join(' ')).toContain('worker_reference');
    expect(paths.join(' ')).not.toContain('employer_name');
    // The legitimate request is within its purpose.
    const legitimate = await fetchAuthorizationRequest(created.authorization_request_uri, {
      fetch,
      clock: fixedClock(clock),
    });
    expect(legitimate.purposeCheck).toMatchObject({ status: 'within-purpose', overAsking: false });

    // A wallet that answered the widened query anyway: the verifier checks against what it asked.
    const prepared = preparePresentation(widened, [contract.held]);
    expect(prepared.satisfied).toBe(true);
    const body = await createAuthorizationResponse(prepared, {
      held: [contract.held],
      clock: fixedClock(clock),
    });
    if (!('vp_token' in body)) throw new Error('expected a direct_post body');
    await expectRejected(
      created,
      { vp_token: body.vp_token, state: body.state ?? '' },
      'OID4VP_OVER_DISCLOSED',
    );
  });

  test('openid4vp §13.3: a wrong or missing session → 401, nothing leaked and nothing spent; collected twice → "collected", no claims', async () => {
    const { created, request } = await start();
    const other = await start();
    const vpToken = JSON.stringify({ contract: [present(contract, request.nonce)] });
    expect((await verifierApi.postResponse({ vp_token: vpToken, state: request.state ?? '' })).status).toBe(
      200,
    );

    for (const session of [`${created.session.slice(0, -2)}AA`, other.created.session, 'A'.repeat(43)]) {
      const wrong = await verifierApi.collect(created.transaction_id, session);
      expect(wrong.status).toBe(401);
      expect(wrong.json()).toMatchObject({ error: 'invalid_token' });
      expect(wrong.text).not.toContain(EMPLOYER.value);
      expect(wrong.text).not.toContain('employer_name');
      expect(wrong.text).not.toContain('accepted');
    }
    const none = await verifierApi.collect(created.transaction_id, '');
    expect(none.status).toBe(401);
    expect(none.text).not.toContain(EMPLOYER.value);
    // A transaction that does not exist answers like a wrong session.
    const unknown = await verifierApi.collect('B'.repeat(43), created.session);
    expect(unknown.status).toBe(401);

    const first = await collect(created);
    expect(first.body).toMatchObject({
      status: 'accepted',
      credentials: [{ claims: { employer_name: EMPLOYER.value } }],
    });
    const second = await collect(created);
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ status: 'collected' });
    expect(second.text).not.toContain(EMPLOYER.value);
    // The admin sees it was collected, never what.
    const status = await verifierApi.presentationStatus(created.transaction_id);
    expect(status.json()).toMatchObject({ state: 'accepted', collected: true });
    expect(status.text).not.toContain(EMPLOYER.value);
  });

  test('hostile Server and storage: a 5 MB body to /oid4vp/response → 413, refused before it is all sent', async () => {
    const big = 5 * 1024 * 1024;
    const { status, sent } = await postLargeForm(`${server.url}/oid4vp/response`, big);
    expect(status).toBe(413);
    expect(sent).toBeLessThan(big);
  });

  test('openid4vp §13.3: an expired transaction — the response is refused, the front end and admin see "expired"', async () => {
    const { created, request } = await start();
    const vpToken = JSON.stringify({ contract: [present(contract, request.nonce)] });
    clock = created.expires_at + 1;
    const answer = await verifierApi.postResponse({ vp_token: vpToken, state: request.state ?? '' });
    expect(answer.status).toBe(400);
    expect(answer.text).not.toContain(EMPLOYER.value);
    expect((await collect(created)).body).toEqual({ status: 'expired' });
    expect((await verifierApi.presentationStatus(created.transaction_id)).json()).toMatchObject({
      state: 'expired',
      collected: false,
    });
  });
});

afterAll(removeTestStorage);
