import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  createClock,
  createGuardedFetch,
  createSigner,
  fixedClock,
  type PublicJwk,
  toPublicJwk,
} from '@haven/core';
import { createDidJwk, createDidResolver } from '@haven/did';
import { afterEach, describe, expect, test } from 'vitest';
import { HOLDER_PUBLIC, ISSUER_KEY, ISSUER_PUBLIC, OTHER_KEY } from '../test/keys.js';
import { createIssuerKeySource, type IssuerTrust, jwtVcIssuerMetadataUrl } from './issuer-key.js';
import { issueSdJwtVcSync, verifySdJwtVc } from './sd-jwt-vc.js';

const NOW = 1_780_304_400;
const clock = fixedClock(NOW);
const fixture = (name: string) => readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8');
const VCT = 'https://haven.example/vct/test/v1';

function credential(
  iss: string,
  kid: string | undefined,
  key = ISSUER_KEY,
  extraHeader?: Record<string, unknown>,
): string {
  return issueSdJwtVcSync(
    { iss, vct: VCT, iat: NOW - 10, given_name: 'Amina' },
    {
      signer: createSigner(key, kid === undefined ? {} : { kid }),
      frame: { _sd: ['given_name'] },
      holderPublicJwk: HOLDER_PUBLIC,
      ...(extraHeader ? { header: extraHeader } : {}),
    },
  );
}

