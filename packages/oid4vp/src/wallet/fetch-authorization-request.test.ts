import { describe, expect, it } from 'vitest';
import {
  clock,
  DNS,
  LOCAL_RESPONSE_URI,
  REDIRECT_CLIENT_ID,
  redirectOptions,
  trustX5c,
  X5C,
  X509_CLIENT_ID,
  x509Options,
} from '../fixtures/request-fixture.js';
import { createAuthorizationRequest } from '../verifier/create-authorization-request.js';
import { fetchAuthorizationRequest } from './fetch-authorization-request.js';
import { createFakeFetch, type Reply, rejection } from './fixtures/held-fixture.js';

const REQUEST_URI = `https://${DNS}/request/1`;
const JAR = 'application/oauth-authz-req+jwt';

function byValueUrl(parameters: Readonly<Record<string, unknown>>, scheme = 'openid4vp://'): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(parameters))
    query.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  return `${scheme}?${query}`;
}

function byReferenceUrl(
  clientId = X509_CLIENT_ID,
  requestUri = REQUEST_URI,
  extra: Record<string, string> = {},
) {
  return `openid4vp://?${new URLSearchParams({ client_id: clientId, request_uri: requestUri, ...extra })}`;
}

async function served(reply: Partial<Reply> = {}, url = REQUEST_URI) {
  const created = await createAuthorizationRequest(x509Options());
  const fetch = createFakeFetch({
    [`GET ${url}`]: { headers: { 'content-type': JAR }, body: created.requestObject as string, ...reply },
  });
  return { created, fetch, options: { fetch, clock, verifyX5c: trustX5c() } };
}

describe('fetchAuthorizationRequest: by value (openid4vp §5)', () => {
  it('openid4vp §5 parameters in an openid4vp:// URL (JSON-encoded objects), no network', async () => {
    const created = await createAuthorizationRequest(redirectOptions());
    const fetch = createFakeFetch();
    const parsed = await fetchAuthorizationRequest(byValueUrl(created.parameters), {
      fetch,
      clock,
      allowHttpLoopback: true,
    });
    expect(parsed).toMatchObject({
      client: { clientId: REDIRECT_CLIENT_ID },
      signed: false,
      nonce: created.nonce,
      state: created.state,
      responseUri: LOCAL_RESPONSE_URI,
      dcqlQuery: created.dcqlQuery,
    });
    expect(fetch.requests).toHaveLength(0);
  });

  it('openid4vp §5 a signed request object by value in `request`, from an https link or haip-vp://', async () => {
    const created = await createAuthorizationRequest(x509Options());
    const parameters = { client_id: X509_CLIENT_ID, request: created.requestObject as string };
    for (const scheme of ['https://wallet.example/authorize', 'haip-vp://']) {
      const parsed = await fetchAuthorizationRequest(byValueUrl(parameters, scheme), {
        fetch: createFakeFetch(),
        clock,
        verifyX5c: trustX5c(),
      });
      expect(parsed).toMatchObject({ signed: true, x5c: X5C, nonce: created.nonce });
    }
  });

  it('openid4vp §14.7 a loopback verifier is refused without the opt-in', async () => {
    const created = await createAuthorizationRequest(redirectOptions());
    const error = await rejection(
      fetchAuthorizationRequest(byValueUrl(created.parameters), { fetch: createFakeFetch(), clock }),
    );
    expect(error.code).toBe('OID4VP_CLIENT_ID_INVALID');
  });

  it('an unsupported scheme, a fragment, a repeated parameter or no parameters are refused', async () => {
    const created = await createAuthorizationRequest(redirectOptions());
    const good = byValueUrl(created.parameters);
    const options = { fetch: createFakeFetch(), clock, allowHttpLoopback: true };
    for (const uri of [
      good.replace('openid4vp://', 'http://wallet.example/'),
      good.replace('openid4vp://', 'javascript://'),
      `${good}#x`,
      `${good}&nonce=again`,
      'openid4vp://',
      'not a url',
      `openid4vp://?${'a'.repeat(70_000)}`,
    ]) {
      expect((await rejection(fetchAuthorizationRequest(uri, options))).code).toBe('OID4VP_REQUEST_INVALID');
    }
  });
});

