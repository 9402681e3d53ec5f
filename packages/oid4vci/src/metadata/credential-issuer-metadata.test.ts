import { describe, expect, test } from 'vitest';
import { PRE_AUTHORIZED_CODE_GRANT_TYPE } from '../constants.js';
import { CONFIGURATIONS, createTestIssuer, ISSUER } from '../fixtures/issuer-fixture.js';
import { resolveIssuerConfig, resolveOid4vciLimits } from '../issuer/resolve-issuer-config.js';
import { createAuthorizationServerMetadata } from './authorization-server-metadata.js';
import { assertCredentialConfigurations } from './check-credential-configurations.js';
import { assertCredentialIssuerIdentifier } from './check-credential-issuer.js';
import { createCredentialIssuerMetadata } from './credential-issuer-metadata.js';

const code = (c: string) => expect.objectContaining({ code: c });

describe('openid4vci §12.2.4 credential issuer metadata', () => {
  test('names the credential, nonce and deferred endpoints, the batch size and the configurations', () => {
    const metadata = createCredentialIssuerMetadata({
      credentialIssuer: ISSUER,
      configurations: CONFIGURATIONS,
      display: [
        { name: 'Civil Registry', locale: 'en' },
        { name: 'État civil', locale: 'fr' },
      ],
      batchSize: 3,
    });
    expect(metadata).toEqual({
      credential_issuer: ISSUER,
      credential_endpoint: `${ISSUER}/credential`,
      nonce_endpoint: `${ISSUER}/nonce`,
      deferred_credential_endpoint: `${ISSUER}/deferred_credential`,
      batch_credential_issuance: { batch_size: 3 },
      display: [
        { name: 'Civil Registry', locale: 'en' },
        { name: 'État civil', locale: 'fr' },
      ],
      credential_configurations_supported: CONFIGURATIONS,
    });
    expect(metadata).not.toHaveProperty('credential_response_encryption');
    expect(metadata).not.toHaveProperty('authorization_servers');
  });

  test('batch_credential_issuance is omitted for a batch size of 1 (it must be 2 or more) and defaults to 10', () => {
    expect(
      createCredentialIssuerMetadata({
        credentialIssuer: ISSUER,
        configurations: CONFIGURATIONS,
        batchSize: 1,
      }),
    ).not.toHaveProperty('batch_credential_issuance');
    expect(
      createCredentialIssuerMetadata({ credentialIssuer: ISSUER, configurations: CONFIGURATIONS })
        .batch_credential_issuance,
    ).toEqual({
      batch_size: 10,
    });
  });

  test('endpoints under a path-bearing identifier, and absolute endpoint URLs', () => {
    const metadata = createCredentialIssuerMetadata({
      credentialIssuer: 'https://issuer.example/tenant',
      configurations: CONFIGURATIONS,
      endpoints: { nonce: 'https://nonce.issuer.example/n', credential: '/oid4vci/credential' },
    });
    expect(metadata.credential_endpoint).toBe('https://issuer.example/tenant/oid4vci/credential');
    expect(metadata.nonce_endpoint).toBe('https://nonce.issuer.example/n');
  });

  test.each([
    ['http on a public host', { endpoints: { nonce: 'http://nonce.example/n' } }],
    ['a protocol-relative path', { endpoints: { nonce: '//evil.example/n' } }],
    ['a batch size of 0', { batchSize: 0 }],
    ['a batch size over 100', { batchSize: 101 }],
    ['an empty display', { display: [] }],
    ['two display objects for one locale', { display: [{ locale: 'en' }, { locale: 'en' }] }],
  ])('OID4VCI_CONFIG_INVALID for %s', (_name, extra) => {
    expect(() =>
      createCredentialIssuerMetadata({ credentialIssuer: ISSUER, configurations: CONFIGURATIONS, ...extra }),
    ).toThrow(code('OID4VCI_CONFIG_INVALID'));
  });
});

describe('openid4vci §12.2.1 credential issuer identifier', () => {
  test.each([
    'https://issuer.example',
    'https://issuer.example/tenant',
    'https://issuer.example:8443/a/b',
    'http://localhost:3000',
    'http://127.0.0.1:8080',
    'http://[::1]:8080',
  ])('accepts %s', (id) => {
    expect(() => assertCredentialIssuerIdentifier(id)).not.toThrow();
  });

  test.each([
    ['plain http on a public host', 'http://issuer.example'],
    ['another scheme', 'ftp://issuer.example'],
    ['a trailing slash', 'https://issuer.example/'],
    ['a trailing slash after a path', 'https://issuer.example/tenant/'],
    ['a query', 'https://issuer.example?x=1'],
    ['a fragment', 'https://issuer.example#x'],
    ['user info', 'https://user:pass@issuer.example'],
    ['an upper-case host (not canonical)', 'https://Issuer.example'],
    ['a default port spelled out', 'https://issuer.example:443'],
    ['dot segments', 'https://issuer.example/a/../b'],
    ['not a URL', 'issuer.example'],
    ['an empty string', ''],
    ['a number', 42],
  ])('OID4VCI_CONFIG_INVALID for %s', (_name, id) => {
    expect(() => assertCredentialIssuerIdentifier(id)).toThrow(code('OID4VCI_CONFIG_INVALID'));
  });
});

