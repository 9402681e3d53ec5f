import { type Clock, fixedClock, randomBase64Url } from '@haven/core';
import {
  type CredentialTypeId,
  type DcqlQuery,
  dcqlForPurpose,
  PURPOSES,
  type Purpose,
  vctFor,
} from '@haven/credentials';
import { HAVEN_REGISTRATION_FORMAT, type HeldCredential, SELF_ISSUED_AUDIENCE } from '@haven/oid4vp';
import {
  type Openid4vpAuthorizationRequest,
  Openid4vpClient,
  Openid4vpVerifier,
  parseOpenid4vpAuthorizationResponse,
} from '@openid4vc/openid4vp';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { havenCallbacks, Router } from './fixtures/openid4vp-callbacks.js';
import { HOLDER, issueCredential, presentCredential } from './fixtures/openid4vp-credentials.js';
import {
  collectPresentationResult,
  createAuthorizationResponse,
  createPresentationTransaction,
  fetchAuthorizationRequest,
  havenVerifierConfig,
  noStatusExpected,
  postAuthorizationResponse,
  preparePresentation,
  REDIRECT_CLIENT_ID,
  RESPONSE_URI,
  routeHavenVerifier,
  routeRequestUri,
  trustedIssuerKey,
  VERIFIER_ORIGIN,
  verifyVpToken,
  X509_CLIENT_ID,
} from './fixtures/openid4vp-haven.js';
import { LEAF_PRIVATE_JWK, VERIFIER_DNS, validateChain, X5C } from './fixtures/openid4vp-pki.js';

// Interop: OpenID4VP 1.0 between Haven and `@openid4vc/openid4vp` 0.4.6 (oid4vc-ts, the library Credo
// uses; nobody here wrote it), in both directions, with dc+sd-jwt credentials and DCQL.
// (1) The library's wallet side (Openid4vpClient) parses and resolves a request made by Haven's verifier
//     handlers, encodes (and for direct_post.jwt encrypts) the response and posts it; Haven's response
//     endpoint must accept it. The SD-JWT VC presentations in its vp_token are Haven-made (the library
//     leaves building presentations to its caller), so what is tested is request parsing, client_id
//     handling, response encoding, encryption and posting by the foreign library.
// (2) A Haven wallet answers a request made by the library's verifier side (Openid4vpVerifier); the
//     library parses and validates Haven's response (decrypting it for direct_post.jwt), and Haven's
//     verifyVpToken verifies the presentations against the request's nonce and client_id.
// Every URL is served by an in-memory router (no network). The library's crypto callbacks are Haven
// core (fixtures/openid4vp-callbacks.ts), the x509_san_dns client has a real certificate chain
// (fixtures/openid4vp-pki.ts). Date is frozen at NOW, so the library's own `new Date()` and Haven's
// clock agree.

// 2026-06-01T09:00:00Z, inside the test certificates' validity.
const NOW = 1_780_304_400;
const clock: Clock = fixedClock(NOW);
const LIB = '@openid4vc/openid4vp 0.4.6';

const AGE_CHECK = PURPOSES['age-check'] as Purpose;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW * 1000);
});
afterEach(() => {
  vi.useRealTimers();
});

/** The library's callback context over Haven core, with the keys each side may use. */
function libraryCallbacks(
  router: Router,
  decryption: Parameters<typeof havenCallbacks>[0]['decryption'] = [],
) {
  return havenCallbacks({ signing: [LEAF_PRIVATE_JWK], decryption, now: () => NOW }, router);
}

/** The id of the DCQL Credential Query asking for credentials of `type` (by `meta.vct_values`). */
function queryIdFor(query: unknown, type: CredentialTypeId): string {
  const vct = vctFor(type);
  const found = (query as DcqlQuery).credentials.find((c) =>
    (c.meta as { vct_values?: string[] } | undefined)?.vct_values?.includes(vct),
  );
  if (found === undefined) throw new Error('test: the query does not ask for this type');
  return found.id;
}

/** The Haven wallet's trust in x509_san_dns verifiers: the test PKI's pinned root. */
const verifyX5c = (chain: readonly string[]) => validateChain(chain, NOW);

