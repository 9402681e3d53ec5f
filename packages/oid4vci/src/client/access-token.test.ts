import { describe, expect, test } from 'vitest';
import { requestAccessToken } from './access-token.js';
import { createFakeFetch, ISSUER, PRE_AUTH, type Reply, rejection } from './fixtures/fake-issuer.js';
import { sanitizeErrorDescription } from './issuer-response.js';

const TOKEN = `${ISSUER}/token`;
const ok: Reply = { json: { access_token: 'at-1', token_type: 'Bearer', expires_in: 300 } };

function tokenFetch(reply: Reply) {
  return createFakeFetch({ [`POST ${TOKEN}`]: reply });
}

describe('openid4vci §6.1 token request (pre-authorized code)', () => {
  test('form-encoded POST with grant_type and the code; no tx_code when the offer asks for none', async () => {
    const fetch = tokenFetch(ok);
    const token = await requestAccessToken({ fetch, tokenEndpoint: TOKEN, preAuthorizedCode: 'code a+b&c' });
    expect(token).toEqual({ accessToken: 'at-1', tokenType: 'Bearer', expiresIn: 300 });
    const request = fetch.requests[0];
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(request?.body);
    expect(form.get('grant_type')).toBe(PRE_AUTH);
    expect(form.get('pre-authorized_code')).toBe('code a+b&c');
    expect(form.has('tx_code')).toBe(false);
    expect(form.has('client_id')).toBe(false);
  });

  test('§6.1 tx_code is sent when the offer asked for it (even with an empty tx_code object)', async () => {
    const fetch = tokenFetch(ok);
    await requestAccessToken({
      fetch,
      tokenEndpoint: TOKEN,
      preAuthorizedCode: 'c',
      txCodeRequirement: {},
      txCode: '493536',
    });
    expect(new URLSearchParams(fetch.requests[0]?.body).get('tx_code')).toBe('493536');
  });

  test('§6.1 tx_code required but missing → OID4VCI_CLIENT_TX_CODE_REQUIRED before any request', async () => {
    const fetch = tokenFetch(ok);
    for (const txCode of [undefined, '']) {
      const error = await rejection(
        requestAccessToken({
          fetch,
          tokenEndpoint: TOKEN,
          preAuthorizedCode: 'c',
          txCodeRequirement: { length: 6 },
          ...(txCode === undefined ? {} : { txCode }),
        }),
      );
      expect(error.code).toBe('OID4VCI_CLIENT_TX_CODE_REQUIRED');
    }
    const wrongShape = await rejection(
      requestAccessToken({
        fetch,
        tokenEndpoint: TOKEN,
        preAuthorizedCode: 'c',
        txCodeRequirement: { length: 6 },
        txCode: '12345',
      }),
    );
    expect(wrongShape.code).toBe('OID4VCI_CLIENT_TX_CODE_REQUIRED');
    expect(wrongShape.message).not.toContain('12345');
    expect(fetch.requests).toHaveLength(0);
  });

  test('§13.6.2 a tx_code the offer did not ask for is not sent to the issuer', async () => {
    const fetch = tokenFetch(ok);
    await requestAccessToken({ fetch, tokenEndpoint: TOKEN, preAuthorizedCode: 'c', txCode: '1234' });
    expect(fetch.requests[0]?.body).not.toContain('1234');
  });

  test('client_id is sent when given (authorization servers without anonymous access)', async () => {
    const fetch = tokenFetch(ok);
    await requestAccessToken({ fetch, tokenEndpoint: TOKEN, preAuthorizedCode: 'c', clientId: 'wallet-1' });
    expect(new URLSearchParams(fetch.requests[0]?.body).get('client_id')).toBe('wallet-1');
  });

  test('the token endpoint must be https; an empty code is refused before any request', async () => {
    const fetch = tokenFetch(ok);
    expect(
      (
        await rejection(
          requestAccessToken({ fetch, tokenEndpoint: 'http://issuer.example/token', preAuthorizedCode: 'c' }),
        )
      ).code,
    ).toBe('OID4VCI_CLIENT_METADATA_INVALID');
    expect(
      (await rejection(requestAccessToken({ fetch, tokenEndpoint: TOKEN, preAuthorizedCode: '' }))).code,
    ).toBe('OID4VCI_CLIENT_OFFER_INVALID');
    expect(fetch.requests).toHaveLength(0);
  });
});