describe('openid4vci §12.2.4 credential_configurations_supported checks', () => {
  const jwt = (algs: unknown) => ({ jwt: { proof_signing_alg_values_supported: algs } });
  test.each([
    ['no configurations', {}],
    ['not an object', []],
    ['a configuration without format', { a: { vct: 'x' } }],
    [
      'proof types without binding methods',
      { a: { format: 'dc+sd-jwt', proof_types_supported: jwt(['ES256']) } },
    ],
    [
      'binding methods without proof types',
      { a: { format: 'dc+sd-jwt', cryptographic_binding_methods_supported: ['jwk'] } },
    ],
    [
      'binding methods without jwk',
      {
        a: {
          format: 'dc+sd-jwt',
          cryptographic_binding_methods_supported: ['did:example'],
          proof_types_supported: jwt(['ES256']),
        },
      },
    ],
    [
      'a di_vp proof type (not verified by Haven)',
      {
        a: {
          format: 'ldp_vc',
          cryptographic_binding_methods_supported: ['jwk'],
          proof_types_supported: { di_vp: { proof_signing_alg_values_supported: ['eddsa-rdfc-2022'] } },
        },
      },
    ],
    [
      'an empty alg list',
      {
        a: {
          format: 'dc+sd-jwt',
          cryptographic_binding_methods_supported: ['jwk'],
          proof_types_supported: jwt([]),
        },
      },
    ],
    [
      'required key attestations',
      {
        a: {
          format: 'dc+sd-jwt',
          cryptographic_binding_methods_supported: ['jwk'],
          proof_types_supported: {
            jwt: { proof_signing_alg_values_supported: ['ES256'], key_attestations_required: {} },
          },
        },
      },
    ],
  ])('OID4VCI_CONFIG_INVALID for %s', (_name, configurations) => {
    expect(() => assertCredentialConfigurations(configurations)).toThrow(code('OID4VCI_CONFIG_INVALID'));
  });
});

describe('openid4vci §12.3 / rfc8414 authorization server metadata', () => {
  test('pre-authorized grant only, anonymous access, authorization_details of type openid_credential', () => {
    expect(createAuthorizationServerMetadata({ credentialIssuer: ISSUER })).toEqual({
      issuer: ISSUER,
      token_endpoint: `${ISSUER}/token`,
      grant_types_supported: [PRE_AUTHORIZED_CODE_GRANT_TYPE],
      token_endpoint_auth_methods_supported: ['none'],
      authorization_details_types_supported: ['openid_credential'],
      'pre-authorized_grant_anonymous_access_supported': true,
    });
  });

  test('OID4VCI_CONFIG_INVALID for a bad issuer', () => {
    expect(() => createAuthorizationServerMetadata({ credentialIssuer: 'http://issuer.example' })).toThrow(
      code('OID4VCI_CONFIG_INVALID'),
    );
  });
});

describe('issuer configuration checks', () => {
  test('limits default safely and stay in range', () => {
    expect(resolveOid4vciLimits()).toMatchObject({
      offerSeconds: 600,
      accessTokenSeconds: 300,
      deferredAccessTokenSeconds: 300,
      maxTxCodeFailures: 3,
      batchSize: 10,
    });
    expect(resolveOid4vciLimits({ accessTokenSeconds: 120 }).deferredAccessTokenSeconds).toBe(120);
  });

  test.each([
    ['a zero tx_code limit', { maxTxCodeFailures: 0 }],
    ['NaN', { nonceSeconds: Number.NaN }],
    ['a negative lifetime', { accessTokenSeconds: -1 }],
    ['a fraction', { batchSize: 2.5 }],
    ['a skew over 600 s', { clockSkewSeconds: 601 }],
  ])('OID4VCI_CONFIG_INVALID for %s', (_name, limits) => {
    expect(() => resolveOid4vciLimits(limits)).toThrow(code('OID4VCI_CONFIG_INVALID'));
  });

  test.each([
    ['a 16-byte secret', { secret: new Uint8Array(16) }],
    ['HS256 among proof algorithms', { proofAlgorithms: ['ES256', 'HS256'] as never }],
    ['no proof algorithms', { proofAlgorithms: [] }],
    ['a configuration advertising an algorithm the policy refuses', { proofAlgorithms: ['ES256'] as const }],
    ['no clock', { now: undefined as never }],
    ['a bad issuer', { credentialIssuer: 'https://issuer.example/' }],
  ])('resolveIssuerConfig: OID4VCI_CONFIG_INVALID for %s', (_name, overrides) => {
    const t = createTestIssuer(overrides);
    expect(() => resolveIssuerConfig(t.config)).toThrow(code('OID4VCI_CONFIG_INVALID'));
  });

  test('a configuration accepts exactly the proof algorithms it advertises', () => {
    const t = createTestIssuer();
    const resolved = resolveIssuerConfig(t.config);
    expect(resolved.proofAlgorithms.get('labour-contract')).toEqual(['ES256', 'EdDSA']);
    expect(resolved.proofAlgorithms.get('civil-identity')).toEqual(['ES256']);
    expect(resolved.proofAlgorithms.get('event-badge')).toBeUndefined();
  });
});
