import { describe, expect, test } from 'vitest';
import { fetchAuthorizationServerMetadata } from './authorization-server-metadata.js';
import { fetchIssuerMetadata } from './fetch-issuer-metadata.js';
import {
  authorizationServerMetadata,
  createFakeFetch,
  ISSUER,
  issuerMetadata,
  PRE_AUTH,
  type Route,
  rejection,
} from './fixtures/fake-issuer.js';
import { fetchCredentialIssuerMetadata } from './issuer-metadata.js';
import { authorizationServerMetadataUrl, credentialIssuerMetadataUrl } from './well-known-url.js';

const WELL_KNOWN = `${ISSUER}/.well-known/openid-credential-issuer`;
const AS_WELL_KNOWN = `${ISSUER}/.well-known/oauth-authorization-server`;

function routes(metadata: unknown, as: unknown = authorizationServerMetadata()): Record<string, Route> {
  return { [`GET ${WELL_KNOWN}`]: { json: metadata }, [`GET ${AS_WELL_KNOWN}`]: { json: as } };
}

describe('openid4vci §12.2.2 well-known URLs', () => {
  test('the well-known segment goes between host and path', () => {
    expect(credentialIssuerMetadataUrl(new URL('https://issuer.example/tenant/1'))).toBe(
      'https://issuer.example/.well-known/openid-credential-issuer/tenant/1',
    );
    expect(credentialIssuerMetadataUrl(new URL('https://tenant.issuer.example'))).toBe(
      'https://tenant.issuer.example/.well-known/openid-credential-issuer',
    );
    expect(credentialIssuerMetadataUrl(new URL('https://issuer.example:8443/t'))).toBe(
      'https://issuer.example:8443/.well-known/openid-credential-issuer/t',
    );
  });

  test('rfc8414 §3.1: same insertion for the authorization server, terminating slash removed', () => {
    expect(authorizationServerMetadataUrl(new URL('https://as.example/realm/'))).toBe(
      'https://as.example/.well-known/oauth-authorization-server/realm',
    );
    expect(authorizationServerMetadataUrl(new URL('https://as.example'))).toBe(
      'https://as.example/.well-known/oauth-authorization-server',
    );
  });
});