describe('openid4vci §6.2 token response', () => {
  test('token_type is case-insensitive Bearer; expires_in optional; unknown members ignored', async () => {
    const token = await requestAccessToken({
      fetch: tokenFetch({
        json: { access_token: 'x', token_type: 'bEaReR', refresh_token: 'r', c_nonce: 'old' },
      }),
      tokenEndpoint: TOKEN,
      preAuthorizedCode: 'c',
    });
    expect(token).toEqual({ accessToken: 'x', tokenType: 'Bearer' });
  });

  test('§6.2 authorization_details with credential_identifiers are returned per configuration', async () => {
    const token = await requestAccessToken({
      fetch: tokenFetch({
        json: {
          access_token: 'x',
          token_type: 'Bearer',
          authorization_details: [
            {
              type: 'openid_credential',
              credential_configuration_id: 'a',
              credential_identifiers: ['a-1', 'a-2'],
              extra: 1,
            },
            { type: 'something_else' },
          ],
        },
      }),
      tokenEndpoint: TOKEN,
      preAuthorizedCode: 'c',
    });
    expect(token.credentialIdentifiers).toEqual({ a: ['a-1', 'a-2'] });
  });

  test('missing or mistyped members, DPoP tokens, non-JSON → OID4VCI_CLIENT_RESPONSE_INVALID', async () => {
    const replies: Reply[] = [
      { json: { token_type: 'Bearer' } },
      { json: { access_token: '', token_type: 'Bearer' } },
      { json: { access_token: 7, token_type: 'Bearer' } },
      { json: { access_token: 'x' } },
      { json: { access_token: 'x', token_type: 'DPoP' } },
      { json: { access_token: 'x', token_type: 'Bearer', expires_in: '300' } },
      { json: { access_token: 'x', token_type: 'Bearer', expires_in: -1 } },
      {
        json: {
          access_token: 'x',
          token_type: 'Bearer',
          authorization_details: [{ type: 'openid_credential' }],
        },
      },
      { json: [] },
      { headers: { 'content-type': 'text/html' }, body: '<h1>hi</h1>' },
      {
        headers: { 'content-type': 'application/json' },
        body: '{"access_token":"a","access_token":"b","token_type":"Bearer"}',
      },
      { headers: { 'content-type': 'application/json' }, body: '{"access_token":"a",' },
      { status: 201, json: { access_token: 'x', token_type: 'Bearer' } },
    ];
    for (const reply of replies) {
      const error = await rejection(
        requestAccessToken({ fetch: tokenFetch(reply), tokenEndpoint: TOKEN, preAuthorizedCode: 'c' }),
      );
      expect(error.code).toBe('OID4VCI_CLIENT_RESPONSE_INVALID');
    }
  });
});

describe('openid4vci §6.3 token error response', () => {
  test('invalid_grant → OID4VCI_CLIENT_ISSUER_ERROR with details {error, status}', async () => {
    const error = await rejection(
      requestAccessToken({
        fetch: tokenFetch({
          status: 400,
          json: { error: 'invalid_grant', error_description: 'wrong tx_code' },
        }),
        tokenEndpoint: TOKEN,
        preAuthorizedCode: 'c',
        txCodeRequirement: {},
        txCode: '1',
      }),
    );
    expect(error.code).toBe('OID4VCI_CLIENT_ISSUER_ERROR');
    expect(error.details).toEqual({
      endpoint: 'token',
      status: 400,
      error: 'invalid_grant',
      errorDescription: 'wrong tx_code',
    });
    expect(error.message).not.toContain('wrong tx_code');
  });

  test('other RFC 6749 §5.2 errors keep their code; a malformed error member becomes null', async () => {
    for (const [reply, expected] of [
      [{ status: 400, json: { error: 'invalid_request' } }, 'invalid_request'],
      [{ status: 401, json: { error: 'invalid_client' } }, 'invalid_client'],
      [{ status: 400, json: { error: 'bad\nline' } }, null],
      [{ status: 400, json: { error: 'x'.repeat(65) } }, null],
      [{ status: 400, json: { error: 42 } }, null],
      [{ status: 500, headers: { 'content-type': 'text/html' }, body: '<h1>oops</h1>' }, null],
      [
        { status: 400, headers: { 'content-type': 'application/json' }, body: '{"error":"a","error":"b"}' },
        null,
      ],
    ] as [Reply, string | null][]) {
      const error = await rejection(
        requestAccessToken({ fetch: tokenFetch(reply), tokenEndpoint: TOKEN, preAuthorizedCode: 'c' }),
      );
      expect(error.code).toBe('OID4VCI_CLIENT_ISSUER_ERROR');
      expect(error.details?.error).toBe(expected);
      expect(error.details?.status).toBe(reply.status);
    }
  });

  test('hostile input: error_description is sanitized to printable ASCII and bounded, never in the message', async () => {
    const hostile = `line1\r\nINJECTED: "quoted" \\ é ${'\u202e'}${'x'.repeat(10_000)}`;
    const error = await rejection(
      requestAccessToken({
        fetch: tokenFetch({ status: 400, json: { error: 'invalid_grant', error_description: hostile } }),
        tokenEndpoint: TOKEN,
        preAuthorizedCode: 'c',
      }),
    );
    const description = error.details?.errorDescription as string;
    expect(description).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]*$/);
    expect(description.startsWith('line1??INJECTED: ?quoted? ? ? ?x')).toBe(true);
    expect(description.length).toBeLessThanOrEqual(203);
    expect(description.endsWith('...')).toBe(true);
    expect(error.message).not.toContain('INJECTED');
  });

  test('sanitizeErrorDescription: short text unchanged, astral characters count once, non-strings dropped', () => {
    expect(sanitizeErrorDescription('The tx_code is wrong.')).toBe('The tx_code is wrong.');
    expect(sanitizeErrorDescription('😀'.repeat(200))).toBe('?'.repeat(200));
    expect(sanitizeErrorDescription('😀'.repeat(201))).toBe(`${'?'.repeat(200)}...`);
    expect(sanitizeErrorDescription(42)).toBeUndefined();
    expect(sanitizeErrorDescription('')).toBeUndefined();
  });
});