describe('fetchAuthorizationRequest: by reference (openid4vp §5.10)', () => {
  it('openid4vp §5.10.1 GETs the request_uri with Accept oauth-authz-req+jwt and verifies the x509 request', async () => {
    const { created, fetch, options } = await served({
      headers: { 'content-type': `${JAR}; charset=utf-8` },
    });
    const parsed = await fetchAuthorizationRequest(byReferenceUrl(), options);
    expect(parsed).toMatchObject({
      client: { clientId: X509_CLIENT_ID, prefix: 'x509_san_dns', value: DNS },
      signed: true,
      nonce: created.nonce,
      state: created.state,
    });
    expect(fetch.requests).toEqual([
      { url: REQUEST_URI, method: 'GET', headers: { accept: JAR }, body: undefined },
    ]);
  });

  it('openid4vp §5.10.1 a response that is not application/oauth-authz-req+jwt is refused', async () => {
    for (const type of ['application/json', 'application/jwt', 'text/plain', '']) {
      const { options } = await served({ headers: { 'content-type': type } });
      const error = await rejection(fetchAuthorizationRequest(byReferenceUrl(), options));
      expect(error).toMatchObject({ code: 'OID4VP_REQUEST_INVALID', details: { parameter: 'request_uri' } });
    }
  });

  it('openid4vp §5.10.1 the outer client_id must equal the request object client_id', async () => {
    const { options } = await served();
    const error = await rejection(
      fetchAuthorizationRequest(byReferenceUrl('x509_san_dns:other.example.org'), options),
    );
    expect(error.code).toBe('OID4VP_CLIENT_ID_INVALID');
  });

  it('openid4vp §5.10.2 an HTTP error from the request_uri ends the process', async () => {
    for (const status of [302, 404, 500]) {
      const { options } = await served({ status });
      const error = await rejection(fetchAuthorizationRequest(byReferenceUrl(), options));
      expect(error).toMatchObject({ code: 'OID4VP_REQUEST_INVALID', details: { status } });
    }
  });

  it('openid4vp §14.8 a request object from a followed redirect is refused', async () => {
    const { options } = await served({ finalUrl: 'https://attacker.example/request' });
    const error = await rejection(fetchAuthorizationRequest(byReferenceUrl(), options));
    expect(error).toMatchObject({ code: 'OID4VP_REQUEST_INVALID', details: { parameter: 'request_uri' } });
  });

  it('an oversized or non-JWS body is refused before it is parsed', async () => {
    for (const body of ['x'.repeat(300 * 1024), '{"client_id":"x"}', 'a.b.c\n<script>']) {
      const { options } = await served({ body });
      expect((await rejection(fetchAuthorizationRequest(byReferenceUrl(), options))).code).toBe(
        'OID4VP_REQUEST_INVALID',
      );
    }
  });

  it('openid4vp §5 request_uri_method post: a wallet without the POST variant fetches with GET', async () => {
    const { fetch, options } = await served();
    const uri = byReferenceUrl(X509_CLIENT_ID, REQUEST_URI, { request_uri_method: 'post' });
    const request = await fetchAuthorizationRequest(uri, options);
    expect(request.client.clientId).toBe(X509_CLIENT_ID);
    expect(fetch.requests).toHaveLength(1);
    expect(fetch.requests[0]).toMatchObject({ method: 'GET' });
  });

  it('openid4vp §5.10 a plain http request_uri is refused; a loopback one only with the opt-in', async () => {
    const loopback = 'http://127.0.0.1:8080/request/1';
    const { fetch, options } = await served({}, loopback);
    for (const requestUri of ['http://verifier.example.org/request/1', loopback]) {
      const error = await rejection(
        fetchAuthorizationRequest(byReferenceUrl(X509_CLIENT_ID, requestUri), options),
      );
      expect(error.code).toBe('OID4VP_REQUEST_INVALID');
    }
    expect(fetch.requests).toHaveLength(0);
    const parsed = await fetchAuthorizationRequest(byReferenceUrl(X509_CLIENT_ID, loopback), {
      ...options,
      allowHttpLoopback: true,
    });
    expect(parsed.signed).toBe(true);
    expect(fetch.requests.map((r) => r.url)).toEqual([loopback]);
  });

  it('network failures surface as the guarded fetch codes', async () => {
    const { options } = await served({}, `https://${DNS}/elsewhere`);
    expect((await rejection(fetchAuthorizationRequest(byReferenceUrl(), options))).code).toBe(
      'FETCH_NETWORK',
    );
  });
});
