import { decryptJweEcdhEs, encryptJweEcdhEs } from '@haven/core';
import { dcqlForPurpose } from '@haven/credentials';
import { describe, expect, it } from 'vitest';
import { HAVEN_REGISTRATION_FORMAT, SELF_ISSUED_AUDIENCE } from '../constants.js';
import {
  clock,
  DNS,
  KEYS,
  LOCAL_RESPONSE_URI,
  OVER_ASKING_DCQL,
  publicOf,
  REDIRECT_CLIENT_ID,
  redirectOptions,
  signRequest,
  T0,
  trustX5c,
  unsignedJwt,
  X5C,
  X509_CLIENT_ID,
  x509Options,
  x509Payload,
} from '../fixtures/request-fixture.js';
import { createAuthorizationRequest } from '../verifier/create-authorization-request.js';
import { parseAuthorizationRequest } from './parse-authorization-request.js';
import { readRequestUri } from './read-request-uri.js';

async function redirectParams(): Promise<Record<string, unknown>> {
  return { ...(await createAuthorizationRequest(redirectOptions())).parameters };
}

const wallet = { verifyX5c: trustX5c(), clock };
// The redirect_uri fixtures live on http://127.0.0.1 (local use), which needs the opt-in.
const local = { clock, allowHttpLoopback: true };

