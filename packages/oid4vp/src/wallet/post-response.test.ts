import { describe, expect, it } from 'vitest';
import {
  clock,
  KEYS,
  LOCAL_RESPONSE_URI,
  publicOf,
  trustX5c,
  X509_RESPONSE_URI,
  x509Options,
} from '../fixtures/request-fixture.js';
import { createAuthorizationRequest } from '../verifier/create-authorization-request.js';
import { createAuthorizationResponse } from './create-authorization-response.js';
import { createFakeFetch, issueHeld, type Reply, rejection, requestFor } from './fixtures/held-fixture.js';
import { parseAuthorizationRequest } from './parse-authorization-request.js';
import { declineAuthorizationRequest, postAuthorizationResponse } from './post-response.js';
import { preparePresentation } from './prepare-presentation.js';

const held = [issueHeld('cred-identity', 'identity-restoration')];
const FORM = 'application/x-www-form-urlencoded';

async function x509Request() {
  const created = await createAuthorizationRequest(x509Options());
  return parseAuthorizationRequest(created.requestObject as string, { clock, verifyX5c: trustX5c() });
}

async function answered(reply: Reply) {
  const request = await x509Request();
  const body = await createAuthorizationResponse(preparePresentation(request, held), { held, clock });
  const fetch = createFakeFetch({ [`POST ${X509_RESPONSE_URI}`]: reply });
  return { request, body, fetch };
}

describe('postAuthorizationResponse (openid4vp §8.2)', () => {
  it('openid4vp §8.2 posts vp_token and state form-encoded to the response_uri', async () => {
    const { request, body, fetch } = await answered({ json: {} });
    expect(await postAuthorizationResponse(request, body, { fetch })).toEqual({});
    expect(fetch.requests).toHaveLength(1);
    const [seen] = fetch.requests;
    expect(seen).toMatchObject({ url: X509_RESPONSE_URI, method: 'POST', headers: { 'content-type': FORM } });
    const form = new URLSearchParams(seen?.body);
    expect([...form.keys()].sort()).toEqual(['state', 'vp_token']);
    expect(form.get('state')).toBe(request.state);
    expect(form.get('vp_token')).toBe((body as { vp_token: string }).vp_token);
  });

  it('openid4vp §8.3.1 direct_post.jwt posts the single response field', async () => {
    const request = await requestFor(undefined, 'age-check', {
      responseMode: 'direct_post.jwt',
      encryptionJwk: publicOf(KEYS.encryption),
    });
    const body = await createAuthorizationResponse(preparePresentation(request, held), { held, clock });
    const fetch = createFakeFetch({ [`POST ${LOCAL_RESPONSE_URI}`]: { json: {} } });
    await postAuthorizationResponse(request, body, { fetch, allowHttpLoopback: true });
    const form = new URLSearchParams(fetch.requests[0]?.body);
    expect([...form.keys()]).toEqual(['response']);
    expect(form.get('response')).toBe((body as { response: string }).response);
  });

  it('openid4vp §8.2 a redirect_uri in the answer is returned for the same-device flow', async () => {
    const redirect = 'https://verifier.example.org/done#response_code=091535f699ea575c7937fa5f0f454aee';
    const { request, body, fetch } = await answered({ json: { redirect_uri: redirect, other: 1 } });
    expect(await postAuthorizationResponse(request, body, { fetch })).toEqual({ redirectUri: redirect });
  });

  it('openid4vp §8.2 a redirect_uri that is not https is refused (javascript:, data:, plain http)', async () => {
    for (const redirect_uri of [
      'javascript:alert(document.cookie)',
      'data:text/html,<script>1</script>',
      'http://verifier.example.org/done',
      'http://127.0.0.1:8080/done',
      'intent://evil#Intent;end',
      'https://user:pw@verifier.example.org/',
      '/relative',
      42,
    ]) {
      const { request, body, fetch } = await answered({ json: { redirect_uri } });
      const error = await rejection(postAuthorizationResponse(request, body, { fetch }));
      expect(error).toMatchObject({ code: 'OID4VP_VERIFIER_ERROR', details: { status: 200 } });
      expect(error.message).not.toContain(String(redirect_uri));
    }
  });

  it('a loopback http redirect_uri is accepted only with the opt-in', async () => {
    const { request, body, fetch } = await answered({ json: { redirect_uri: 'http://127.0.0.1:8080/done' } });
    const answer = await postAuthorizationResponse(request, body, { fetch, allowHttpLoopback: true });
    expect(answer.redirectUri).toBe('http://127.0.0.1:8080/done');
  });

  it('openid4vp §8.2 a verifier error gives OID4VP_VERIFIER_ERROR with the status and error code only', async () => {
    const { request, body, fetch } = await answered({
      status: 400,
      json: { error: 'invalid_request', error_description: 'nonce n-0S6 for Amal Specimen is wrong' },
    });
    const error = await rejection(postAuthorizationResponse(request, body, { fetch }));
    expect(error).toMatchObject({
      code: 'OID4VP_VERIFIER_ERROR',
      details: { status: 400, error: 'invalid_request' },
    });
    expect(JSON.stringify({ m: error.message, d: error.details })).not.toMatch(/Amal|n-0S6|description/);
  });

  it('openid4vp §8.2 a non-200 without JSON, a redirect, or a 200 that is not a JSON object is an error', async () => {
    const replies: Reply[] = [
      { status: 500, body: '<html>oops</html>' },
      { status: 302, headers: { location: 'https://elsewhere.example/' } },
      { status: 400, json: { error: 'x'.repeat(100) } },
      { status: 200, body: 'ok' },
      { status: 200, json: ['not', 'an', 'object'] },
      { status: 200, headers: { 'content-type': 'text/plain' }, body: '{}' },
      // §14.8: an answer reached through a followed redirect is not the verifier's.
      { status: 200, json: {}, finalUrl: 'https://attacker.example/post' },
    ];
    for (const reply of replies) {
      const { request, body, fetch } = await answered(reply);
      const error = await rejection(postAuthorizationResponse(request, body, { fetch }));
      expect(error.code).toBe('OID4VP_VERIFIER_ERROR');
      // A followed redirect is flagged: the status is not the response_uri's own answer.
      expect(error.details).toEqual({
        status: reply.status,
        ...(reply.finalUrl === undefined ? {} : { redirected: true }),
      });
    }
  });

  it('openid4vp §8.2 the redirect_uri comes back parsed: control and bidi characters percent-encoded', async () => {
    const raw = 'https://verifier.example.org/done\u001b[2J\u202e?x=\u0007#\u009b';
    const { request, body, fetch } = await answered({ json: { redirect_uri: raw } });
    const { redirectUri } = await postAuthorizationResponse(request, body, { fetch });
    expect(redirectUri).toBe(new URL(raw).href);
    expect(redirectUri).toBe('https://verifier.example.org/done%1B[2J%E2%80%AE?x=%07#%C2%9B');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting none is left.
    expect(redirectUri).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
  });

  it('a body that does not fit the response mode, or another state, is refused before posting', async () => {
    const { request, body, fetch } = await answered({ json: {} });
    for (const wrong of [
      { response: 'a.b.c.d.e' },
      { ...body, state: 'another-state' },
      { ...(body as object), response: 'x' },
    ]) {
      const error = await rejection(postAuthorizationResponse(request, wrong as typeof body, { fetch }));
      expect(error.code).toBe('OID4VP_OPTIONS_INVALID');
    }
    expect(fetch.requests).toHaveLength(0);
  });

  it('openid4vp §14.7 a loopback response_uri is not posted to without the opt-in', async () => {
    const request = await requestFor();
    const body = await createAuthorizationResponse(preparePresentation(request, held), { held, clock });
    const fetch = createFakeFetch({ [`POST ${LOCAL_RESPONSE_URI}`]: { json: {} } });
    const error = await rejection(postAuthorizationResponse(request, body, { fetch }));
    expect(error).toMatchObject({ code: 'OID4VP_REQUEST_INVALID', details: { parameter: 'response_uri' } });
    expect(fetch.requests).toHaveLength(0);
    await expect(
      postAuthorizationResponse(request, body, { fetch, allowHttpLoopback: true }),
    ).resolves.toEqual({});
    expect(fetch.requests.map((r) => r.url)).toEqual([LOCAL_RESPONSE_URI]);
  });
});