describe(`openid4vp 1.0 interop (1): ${LIB} wallet (Openid4vpClient) ⇄ Haven verifier handlers`, () => {
  /**
   * The foreign wallet's whole run against a Haven transaction: parse the `openid4vp://` URI, resolve
   * it (fetching the request object for x509_san_dns), build the vp_token from Haven presentations
   * bound to the nonce and the client_id the library resolved, create the response, post it.
   */
  async function foreignWalletRun(clientId: string, responseMode: 'direct_post' | 'direct_post.jwt') {
    const router = new Router();
    const config = havenVerifierConfig(clientId, clock);
    routeHavenVerifier(router, config);
    const created = await createPresentationTransaction(config, { purpose: 'age-check', responseMode });
    if (created.requestUri !== undefined) routeRequestUri(router, config, created.requestUri);

    const client = new Openid4vpClient({ callbacks: libraryCallbacks(router) });
    const parsed = client.parseOpenid4vpAuthorizationRequest({
      authorizationRequest: created.authorizationRequestUri,
    });
    const resolved = await client.resolveOpenId4vpAuthorizationRequest({
      authorizationRequestPayload: parsed.params,
    });
    const request = resolved.authorizationRequestPayload as Openid4vpAuthorizationRequest;

    const credential = issueCredential('refugee-registration', NOW);
    // OpenID4VP B.3.6: the KB-JWT aud is the full client_id the wallet resolved, prefix included.
    const presentation = presentCredential(credential, [['age_over_18']], {
      nonce: request.nonce,
      aud: resolved.client.effective,
      clock,
    });
    const queryId = queryIdFor(resolved.dcql?.query, 'refugee-registration');
    const response = await client.createOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: request,
      authorizationResponsePayload: { vp_token: { [queryId]: [presentation] } },
      ...(responseMode === 'direct_post.jwt'
        ? {
            jarm: {
              encryption: { nonce: randomBase64Url(16) },
              serverMetadata: {
                authorization_signing_alg_values_supported: [],
                authorization_encryption_alg_values_supported: ['ECDH-ES'],
                authorization_encryption_enc_values_supported: ['A256GCM', 'A128GCM'],
              },
            },
          }
        : {}),
    });
    const submitted = await client.submitOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: request,
      authorizationResponsePayload: response.authorizationResponsePayload,
      ...(response.jarm === undefined ? {} : { jarm: { responseJwt: response.jarm.responseJwt } }),
    });
    const result = await collectPresentationResult(config, {
      transactionId: created.transactionId,
      session: created.session,
    });
    return { router, config, created, parsed, resolved, request, response, submitted, result };
  }

  test(`§5.9.3 x509_san_dns, §5.10 request_uri, §8.2 direct_post: ${LIB} resolves Haven's signed request and Haven accepts its response`, async () => {
    const run = await foreignWalletRun(X509_CLIENT_ID, 'direct_post');
    // The library verified the request object under the x5c chain and the leaf's dNSName SAN.
    expect(run.parsed.type).toBe('jar');
    expect(run.resolved.client).toMatchObject({ prefix: 'x509_san_dns', identifier: VERIFIER_DNS });
    expect(run.resolved.client.effective).toBe(X509_CLIENT_ID);
    expect(run.resolved.jar?.signer).toMatchObject({ method: 'x5c' });
    expect(run.resolved.version).toBe(100);
    expect(run.request.response_mode).toBe('direct_post');
    expect(run.request.verifier_info?.[0]?.format).toBe(HAVEN_REGISTRATION_FORMAT);
    expect(run.resolved.dcql?.query).toEqual(dcqlForPurpose(AGE_CHECK));

    expect(run.submitted.responseMode).toBe('direct_post');
    expect(run.submitted.response.status).toBe(200);
    expect(await run.submitted.response.json()).toEqual({});
    // What went over the wire: a form with vp_token as JSON text and the request's state.
    const post = run.router.log.find((entry) => entry.url === RESPONSE_URI);
    expect(post?.method).toBe('POST');
    expect(post?.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(post?.body);
    expect([...form.keys()].sort()).toEqual(['state', 'vp_token']);
    expect(form.get('state')).toBe(run.request.state);

    expect(run.result).toMatchObject({ status: 'accepted', purpose: 'age-check' });
    if (run.result.status !== 'accepted') throw new Error('unreachable');
    expect(run.result.credentials).toHaveLength(1);
    expect(run.result.credentials[0]).toMatchObject({
      credentialType: 'refugee-registration',
      claims: { age_over_18: true },
    });
    expect(run.result.credentials[0]?.disclosed).toEqual([['age_over_18']]);
  });

  test(`§8.3 direct_post.jwt: ${LIB} encrypts to Haven's per-transaction key (ECDH-ES, kid echoed) and Haven accepts`, async () => {
    const run = await foreignWalletRun(X509_CLIENT_ID, 'direct_post.jwt');
    expect(run.request.response_mode).toBe('direct_post.jwt');
    expect(run.response.jarm?.responseJwt.split('.')).toHaveLength(5);
    const header = JSON.parse(
      Buffer.from(run.response.jarm?.responseJwt.split('.')[0] as string, 'base64url').toString(),
    );
    const offeredKey = run.request.client_metadata?.jwks?.keys[0];
    expect(header).toMatchObject({ alg: 'ECDH-ES', kid: offeredKey?.kid });
    expect(['A128GCM', 'A256GCM']).toContain(header.enc);
    // The library also binds the request nonce as apv (an mdoc-era habit; §8.3 allows any apu/apv, and
    // Haven's decryption takes them from the header into the key derivation).
    expect(header.apv).toBe(Buffer.from(run.request.nonce).toString('base64url'));

    const post = run.router.log.find((entry) => entry.url === RESPONSE_URI);
    expect([...new URLSearchParams(post?.body).keys()]).toEqual(['response']);
    expect(run.submitted.response.status).toBe(200);
    expect(run.result).toMatchObject({ status: 'accepted', purpose: 'age-check' });
  });

  test(`§5.9.3 redirect_uri, request by value, §8.2 direct_post: ${LIB} parses Haven's unsigned request and Haven accepts`, async () => {
    const run = await foreignWalletRun(REDIRECT_CLIENT_ID, 'direct_post');
    expect(run.parsed.type).toBe('openid4vp');
    expect(run.resolved.jar).toBeUndefined();
    expect(run.resolved.client).toMatchObject({ prefix: 'redirect_uri', identifier: RESPONSE_URI });
    expect(run.resolved.client.effective).toBe(REDIRECT_CLIENT_ID);
    expect(run.submitted.response.status).toBe(200);
    expect(run.result).toMatchObject({ status: 'accepted', purpose: 'age-check' });
  });

  test(`§5.9.3 redirect_uri with §8.3 direct_post.jwt: ${LIB} encrypts Haven's by-value request's response and Haven accepts`, async () => {
    const run = await foreignWalletRun(REDIRECT_CLIENT_ID, 'direct_post.jwt');
    expect(run.resolved.client.effective).toBe(REDIRECT_CLIENT_ID);
    expect(run.response.jarm?.responseJwt.split('.')).toHaveLength(5);
    expect(run.submitted.response.status).toBe(200);
    expect(run.result).toMatchObject({ status: 'accepted', purpose: 'age-check' });
  });

  test(`§14.1, §13.3: Haven refuses ${LIB} posting the same response a second time (the nonce is used once)`, async () => {
    const run = await foreignWalletRun(X509_CLIENT_ID, 'direct_post');
    expect(run.submitted.response.status).toBe(200);
    const client = new Openid4vpClient({ callbacks: libraryCallbacks(run.router) });
    const again = await client.submitOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: run.request,
      authorizationResponsePayload: run.response.authorizationResponsePayload,
    });
    expect(again.response.status).toBe(400);
    expect(await again.response.json()).toEqual({ error: 'invalid_request' });
    // The first, accepted result was already collected by the run; the replay changed nothing.
    const result = await collectPresentationResult(run.config, {
      transactionId: run.created.transactionId,
      session: run.created.session,
    });
    expect(result).toEqual({ status: 'collected' });
  });

  test(`§8.6, B.3.6: Haven refuses a response posted by ${LIB} whose KB-JWT aud is the client_id without its prefix`, async () => {
    const router = new Router();
    const config = havenVerifierConfig(X509_CLIENT_ID, clock);
    routeHavenVerifier(router, config);
    const created = await createPresentationTransaction(config, {
      purpose: 'age-check',
      responseMode: 'direct_post',
    });
    routeRequestUri(router, config, created.requestUri as string);
    const client = new Openid4vpClient({ callbacks: libraryCallbacks(router) });
    const parsed = client.parseOpenid4vpAuthorizationRequest({
      authorizationRequest: created.authorizationRequestUri,
    });
    const resolved = await client.resolveOpenId4vpAuthorizationRequest({
      authorizationRequestPayload: parsed.params,
    });
    const request = resolved.authorizationRequestPayload as Openid4vpAuthorizationRequest;
    const presentation = presentCredential(issueCredential('refugee-registration', NOW), [['age_over_18']], {
      nonce: request.nonce,
      aud: resolved.client.identifier,
      clock,
    });
    const response = await client.createOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: request,
      authorizationResponsePayload: {
        vp_token: { [queryIdFor(resolved.dcql?.query, 'refugee-registration')]: [presentation] },
      },
    });
    const submitted = await client.submitOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: request,
      authorizationResponsePayload: response.authorizationResponsePayload,
    });
    expect(submitted.response.status).toBe(400);
    expect(await submitted.response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'OID4VP_PRESENTATION_INVALID',
    });
    const result = await collectPresentationResult(config, {
      transactionId: created.transactionId,
      session: created.session,
    });
    // Only the aud differs from the accepted run above, so this is the KB-JWT audience check.
    expect(result).toEqual({ status: 'rejected', code: 'OID4VP_PRESENTATION_INVALID' });
  });
});

