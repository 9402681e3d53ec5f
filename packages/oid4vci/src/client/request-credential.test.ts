import { describe, expect, test } from 'vitest';
import { createFakeFetch, ISSUER, type Reply, rejection } from './fixtures/fake-issuer.js';
import { requestCredential } from './request-credential.js';
import { pollDeferredCredential, requestDeferredCredential } from './request-deferred-credential.js';

const CREDENTIAL = `${ISSUER}/credential`;
const DEFERRED = `${ISSUER}/deferred`;

function credentialCall(reply: Reply, proofs: string[] = ['p1', 'p2']) {
  const fetch = createFakeFetch({ [`POST ${CREDENTIAL}`]: reply });
  return {
    fetch,
    result: requestCredential({
      fetch,
      credentialEndpoint: CREDENTIAL,
      accessToken: 'at-1',
      configurationId: 'labour-contract',
      proofs,
    }),
  };
}

describe('openid4vci §8.2 credential request', () => {
  test('JSON POST with the Bearer token, the configuration id and proofs.jwt', async () => {
    const { fetch, result } = credentialCall({ json: { credentials: [{ credential: 'c1' }] } });
    await result;
    const request = fetch.requests[0];
    expect(request?.headers).toMatchObject({
      authorization: 'Bearer at-1',
      'content-type': 'application/json',
    });
    expect(JSON.parse(request?.body ?? '')).toEqual({
      credential_configuration_id: 'labour-contract',
      proofs: { jwt: ['p1', 'p2'] },
    });
  });

  test('§8.2 credential_identifier instead of the configuration; no proofs member without proofs', async () => {
    const fetch = createFakeFetch({
      [`POST ${CREDENTIAL}`]: { json: { credentials: [{ credential: 'c1' }] } },
    });
    await requestCredential({
      fetch,
      credentialEndpoint: CREDENTIAL,
      accessToken: 'a',
      credentialIdentifier: 'ident-1',
    });
    expect(JSON.parse(fetch.requests[0]?.body ?? '')).toEqual({ credential_identifier: 'ident-1' });
    for (const bad of [{}, { configurationId: 'x', credentialIdentifier: 'y' }]) {
      expect(
        (
          await rejection(
            requestCredential({ fetch, credentialEndpoint: CREDENTIAL, accessToken: 'a', ...bad }),
          )
        ).code,
      ).toBe('OID4VCI_CLIENT_OFFER_INVALID');
    }
    expect(fetch.requests).toHaveLength(1);
  });
});