describe('declineAuthorizationRequest (openid4vp §8.5)', () => {
  it('openid4vp §8.5 posts error=access_denied with the state, and no vp_token', async () => {
    const request = await x509Request();
    const redirect = 'https://verifier.example.org/declined#code=abc';
    const fetch = createFakeFetch({ [`POST ${X509_RESPONSE_URI}`]: { json: { redirect_uri: redirect } } });
    expect(await declineAuthorizationRequest(request, { fetch })).toEqual({ redirectUri: redirect });
    const [seen] = fetch.requests;
    expect(seen?.headers['content-type']).toBe(FORM);
    const form = new URLSearchParams(seen?.body);
    expect(Object.fromEntries(form)).toEqual({ error: 'access_denied', state: request.state });
  });

  it('openid4vp §8.5 only access_denied may be sent, and the loopback rule applies', async () => {
    const request = await requestFor();
    const fetch = createFakeFetch({ [`POST ${LOCAL_RESPONSE_URI}`]: { json: {} } });
    const bad = { fetch, allowHttpLoopback: true, error: 'server_error' as 'access_denied' };
    expect((await rejection(declineAuthorizationRequest(request, bad))).code).toBe('OID4VP_OPTIONS_INVALID');
    expect((await rejection(declineAuthorizationRequest(request, { fetch }))).code).toBe(
      'OID4VP_REQUEST_INVALID',
    );
    expect(fetch.requests).toHaveLength(0);
    await declineAuthorizationRequest(request, { fetch, allowHttpLoopback: true });
    expect(fetch.requests).toHaveLength(1);
  });
});