describe(`openid4vp 1.0 interop (2): Haven wallet ⇄ ${LIB} verifier (Openid4vpVerifier)`, () => {
  const REQUEST_URI = `${VERIFIER_ORIGIN}/foreign/request/1`;
  const ENCRYPTION_KEY = {
    kty: 'EC',
    crv: 'P-256',
    x: 'ybpCgjTNqrjIQiZFL0O8iXjX29Kt_tE6rRptNBGMyOU',
    y: 'mUV6U_xTxwp8hrSc8ZzfDFM6DKRrRr4Yri0o_Xwa1-s',
    d: '98uv3tjPfjnhGE1hjq4dRLd_TDMtOWPiB_9pDurbNwg',
    kid: 'foreign-enc-1',
  } as const;

  /** The Haven verifier registration the library's request carries in verifier_info (§5.11). */
  function havenRegistration() {
    return {
      format: HAVEN_REGISTRATION_FORMAT,
      data: {
        purpose: AGE_CHECK.id,
        legal_name: 'Example Bar',
        purpose_description: AGE_CHECK.description,
        deletion_contact: 'privacy@verifier.example.org',
        legal_basis: AGE_CHECK.legalBasis,
        claims: Object.fromEntries(
          Object.entries(AGE_CHECK.credentialTypes).map(([type, paths]) => [type, paths?.map((p) => [...p])]),
        ),
      },
    };
  }

  interface ForeignRequestOptions {
    readonly clientId: string;
    readonly responseMode: 'direct_post' | 'direct_post.jwt';
    readonly verifierInfo?: boolean;
    /** The JAR `aud`; `undefined` leaves the library's default. */
    readonly aud?: string | undefined;
    /** Signed request object passed by value in `request` (§5) instead of by `request_uri`. */
    readonly byValue?: boolean;
  }

  /** The library verifier makes the request; the router serves its request URI and its response URI. */
  async function foreignRequest(options: ForeignRequestOptions) {
    const router = new Router();
    const callbacks = libraryCallbacks(router, [ENCRYPTION_KEY]);
    const verifier = new Openid4vpVerifier({ callbacks });
    const nonce = randomBase64Url(32);
    const state = randomBase64Url(32);
    const dcqlQuery = dcqlForPurpose(AGE_CHECK);
    const { d: _d, ...encryptionPublic } = ENCRYPTION_KEY;
    const payload = {
      response_type: 'vp_token' as const,
      client_id: options.clientId,
      response_mode: options.responseMode,
      response_uri: RESPONSE_URI,
      nonce,
      state,
      dcql_query: dcqlQuery,
      ...(options.verifierInfo === false ? {} : { verifier_info: [havenRegistration()] }),
      ...(options.responseMode === 'direct_post.jwt'
        ? {
            client_metadata: {
              jwks: { keys: [{ ...encryptionPublic, use: 'enc', alg: 'ECDH-ES' }] },
              encrypted_response_enc_values_supported: ['A128GCM', 'A256GCM'],
            },
          }
        : {}),
    };
    const signed = options.clientId.startsWith('x509_san_dns:');
    const created = await verifier.createOpenId4vpAuthorizationRequest({
      authorizationRequestPayload: payload,
      ...(signed
        ? {
            jar: {
              jwtSigner: { method: 'x5c' as const, x5c: [...X5C], alg: 'ES256' },
              ...(options.byValue === true ? {} : { requestUri: REQUEST_URI }),
              expiresInSeconds: 300,
              ...(options.aud === undefined ? {} : { additionalJwtPayload: { aud: options.aud } }),
            },
          }
        : {}),
      now: new Date(NOW * 1000),
    });
    if (created.jar !== undefined) {
      const requestObject = created.jar.authorizationRequestJwt;
      router.route(REQUEST_URI, async () => ({
        status: 200,
        contentType: 'application/oauth-authz-req+jwt',
        body: requestObject,
      }));
    }
    const received: Record<string, string>[] = [];
    router.route(RESPONSE_URI, async (request) => {
      received.push(Object.fromEntries(new URLSearchParams(request.body)));
      return { status: 200, contentType: 'application/json', body: '{}' };
    });
    return { router, callbacks, created, nonce, state, dcqlQuery, received };
  }

  function held(): HeldCredential[] {
    return [
      {
        id: 'wallet-1',
        format: 'dc+sd-jwt',
        credential: issueCredential('refugee-registration', NOW),
        signer: HOLDER.signer,
      },
    ];
  }

  /** The Haven wallet's run: fetch and check the request, prepare, consent, respond, post. */
  async function havenWalletRun(foreign: Awaited<ReturnType<typeof foreignRequest>>) {
    const request = await fetchAuthorizationRequest(foreign.created.authorizationRequest, {
      fetch: foreign.router.guardedFetch,
      clock,
      verifyX5c,
    });
    const wallet = held();
    const prepared = preparePresentation(request, wallet);
    const body = await createAuthorizationResponse(prepared, { held: wallet, clock });
    // Haven posts the form (§8.2, §8.3); the library's verifier parses what arrived.
    expect(await postAuthorizationResponse(request, body, { fetch: foreign.router.guardedFetch })).toEqual(
      {},
    );
    expect(foreign.received).toHaveLength(1);
    expect(foreign.router.log.at(-1)).toMatchObject({
      method: 'POST',
      url: RESPONSE_URI,
      contentType: 'application/x-www-form-urlencoded',
    });
    const form = foreign.received[0] as Record<string, string>;
    const parsed = await parseOpenid4vpAuthorizationResponse({
      authorizationResponse: form,
      authorizationRequestPayload: foreign.created.authorizationRequestPayload,
      callbacks: foreign.callbacks,
    });
    return { request, prepared, body, form, parsed };
  }

  async function verifyWithHaven(
    foreign: Awaited<ReturnType<typeof foreignRequest>>,
    vpToken: unknown,
    clientId: string,
  ) {
    return verifyVpToken(vpToken, {
      dcqlQuery: foreign.dcqlQuery,
      nonce: foreign.nonce,
      clientId,
      purpose: AGE_CHECK,
      issuerKey: trustedIssuerKey,
      status: noStatusExpected,
      clock,
    });
  }

  test(`§5.9.3 x509_san_dns, §5.10 request_uri, §5.8 aud, §8.2 direct_post: ${LIB} verifier ⇄ Haven wallet`, async () => {
    const foreign = await foreignRequest({
      clientId: X509_CLIENT_ID,
      responseMode: 'direct_post',
      aud: SELF_ISSUED_AUDIENCE,
    });
    const run = await havenWalletRun(foreign);
    expect(run.request).toMatchObject({ signed: true, responseMode: 'direct_post', nonce: foreign.nonce });
    expect(run.request.client.clientId).toBe(X509_CLIENT_ID);
    expect(run.request.purposeCheck).toMatchObject({ status: 'within-purpose', basis: 'haven-purpose' });
    expect(run.prepared.satisfied).toBe(true);
    expect(Object.keys(run.form).sort()).toEqual(['state', 'vp_token']);

    // The library's checks of Haven's response: state, DCQL vp_token shape.
    expect(run.parsed.type).toBe('dcql');
    expect(run.parsed.expectedNonce).toBe(foreign.nonce);
    expect(run.parsed.authorizationResponsePayload.state).toBe(foreign.state);
    if (run.parsed.type !== 'dcql') throw new Error('unreachable');
    const queryIds = Object.keys(run.parsed.dcql.presentations);
    expect(queryIds).toEqual([queryIdFor(foreign.dcqlQuery, 'refugee-registration')]);

    const verified = await verifyWithHaven(
      foreign,
      run.parsed.authorizationResponsePayload.vp_token,
      X509_CLIENT_ID,
    );
    expect(verified.credentials).toHaveLength(1);
    expect(verified.credentials[0]).toMatchObject({ claims: { age_over_18: true } });
    // §8.6: bound to this verifier — the same presentations fail for another client_id.
    await expect(
      verifyWithHaven(
        foreign,
        run.parsed.authorizationResponsePayload.vp_token,
        'x509_san_dns:other.example.org',
      ),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^OID4VP_|^SDJWT_/) });
    // …and for another nonce.
    await expect(
      verifyVpToken(run.parsed.authorizationResponsePayload.vp_token, {
        dcqlQuery: foreign.dcqlQuery,
        nonce: randomBase64Url(32),
        clientId: X509_CLIENT_ID,
        purpose: AGE_CHECK,
        issuerKey: trustedIssuerKey,
        status: noStatusExpected,
        clock,
      }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^OID4VP_|^SDJWT_/) });
  });

  test(`§8.3 direct_post.jwt: Haven's encrypted response is decrypted and parsed by ${LIB} (its decryptJwe callback)`, async () => {
    const foreign = await foreignRequest({
      clientId: X509_CLIENT_ID,
      responseMode: 'direct_post.jwt',
      aud: SELF_ISSUED_AUDIENCE,
    });
    const run = await havenWalletRun(foreign);
    expect(Object.keys(run.form)).toEqual(['response']);
    expect(run.parsed.jarm?.type).toBe('Encrypted');
    expect(run.parsed.authorizationResponsePayload.state).toBe(foreign.state);
    const verified = await verifyWithHaven(
      foreign,
      run.parsed.authorizationResponsePayload.vp_token,
      X509_CLIENT_ID,
    );
    expect(verified.credentials[0]).toMatchObject({ claims: { age_over_18: true } });
  });

  test(`§5, RFC 9101 §5.1: ${LIB} verifier's signed request object passed by value in \`request\` ⇄ Haven wallet`, async () => {
    const foreign = await foreignRequest({
      clientId: X509_CLIENT_ID,
      responseMode: 'direct_post',
      aud: SELF_ISSUED_AUDIENCE,
      byValue: true,
    });
    expect(new URL(foreign.created.authorizationRequest).searchParams.has('request')).toBe(true);
    const run = await havenWalletRun(foreign);
    expect(run.request).toMatchObject({ signed: true, nonce: foreign.nonce });
    // Nothing was fetched: the request object came in the URL.
    expect(foreign.router.log.filter((entry) => entry.method === 'GET')).toEqual([]);
    const verified = await verifyWithHaven(
      foreign,
      run.parsed.authorizationResponsePayload.vp_token,
      X509_CLIENT_ID,
    );
    expect(verified.credentials[0]).toMatchObject({ claims: { age_over_18: true } });
  });

  test(`§5.9.3 redirect_uri, request by value: ${LIB} verifier's unsigned request ⇄ Haven wallet`, async () => {
    const foreign = await foreignRequest({ clientId: REDIRECT_CLIENT_ID, responseMode: 'direct_post' });
    const run = await havenWalletRun(foreign);
    expect(run.request).toMatchObject({ signed: false });
    expect(run.request.client.clientId).toBe(REDIRECT_CLIENT_ID);
    const verified = await verifyWithHaven(
      foreign,
      run.parsed.authorizationResponsePayload.vp_token,
      REDIRECT_CLIENT_ID,
    );
    expect(verified.credentials[0]).toMatchObject({ claims: { age_over_18: true } });
  });

  test(`§5.8 finding: ${LIB} defaults the request object aud to the request_uri; Haven refuses it (static discovery needs https://self-issued.me/v2)`, async () => {
    const foreign = await foreignRequest({ clientId: X509_CLIENT_ID, responseMode: 'direct_post' });
    const requestObject = foreign.created.jar?.authorizationRequestJwt as string;
    const payload = JSON.parse(Buffer.from(requestObject.split('.')[1] as string, 'base64url').toString());
    expect(payload.aud).toBe(REQUEST_URI);
    await expect(
      fetchAuthorizationRequest(foreign.created.authorizationRequest, {
        fetch: foreign.router.guardedFetch,
        clock,
        verifyX5c,
      }),
    ).rejects.toMatchObject({
      code: 'OID4VP_REQUEST_INVALID',
      message: 'the request object aud must be https://self-issued.me/v2',
    });
  });

  test(`§5.11 finding: Haven's wallet refuses a ${LIB} request without a Haven verifier_info registration`, async () => {
    const foreign = await foreignRequest({
      clientId: X509_CLIENT_ID,
      responseMode: 'direct_post',
      aud: SELF_ISSUED_AUDIENCE,
      verifierInfo: false,
    });
    await expect(
      fetchAuthorizationRequest(foreign.created.authorizationRequest, {
        fetch: foreign.router.guardedFetch,
        clock,
        verifyX5c,
      }),
    ).rejects.toMatchObject({
      code: 'OID4VP_REGISTRATION_INVALID',
      message: 'verifier_info must be a non-empty array of attestations',
    });
  });
});