describe('openid4vci §8.3 credential response', () => {
  test('200: credentials (strings or objects) and notification_id', async () => {
    const { result } = credentialCall({
      json: {
        credentials: [{ credential: 'eyJ.a.b~' }, { credential: { '@context': [], type: ['VC'] } }],
        notification_id: 'n-1',
        x: 1,
      },
    });
    expect(await result).toEqual({
      kind: 'issued',
      credentials: ['eyJ.a.b~', { '@context': [], type: ['VC'] }],
      notificationId: 'n-1',
    });
  });

  test('202: deferred with transaction_id and interval', async () => {
    const { result } = credentialCall({
      status: 202,
      json: { transaction_id: '8xLOxBtZp8', interval: 3600 },
    });
    expect(await result).toEqual({ kind: 'deferred', transactionId: '8xLOxBtZp8', interval: 3600 });
  });

  test('§8.3 each key binds at most one credential: more credentials than proofs is invalid', async () => {
    const three = { json: { credentials: [{ credential: 'a' }, { credential: 'b' }, { credential: 'c' }] } };
    const error = await rejection(credentialCall(three).result);
    expect(error.code).toBe('OID4VCI_CLIENT_RESPONSE_INVALID');
    expect(error.details?.reason).toBe('count');
    // Fewer is allowed (§8.3: the issuer may issue fewer).
    expect(await credentialCall({ json: { credentials: [{ credential: 'a' }] } }).result).toMatchObject({
      kind: 'issued',
    });
  });

  test('missing or contradictory members, wrong status or media type → OID4VCI_CLIENT_RESPONSE_INVALID', async () => {
    const replies: Reply[] = [
      { json: {} },
      { json: { credentials: [] } },
      { json: { credentials: ['bare-string'] } },
      { json: { credentials: [{ credential: '' }] } },
      { json: { credentials: [{ credential: 7 }] } },
      { json: { credentials: [{ credential: 'a' }], transaction_id: 't' } },
      { json: { credentials: [{ credential: 'a' }], interval: 5 } },
      { status: 202, json: { transaction_id: 't' } },
      { status: 202, json: { transaction_id: 't', interval: 0 } },
      { status: 202, json: { transaction_id: 't', interval: '5' } },
      { status: 202, json: { transaction_id: '', interval: 5 } },
      { status: 202, json: { transaction_id: 't', interval: 5, credentials: [{ credential: 'a' }] } },
      { status: 202, json: { transaction_id: 't', interval: 5, notification_id: 'n' } },
      {
        status: 202,
        headers: { 'content-type': 'application/json' },
        body: '{"transaction_id":"t","interval":1e999}',
      },
      { status: 200, json: { transaction_id: 't', interval: 5 } },
      { status: 204 },
      { headers: { 'content-type': 'application/jwt' }, body: 'eyJ.encrypted.response' },
      {
        headers: { 'content-type': 'application/json' },
        body: '{"credentials":[{"credential":"a"}],"credentials":[]}',
      },
    ];
    for (const reply of replies) {
      expect((await rejection(credentialCall(reply).result)).code).toBe('OID4VCI_CLIENT_RESPONSE_INVALID');
    }
  });

  test('§8.3.1.2 credential errors → OID4VCI_CLIENT_ISSUER_ERROR with the error code', async () => {
    for (const error of [
      'invalid_proof',
      'invalid_nonce',
      'unknown_credential_configuration',
      'credential_request_denied',
    ]) {
      const thrown = await rejection(credentialCall({ status: 400, json: { error } }).result);
      expect(thrown.code).toBe('OID4VCI_CLIENT_ISSUER_ERROR');
      expect(thrown.details).toMatchObject({ endpoint: 'credential', status: 400, error });
    }
  });

  test('§8.3.1.1 / rfc6750 §3 an error carried only in WWW-Authenticate is read', async () => {
    const thrown = await rejection(
      credentialCall({
        status: 401,
        headers: {
          'www-authenticate': 'Bearer realm="x", error="invalid_token", error_description="expired"',
        },
      }).result,
    );
    expect(thrown.details).toMatchObject({ status: 401, error: 'invalid_token' });
  });

  test('the credential endpoint must be https', async () => {
    const fetch = createFakeFetch();
    const error = await rejection(
      requestCredential({
        fetch,
        credentialEndpoint: 'http://issuer.example/credential',
        accessToken: 'a',
        configurationId: 'x',
      }),
    );
    expect(error.code).toBe('OID4VCI_CLIENT_METADATA_INVALID');
    expect(fetch.requests).toHaveLength(0);
  });
});