describe('openid4vci §12.2 credential issuer metadata', () => {
  test('§12.2.2 fetches from the path-inserted URL for an issuer with a path', async () => {
    const issuer = 'https://issuer.example/tenant/1';
    const fetch = createFakeFetch({
      'GET https://issuer.example/.well-known/openid-credential-issuer/tenant/1': {
        json: issuerMetadata({ credential_issuer: issuer }),
      },
    });
    const metadata = await fetchCredentialIssuerMetadata(issuer, { fetch });
    expect(metadata.credential_issuer).toBe(issuer);
    expect(fetch.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET https://issuer.example/.well-known/openid-credential-issuer/tenant/1',
    ]);
    expect(fetch.requests[0]?.headers.accept).toBe('application/json');
  });

  test('§12.2.4 credential_issuer must equal the requested identifier as a plain string', async () => {
    for (const stated of [
      'https://evil.example',
      `${ISSUER}/`,
      'https://ISSUER.example',
      `${ISSUER}/tenant`,
      'https://issuer.example:443',
    ]) {
      const fetch = createFakeFetch(routes(issuerMetadata({ credential_issuer: stated })));
      const error = await rejection(fetchCredentialIssuerMetadata(ISSUER, { fetch }));
      expect(error.code).toBe('OID4VCI_CLIENT_METADATA_INVALID');
      expect(error.details?.reason).toBe('credential_issuer');
    }
  });

  test('§12.2.4 unknown members are kept; endpoints are returned checked', async () => {
    const fetch = createFakeFetch(routes(issuerMetadata({ future_member: { x: 1 } })));
    const metadata = await fetchCredentialIssuerMetadata(ISSUER, { fetch });
    expect((metadata as Record<string, unknown>).future_member).toEqual({ x: 1 });
    expect(metadata.credential_endpoint).toBe(`${ISSUER}/credential`);
    expect(metadata.credential_configurations_supported['labour-contract']?.vct).toBe(
      'https://haven.example/labour-contract',
    );
  });

  test('§12.2.4 every endpoint must be https (loopback http only when allowed)', async () => {
    for (const member of [
      'credential_endpoint',
      'nonce_endpoint',
      'deferred_credential_endpoint',
      'notification_endpoint',
    ]) {
      for (const url of [
        'http://issuer.example/x',
        'https://issuer.example/x#frag',
        'javascript:alert(1)',
        'https://u:p@issuer.example/x',
      ]) {
        const fetch = createFakeFetch(routes(issuerMetadata({ [member]: url })));
        expect((await rejection(fetchCredentialIssuerMetadata(ISSUER, { fetch }))).code).toBe(
          'OID4VCI_CLIENT_METADATA_INVALID',
        );
      }
    }
    const local = 'http://127.0.0.1:9000';
    const fetch = createFakeFetch({
      [`GET ${local}/.well-known/openid-credential-issuer`]: {
        json: issuerMetadata({ credential_issuer: local, credential_endpoint: `${local}/credential` }),
      },
    });
    expect((await rejection(fetchCredentialIssuerMetadata(local, { fetch }))).code).toBe(
      'OID4VCI_CLIENT_METADATA_INVALID',
    );
    expect(fetch.requests).toHaveLength(0);
    const metadata = await fetchCredentialIssuerMetadata(local, { fetch, allowHttpLoopback: true });
    expect(metadata.credential_endpoint).toBe(`${local}/credential`);
  });

  test('§12.2.4 missing or mistyped required members → OID4VCI_CLIENT_METADATA_INVALID', async () => {
    const base = issuerMetadata();
    const { credential_endpoint: _a, ...noEndpoint } = base;
    const { credential_configurations_supported: _b, ...noConfigurations } = base;
    for (const metadata of [
      noEndpoint,
      noConfigurations,
      { ...base, credential_configurations_supported: { x: { vct: 'no format' } } },
      { ...base, batch_credential_issuance: { batch_size: 1 } },
      { ...base, authorization_servers: [] },
      { ...base, authorization_servers: ['http://as.example'] },
      {
        ...base,
        credential_configurations_supported: { x: { format: 'f', proof_types_supported: { jwt: {} } } },
      },
    ]) {
      const fetch = createFakeFetch(routes(metadata));
      const error = await rejection(fetchCredentialIssuerMetadata(ISSUER, { fetch }));
      expect(error.code).toBe('OID4VCI_CLIENT_METADATA_INVALID');
    }
  });

  test('schema errors name the member path, never its value', async () => {
    const fetch = createFakeFetch(
      routes(issuerMetadata({ batch_credential_issuance: { batch_size: 'secret-value' } })),
    );
    const error = await rejection(fetchCredentialIssuerMetadata(ISSUER, { fetch }));
    expect(error.details?.path).toBe('batch_credential_issuance.batch_size');
    expect(JSON.stringify(error.toJSON())).not.toContain('secret-value');
  });

  test('§12.2.2 signed metadata (application/jwt), wrong media type, non-JSON → OID4VCI_CLIENT_RESPONSE_INVALID', async () => {
    for (const reply of [
      { headers: { 'content-type': 'application/jwt' }, body: 'eyJ.eyJ.sig' },
      { headers: { 'content-type': 'text/plain' }, body: JSON.stringify(issuerMetadata()) },
      { headers: { 'content-type': 'application/json' }, body: '<html>' },
      { headers: { 'content-type': 'application/json' }, body: '"a string"' },
    ]) {
      const fetch = createFakeFetch({ [`GET ${WELL_KNOWN}`]: reply });
      expect((await rejection(fetchCredentialIssuerMetadata(ISSUER, { fetch }))).code).toBe(
        'OID4VCI_CLIENT_RESPONSE_INVALID',
      );
    }
  });

  test('§12.2.2 only 200: an error status is an issuer error, another 2xx/3xx an invalid response', async () => {
    const notFound = createFakeFetch({ [`GET ${WELL_KNOWN}`]: { status: 404, body: 'Not Found' } });
    const error = await rejection(fetchCredentialIssuerMetadata(ISSUER, { fetch: notFound }));
    expect(error.code).toBe('OID4VCI_CLIENT_ISSUER_ERROR');
    expect(error.details).toMatchObject({ status: 404, error: null });
    const noContent = createFakeFetch({ [`GET ${WELL_KNOWN}`]: { status: 204 } });
    expect((await rejection(fetchCredentialIssuerMetadata(ISSUER, { fetch: noContent }))).code).toBe(
      'OID4VCI_CLIENT_RESPONSE_INVALID',
    );
  });

  test('a bad identifier is refused before any request', async () => {
    const fetch = createFakeFetch();
    for (const id of ['http://issuer.example', 'https://issuer.example?x=1', 'https://Issuer.example']) {
      expect((await rejection(fetchCredentialIssuerMetadata(id, { fetch }))).code).toBe(
        'OID4VCI_CLIENT_METADATA_INVALID',
      );
    }
    expect(fetch.requests).toHaveLength(0);
  });
});