describe('parseAuthorizationRequest: round trips', () => {
  it('openid4vp §5.9.3 redirect_uri: unsigned parameters are accepted', async () => {
    const created = await createAuthorizationRequest(redirectOptions());
    const parsed = await parseAuthorizationRequest(created.parameters, local);
    expect(parsed).toMatchObject({
      client: { prefix: 'redirect_uri', value: LOCAL_RESPONSE_URI, clientId: REDIRECT_CLIENT_ID },
      signed: false,
      responseMode: 'direct_post',
      responseUri: LOCAL_RESPONSE_URI,
      nonce: created.nonce,
      state: created.state,
      dcqlQuery: created.dcqlQuery,
      registration: { purpose: 'age-check', legal_name: 'Example Clinic' },
      purposeCheck: { status: 'within-purpose', overAsking: false },
    });
  });

  it('openid4vp §5 parameters from a URL query (JSON-encoded objects) are accepted', async () => {
    const params = await redirectParams();
    const query = Object.fromEntries(
      Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
    const parsed = await parseAuthorizationRequest(query, local);
    expect(parsed.dcqlQuery).toEqual(params.dcql_query);
  });

  it('openid4vp §5.9.3 x509_san_dns: a signed request object verified under the trusted chain', async () => {
    const created = await createAuthorizationRequest(x509Options());
    const parsed = await parseAuthorizationRequest(created.requestObject as string, wallet);
    expect(parsed).toMatchObject({
      client: { prefix: 'x509_san_dns', value: DNS },
      signed: true,
      x5c: X5C,
      nonce: created.nonce,
      purposeCheck: { overAsking: false },
    });
  });

  it('openid4vp §5.10 by reference: the outer client_id must match the request object', async () => {
    const created = await createAuthorizationRequest(x509Options());
    const reference = readRequestUri({ client_id: X509_CLIENT_ID, request_uri: `https://${DNS}/request/1` });
    expect(reference).toEqual({
      clientId: X509_CLIENT_ID,
      requestUri: `https://${DNS}/request/1`,
      method: 'get',
    });
    const token = created.requestObject as string;
    await expect(
      parseAuthorizationRequest(token, { ...wallet, expectedClientId: reference.clientId }),
    ).resolves.toMatchObject({ signed: true });
    await expect(
      parseAuthorizationRequest(token, { ...wallet, expectedClientId: 'x509_san_dns:other.example.org' }),
    ).rejects.toMatchObject({ code: 'OID4VP_CLIENT_ID_INVALID' });
  });

  it('openid4vp §5 by value: request with a different outer client_id is refused', async () => {
    const created = await createAuthorizationRequest(x509Options());
    const request = created.requestObject as string;
    await expect(
      parseAuthorizationRequest({ client_id: X509_CLIENT_ID, request }, wallet),
    ).resolves.toBeTruthy();
    await expect(
      parseAuthorizationRequest({ client_id: 'x509_san_dns:evil.example.org', request }, wallet),
    ).rejects.toMatchObject({ code: 'OID4VP_CLIENT_ID_INVALID' });
  });

  it('openid4vp §8.3 direct_post.jwt: the wallet gets a key it can encrypt the response to', async () => {
    const created = await createAuthorizationRequest(
      redirectOptions({
        responseMode: 'direct_post.jwt',
        encryptionJwk: publicOf(KEYS.encryption),
        encValues: ['A256GCM', 'A128GCM'],
      }),
    );
    const parsed = await parseAuthorizationRequest(created.parameters, local);
    const encryption = parsed.responseEncryption;
    expect(encryption?.encValues).toEqual(['A256GCM', 'A128GCM']);
    if (encryption === undefined) throw new Error('no encryption');
    const jwe = encryptJweEcdhEs('{"vp_token":{}}', encryption.jwk, { enc: 'A256GCM' });
    expect(new TextDecoder().decode(decryptJweEcdhEs(jwe, KEYS.encryption).plaintext)).toBe(
      '{"vp_token":{}}',
    );
  });
});

describe('parseAuthorizationRequest: client_id prefix vs signature (openid4vp §5.9.3)', () => {
  it('openid4vp §5.9.3 a signed redirect_uri request is refused', async () => {
    const payload = { ...(await redirectParams()), aud: SELF_ISSUED_AUDIENCE };
    await expect(
      parseAuthorizationRequest(signRequest(payload), { ...wallet, allowHttpLoopback: true }),
    ).rejects.toMatchObject({
      code: 'OID4VP_REQUEST_SIGNATURE_INVALID',
    });
  });

  it('openid4vp §5.9.3 an unsigned x509_san_dns request is refused', async () => {
    const payload = await x509Payload();
    await expect(parseAuthorizationRequest(payload, wallet)).rejects.toMatchObject({
      code: 'OID4VP_REQUEST_SIGNATURE_INVALID',
    });
  });

  it('openid4vp §5.9.3 alg none is refused', async () => {
    await expect(parseAuthorizationRequest(unsignedJwt(await x509Payload()), wallet)).rejects.toMatchObject({
      code: 'OID4VP_REQUEST_SIGNATURE_INVALID',
    });
  });

  it('openid4vp §5.9.3 a signature by a key other than the leaf key is refused', async () => {
    const token = signRequest(await x509Payload(), { key: KEYS.other });
    await expect(parseAuthorizationRequest(token, wallet)).rejects.toMatchObject({
      code: 'OID4VP_REQUEST_SIGNATURE_INVALID',
    });
  });

  it('openid4vp §5.9.3 a tampered payload is refused', async () => {
    const created = await createAuthorizationRequest(x509Options());
    const [h, , s] = (created.requestObject as string).split('.');
    const tampered = Buffer.from(
      JSON.stringify({ ...created.parameters, response_uri: `https://${DNS}/elsewhere` }),
    ).toString('base64url');
    await expect(parseAuthorizationRequest(`${h}.${tampered}.${s}`, wallet)).rejects.toMatchObject({
      code: 'OID4VP_REQUEST_SIGNATURE_INVALID',
    });
  });

  it('openid4vp §5.9.3 the leaf SAN must contain the DNS name', async () => {
    const created = await createAuthorizationRequest(x509Options());
    const options = { clock, verifyX5c: trustX5c(KEYS.verifier, ['other.example.org']) };
    await expect(parseAuthorizationRequest(created.requestObject as string, options)).rejects.toMatchObject({
      code: 'OID4VP_CERTIFICATE_INVALID',
    });
  });

  it('openid4vp §5.9.3 an untrusted chain or no trust check is refused', async () => {
    const token = (await createAuthorizationRequest(x509Options())).requestObject as string;
    const refuse = () => {
      throw new Error('not trusted');
    };
    await expect(parseAuthorizationRequest(token, { clock, verifyX5c: refuse })).rejects.toMatchObject({
      code: 'OID4VP_CERTIFICATE_INVALID',
    });
    await expect(parseAuthorizationRequest(token, { clock })).rejects.toMatchObject({
      code: 'OID4VP_CERTIFICATE_INVALID',
    });
    const noChain = signRequest(await x509Payload(), { header: {} });
    await expect(parseAuthorizationRequest(noChain, wallet)).rejects.toMatchObject({
      code: 'OID4VP_CERTIFICATE_INVALID',
    });
  });

  it('openid4vp §5 typ must be oauth-authz-req+jwt', async () => {
    const payload = await x509Payload();
    for (const typ of ['JWT', 'application/oauth-authz-req+jwt', 'OAUTH-AUTHZ-REQ+JWT']) {
      await expect(parseAuthorizationRequest(signRequest(payload, { typ }), wallet)).rejects.toMatchObject({
        code: 'OID4VP_REQUEST_TYP_INVALID',
      });
    }
  });

  it('openid4vp §5.9.3 a header carrying its own key (jwk) is refused', async () => {
    const token = signRequest(await x509Payload(), { header: { x5c: X5C, jwk: publicOf(KEYS.other) } });
    await expect(parseAuthorizationRequest(token, wallet)).rejects.toMatchObject({
      code: 'OID4VP_REQUEST_SIGNATURE_INVALID',
    });
  });

  it('openid4vp §5.8 aud must be https://self-issued.me/v2', async () => {
    const token = signRequest({ ...(await x509Payload()), aud: 'https://wallet.example' });
    await expect(parseAuthorizationRequest(token, wallet)).rejects.toMatchObject({
      code: 'OID4VP_REQUEST_INVALID',
    });
  });

  it('an expired request object is refused', async () => {
    const token = signRequest({ ...(await x509Payload()), iat: T0 - 3600, exp: T0 - 600 });
    await expect(parseAuthorizationRequest(token, wallet)).rejects.toMatchObject({
      code: 'OID4VP_REQUEST_EXPIRED',
    });
  });

  it('openid4vp §5.9 an unknown client_id prefix is refused', async () => {
    for (const client_id of ['decentralized_identifier:did:example:1', 'verifier.example.org', undefined]) {
      await expect(
        parseAuthorizationRequest({ ...(await redirectParams()), client_id }, local),
      ).rejects.toMatchObject({ code: 'OID4VP_CLIENT_ID_INVALID' });
    }
    const token = signRequest({ ...(await x509Payload()), client_id: 'x509_hash:abc' });
    await expect(parseAuthorizationRequest(token, wallet)).rejects.toMatchObject({
      code: 'OID4VP_CLIENT_ID_INVALID',
    });
  });

  it('openid4vp §5.9.3 redirect_uri: response_uri must equal the client identifier', async () => {
    const params = { ...(await redirectParams()), response_uri: 'http://127.0.0.1:8080/elsewhere' };
    await expect(parseAuthorizationRequest(params, local)).rejects.toMatchObject({
      code: 'OID4VP_CLIENT_ID_INVALID',
    });
  });

  it('openid4vp §5.9.3 x509_san_dns: the response_uri host must be the DNS name', async () => {
    const token = signRequest({ ...(await x509Payload()), response_uri: 'https://attacker.example/r' });
    await expect(parseAuthorizationRequest(token, wallet)).rejects.toMatchObject({
      code: 'OID4VP_CLIENT_ID_INVALID',
    });
  });
});

describe('parseAuthorizationRequest: parameters (openid4vp §5.1, §8.2)', () => {
  it('openid4vp §5.2 a request without a nonce is refused', async () => {
    const { nonce: _nonce, ...params } = await redirectParams();
    await expect(parseAuthorizationRequest(params, local)).rejects.toMatchObject({
      code: 'OID4VP_REQUEST_INVALID',
      details: { parameter: 'nonce' },
    });
  });

  it('openid4vp §8.2 response_mode must be direct_post or direct_post.jwt, without redirect_uri', async () => {
    for (const extra of [
      { response_mode: 'fragment' },
      { response_mode: undefined },
      { redirect_uri: LOCAL_RESPONSE_URI },
      { response_type: 'code' },
    ]) {
      await expect(
        parseAuthorizationRequest({ ...(await redirectParams()), ...extra }, local),
      ).rejects.toMatchObject({ code: 'OID4VP_REQUEST_INVALID' });
    }
  });

  it('openid4vp §6 a malformed dcql_query is refused', async () => {
    for (const dcql_query of [{ credentials: [] }, { credentials: [{ id: 'x' }] }, '{not json', undefined]) {
      await expect(
        parseAuthorizationRequest({ ...(await redirectParams()), dcql_query }, local),
      ).rejects.toHaveProperty(
        'code',
        expect.stringMatching(/^(DCQL_QUERY_INVALID|OID4VP_REQUEST_INVALID)$/),
      );
    }
    await expect(
      parseAuthorizationRequest({ ...(await redirectParams()), dcql_query: { credentials: [] } }, local),
    ).rejects.toMatchObject({ code: 'DCQL_QUERY_INVALID' });
  });

  it('openid4vp §5.1 verifier_info must carry exactly one Haven registration', async () => {
    const params = await redirectParams();
    const [entry] = params.verifier_info as Record<string, unknown>[];
    for (const verifier_info of [
      undefined,
      [],
      [{ format: 'other', data: {} }],
      [entry, entry],
      [{ format: HAVEN_REGISTRATION_FORMAT, data: { purpose: 'age-check' } }],
    ]) {
      await expect(parseAuthorizationRequest({ ...params, verifier_info }, local)).rejects.toMatchObject({
        code: 'OID4VP_REGISTRATION_INVALID',
      });
    }
  });

  it('openid4vp §8.3 direct_post.jwt without an encryption key is refused', async () => {
    const params = { ...(await redirectParams()), response_mode: 'direct_post.jwt' };
    await expect(parseAuthorizationRequest(params, local)).rejects.toMatchObject({
      code: 'OID4VP_REQUEST_INVALID',
      details: { parameter: 'client_metadata' },
    });
  });

  it('openid4vp §5.10 request_uri must be fetched first, and its method is get or post', async () => {
    await expect(
      parseAuthorizationRequest({ client_id: X509_CLIENT_ID, request_uri: `https://${DNS}/r` }, wallet),
    ).rejects.toMatchObject({ code: 'OID4VP_REQUEST_INVALID' });
    expect(() =>
      readRequestUri({
        client_id: X509_CLIENT_ID,
        request_uri: `https://${DNS}/r`,
        request_uri_method: 'POST',
      }),
    ).toThrow(expect.objectContaining({ code: 'OID4VP_REQUEST_INVALID' }));
    expect(() => readRequestUri({ client_id: X509_CLIENT_ID, request_uri: 'http://evil.example/r' })).toThrow(
      expect.objectContaining({ code: 'OID4VP_REQUEST_INVALID' }),
    );
  });
});

describe('parseAuthorizationRequest: registration vs DCQL (over-asking)', () => {
  it('a DCQL beyond the registered purpose is a warning, not an error', async () => {
    const params = { ...(await redirectParams()), dcql_query: OVER_ASKING_DCQL };
    const parsed = await parseAuthorizationRequest(params, local);
    expect(parsed.purposeCheck).toEqual({
      status: 'over-asking',
      overAsking: true,
      purpose: 'age-check',
      basis: 'haven-purpose',
      code: 'OVER_ASKING',
      paths: ['["birthdate"]'],
      credentialQueries: ['identity'],
    });
  });

  it('a credential type outside the purpose is a warning too', async () => {
    const dcql_query = dcqlForPurpose('inspector.contract-validity');
    const parsed = await parseAuthorizationRequest({ ...(await redirectParams()), dcql_query }, local);
    expect(parsed.purposeCheck).toMatchObject({ overAsking: true, code: 'PURPOSE_TYPE_NOT_ALLOWED' });
  });

  it('a purpose Haven does not know is checked against the claims its registration declares', async () => {
    const params = await redirectParams();
    const [entry] = params.verifier_info as { format: string; data: Record<string, unknown> }[];
    const verifier_info = [{ ...entry, data: { ...entry?.data, purpose: 'bar.age-check' } }];
    const within = await parseAuthorizationRequest({ ...params, verifier_info }, local);
    expect(within.purposeCheck).toMatchObject({
      status: 'within-purpose',
      basis: 'registration',
      purpose: 'bar.age-check',
    });
    const over = await parseAuthorizationRequest(
      { ...params, verifier_info, dcql_query: OVER_ASKING_DCQL },
      local,
    );
    expect(over.purposeCheck).toMatchObject({
      status: 'over-asking',
      basis: 'registration',
      code: 'OVER_ASKING',
    });
  });

  it('a registration whose declared claims Haven cannot read is an unknown purpose', async () => {
    const params = await redirectParams();
    const [entry] = params.verifier_info as { format: string; data: Record<string, unknown> }[];
    const data = { ...entry?.data, purpose: 'marketing.everything', claims: { passport: [['everything']] } };
    const parsed = await parseAuthorizationRequest({ ...params, verifier_info: [{ ...entry, data }] }, local);
    expect(parsed.purposeCheck).toEqual({
      status: 'unknown-purpose',
      overAsking: false,
      purpose: 'marketing.everything',
    });
  });

  it('an over-asking signed request still verifies and carries the warning', async () => {
    const token = signRequest({ ...(await x509Payload()), dcql_query: OVER_ASKING_DCQL });
    const parsed = await parseAuthorizationRequest(token, wallet);
    expect(parsed.purposeCheck.overAsking).toBe(true);
  });
});
