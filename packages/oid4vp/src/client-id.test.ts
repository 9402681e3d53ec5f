import { describe, expect, it } from 'vitest';
import { parseClientId, parseEndpointUrl } from './client-id.js';
import {
  clock,
  LOCAL_RESPONSE_URI,
  REDIRECT_CLIENT_ID,
  redirectOptions,
} from './fixtures/request-fixture.js';
import { createAuthorizationRequest } from './verifier/create-authorization-request.js';
import { parseAuthorizationRequest } from './wallet/parse-authorization-request.js';
import { readRequestUri } from './wallet/read-request-uri.js';

const LOOPBACKS = ['http://127.0.0.1:8080/r', 'http://localhost/r', 'http://[::1]:9/r'];

describe('http loopback URLs are opt-in (openid4vp §14.7: TLS for every endpoint)', () => {
  it('parseEndpointUrl refuses http loopback by default and accepts it with the opt-in', () => {
    for (const url of LOOPBACKS) {
      expect(parseEndpointUrl(url)).toBeUndefined();
      expect(parseEndpointUrl(url, false)).toBeUndefined();
      expect(parseEndpointUrl(url, true)?.href).toBe(new URL(url).href);
    }
    expect(parseEndpointUrl('https://verifier.example.org/r')?.hostname).toBe('verifier.example.org');
  });

  it('the opt-in never admits http on another host, nor other schemes', () => {
    for (const url of [
      'http://verifier.example.org/r',
      'http://10.0.0.1/r',
      'http://127.0.0.2/r',
      'javascript:alert(1)',
      'ftp://127.0.0.1/r',
      'https://127.0.0.1/r#frag',
      'https://user:pw@verifier.example.org/r',
    ]) {
      expect(parseEndpointUrl(url, true)).toBeUndefined();
    }
  });

  it('openid4vp §5.9.3 a redirect_uri client on http loopback needs the opt-in', () => {
    expect(() => parseClientId(REDIRECT_CLIENT_ID)).toThrow(
      expect.objectContaining({ code: 'OID4VP_CLIENT_ID_INVALID' }),
    );
    expect(parseClientId(REDIRECT_CLIENT_ID, { allowHttpLoopback: true }).value).toBe(LOCAL_RESPONSE_URI);
    expect(() =>
      parseClientId('redirect_uri:http://verifier.example.org/r', { allowHttpLoopback: true }),
    ).toThrow(expect.objectContaining({ code: 'OID4VP_CLIENT_ID_INVALID' }));
  });

  it('openid4vp §5.10 a loopback request_uri needs the opt-in', () => {
    const parameters = {
      client_id: 'x509_san_dns:verifier.example.org',
      request_uri: 'http://127.0.0.1:8080/req',
    };
    expect(() => readRequestUri(parameters)).toThrow(
      expect.objectContaining({ code: 'OID4VP_REQUEST_INVALID' }),
    );
    expect(readRequestUri(parameters, { allowHttpLoopback: true }).requestUri).toBe(
      'http://127.0.0.1:8080/req',
    );
  });

  it('createAuthorizationRequest refuses a loopback verifier unless it opts in', async () => {
    await expect(
      createAuthorizationRequest(redirectOptions({ allowHttpLoopback: false })),
    ).rejects.toMatchObject({
      code: 'OID4VP_CLIENT_ID_INVALID',
    });
    await expect(
      createAuthorizationRequest(redirectOptions({ allowHttpLoopback: true })),
    ).resolves.toBeTruthy();
  });

  it('openid4vp §8.2 the wallet refuses a loopback client and response_uri unless it opts in', async () => {
    const { parameters } = await createAuthorizationRequest(redirectOptions());
    await expect(parseAuthorizationRequest(parameters, { clock })).rejects.toMatchObject({
      code: 'OID4VP_CLIENT_ID_INVALID',
    });
    const parsed = await parseAuthorizationRequest(parameters, { clock, allowHttpLoopback: true });
    expect(parsed.responseUri).toBe(LOCAL_RESPONSE_URI);
  });
});