async function verify(sdJwt: string, trust: IssuerTrust): Promise<string> {
  const result = await verifySdJwtVc(sdJwt, {
    issuerKey: createIssuerKeySource(trust),
    clock,
    holderBinding: { required: false },
  });
  return result.verified ? 'VERIFIED' : result.error.code;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** An HTTPS server on 127.0.0.1 answering paths from a table; returns its origin as https://localhost:port. */
async function serve(routes: Record<string, unknown>, calls: string[] = []): Promise<string> {
  const server = createServer(
    { cert: fixture('localhost-cert.pem'), key: fixture('localhost-key.pem') },
    (req, res) => {
      calls.push(req.url ?? '');
      const body = routes[req.url ?? ''];
      if (body === undefined) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    },
  );
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `https://localhost:${(server.address() as AddressInfo).port}`;
}

const loopbackFetch = () =>
  createGuardedFetch({
    allowHttpLoopback: true,
    ca: fixture('localhost-cert.pem'),
    resolve: async () => [{ address: '127.0.0.1', family: 4 }],
  });

describe('issuer trust (RFC 9901 §7.1 step 2.3; SD-JWT VC §Issuer Verification Key Discovery)', () => {
  test('an issuer not on the trust list is rejected before any key is looked up', async () => {
    const calls: string[] = [];
    const origin = await serve({}, calls);
    expect(
      await verify(credential(origin, 'k1'), { issuers: ['https://other.example'], fetch: loopbackFetch() }),
    ).toBe('SDJWT_ISSUER_UNTRUSTED');
    expect(calls).toEqual([]);
  });

  test('configured keys: picked by kid; a single key needs no kid; an unknown kid is rejected', async () => {
    const keys = {
      'https://registry.example': [
        { ...ISSUER_PUBLIC, kid: 'k1' },
        { ...toPublicJwk(OTHER_KEY), kid: 'k2' },
      ],
    };
    const trust = { issuers: ['https://registry.example'], keys };
    expect(await verify(credential('https://registry.example', 'k1'), trust)).toBe('VERIFIED');
    expect(await verify(credential('https://registry.example', 'k9'), trust)).toBe(
      'SDJWT_ISSUER_KEY_NOT_FOUND',
    );
    expect(await verify(credential('https://registry.example', undefined), trust)).toBe(
      'SDJWT_ISSUER_KEY_NOT_FOUND',
    );
    const single = {
      issuers: ['https://registry.example'],
      keys: { 'https://registry.example': [ISSUER_PUBLIC] },
    };
    expect(await verify(credential('https://registry.example', undefined), single)).toBe('VERIFIED');
  });

  test('a header-carried key is never used, even when it is the right one', async () => {
    const sd = credential('https://registry.example', 'k1', ISSUER_KEY, { jwk: ISSUER_PUBLIC });
    expect(
      await verify(sd, {
        issuers: ['https://registry.example'],
        keys: { 'https://registry.example': [ISSUER_PUBLIC] },
      }),
    ).toBe('JWS_HEADER_KEY_NOT_ALLOWED');
  });

  test('DID issuer: the kid must be a key of iss itself, under assertionMethod', async () => {
    const did = createDidJwk(ISSUER_PUBLIC);
    const dids = createDidResolver();
    expect(await verify(credential(did, `${did}#0`), { issuers: [did], dids })).toBe('VERIFIED');
    expect(await verify(credential(did, '#0'), { issuers: [did], dids })).toBe('VERIFIED');
    // A kid pointing at another DID (the attacker's) is refused, though it would verify the signature.
    const attacker = createDidJwk(toPublicJwk(OTHER_KEY));
    expect(await verify(credential(did, `${attacker}#0`, OTHER_KEY), { issuers: [did], dids })).toBe(
      'SDJWT_ISSUER_KEY_NOT_FOUND',
    );
    // A key marked for encryption only is not an assertionMethod.
    const encDid = createDidJwk({ ...ISSUER_PUBLIC, use: 'enc' } as PublicJwk);
    expect(await verify(credential(encDid, `${encDid}#0`), { issuers: [encDid], dids })).toBe(
      'DID_VERIFICATION_RELATIONSHIP_MISSING',
    );
  });

  test('SD-JWT VC §JWT VC Issuer Metadata: the well-known URL goes between host and path', () => {
    expect(jwtVcIssuerMetadataUrl('https://example.com')).toBe(
      'https://example.com/.well-known/jwt-vc-issuer',
    );
    expect(jwtVcIssuerMetadataUrl('https://example.com/tenant/1234/')).toBe(
      'https://example.com/.well-known/jwt-vc-issuer/tenant/1234',
    );
    for (const bad of [
      'http://example.com',
      'https://example.com/?q=1',
      'https://example.com/#f',
      'did:web:x',
    ]) {
      expect(() => jwtVcIssuerMetadataUrl(bad)).toThrow(
        expect.objectContaining({ code: 'SDJWT_ISSUER_METADATA_INVALID' }),
      );
    }
  });

  test('jwt-vc-issuer metadata with jwks: the key is found by kid and the credential verifies', async () => {
    const routes: Record<string, unknown> = {};
    const origin = await serve(routes);
    routes['/.well-known/jwt-vc-issuer'] = {
      issuer: origin,
      jwks: { keys: [{ ...ISSUER_PUBLIC, kid: 'k1' }] },
    };
    expect(await verify(credential(origin, 'k1'), { issuers: [origin], fetch: loopbackFetch() })).toBe(
      'VERIFIED',
    );
  });

  test('jwt-vc-issuer metadata with jwks_uri (and a path in iss)', async () => {
    const routes: Record<string, unknown> = {};
    const origin = await serve(routes);
    const iss = `${origin}/tenant/7`;
    routes['/.well-known/jwt-vc-issuer/tenant/7'] = { issuer: iss, jwks_uri: `${origin}/keys.json` };
    routes['/keys.json'] = { keys: [{ ...ISSUER_PUBLIC, kid: 'k1' }] };
    expect(await verify(credential(iss, 'k1'), { issuers: [iss], fetch: loopbackFetch() })).toBe('VERIFIED');
  });

  test('hostile input: metadata whose issuer differs from iss is rejected', async () => {
    const routes: Record<string, unknown> = {};
    const origin = await serve(routes);
    routes['/.well-known/jwt-vc-issuer'] = {
      issuer: 'https://evil.example',
      jwks: { keys: [{ ...ISSUER_PUBLIC, kid: 'k1' }] },
    };
    expect(await verify(credential(origin, 'k1'), { issuers: [origin], fetch: loopbackFetch() })).toBe(
      'SDJWT_ISSUER_METADATA_INVALID',
    );
  });

  test('hostile input: metadata that lacks the key is rejected, with no fallback to header keys', async () => {
    const routes: Record<string, unknown> = {};
    const origin = await serve(routes);
    routes['/.well-known/jwt-vc-issuer'] = {
      issuer: origin,
      jwks: { keys: [{ ...toPublicJwk(OTHER_KEY), kid: 'k2' }] },
    };
    expect(await verify(credential(origin, 'k1'), { issuers: [origin], fetch: loopbackFetch() })).toBe(
      'SDJWT_ISSUER_KEY_NOT_FOUND',
    );
  });

  test.each([
    [
      'both jwks and jwks_uri',
      (o: string) => ({ issuer: o, jwks: { keys: [ISSUER_PUBLIC] }, jwks_uri: `${o}/k` }),
    ],
    ['neither jwks nor jwks_uri', (o: string) => ({ issuer: o })],
    ['a private key in jwks', (o: string) => ({ issuer: o, jwks: { keys: [{ ...ISSUER_KEY, kid: 'k1' }] } })],
  ])('hostile input: metadata with %s is rejected', async (_label, make) => {
    const routes: Record<string, unknown> = {};
    const origin = await serve(routes);
    routes['/.well-known/jwt-vc-issuer'] = make(origin);
    expect(['SDJWT_ISSUER_METADATA_INVALID', 'SDJWT_ISSUER_KEY_NOT_FOUND']).toContain(
      await verify(credential(origin, 'k1'), { issuers: [origin], fetch: loopbackFetch() }),
    );
  });

  test('missing metadata (404) and an issuer resolving to a private address fail closed', async () => {
    const origin = await serve({});
    expect(await verify(credential(origin, 'k1'), { issuers: [origin], fetch: loopbackFetch() })).toBe(
      'SDJWT_ISSUER_METADATA_INVALID',
    );
    const internal = createGuardedFetch({ resolve: async () => [{ address: '10.0.0.7', family: 4 }] });
    expect(
      await verify(credential('https://issuer.internal.example', 'k1'), {
        issuers: ['https://issuer.internal.example'],
        fetch: internal,
      }),
    ).toBe('SDJWT_ISSUER_METADATA_INVALID');
  });

  test('metadata is reused for its ttl; a failure is remembered only briefly (no fetch flood)', async () => {
    const calls: string[] = [];
    const routes: Record<string, unknown> = {};
    const origin = await serve(routes, calls);
    let now = NOW;
    const source = createIssuerKeySource({
      issuers: [origin],
      fetch: loopbackFetch(),
      clock: createClock(() => now),
      metadataTtlSeconds: 300,
    });
    const options = { issuerKey: source, clock, holderBinding: { required: false as const } };
    expect((await verifySdJwtVc(credential(origin, 'k1'), options)).verified).toBe(false);
    routes['/.well-known/jwt-vc-issuer'] = {
      issuer: origin,
      jwks: { keys: [{ ...ISSUER_PUBLIC, kid: 'k1' }] },
    };
    // Within the failure window the failure stands, without a new fetch.
    expect((await verifySdJwtVc(credential(origin, 'k1'), options)).verified).toBe(false);
    expect(calls).toHaveLength(1);
    now += 11;
    expect((await verifySdJwtVc(credential(origin, 'k1'), options)).verified).toBe(true);
    now += 200;
    expect((await verifySdJwtVc(credential(origin, 'k1'), options)).verified).toBe(true);
    expect(calls).toHaveLength(2);
    now += 200;
    expect((await verifySdJwtVc(credential(origin, 'k1'), options)).verified).toBe(true);
    expect(calls).toHaveLength(3);
    expect(() => createIssuerKeySource({ issuers: [], metadataTtlSeconds: Number.NaN })).toThrow(RangeError);
  });

  test('a trusted key marked for encryption (use/key_ops) is not used to verify', async () => {
    for (const marked of [{ use: 'enc' }, { key_ops: ['encrypt'] }]) {
      const keys = { 'https://registry.example': [{ ...ISSUER_PUBLIC, ...marked, kid: 'k1' } as PublicJwk] };
      expect(
        await verify(credential('https://registry.example', 'k1'), {
          issuers: ['https://registry.example'],
          keys,
        }),
      ).toBe('SDJWT_ISSUER_KEY_NOT_FOUND');
    }
  });

  test('no key source for the issuer → SDJWT_ISSUER_KEY_NOT_FOUND', async () => {
    expect(await verify(credential('did:jwk:x', '#0'), { issuers: ['did:jwk:x'] })).toBe(
      'SDJWT_ISSUER_KEY_NOT_FOUND',
    );
    expect(
      await verify(credential('https://registry.example', 'k1'), { issuers: ['https://registry.example'] }),
    ).toBe('SDJWT_ISSUER_KEY_NOT_FOUND');
  });
});
