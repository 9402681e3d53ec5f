import { decodeBase64Url, decryptJweEcdhEs, parseStrictJson, toPublicJwk, verifyJws } from '@haven/core';
import { vctFor } from '@haven/credentials';
import { decodeHeldSdJwt, joinSdJwt, KB_JWT_TYP, splitSdJwt } from '@haven/sd-jwt';
import { describe, expect, it } from 'vitest';
import {
  clock,
  KEYS,
  publicOf,
  REDIRECT_CLIENT_ID,
  T0,
  trustX5c,
  x509Options,
} from '../fixtures/request-fixture.js';
import { createAuthorizationRequest } from '../verifier/create-authorization-request.js';
import { createAuthorizationResponse } from './create-authorization-response.js';
import { createFakeFetch, HOLDER_KEYS, issueHeld, rejection, requestFor } from './fixtures/held-fixture.js';
import { parseAuthorizationRequest } from './parse-authorization-request.js';
import { postAuthorizationResponse } from './post-response.js';
import { preparePresentation } from './prepare-presentation.js';

const identity = issueHeld('cred-identity', 'identity-restoration');
const refugee = issueHeld('cred-refugee', 'refugee-registration');
const held = [identity, refugee];

function vpTokenOf(body: unknown): Record<string, string[]> {
  const text = (body as { vp_token?: unknown }).vp_token;
  if (typeof text !== 'string') throw new Error('no vp_token text');
  return parseStrictJson(text) as Record<string, string[]>;
}

/** Decodes a presentation: the claims it reveals and its KB-JWT, verified with the holder key. */
function open(presentation: string) {
  const parts = splitSdJwt(presentation);
  if (parts.kbJwt === undefined) throw new Error('no KB-JWT');
  const decoded = decodeHeldSdJwt(joinSdJwt(parts.jwt, parts.disclosures));
  const kb = verifyJws(parts.kbJwt, {
    key: toPublicJwk(HOLDER_KEYS.a),
    algorithms: ['ES256'],
    typ: KB_JWT_TYP,
  });
  return { claims: decoded.processed.claims, disclosed: decoded.processed.disclosed, kb: kb.payload };
}

describe('createAuthorizationResponse: direct_post (openid4vp §8.1, §8.2)', () => {
  it('openid4vp §8.1 vp_token maps the query id to one presentation; state is echoed', async () => {
    const request = await requestFor();
    const body = await createAuthorizationResponse(preparePresentation(request, held), { held, clock });
    expect(Object.keys(body).sort()).toEqual(['state', 'vp_token']);
    expect((body as { state?: string }).state).toBe(request.state);
    const vpToken = vpTokenOf(body);
    expect(Object.keys(vpToken)).toEqual(['identity_restoration']);
    expect(vpToken.identity_restoration).toHaveLength(1);
  });

  it('rfc9901 §7.2 only the selected disclosures are in the presentation', async () => {
    const request = await requestFor();
    const body = await createAuthorizationResponse(preparePresentation(request, held), { held, clock });
    const { claims, disclosed } = open(vpTokenOf(body).identity_restoration?.[0] as string);
    expect(disclosed).toEqual([['age_over_18']]);
    expect(claims.age_over_18).toBe(true);
    for (const hidden of ['given_name', 'family_name', 'birthdate', 'place_of_birth', 'nationalities']) {
      expect(claims).not.toHaveProperty(hidden);
    }
    expect(claims.vct).toBe(vctFor('identity-restoration'));
  });

  it('openid4vp §B.3.6 the KB-JWT nonce is the request nonce and aud the full client_id', async () => {
    const request = await requestFor();
    const body = await createAuthorizationResponse(preparePresentation(request, held), { held, clock });
    const { kb } = open(vpTokenOf(body).identity_restoration?.[0] as string);
    expect(kb).toMatchObject({ nonce: request.nonce, aud: REDIRECT_CLIENT_ID, iat: T0 });
    expect(REDIRECT_CLIENT_ID.startsWith('redirect_uri:')).toBe(true);
  });

  it('openid4vp §14.10 an x509_san_dns verifier gets aud x509_san_dns:<dns>, not the bare name', async () => {
    const created = await createAuthorizationRequest(x509Options());
    const request = await parseAuthorizationRequest(created.requestObject as string, {
      clock,
      verifyX5c: trustX5c(),
    });
    const body = await createAuthorizationResponse(preparePresentation(request, held), { held, clock });
    const { kb } = open(vpTokenOf(body).identity_restoration?.[0] as string);
    expect(kb).toMatchObject({ aud: 'x509_san_dns:verifier.example.org', nonce: created.nonce });
  });

  it('openid4vp §8.1 multiple: true puts every selected presentation in the array', async () => {
    const second = issueHeld('cred-identity-2', 'identity-restoration');
    const dcql = {
      credentials: [
        {
          id: 'ids',
          format: 'dc+sd-jwt',
          multiple: true,
          meta: { vct_values: [vctFor('identity-restoration')] },
          claims: [{ path: ['age_over_18'] }],
        },
      ],
    };
    const all = [identity, second];
    const body = await createAuthorizationResponse(preparePresentation(await requestFor(dcql), all), {
      held: all,
      clock,
    });
    const presentations = vpTokenOf(body).ids ?? [];
    expect(presentations).toHaveLength(2);
    expect(new Set(presentations.map((p) => splitSdJwt(p).jwt))).toEqual(
      new Set(all.map((c) => splitSdJwt(c.credential).jwt)),
    );
  });
});

