import {
  type Clock,
  createClock,
  createSigner,
  encryptJweEcdhEs,
  generateKeyPair,
  isHavenError,
  openAead,
  type PublicJwk,
  sealAead,
  toPublicJwk,
} from '@haven/core';
import { type CredentialTypeId, claimsTemplate, prepareIssuance, vctFor } from '@haven/credentials';
import { type IssuerKeySource, issueSdJwtVcSync, presentSdJwtSync } from '@haven/sd-jwt';
import { describe, expect, it } from 'vitest';
import {
  DNS,
  VERIFIER,
  X509_CLIENT_ID,
  X509_RESPONSE_URI,
  x509Options,
} from '../fixtures/request-fixture.js';
import type {
  CreatedPresentationTransaction,
  CreatePresentationTransactionInput,
  Oid4vpVerifierConfig,
} from './contracts.js';
import { MemoryOid4vpVerifierStore } from './memory-store.js';
import {
  collectPresentationResult,
  createPresentationTransaction,
  getAuthorizationRequestUri,
  getRequestObject,
  getTransactionStatus,
  handleAuthorizationResponse,
  purgeExpiredTransactions,
} from './transactions.js';

const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z
const ISSUER = 'https://issuer.example.org';
const ISSUER_KEYS = generateKeyPair('ES256');
const HOLDER_KEYS = generateKeyPair('ES256');
const HOLDER_SIGNER = createSigner(HOLDER_KEYS.privateJwk);
const RESPONSE_URI = `https://${DNS}/oid4vp/response`;
const REDIRECT_CLIENT_ID = `redirect_uri:${RESPONSE_URI}`;
const REQUEST_URI_BASE = `https://${DNS}/oid4vp/request/`;
const FRONT_END = `https://${DNS}/check/done`;
const SEAL_KEY = new Uint8Array(32).fill(9);
const GENERIC = JSON.stringify({ error: 'invalid_request' });

const trustedIssuer: IssuerKeySource = (_header, payload) => {
  if (payload.iss !== ISSUER) throw new Error('untrusted issuer');
  return toPublicJwk(ISSUER_KEYS.publicJwk);
};

function issue(type: CredentialTypeId = 'identity-restoration'): string {
  const prepared = prepareIssuance(type, claimsTemplate(type), { now: T0 });
  return issueSdJwtVcSync(
    { iss: ISSUER, vct: prepared.vct, iat: T0 - 60, exp: T0 + 365 * 86_400, ...prepared.claims },
    {
      signer: createSigner(ISSUER_KEYS.privateJwk),
      frame: prepared.disclosureFrame,
      holderPublicJwk: toPublicJwk(HOLDER_KEYS.publicJwk),
    },
  );
}
const CREDENTIAL = issue();

interface Harness {
  readonly config: Oid4vpVerifierConfig;
  readonly store: MemoryOid4vpVerifierStore;
  /** Moves the verifier's clock. */
  advance(seconds: number): void;
}

function harness(kind: 'redirect' | 'x509', overrides: Partial<Oid4vpVerifierConfig> = {}): Harness {
  let now = T0;
  const clock: Clock = createClock(() => now);
  const store = new MemoryOid4vpVerifierStore();
  const base = {
    store,
    secret: new Uint8Array(32).fill(7),
    seal: (id: string, text: string) => sealAead(SEAL_KEY, text, `oid4vp-transaction:${id}`),
    open: (id: string, sealed: string) =>
      new TextDecoder().decode(openAead(SEAL_KEY, sealed, `oid4vp-transaction:${id}`)),
    requestUriBase: REQUEST_URI_BASE,
    verifier: VERIFIER,
    issuerKey: trustedIssuer,
    status: () => {
      throw new Error('these credentials carry no status');
    },
    clock,
  };
  const config: Oid4vpVerifierConfig =
    kind === 'redirect'
      ? { ...base, clientId: REDIRECT_CLIENT_ID, responseUri: RESPONSE_URI, ...overrides }
      : {
          ...base,
          clientId: X509_CLIENT_ID,
          responseUri: X509_RESPONSE_URI,
          x509: x509Options().x509,
          ...overrides,
        };
  return { config, store, advance: (s) => (now += s) };
}

