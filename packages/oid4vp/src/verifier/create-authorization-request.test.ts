import { peekJwsHeader, verifyJws } from '@haven/core';
import { dcqlForPurpose } from '@haven/credentials';
import { describe, expect, it } from 'vitest';
import { HAVEN_REGISTRATION_FORMAT, REQUEST_OBJECT_TYP, SELF_ISSUED_AUDIENCE } from '../constants.js';
import {
  KEYS,
  LOCAL_RESPONSE_URI,
  OVER_ASKING_DCQL,
  publicOf,
  REDIRECT_CLIENT_ID,
  redirectOptions,
  T0,
  X5C,
  X509_CLIENT_ID,
  x509Options,
} from '../fixtures/request-fixture.js';
import { createAuthorizationRequest } from './create-authorization-request.js';

describe('createAuthorizationRequest: redirect_uri prefix (openid4vp §5.9.3)', () => {
  it('openid4vp §5.9.3 redirect_uri: unsigned parameters with the purpose DCQL and registration', async () => {
    const created = await createAuthorizationRequest(redirectOptions());
    expect(created.requestObject).toBeUndefined();
    expect(created.parameters).toMatchObject({
      response_type: 'vp_token',
      client_id: REDIRECT_CLIENT_ID,
      response_mode: 'direct_post',
      response_uri: LOCAL_RESPONSE_URI,
      nonce: created.nonce,
      state: created.state,
      dcql_query: dcqlForPurpose('age-check'),
    });
    expect(created.nonce.length).toBeGreaterThanOrEqual(22);
    expect(created.parameters.client_metadata).toBeUndefined();
    const [info] = created.parameters.verifier_info as { format: string; data: Record<string, unknown> }[];
    expect(info?.format).toBe(HAVEN_REGISTRATION_FORMAT);
    expect(info?.data).toMatchObject({
      purpose: 'age-check',
      legal_name: 'Example Clinic',
      deletion_contact: 'privacy@clinic.example',
      claims: { 'identity-restoration': [['age_over_18']], 'refugee-registration': [['age_over_18']] },
    });
  });

  it('openid4vp §5.9.3 redirect_uri: the response_uri must equal the client identifier', async () => {
    await expect(
      createAuthorizationRequest(redirectOptions({ responseUri: 'http://127.0.0.1:8080/other' })),
    ).rejects.toMatchObject({ code: 'OID4VP_CLIENT_ID_INVALID' });
  });

  it('openid4vp §5.9.3 redirect_uri: refuses to sign', async () => {
    const signing = x509Options().x509;
    await expect(createAuthorizationRequest(redirectOptions({ x509: signing }))).rejects.toMatchObject({
      code: 'OID4VP_OPTIONS_INVALID',
    });
  });

  it('openid4vp §5.9 an unsupported client_id prefix is refused', async () => {
    for (const clientId of ['did:example:123', 'pre-registered-client', 'redirect_uri:ftp://x.example/r']) {
      await expect(createAuthorizationRequest(redirectOptions({ clientId }))).rejects.toMatchObject({
        code: 'OID4VP_CLIENT_ID_INVALID',
      });
    }
  });
});

describe('createAuthorizationRequest: x509_san_dns prefix (openid4vp §5.9.3, §5.8)', () => {
  it('openid4vp §5 a signed request object with typ oauth-authz-req+jwt, x5c and aud self-issued', async () => {
    const created = await createAuthorizationRequest(x509Options());
    const token = created.requestObject as string;
    const header = peekJwsHeader(token);
    expect(header).toMatchObject({ typ: REQUEST_OBJECT_TYP, alg: 'ES256', x5c: X5C });
    const payload = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8'));
    expect(payload).toMatchObject({
      client_id: X509_CLIENT_ID,
      aud: SELF_ISSUED_AUDIENCE,
      iat: T0,
      exp: T0 + 300,
      nonce: created.nonce,
    });
    expect(created.parameters).toEqual(payload);
    // Core's verifyJws refuses x5c headers by design; the wallet side verifies with the leaf key.
    expect(() =>
      verifyJws(token, { algorithms: ['ES256'], typ: REQUEST_OBJECT_TYP, key: publicOf(KEYS.verifier) }),
    ).toThrow();
  });

  it('openid4vp §5.9.3 x509_san_dns: a signer and chain are required', async () => {
    await expect(createAuthorizationRequest(x509Options({ x509: undefined }))).rejects.toMatchObject({
      code: 'OID4VP_OPTIONS_INVALID',
    });
  });

  it('openid4vp §5.9.3 x509_san_dns: the DNS name must be a SAN of the leaf certificate', async () => {
    const base = x509Options().x509;
    if (base === undefined) throw new Error('fixture');
    await expect(
      createAuthorizationRequest(
        x509Options({ x509: { ...base, sanDnsNames: () => ['other.example.org'] } }),
      ),
    ).rejects.toMatchObject({ code: 'OID4VP_CERTIFICATE_INVALID' });
  });

  it('openid4vp §5.9.3 x509_san_dns: the response_uri host must be the DNS name', async () => {
    await expect(
      createAuthorizationRequest(x509Options({ responseUri: 'https://attacker.example/response' })),
    ).rejects.toMatchObject({ code: 'OID4VP_CLIENT_ID_INVALID' });
  });
});