describe('openid4vci §12.3 / rfc8414 authorization server metadata', () => {
  test('without authorization_servers the issuer is its own authorization server', async () => {
    const fetch = createFakeFetch(routes(issuerMetadata()));
    const result = await fetchIssuerMetadata(ISSUER, { fetch, configurationIds: ['labour-contract'] });
    expect(result.tokenEndpoint).toBe(`${ISSUER}/token`);
    expect(result.authorizationServer.issuer).toBe(ISSUER);
  });

  test('rfc8414 §3.3 the issuer member must match, the token endpoint must be https', async () => {
    for (const as of [
      authorizationServerMetadata({ issuer: 'https://evil.example' }),
      authorizationServerMetadata({ token_endpoint: 'http://issuer.example/token' }),
      authorizationServerMetadata({ token_endpoint: undefined }),
    ]) {
      const fetch = createFakeFetch(routes(issuerMetadata(), as));
      expect((await rejection(fetchIssuerMetadata(ISSUER, { fetch }))).code).toBe(
        'OID4VCI_CLIENT_METADATA_INVALID',
      );
    }
  });

  test('rfc8414 §3.1 path insertion for an authorization server with a path', async () => {
    const as = 'https://login.example/realms/haven';
    const fetch = createFakeFetch({
      'GET https://login.example/.well-known/oauth-authorization-server/realms/haven': {
        json: authorizationServerMetadata({
          issuer: as,
          token_endpoint: 'https://login.example/realms/haven/token',
        }),
      },
    });
    const metadata = await fetchAuthorizationServerMetadata(as, { fetch });
    expect(metadata.token_endpoint).toBe('https://login.example/realms/haven/token');
  });

  test('§4.1.1 offered configuration ids must exist in the metadata', async () => {
    const fetch = createFakeFetch(routes(issuerMetadata()));
    const error = await rejection(
      fetchIssuerMetadata(ISSUER, { fetch, configurationIds: ['labour-contract', 'passport'] }),
    );
    expect(error.code).toBe('OID4VCI_CLIENT_OFFER_INVALID');
    expect(error.details?.reason).toBe('unknown_configuration');
    // Inherited names are not configurations.
    const proto = await rejection(fetchIssuerMetadata(ISSUER, { fetch, configurationIds: ['toString'] }));
    expect(proto.code).toBe('OID4VCI_CLIENT_OFFER_INVALID');
  });

  test('§12.2.4 several authorization servers: the offer hint must be listed, then it is used', async () => {
    const servers = ['https://as1.example', 'https://as2.example'];
    const fetch = createFakeFetch({
      ...routes(issuerMetadata({ authorization_servers: servers })),
      'GET https://as1.example/.well-known/oauth-authorization-server': {
        json: authorizationServerMetadata({
          issuer: 'https://as1.example',
          token_endpoint: 'https://as1.example/token',
        }),
      },
      'GET https://as2.example/.well-known/oauth-authorization-server': {
        json: authorizationServerMetadata({
          issuer: 'https://as2.example',
          token_endpoint: 'https://as2.example/token',
        }),
      },
    });
    expect(
      (await fetchIssuerMetadata(ISSUER, { fetch, authorizationServer: 'https://as2.example' }))
        .tokenEndpoint,
    ).toBe('https://as2.example/token');
    const error = await rejection(
      fetchIssuerMetadata(ISSUER, { fetch, authorizationServer: 'https://evil.example' }),
    );
    expect(error.code).toBe('OID4VCI_CLIENT_METADATA_INVALID');
    expect(error.details?.reason).toBe('authorization_server');
  });

  test('rfc8414 §2 several servers without a hint: the first that does not rule out the pre-authorized grant', async () => {
    const servers = ['https://as1.example', 'https://as2.example', 'https://as3.example'];
    const fetch = createFakeFetch({
      ...routes(issuerMetadata({ authorization_servers: servers })),
      'GET https://as1.example/.well-known/oauth-authorization-server': {
        json: authorizationServerMetadata({
          issuer: 'https://as1.example',
          token_endpoint: 'https://as1.example/token',
          grant_types_supported: ['authorization_code'],
        }),
      },
      // as2 is down: skipped.
      'GET https://as3.example/.well-known/oauth-authorization-server': {
        json: authorizationServerMetadata({
          issuer: 'https://as3.example',
          token_endpoint: 'https://as3.example/token',
          grant_types_supported: ['authorization_code', PRE_AUTH],
        }),
      },
    });
    expect((await fetchIssuerMetadata(ISSUER, { fetch })).tokenEndpoint).toBe('https://as3.example/token');
  });

  test('a single authorization server that lists grants without the pre-authorized one is refused', async () => {
    const fetch = createFakeFetch(
      routes(
        issuerMetadata(),
        authorizationServerMetadata({ grant_types_supported: ['authorization_code'] }),
      ),
    );
    const error = await rejection(fetchIssuerMetadata(ISSUER, { fetch }));
    expect(error.code).toBe('OID4VCI_CLIENT_METADATA_INVALID');
    expect(error.details?.reason).toBe('grant_type');
  });
});