/** What a wallet reads: the request object's claims (by reference) or the URI's parameters (by value). */
async function walletReads(
  config: Oid4vpVerifierConfig,
  created: CreatedPresentationTransaction,
): Promise<Record<string, unknown>> {
  if (created.requestUri !== undefined) {
    const answer = await getRequestObject(config, created.requestUri.slice(REQUEST_URI_BASE.length));
    expect(answer).toMatchObject({ status: 200, contentType: 'application/oauth-authz-req+jwt' });
    return JSON.parse(Buffer.from(answer.body.split('.')[1] as string, 'base64url').toString('utf8'));
  }
  const url = new URL(created.authorizationRequestUri);
  const out: Record<string, unknown> = {};
  for (const [name, value] of url.searchParams) {
    out[name] = ['dcql_query', 'client_metadata', 'verifier_info'].includes(name) ? JSON.parse(value) : value;
  }
  return out;
}

/** A `vp_token` answering the identity-restoration query of `age-check` with a KB-JWT for the request. */
function vpTokenFor(request: Record<string, unknown>, credential = CREDENTIAL): Record<string, string[]> {
  const dcql = request.dcql_query as { credentials: { id: string; meta: { vct_values: string[] } }[] };
  const query = dcql.credentials.find((c) => c.meta.vct_values.includes(vctFor('identity-restoration')));
  const presentation = presentSdJwtSync(credential, {
    disclose: [['age_over_18']],
    keyBinding: {
      signer: HOLDER_SIGNER,
      nonce: request.nonce as string,
      aud: request.client_id as string,
      clock: createClock(() => T0),
    },
  });
  return { [query?.id as string]: [presentation] };
}

function plainForm(request: Record<string, unknown>, vpToken: unknown = vpTokenFor(request)) {
  return { vp_token: JSON.stringify(vpToken), state: request.state as string };
}

function encryptionKeyOf(request: Record<string, unknown>): PublicJwk {
  const metadata = request.client_metadata as { jwks: { keys: PublicJwk[] } };
  return metadata.jwks.keys[0] as PublicJwk;
}

function encryptedForm(
  request: Record<string, unknown>,
  payload: Record<string, unknown> = { vp_token: vpTokenFor(request), state: request.state },
  enc: 'A128GCM' | 'A256GCM' = 'A256GCM',
) {
  return { response: encryptJweEcdhEs(JSON.stringify(payload), encryptionKeyOf(request), { enc }) };
}

async function start(h: Harness, input: Partial<CreatePresentationTransactionInput> = {}) {
  const created = await createPresentationTransaction(h.config, {
    ...input,
    purpose: input.purpose ?? 'age-check',
  });
  const request = await walletReads(h.config, created);
  return { created, request };
}

async function collect(h: Harness, created: CreatedPresentationTransaction, responseCode?: string) {
  return collectPresentationResult(h.config, {
    transactionId: created.transactionId,
    session: created.session,
    ...(responseCode === undefined ? {} : { responseCode }),
  });
}

async function sessionError(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isHavenError(error) ? error.code : 'not a HavenError';
  }
}

describe('createPresentationTransaction (openid4vp §13.3 reference design, §5.10, §8.3)', () => {
  it('openid4vp §5.9.3 redirect_uri: the whole unsigned request travels by value in openid4vp://', async () => {
    const h = harness('redirect', { responseMode: 'direct_post' });
    const { created, request } = await start(h);
    expect(created.authorizationRequestUri.startsWith('openid4vp://?')).toBe(true);
    expect(created.requestUri).toBeUndefined();
    expect(request).toMatchObject({
      client_id: REDIRECT_CLIENT_ID,
      response_mode: 'direct_post',
      response_uri: RESPONSE_URI,
      response_type: 'vp_token',
    });
    expect((request.state as string).length).toBeGreaterThanOrEqual(22);
    expect((request.nonce as string).length).toBeGreaterThanOrEqual(22);
    expect(created.transactionId).not.toBe(request.state);
    expect(created.session).not.toBe(request.state);
    expect(created.expiresAt).toBe(T0 + 600);
  });

  it('openid4vp §5.10 x509_san_dns: client_id and request_uri only; the request object is served there', async () => {
    const h = harness('x509');
    const { created, request } = await start(h);
    const url = new URL(created.authorizationRequestUri);
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(url.searchParams.get('client_id')).toBe(X509_CLIENT_ID);
    expect(url.searchParams.get('request_uri')).toBe(created.requestUri);
    expect(created.requestUri).toBe(`${REQUEST_URI_BASE}${request.state}`);
    expect(request).toMatchObject({
      client_id: X509_CLIENT_ID,
      response_mode: 'direct_post.jwt',
      exp: T0 + 600,
    });
  });

  it('openid4vp §8.3 / HAIP: direct_post.jwt gets a fresh P-256 ECDH-ES key per transaction, kid = request-id', async () => {
    const h = harness('x509');
    const first = await start(h);
    const second = await start(h);
    const key = encryptionKeyOf(first.request);
    expect(key).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      kid: first.request.state,
      alg: 'ECDH-ES',
      use: 'enc',
    });
    expect(key).not.toHaveProperty('d');
    expect(encryptionKeyOf(second.request).x).not.toBe(key.x);
  });

  it('rejects bad configuration and input with OID4VP_OPTIONS_INVALID', async () => {
    const bad: Partial<Oid4vpVerifierConfig>[] = [
      { transactionTtlSeconds: 30 },
      { transactionTtlSeconds: 7200 },
      { secret: new Uint8Array(16) },
      { requestUriBase: 'ftp://verifier.example.org/r/' },
      { responseMode: 'query' as never },
      // Status checking is never optional for a verifier (fail closed).
      { status: 'unchecked' as never },
      { store: {} as never },
    ];
    for (const overrides of bad) {
      await expect(
        createPresentationTransaction(harness('x509', overrides).config, { purpose: 'age-check' }),
      ).rejects.toMatchObject({ code: 'OID4VP_OPTIONS_INVALID' });
    }
    await expect(
      createPresentationTransaction(harness('x509').config, {
        purpose: 'age-check',
        redirectUri: 'http://front.example.org/done',
      }),
    ).rejects.toMatchObject({ code: 'OID4VP_OPTIONS_INVALID' });
  });
});

