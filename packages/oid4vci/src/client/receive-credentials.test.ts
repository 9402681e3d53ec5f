import { describe, expect, test } from 'vitest';
import {
  createFakeFetch,
  fakeIssuerRoutes,
  holderKey,
  ISSUER,
  issuerMetadata,
  NOW,
  offerObject,
  offerUriByValue,
  PRE_AUTH,
  readProof,
  rejection,
  type SeenRequest,
} from './fixtures/fake-issuer.js';
import { type HolderKey, receiveCredentials } from './receive-credentials.js';

const now = () => NOW;
const TWO_CONFIGS = offerObject({
  credential_configuration_ids: ['labour-contract', 'refugee-registration'],
});

function proofsOf(request: SeenRequest | undefined): string[] {
  return (JSON.parse(request?.body ?? '{}') as { proofs?: { jwt: string[] } }).proofs?.jwt ?? [];
}

function endpointsCalled(requests: readonly SeenRequest[]): string[] {
  return requests.map((r) => `${r.method} ${new URL(r.url).pathname}`);
}

describe('openid4vci §3.5 pre-authorized code flow end to end (fake issuer)', () => {
  test('offer → metadata → token → nonce → proofs → credential, for each offered configuration', async () => {
    const { routes, state } = fakeIssuerRoutes({ txCode: '493536' });
    const fetch = createFakeFetch(routes);
    const offer = offerObject({
      credential_configuration_ids: ['labour-contract', 'refugee-registration'],
      grants: { [PRE_AUTH]: { 'pre-authorized_code': 'code-123', tx_code: { length: 6 } } },
    });
    const result = await receiveCredentials({
      offerUri: offerUriByValue(offer),
      txCode: '493536',
      holderKeys: (id) => (id === 'labour-contract' ? [holderKey(0)] : [holderKey(1)]),
      fetch,
      now,
    });
    expect(result.credentialIssuer).toBe(ISSUER);
    expect(result.metadata.display).toEqual([{ name: 'Example Issuer', locale: 'en' }]);
    expect(result.received).toEqual([
      {
        configurationId: 'labour-contract',
        format: 'dc+sd-jwt',
        credentials: [`cred:${holderKey(0).publicJwk.x}`],
        holderKeys: [holderKey(0).publicJwk],
      },
      {
        configurationId: 'refugee-registration',
        format: 'dc+sd-jwt',
        credentials: [`cred:${holderKey(1).publicJwk.x}`],
        holderKeys: [holderKey(1).publicJwk],
      },
    ]);
    expect(endpointsCalled(fetch.requests)).toEqual([
      'GET /.well-known/openid-credential-issuer',
      'GET /.well-known/oauth-authorization-server',
      'POST /token',
      'POST /nonce',
      'POST /credential',
      'POST /nonce',
      'POST /credential',
    ]);
    // §7: a fresh c_nonce for every credential request, each proof carrying the latest one.
    const credentialRequests = fetch.requests.filter((r) => r.url.endsWith('/credential'));
    expect(credentialRequests.map((r) => readProof(proofsOf(r)[0] ?? '').payload.nonce)).toEqual(
      state.nonces,
    );
    expect(new Set(state.nonces).size).toBe(2);
    expect(readProof(proofsOf(credentialRequests[0])[0] ?? '').payload).toEqual({
      aud: ISSUER,
      iat: NOW,
      nonce: state.nonces[0],
    });
  });

  test('§4.1.3 offer by reference is fetched first', async () => {
    const { routes } = fakeIssuerRoutes();
    const fetch = createFakeFetch({ ...routes, [`GET ${ISSUER}/offers/1`]: { json: offerObject() } });
    const offerUri = `openid-credential-offer://?credential_offer_uri=${encodeURIComponent(`${ISSUER}/offers/1`)}`;
    const result = await receiveCredentials({ offerUri, holderKeys: [holderKey(0)], fetch, now });
    expect(result.received[0]?.credentials).toHaveLength(1);
    expect(endpointsCalled(fetch.requests)[0]).toBe('GET /offers/1');
  });

  test('§12.2.4 batch_size caps the proofs: 3 holder keys, batch_size 2 → 2 proofs, 2 credentials', async () => {
    const { routes } = fakeIssuerRoutes();
    const fetch = createFakeFetch(routes);
    const keys = [holderKey(0), holderKey(1), holderKey(2)];
    const result = await receiveCredentials({
      offerUri: offerUriByValue(offerObject()),
      holderKeys: keys,
      fetch,
      now,
    });
    const request = fetch.requests.find((r) => r.url.endsWith('/credential'));
    expect(proofsOf(request)).toHaveLength(2);
    expect(proofsOf(request).map((p) => readProof(p).jwk)).toEqual([keys[0]?.publicJwk, keys[1]?.publicJwk]);
    expect(result.received[0]?.credentials).toEqual([
      `cred:${keys[0]?.publicJwk.x}`,
      `cred:${keys[1]?.publicJwk.x}`,
    ]);
    expect(result.received[0]?.holderKeys).toEqual([keys[0]?.publicJwk, keys[1]?.publicJwk]);
  });

  test('§12.2.4 without batch_credential_issuance only one proof is sent', async () => {
    const { routes } = fakeIssuerRoutes({
      metadata: issuerMetadata({ batch_credential_issuance: undefined }),
    });
    const fetch = createFakeFetch(routes);
    await receiveCredentials({
      offerUri: offerUriByValue(offerObject()),
      holderKeys: [holderKey(0), holderKey(1)],
      fetch,
      now,
    });
    expect(proofsOf(fetch.requests.find((r) => r.url.endsWith('/credential')))).toHaveLength(1);
  });

  test('§12.2.4 keys with an algorithm the configuration does not accept are left out', async () => {
    const { routes } = fakeIssuerRoutes();
    const fetch = createFakeFetch(routes);
    const offer = offerObject({ credential_configuration_ids: ['refugee-registration'] });
    await receiveCredentials({
      offerUri: offerUriByValue(offer),
      holderKeys: [holderKey(3), holderKey(0)],
      fetch,
      now,
    });
    const proofs = proofsOf(fetch.requests.find((r) => r.url.endsWith('/credential')));
    expect(proofs.map((p) => readProof(p).jwk)).toEqual([holderKey(0).publicJwk]);
  });

  test('no usable holder key → JWS_ALG_NOT_ALLOWED before the single-use code is spent', async () => {
    const { routes } = fakeIssuerRoutes();
    const fetch = createFakeFetch(routes);
    const offer = offerObject({ credential_configuration_ids: ['refugee-registration'] });
    const error = await rejection(
      receiveCredentials({ offerUri: offerUriByValue(offer), holderKeys: [holderKey(3)], fetch, now }),
    );
    expect(error.code).toBe('JWS_ALG_NOT_ALLOWED');
    expect(endpointsCalled(fetch.requests)).not.toContain('POST /token');
  });

  test('§4.1.1 / §6.1 tx_code required but not given → OID4VCI_CLIENT_TX_CODE_REQUIRED, no request at all', async () => {
    const { routes } = fakeIssuerRoutes({ txCode: '1234' });
    const fetch = createFakeFetch(routes);
    const offer = offerObject({ grants: { [PRE_AUTH]: { 'pre-authorized_code': 'code-123', tx_code: {} } } });
    const error = await rejection(
      receiveCredentials({ offerUri: offerUriByValue(offer), holderKeys: [holderKey(0)], fetch, now }),
    );
    expect(error.code).toBe('OID4VCI_CLIENT_TX_CODE_REQUIRED');
    expect(fetch.requests).toHaveLength(0);
  });

  test('§6.3 a wrong tx_code surfaces as OID4VCI_CLIENT_ISSUER_ERROR invalid_grant', async () => {
    const { routes } = fakeIssuerRoutes({ txCode: '1234' });
    const offer = offerObject({ grants: { [PRE_AUTH]: { 'pre-authorized_code': 'code-123', tx_code: {} } } });
    const error = await rejection(
      receiveCredentials({
        offerUri: offerUriByValue(offer),
        txCode: '9999',
        holderKeys: [holderKey(0)],
        fetch: createFakeFetch(routes),
        now,
      }),
    );
    expect(error.code).toBe('OID4VCI_CLIENT_ISSUER_ERROR');
    expect(error.details).toMatchObject({ endpoint: 'token', error: 'invalid_grant', status: 400 });
  });

  test('§8.3 202 → deferred entry with what the deferred endpoint needs', async () => {
    const { routes } = fakeIssuerRoutes({
      credential: { status: 202, json: { transaction_id: 'tx-1', interval: 3600 } },
    });
    const result = await receiveCredentials({
      offerUri: offerUriByValue(offerObject()),
      holderKeys: [holderKey(0)],
      fetch: createFakeFetch(routes),
      now,
    });
    expect(result.received[0]).toEqual({
      configurationId: 'labour-contract',
      format: 'dc+sd-jwt',
      credentials: [],
      holderKeys: [holderKey(0).publicJwk],
      deferred: {
        transactionId: 'tx-1',
        interval: 3600,
        deferredEndpoint: `${ISSUER}/deferred`,
        accessToken: 'token-1',
      },
    });
  });

  test('§8.3 a deferral from an issuer without a deferred endpoint → OID4VCI_CLIENT_RESPONSE_INVALID', async () => {
    const { routes } = fakeIssuerRoutes({
      metadata: issuerMetadata({ deferred_credential_endpoint: undefined }),
      credential: { status: 202, json: { transaction_id: 'tx-1', interval: 60 } },
    });
    const error = await rejection(
      receiveCredentials({
        offerUri: offerUriByValue(offerObject()),
        holderKeys: [holderKey(0)],
        fetch: createFakeFetch(routes),
        now,
      }),
    );
    expect(error.code).toBe('OID4VCI_CLIENT_RESPONSE_INVALID');
  });

  test('§8.3.1.2 invalid_nonce is retried once with a fresh nonce, then given up', async () => {
    let calls = 0;
    const flaky = fakeIssuerRoutes();
    const normal = flaky.routes[`POST ${ISSUER}/credential`];
    if (typeof normal !== 'function') throw new Error('route');
    flaky.routes[`POST ${ISSUER}/credential`] = (request) =>
      ++calls === 1 ? { status: 400, json: { error: 'invalid_nonce' } } : normal(request);
    const fetch = createFakeFetch(flaky.routes);
    const result = await receiveCredentials({
      offerUri: offerUriByValue(offerObject()),
      holderKeys: [holderKey(0)],
      fetch,
      now,
    });
    expect(result.received[0]?.credentials).toHaveLength(1);
    expect(flaky.state.nonces).toHaveLength(2);

    const stubborn = fakeIssuerRoutes({ credential: { status: 400, json: { error: 'invalid_nonce' } } });
    const stubbornFetch = createFakeFetch(stubborn.routes);
    const error = await rejection(
      receiveCredentials({
        offerUri: offerUriByValue(offerObject()),
        holderKeys: [holderKey(0)],
        fetch: stubbornFetch,
        now,
      }),
    );
    expect(error.details?.error).toBe('invalid_nonce');
    expect(stubbornFetch.requests.filter((r) => r.url.endsWith('/credential'))).toHaveLength(2);
  });

  test('§12.2.4 a configuration without proof_types_supported is requested without proofs', async () => {
    const metadata = issuerMetadata({
      nonce_endpoint: undefined,
      credential_configurations_supported: { 'labour-contract': { format: 'jwt_vc_json' } },
    });
    const { routes } = fakeIssuerRoutes({
      metadata,
      credential: { json: { credentials: [{ credential: 'unbound' }] } },
    });
    const fetch = createFakeFetch(routes);
    const result = await receiveCredentials({
      offerUri: offerUriByValue(offerObject()),
      holderKeys: [holderKey(0)],
      fetch,
      now,
    });
    expect(result.received[0]).toMatchObject({
      format: 'jwt_vc_json',
      credentials: ['unbound'],
      holderKeys: [],
    });
    expect(JSON.parse(fetch.requests.at(-1)?.body ?? '')).toEqual({
      credential_configuration_id: 'labour-contract',
    });
    expect(endpointsCalled(fetch.requests)).not.toContain('POST /nonce');
  });

  test('proof types, key attestations, binding methods or encryption this client cannot meet fail before the token request', async () => {
    const configuration = (extra: Record<string, unknown>) =>
      issuerMetadata({
        credential_configurations_supported: { 'labour-contract': { format: 'dc+sd-jwt', ...extra } },
      });
    const jwt = { proof_signing_alg_values_supported: ['ES256'] };
    for (const metadata of [
      configuration({ proof_types_supported: { di_vp: { proof_signing_alg_values_supported: ['EdDSA'] } } }),
      configuration({ proof_types_supported: { jwt: { ...jwt, key_attestations_required: {} } } }),
      configuration({ proof_types_supported: { jwt }, cryptographic_binding_methods_supported: ['did:web'] }),
      issuerMetadata({
        credential_response_encryption: {
          alg_values_supported: ['ECDH-ES'],
          enc_values_supported: ['A128GCM'],
          encryption_required: true,
        },
      }),
      issuerMetadata({
        credential_request_encryption: {
          jwks: { keys: [] },
          enc_values_supported: ['A128GCM'],
          encryption_required: true,
        },
      }),
    ]) {
      const { routes } = fakeIssuerRoutes({ metadata });
      const fetch = createFakeFetch(routes);
      const error = await rejection(
        receiveCredentials({
          offerUri: offerUriByValue(offerObject()),
          holderKeys: [holderKey(0)],
          fetch,
          now,
        }),
      );
      expect(error.code).toBe('OID4VCI_CLIENT_METADATA_INVALID');
      expect(endpointsCalled(fetch.requests)).not.toContain('POST /token');
    }
  });

  test('§4.1.1 offered configuration unknown to the metadata → OID4VCI_CLIENT_OFFER_INVALID before the token request', async () => {
    const { routes } = fakeIssuerRoutes();
    const fetch = createFakeFetch(routes);
    const offer = offerObject({ credential_configuration_ids: ['labour-contract', 'passport'] });
    const error = await rejection(
      receiveCredentials({ offerUri: offerUriByValue(offer), holderKeys: [holderKey(0)], fetch, now }),
    );
    expect(error.code).toBe('OID4VCI_CLIENT_OFFER_INVALID');
    expect(endpointsCalled(fetch.requests)).not.toContain('POST /token');
  });

  test('configurationIds picks a subset of the offer; one not offered is refused', async () => {
    const { routes } = fakeIssuerRoutes();
    const fetch = createFakeFetch(routes);
    const result = await receiveCredentials({
      offerUri: offerUriByValue(TWO_CONFIGS),
      configurationIds: ['refugee-registration'],
      holderKeys: [holderKey(0)],
      fetch,
      now,
    });
    expect(result.received.map((r) => r.configurationId)).toEqual(['refugee-registration']);
    const error = await rejection(
      receiveCredentials({
        offerUri: offerUriByValue(offerObject()),
        configurationIds: ['refugee-registration'],
        holderKeys: [holderKey(0)],
        fetch,
        now,
      }),
    );
    expect(error.code).toBe('OID4VCI_CLIENT_OFFER_INVALID');
  });

  test('§6.2 / §8.2 credential identifiers from the token response are requested one by one', async () => {
    const { routes, state } = fakeIssuerRoutes();
    routes[`POST ${ISSUER}/token`] = () => {
      state.tokens.push('tok');
      return {
        json: {
          access_token: 'tok',
          token_type: 'Bearer',
          authorization_details: [
            {
              type: 'openid_credential',
              credential_configuration_id: 'labour-contract',
              credential_identifiers: ['lc-2024', 'lc-2025'],
            },
          ],
        },
      };
    };
    const fetch = createFakeFetch(routes);
    const seen: string[] = [];
    const keys: HolderKey[] = [holderKey(0), holderKey(1)];
    const result = await receiveCredentials({
      offerUri: offerUriByValue(offerObject()),
      holderKeys: (id) => {
        seen.push(id);
        return [keys[seen.length - 1] as HolderKey];
      },
      fetch,
      now,
    });
    expect(result.received.map((r) => r.credentialIdentifier)).toEqual(['lc-2024', 'lc-2025']);
    const bodies = fetch.requests
      .filter((r) => r.url.endsWith('/credential'))
      .map((r) => JSON.parse(r.body ?? ''));
    expect(bodies.map((b) => b.credential_identifier)).toEqual(['lc-2024', 'lc-2025']);
    expect(bodies.every((b) => b.credential_configuration_id === undefined)).toBe(true);
    // Fresh keys per request through the key source: the two credentials share no key.
    expect(result.received.map((r) => r.holderKeys[0]?.x)).toEqual([
      keys[0]?.publicJwk.x,
      keys[1]?.publicJwk.x,
    ]);
  });

  test('a client_id goes to the token request and into the proofs as iss', async () => {
    const { routes } = fakeIssuerRoutes();
    const fetch = createFakeFetch(routes);
    await receiveCredentials({
      offerUri: offerUriByValue(offerObject()),
      holderKeys: [holderKey(0)],
      fetch,
      now,
      clientId: 'wallet-1',
    });
    expect(
      new URLSearchParams(fetch.requests.find((r) => r.url.endsWith('/token'))?.body).get('client_id'),
    ).toBe('wallet-1');
    expect(
      readProof(proofsOf(fetch.requests.find((r) => r.url.endsWith('/credential')))[0] ?? '').payload.iss,
    ).toBe('wallet-1');
  });
});