describe('createAuthorizationRequest: request contents', () => {
  it('an explicit DCQL beyond the purpose is refused with OVER_ASKING', async () => {
    await expect(
      createAuthorizationRequest(redirectOptions({ dcql: OVER_ASKING_DCQL })),
    ).rejects.toMatchObject({
      code: 'OVER_ASKING',
    });
  });

  it('openid4vp §6.1.1 a DCQL with trusted_authorities is refused: Haven does not enforce them', async () => {
    const dcql = dcqlForPurpose('age-check', { credentialTypes: ['refugee-registration'] });
    const [query] = dcql.credentials;
    const withAuthorities = {
      credentials: [
        { ...query, trusted_authorities: [{ type: 'aki', values: ['s9tIpPmhxdiuNkHMEWNpYim8S8Y'] }] },
      ],
    };
    await expect(
      createAuthorizationRequest(redirectOptions({ dcql: withAuthorities })),
    ).rejects.toMatchObject({
      code: 'OID4VP_OPTIONS_INVALID',
    });
    expect((await createAuthorizationRequest(redirectOptions({ dcql }))).dcqlQuery).toEqual(dcql);
  });

  it('an explicit DCQL within the purpose is sent as given', async () => {
    const dcql = dcqlForPurpose('age-check', { credentialTypes: ['refugee-registration'] });
    const created = await createAuthorizationRequest(redirectOptions({ dcql }));
    expect(created.dcqlQuery).toEqual(dcql);
  });

  it('an unknown purpose is refused', async () => {
    await expect(
      createAuthorizationRequest(redirectOptions({ purpose: 'everything' })),
    ).rejects.toMatchObject({
      code: 'PURPOSE_UNKNOWN',
    });
  });

  it('openid4vp §14.1 a given nonce must carry at least 128 bits', async () => {
    await expect(createAuthorizationRequest(redirectOptions({ nonce: 'abc' }))).rejects.toMatchObject({
      code: 'OID4VP_OPTIONS_INVALID',
    });
    const nonce = 'q2vX8pD1mWc3N0rTzL5yBg';
    expect((await createAuthorizationRequest(redirectOptions({ nonce }))).nonce).toBe(nonce);
  });

  it('fresh nonce and state per request', async () => {
    const a = await createAuthorizationRequest(redirectOptions());
    const b = await createAuthorizationRequest(redirectOptions());
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.state).not.toBe(b.state);
  });

  it('the registration needs a legal name and a deletion contact', async () => {
    await expect(
      createAuthorizationRequest(redirectOptions({ verifier: { legalName: ' ', deletionContact: 'x' } })),
    ).rejects.toMatchObject({ code: 'OID4VP_OPTIONS_INVALID' });
  });

  it('openid4vp §8.3 direct_post.jwt carries the public encryption key and enc values', async () => {
    const created = await createAuthorizationRequest(
      redirectOptions({ responseMode: 'direct_post.jwt', encryptionJwk: publicOf(KEYS.encryption) }),
    );
    const metadata = created.parameters.client_metadata as Record<string, unknown>;
    expect(metadata).toEqual({
      jwks: {
        keys: [
          {
            kty: 'EC',
            crv: 'P-256',
            x: KEYS.encryption.x,
            y: KEYS.encryption.y,
            kid: 'enc-1',
            use: 'enc',
            alg: 'ECDH-ES',
          },
        ],
      },
      encrypted_response_enc_values_supported: ['A128GCM', 'A256GCM'],
    });
  });

  it('openid4vp §8.3 direct_post.jwt needs a public P-256 key with a kid', async () => {
    const { kid: _kid, ...noKid } = publicOf(KEYS.encryption);
    for (const encryptionJwk of [undefined, noKid, KEYS.encryption]) {
      await expect(
        createAuthorizationRequest(redirectOptions({ responseMode: 'direct_post.jwt', encryptionJwk })),
      ).rejects.toMatchObject({ code: 'OID4VP_OPTIONS_INVALID' });
    }
  });

  it('openid4vp §8.2 only direct_post and direct_post.jwt', async () => {
    await expect(
      createAuthorizationRequest(redirectOptions({ responseMode: 'fragment' as 'direct_post' })),
    ).rejects.toMatchObject({ code: 'OID4VP_OPTIONS_INVALID' });
  });
});