describe('getRequestObject (openid4vp §5.10)', () => {
  it('openid4vp §5.10 one and the same 404 for unknown, answered and expired request-ids', async () => {
    const h = harness('x509');
    const answered = await start(h);
    const answeredId = answered.request.state as string;
    expect((await handleAuthorizationResponse(h.config, encryptedForm(answered.request))).status).toBe(200);
    const expired = await start(h);
    h.advance(601);
    const answers = [
      await getRequestObject(h.config, 'x'.repeat(43)),
      await getRequestObject(h.config, answeredId),
      await getRequestObject(h.config, expired.request.state as string),
      await getRequestObject(h.config, '../../etc/passwd'),
      await getRequestObject(h.config, 42),
    ];
    for (const answer of answers) {
      expect(answer).toEqual({ status: 404, contentType: 'application/json', body: GENERIC });
    }
  });

  it('openid4vp §5.9.3 an unsigned redirect_uri transaction has no request object to serve', async () => {
    const h = harness('redirect');
    const { request } = await start(h);
    expect((await getRequestObject(h.config, request.state)).status).toBe(404);
  });
});

describe('getAuthorizationRequestUri (openid4vp §13.3 cross-device: the QR code shown again)', () => {
  it('gives the same URI from the sealed request while the transaction can be answered, then nothing', async () => {
    const h = harness('x509');
    const { created, request } = await start(h);
    expect(await getAuthorizationRequestUri(h.config, created.transactionId)).toBe(
      created.authorizationRequestUri,
    );
    await handleAuthorizationResponse(h.config, encryptedForm(request));
    expect(await getAuthorizationRequestUri(h.config, created.transactionId)).toBeUndefined();
    const expiring = await start(h);
    h.advance(601);
    expect(await getAuthorizationRequestUri(h.config, expiring.created.transactionId)).toBeUndefined();
    expect(await getAuthorizationRequestUri(h.config, 'x'.repeat(43))).toBeUndefined();
  });
});