describe('createAuthorizationResponse: direct_post.jwt (openid4vp §8.3)', () => {
  async function encryptedRequest() {
    return requestFor(undefined, 'age-check', {
      responseMode: 'direct_post.jwt',
      encryptionJwk: publicOf(KEYS.encryption),
      encValues: ['A256GCM', 'A128GCM'],
    });
  }

  it('openid4vp §8.3 response is a JWE to the verifier key, kid echoed, first enc, vp_token an object', async () => {
    const request = await encryptedRequest();
    const body = await createAuthorizationResponse(preparePresentation(request, held), { held, clock });
    expect(Object.keys(body)).toEqual(['response']);
    const jwe = (body as { response: string }).response;
    const decrypted = decryptJweEcdhEs(jwe, KEYS.encryption);
    expect(decrypted.header).toMatchObject({ alg: 'ECDH-ES', enc: 'A256GCM', kid: 'enc-1' });
    const payload = parseStrictJson(decrypted.plaintext) as {
      vp_token: Record<string, string[]>;
      state: string;
    };
    expect(Object.keys(payload).sort()).toEqual(['state', 'vp_token']);
    expect(payload.state).toBe(request.state);
    expect(typeof payload.vp_token).toBe('object');
    const { disclosed, kb } = open(payload.vp_token.identity_restoration?.[0] as string);
    expect(disclosed).toEqual([['age_over_18']]);
    expect(kb).toMatchObject({ nonce: request.nonce, aud: REDIRECT_CLIENT_ID });
    // Nothing of the presentation is readable outside the JWE.
    expect(
      JSON.parse(new TextDecoder().decode(decodeBase64Url(jwe.split('.')[0] as string))),
    ).not.toHaveProperty('vp_token');
  });

  it('openid4vp §8.3 a verifier key for another alg is refused', async () => {
    const request = await encryptedRequest();
    const encryption = request.responseEncryption;
    if (encryption === undefined) throw new Error('no encryption');
    const tampered = {
      ...request,
      responseEncryption: { ...encryption, jwk: { ...encryption.jwk, alg: 'RSA-OAEP' } },
    };
    const error = await rejection(
      createAuthorizationResponse(preparePresentation(tampered, held), { held, clock }),
    );
    expect(error.code).toBe('OID4VP_REQUEST_INVALID');
  });
});

describe('createAuthorizationResponse: refusals', () => {
  it('openid4vp §6.4.2 unsatisfied → OID4VP_NO_MATCHING_CREDENTIALS and nothing is posted', async () => {
    const request = await requestFor();
    const fetch = createFakeFetch({ [`POST ${request.responseUri}`]: { json: {} } });
    const labour = [issueHeld('cred-labour', 'labour-contract')];
    const respond = async () => {
      const body = await createAuthorizationResponse(preparePresentation(request, labour), {
        held: labour,
        clock,
      });
      return postAuthorizationResponse(request, body, { fetch, allowHttpLoopback: true });
    };
    expect((await rejection(respond())).code).toBe('OID4VP_NO_MATCHING_CREDENTIALS');
    expect(fetch.requests).toHaveLength(0);
  });

  it('a selected credential missing from held is refused by id', async () => {
    const prepared = preparePresentation(await requestFor(), held);
    const error = await rejection(createAuthorizationResponse(prepared, { held: [refugee], clock }));
    expect(error).toMatchObject({
      code: 'OID4VP_OPTIONS_INVALID',
      details: { credentialId: 'cred-identity' },
    });
  });

  it('a tampered selection asking for a claim the credential lacks fails in the SD-JWT layer', async () => {
    const prepared = preparePresentation(await requestFor(), held);
    const tampered = {
      ...prepared,
      selection: {
        identity_restoration: [{ credentialId: 'cred-identity', claimPaths: [['no_such_claim']] }],
      },
    };
    const error = await rejection(createAuthorizationResponse(tampered, { held, clock }));
    expect(error.code).toBe('SDJWT_CLAIM_PATH_NOT_FOUND');
  });
});