describe('openid4vci §9 deferred credential endpoint', () => {
  const ask = (reply: Reply | Reply[]) => {
    const replies = Array.isArray(reply) ? [...reply] : [reply];
    const fetch = createFakeFetch({ [`POST ${DEFERRED}`]: () => replies.shift() ?? { status: 500 } });
    return {
      fetch,
      options: { fetch, deferredEndpoint: DEFERRED, accessToken: 'at-1', transactionId: '8xLOxBtZp8' },
    };
  };

  test('§9.1 JSON POST of the transaction_id with the Bearer token; §9.2 200 → credentials', async () => {
    const { fetch, options } = ask({
      json: { credentials: [{ credential: 'c1' }, { credential: 'c2' }], notification_id: 'n' },
    });
    expect(await requestDeferredCredential(options)).toEqual({
      kind: 'issued',
      credentials: ['c1', 'c2'],
      notificationId: 'n',
    });
    expect(JSON.parse(fetch.requests[0]?.body ?? '')).toEqual({ transaction_id: '8xLOxBtZp8' });
    expect(fetch.requests[0]?.headers.authorization).toBe('Bearer at-1');
  });

  test('§9.2 202 → still deferred, with the same transaction_id; another one is invalid', async () => {
    expect(
      await requestDeferredCredential(
        ask({ status: 202, json: { transaction_id: '8xLOxBtZp8', interval: 60 } }).options,
      ),
    ).toEqual({
      kind: 'deferred',
      transactionId: '8xLOxBtZp8',
      interval: 60,
    });
    const error = await rejection(
      requestDeferredCredential(
        ask({ status: 202, json: { transaction_id: 'other', interval: 60 } }).options,
      ),
    );
    expect(error.code).toBe('OID4VCI_CLIENT_RESPONSE_INVALID');
  });

  test('§9.3 invalid_transaction_id → OID4VCI_CLIENT_ISSUER_ERROR', async () => {
    const error = await rejection(
      requestDeferredCredential(ask({ status: 400, json: { error: 'invalid_transaction_id' } }).options),
    );
    expect(error.details).toMatchObject({ endpoint: 'deferred_credential', error: 'invalid_transaction_id' });
  });

  test('§9.2 more credentials than the original proofs is invalid', async () => {
    const { options } = ask({ json: { credentials: [{ credential: 'c1' }, { credential: 'c2' }] } });
    expect((await rejection(requestDeferredCredential({ ...options, proofCount: 1 }))).code).toBe(
      'OID4VCI_CLIENT_RESPONSE_INVALID',
    );
  });

  test('§8.3 polling waits the interval before each request and follows new intervals', async () => {
    const { fetch, options } = ask([
      { status: 202, json: { transaction_id: '8xLOxBtZp8', interval: 120 } },
      { json: { credentials: [{ credential: 'c1' }] } },
    ]);
    const waits: number[] = [];
    const result = await pollDeferredCredential({
      ...options,
      interval: 60,
      wait: async (s) => void waits.push(s),
    });
    expect(result.credentials).toEqual(['c1']);
    expect(waits).toEqual([60, 120]);
    expect(fetch.requests).toHaveLength(2);
  });

  test('polling gives up with OID4VCI_CLIENT_DEFERRED_TIMEOUT after maxAttempts or an interval too long', async () => {
    const pending = { status: 202, json: { transaction_id: '8xLOxBtZp8', interval: 1 } };
    const { fetch, options } = ask([pending, pending, pending]);
    const error = await rejection(
      pollDeferredCredential({ ...options, interval: 1, maxAttempts: 3, wait: async () => {} }),
    );
    expect(error.code).toBe('OID4VCI_CLIENT_DEFERRED_TIMEOUT');
    expect(fetch.requests).toHaveLength(3);

    const long = ask({ status: 202, json: { transaction_id: '8xLOxBtZp8', interval: 86_400 } });
    const tooLong = await rejection(
      pollDeferredCredential({ ...long.options, interval: 1, wait: async () => {} }),
    );
    expect(tooLong.code).toBe('OID4VCI_CLIENT_DEFERRED_TIMEOUT');
    expect(tooLong.details).toMatchObject({ interval: 86_400, attempts: 1 });
  });

  test('polling stops at once on an issuer error', async () => {
    const { fetch, options } = ask([{ status: 400, json: { error: 'credential_request_denied' } }]);
    const error = await rejection(pollDeferredCredential({ ...options, interval: 1, wait: async () => {} }));
    expect(error.details?.error).toBe('credential_request_denied');
    expect(fetch.requests).toHaveLength(1);
  });
});