describe('handleAuthorizationResponse + collectPresentationResult (openid4vp §8.2, §8.3, §13.3)', () => {
  it('openid4vp §8.2 / §13.3 round trip with direct_post: verified credentials reach the front end once', async () => {
    const h = harness('redirect', { responseMode: 'direct_post' });
    const { created, request } = await start(h);
    expect(await collect(h, created)).toEqual({ status: 'pending', expiresAt: T0 + 600 });
    const answer = await handleAuthorizationResponse(h.config, plainForm(request));
    expect(answer).toEqual({ status: 200, contentType: 'application/json', body: '{}' });
    const result = await collect(h, created);
    expect(result.status).toBe('accepted');
    if (result.status !== 'accepted') return;
    expect(result.purpose).toBe('age-check');
    expect(result.credentials).toHaveLength(1);
    expect(result.credentials[0]).toMatchObject({
      credentialType: 'identity-restoration',
      issuer: ISSUER,
      claims: { age_over_18: true },
    });
    // One-time: the second collection gets nothing, and the store no longer holds the result.
    expect(await collect(h, created)).toEqual({ status: 'collected' });
    const record = await h.store.findTransaction(created.transactionId);
    expect(record?.sealedResult).toBeUndefined();
    expect(record?.collectedAt).toBe(T0);
    expect(await getTransactionStatus(h.config, created.transactionId)).toEqual({
      id: created.transactionId,
      purposeId: 'age-check',
      responseMode: 'direct_post',
      createdAt: T0,
      expiresAt: T0 + 600,
      outcome: 'accepted',
      respondedAt: T0,
      collected: true,
    });
  });

  for (const enc of ['A128GCM', 'A256GCM'] as const) {
    it(`openid4vp §8.3 / HAIP round trip with direct_post.jwt (ECDH-ES P-256, ${enc})`, async () => {
      const h = harness('x509');
      const { created, request } = await start(h);
      const form = encryptedForm(request, { vp_token: vpTokenFor(request), state: request.state }, enc);
      expect(await handleAuthorizationResponse(h.config, form)).toMatchObject({ status: 200, body: '{}' });
      const result = await collect(h, created);
      expect(result).toMatchObject({ status: 'accepted', credentials: [{ claims: { age_over_18: true } }] });
    });
  }

  it('openid4vp §13.3 same-device flow: the redirect carries a response_code, required to collect', async () => {
    const h = harness('x509');
    const { created, request } = await start(h, { redirectUri: FRONT_END });
    const answer = await handleAuthorizationResponse(h.config, encryptedForm(request));
    expect(answer.status).toBe(200);
    const redirect = JSON.parse(answer.body).redirect_uri as string;
    expect(redirect.startsWith(`${FRONT_END}#response_code=`)).toBe(true);
    const code = redirect.slice(`${FRONT_END}#response_code=`.length);
    expect(code.length).toBeGreaterThanOrEqual(22);
    expect(await sessionError(collect(h, created))).toBe('OID4VP_SESSION_INVALID');
    expect(
      await sessionError(collect(h, created, `${code.slice(0, -1)}${code.endsWith('A') ? 'B' : 'A'}`)),
    ).toBe('OID4VP_SESSION_INVALID');
    expect(await sessionError(collect(h, created, 'A'.repeat(43)))).toBe('OID4VP_SESSION_INVALID');
    expect((await collect(h, created, code)).status).toBe('accepted');
  });

  it('openid4vp §13.3 a wrong session secret or unknown transaction is OID4VP_SESSION_INVALID', async () => {
    const h = harness('redirect', { responseMode: 'direct_post' });
    const { created, request } = await start(h);
    await handleAuthorizationResponse(h.config, plainForm(request));
    const other = await start(h);
    for (const input of [
      { transactionId: created.transactionId, session: other.created.session },
      { transactionId: created.transactionId, session: '' },
      { transactionId: 'unknown-transaction-id-000000', session: created.session },
      { transactionId: created.transactionId, session: created.session, responseCode: 'A'.repeat(43) },
    ]) {
      expect(await sessionError(collectPresentationResult(h.config, input))).toBe('OID4VP_SESSION_INVALID');
    }
    // None of those attempts consumed the result.
    expect((await collect(h, created)).status).toBe('accepted');
  });

  it('openid4vp §14.1 a replayed response is refused generically and changes nothing', async () => {
    const h = harness('redirect', { responseMode: 'direct_post' });
    const { created, request } = await start(h);
    const form = plainForm(request);
    expect((await handleAuthorizationResponse(h.config, form)).status).toBe(200);
    const before = await h.store.findTransaction(created.transactionId);
    const replay = await handleAuthorizationResponse(h.config, form);
    expect(replay).toEqual({ status: 400, contentType: 'application/json', body: GENERIC });
    expect(await h.store.findTransaction(created.transactionId)).toEqual(before);
    expect((await collect(h, created)).status).toBe('accepted');
  });

  it('openid4vp §14.1 concurrent double post: exactly one response is accepted', async () => {
    const h = harness('x509');
    const { created, request } = await start(h);
    const answers = await Promise.all([
      handleAuthorizationResponse(h.config, encryptedForm(request)),
      handleAuthorizationResponse(h.config, encryptedForm(request)),
      handleAuthorizationResponse(h.config, encryptedForm(request)),
    ]);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 400 && a.body === GENERIC)).toHaveLength(2);
    expect((await collect(h, created)).status).toBe('accepted');
  });

  it("openid4vp §14.1 a presentation made for another transaction's nonce is rejected there", async () => {
    const h = harness('redirect', { responseMode: 'direct_post' });
    const a = await start(h);
    const b = await start(h);
    const answer = await handleAuthorizationResponse(h.config, {
      vp_token: JSON.stringify(vpTokenFor(a.request)),
      state: b.request.state,
    });
    expect(answer.status).toBe(400);
    const body = JSON.parse(answer.body);
    expect(body.error).toBe('invalid_request');
    expect(body.error_description).toMatch(/^[A-Z0-9_]+$/);
    expect(answer.body).not.toContain(a.request.nonce as string);
    expect(await collect(h, b.created)).toEqual({ status: 'rejected', code: body.error_description });
    // The transaction the presentation was made for is untouched.
    expect(await collect(h, a.created)).toEqual({ status: 'pending', expiresAt: T0 + 600 });
  });

  it('openid4vp §8.6 a presentation refused by verification is rejected with its stable code', async () => {
    const h = harness('redirect', { responseMode: 'direct_post' });
    const { created, request } = await start(h);
    const token = vpTokenFor(request);
    const [id] = Object.keys(token);
    const tampered = { [id as string]: [`${token[id as string]?.[0]?.slice(0, -4)}AAAA`] };
    const answer = await handleAuthorizationResponse(h.config, plainForm(request, tampered));
    expect(answer.status).toBe(400);
    const code = JSON.parse(answer.body).error_description;
    expect(code).toMatch(/^OID4VP_/);
    expect(await collect(h, created)).toEqual({ status: 'rejected', code });
    expect((await h.store.findTransaction(created.transactionId))?.sealedResult).toBeUndefined();
  });

  it('openid4vp §8.3 a JWE whose kid names no transaction is refused generically', async () => {
    const h = harness('x509');
    const { created, request } = await start(h);
    const stranger = { ...toPublicJwk(generateKeyPair('ES256').publicJwk), kid: 'B'.repeat(43) };
    const response = encryptJweEcdhEs(
      JSON.stringify({ vp_token: vpTokenFor(request), state: request.state }),
      stranger,
      {
        enc: 'A256GCM',
      },
    );
    expect(await handleAuthorizationResponse(h.config, { response })).toMatchObject({
      status: 400,
      body: GENERIC,
    });
    expect((await collect(h, created)).status).toBe('pending');
  });

  it('openid4vp §8.3 tampered ciphertext or a state mismatch inside the JWE is refused; the transaction stays open', async () => {
    const h = harness('x509');
    const { created, request } = await start(h);
    const { response } = encryptedForm(request);
    const parts = response.split('.');
    const ciphertext = parts[3] as string;
    parts[3] = `${ciphertext.startsWith('A') ? 'B' : 'A'}${ciphertext.slice(1)}`;
    const mismatch = encryptedForm(request, { vp_token: vpTokenFor(request), state: 'C'.repeat(43) });
    const noState = encryptedForm(request, { vp_token: vpTokenFor(request) });
    for (const form of [{ response: parts.join('.') }, mismatch, noState]) {
      const answer = await handleAuthorizationResponse(h.config, form);
      expect(answer).toMatchObject({ status: 400 });
      expect(JSON.parse(answer.body)).toEqual({
        error: 'invalid_request',
        error_description: 'OID4VP_RESPONSE_INVALID',
      });
    }
    expect((await collect(h, created)).status).toBe('pending');
    expect((await handleAuthorizationResponse(h.config, encryptedForm(request))).status).toBe(200);
  });

  it('HAIP / openid4vp §8.3 a plain vp_token to a direct_post.jwt transaction is refused', async () => {
    const h = harness('x509');
    const { created, request } = await start(h);
    const answer = await handleAuthorizationResponse(h.config, plainForm(request));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error_description).toBe('OID4VP_RESPONSE_INVALID');
    expect((await collect(h, created)).status).toBe('pending');
  });

  it('openid4vp §8.3 an encrypted response to a direct_post transaction is refused', async () => {
    const h = harness('redirect', { responseMode: 'direct_post' });
    const { created, request } = await start(h);
    const key = { ...toPublicJwk(generateKeyPair('ES256').publicJwk), kid: request.state as string };
    const response = encryptJweEcdhEs(
      JSON.stringify({ vp_token: vpTokenFor(request), state: request.state }),
      key,
      {
        enc: 'A256GCM',
      },
    );
    expect((await handleAuthorizationResponse(h.config, { response })).status).toBe(400);
    expect((await collect(h, created)).status).toBe('pending');
  });

  it('openid4vp §8.5 error=access_denied: the holder declined (plain, as §8.3 allows, or encrypted)', async () => {
    const h = harness('x509');
    const plain = await start(h, { redirectUri: FRONT_END });
    const answer = await handleAuthorizationResponse(h.config, {
      error: 'access_denied',
      error_description: 'The user said no',
      state: plain.request.state,
    });
    expect(answer.status).toBe(200);
    const code = (JSON.parse(answer.body).redirect_uri as string).split('#response_code=')[1];
    expect(await collect(h, plain.created, code)).toEqual({ status: 'declined', error: 'access_denied' });

    const encrypted = await start(h);
    const form = encryptedForm(encrypted.request, { error: 'access_denied', state: encrypted.request.state });
    expect(await handleAuthorizationResponse(h.config, form)).toMatchObject({ status: 200, body: '{}' });
    expect(await collect(h, encrypted.created)).toEqual({ status: 'declined', error: 'access_denied' });
    expect(JSON.stringify(h.store.snapshot())).not.toContain('The user said no');
  });

  it('openid4vp §13.3 an expired transaction takes no response and reports expired; purge removes it', async () => {
    const h = harness('redirect', { responseMode: 'direct_post' });
    const { created, request } = await start(h);
    h.advance(600);
    expect(await handleAuthorizationResponse(h.config, plainForm(request))).toMatchObject({
      status: 400,
      body: GENERIC,
    });
    expect(await collect(h, created)).toEqual({ status: 'expired' });
    h.advance(1);
    expect(await purgeExpiredTransactions(h.config)).toBe(1);
    expect(await getTransactionStatus(h.config, created.transactionId)).toBeUndefined();
  });

  it('hostile forms are answered with 400, never thrown', async () => {
    const h = harness('redirect', { responseMode: 'direct_post' });
    const { request } = await start(h);
    const hostile: unknown[] = [
      null,
      [],
      'vp_token=x',
      {},
      { state: request.state },
      { vp_token: ['a'], state: request.state },
      { vp_token: 'x'.repeat(1024 * 1024 + 1), state: request.state },
      { state: 'not base64url!' },
      { response: 'not.a.jwe' },
      { response: '....' },
      { error: 'access denied <script>', state: request.state },
      { error: 'access_denied', vp_token: '{}', state: request.state },
      Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`p${i}`, 'x'])),
    ];
    for (const form of hostile) {
      const answer = await handleAuthorizationResponse(h.config, form as Record<string, unknown>);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body).error).toBe('invalid_request');
    }
    // Hostile vp_tokens reach verification; each is one transaction's rejection, never a throw.
    for (const vpToken of [
      [],
      { x: 'y' },
      { '': [] },
      { identity: [42] },
      { identity: ['a~b~'] },
      { identity: ['e30.e30.e30~'] },
      { __proto__: { identity: ['x'] } },
      JSON.parse(`${'['.repeat(30)}${']'.repeat(30)}`),
    ]) {
      const next = await start(h);
      const rejected = await handleAuthorizationResponse(h.config, plainForm(next.request, vpToken));
      expect(rejected.status).toBe(400);
      expect(JSON.parse(rejected.body).error_description).toMatch(/^[A-Z0-9_]+$/);
    }
    // A vp_token that is not JSON is the wallet's answer: the transaction is rejected.
    const answer = await handleAuthorizationResponse(h.config, {
      vp_token: '{not json',
      state: request.state,
    });
    expect(JSON.parse(answer.body).error_description).toBe('OID4VP_VP_TOKEN_INVALID');
  });

  it('openid4vp §13.3 the store holds no nonce, state, session, response code or claim in clear', async () => {
    const h = harness('x509');
    const { created, request } = await start(h, { redirectUri: FRONT_END });
    const form = encryptedForm(request);
    const answer = await handleAuthorizationResponse(h.config, form);
    const code = (JSON.parse(answer.body).redirect_uri as string).split('#response_code=')[1] as string;
    const stored = JSON.stringify(h.store.snapshot());
    expect(stored).toContain(created.transactionId);
    for (const secret of [request.nonce, request.state, created.session, code, 'age_over_18', ISSUER]) {
      expect(stored).not.toContain(secret as string);
    }
    const presentation = Object.values(vpTokenFor(request))[0]?.[0] as string;
    expect(stored).not.toContain(presentation.split('~')[0]);
  });
});
