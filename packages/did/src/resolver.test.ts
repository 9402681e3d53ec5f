import { inspect } from 'node:util';
import { createClock, encodeBase64Url, type GuardedFetch, HavenError, type PublicJwk } from '@haven/core';
import { Resolver } from 'did-resolver';
import { describe, expect, test } from 'vitest';
import { createDidJwk } from './did-jwk.js';
import {
  ED25519_DID_KEY,
  ED25519_JWK,
  P256_DID_KEY,
  P256_JWK,
  P384_DID_KEY,
  P384_JWK,
  SPEC_ED25519_DID_KEY,
  SPEC_ED25519_JWK,
} from './fixtures/keys.js';
import { DID_MAX_LENGTH } from './limits.js';
import {
  failedResolutionCause,
  getDidJwkResolver,
  getDidKeyResolver,
  getDidWebResolver,
} from './method-resolvers.js';
import { createDidResolver } from './resolver.js';

const DID = 'did:web:issuer.example';
const URL_ = 'https://issuer.example/.well-known/did.json';

/** A stand-in for the guarded fetcher that serves fixed documents and counts requests. */
function stubFetch(documents: Record<string, unknown>) {
  const calls: string[] = [];
  const fetch: GuardedFetch = async (request) => {
    const url = typeof request === 'string' ? request : request.url;
    calls.push(url);
    const found = Object.hasOwn(documents, url);
    const body = new TextEncoder().encode(found ? JSON.stringify(documents[url]) : '{}');
    return {
      status: found ? 200 : 404,
      url,
      headers: { 'content-type': 'application/did+json' },
      body,
      json: () => JSON.parse(new TextDecoder().decode(body)),
      text: () => new TextDecoder().decode(body),
    };
  };
  return { fetch, calls };
}

const jwkVm = (id: string, jwk: PublicJwk | Record<string, unknown> = P256_JWK, controller = DID) => ({
  id,
  type: 'JsonWebKey2020',
  controller,
  publicKeyJwk: jwk,
});

/** A resolver over one did:web document at DID. */
function webResolver(document: Record<string, unknown>) {
  const stub = stubFetch({ [URL_]: { id: DID, ...document } });
  return { dids: createDidResolver({ fetch: stub.fetch }), calls: stub.calls };
}

const code = (c: string) => expect.objectContaining({ code: c });

describe('resolveKey: did:key and did:jwk', () => {
  test('DID Core §5.2: did:key fragment → the Multikey key, EdDSA', async () => {
    const dids = createDidResolver();
    const mb = SPEC_ED25519_DID_KEY.slice(8);
    const result = await dids.resolveKey(`${SPEC_ED25519_DID_KEY}#${mb}`, {
      relationship: 'assertionMethod',
      alg: 'EdDSA',
    });
    expect(result.did).toBe(SPEC_ED25519_DID_KEY);
    expect(result.alg).toBe('EdDSA');
    expect(result.publicJwk).toEqual(SPEC_ED25519_JWK);
    expect(result.verificationMethod.id).toBe(`${SPEC_ED25519_DID_KEY}#${mb}`);
    expect(result.key.asymmetricKeyType).toBe('ed25519');
  });

  test.each([
    [P256_DID_KEY, 'ES256', P256_JWK],
    [P384_DID_KEY, 'ES384', P384_JWK],
    [ED25519_DID_KEY, 'EdDSA', ED25519_JWK],
  ] as const)('a bare DID with a single key resolves it (%s → %s)', async (did, alg, jwk) => {
    const result = await createDidResolver().resolveKey(did, { relationship: 'authentication' });
    expect(result.alg).toBe(alg);
    expect(result.publicJwk).toEqual(jwk);
  });

  test('did:jwk #0 resolves for assertionMethod', async () => {
    const did = createDidJwk(P256_JWK);
    const result = await createDidResolver().resolveKey(`${did}#0`, {
      relationship: 'assertionMethod',
      alg: 'ES256',
    });
    expect(result.publicJwk).toEqual(P256_JWK);
  });

  test('did:jwk spec "use": "enc" key is not an assertionMethod → DID_VERIFICATION_RELATIONSHIP_MISSING', async () => {
    const did = createDidJwk({ ...P256_JWK, use: 'enc' });
    await expect(
      createDidResolver().resolveKey(`${did}#0`, { relationship: 'assertionMethod' }),
    ).rejects.toThrow(code('DID_VERIFICATION_RELATIONSHIP_MISSING'));
  });

  test.each([
    [P256_DID_KEY, 'EdDSA'],
    [P256_DID_KEY, 'ES384'],
    [P384_DID_KEY, 'ES256'],
    [ED25519_DID_KEY, 'ES256'],
    [P256_DID_KEY, 'none'],
    [P256_DID_KEY, 'HS256'],
  ])('key type vs alg: %s with %s → DID_KEY_ALG_MISMATCH', async (did, alg) => {
    await expect(
      createDidResolver().resolveKey(did, { relationship: 'assertionMethod', alg: alg as never }),
    ).rejects.toThrow(code('DID_KEY_ALG_MISMATCH'));
  });

  test('the KeyObject is cached: the same object on a second resolve, even from another resolver', async () => {
    const dids = createDidResolver();
    const first = await dids.resolveKey(P256_DID_KEY, { relationship: 'assertionMethod' });
    const second = await dids.resolveKey(P256_DID_KEY, { relationship: 'assertionMethod' });
    const third = await createDidResolver({ cache: false }).resolveKey(P256_DID_KEY, {
      relationship: 'assertionMethod',
    });
    expect(second.key).toBe(first.key);
    expect(third.key).toBe(first.key);
  });

  test('results and documents are frozen, so one caller cannot change the cached copy for others', async () => {
    const dids = createDidResolver();
    const doc = await dids.resolve(P256_DID_KEY);
    expect(() => {
      (doc.assertionMethod as string[]).push('did:key:evil#evil');
    }).toThrow(TypeError);
    const result = await dids.resolveKey(P256_DID_KEY, { relationship: 'assertionMethod' });
    expect(Object.isFrozen(result)).toBe(true);
    expect(Object.isFrozen(result.publicJwk)).toBe(true);
  });
});

describe('resolveKey: DID URL rules (DID Core §3.2)', () => {
  test.each([
    ['a path', `${P256_DID_KEY}/path#x`],
    ['a query', `${P256_DID_KEY}?versionId=1#x`],
    ['DID parameters', `${P256_DID_KEY};service=x#x`],
    ['an empty fragment', `${P256_DID_KEY}#`],
    ['no DID at all', 'https://issuer.example#key-1'],
    ['an upper-case scheme', P256_DID_KEY.replace('did:', 'DID:')],
    ['an oversized DID URL', `${P256_DID_KEY}#${'a'.repeat(5000)}`],
  ])('rejects %s with DID_URL_INVALID', async (_name, didUrl) => {
    await expect(createDidResolver().resolveKey(didUrl, { relationship: 'assertionMethod' })).rejects.toThrow(
      code('DID_URL_INVALID'),
    );
  });

  test('a fragment naming no verification method → DID_VERIFICATION_METHOD_NOT_FOUND', async () => {
    await expect(
      createDidResolver().resolveKey(`${P256_DID_KEY}#nope`, { relationship: 'assertionMethod' }),
    ).rejects.toThrow(code('DID_VERIFICATION_METHOD_NOT_FOUND'));
  });

  test('a fragment naming another did:key key → DID_VERIFICATION_METHOD_NOT_FOUND', async () => {
    await expect(
      createDidResolver().resolveKey(`${P256_DID_KEY}#${ED25519_DID_KEY.slice(8)}`, {
        relationship: 'assertionMethod',
      }),
    ).rejects.toThrow(code('DID_VERIFICATION_METHOD_NOT_FOUND'));
  });

  test('a relationship other than assertionMethod/authentication is refused', async () => {
    await expect(
      createDidResolver().resolveKey(P256_DID_KEY, { relationship: 'keyAgreement' as never }),
    ).rejects.toThrow(code('DID_VERIFICATION_RELATIONSHIP_MISSING'));
  });
});

describe('resolveKey: verification method checks on a did:web document', () => {
  test('relative ids (#key-1) in methods and relationships resolve', async () => {
    const { dids } = webResolver({ verificationMethod: [jwkVm('#key-1')], assertionMethod: ['#key-1'] });
    const result = await dids.resolveKey(`${DID}#key-1`, { relationship: 'assertionMethod', alg: 'ES256' });
    expect(result.publicJwk).toEqual(P256_JWK);
  });

  test('a method embedded under the relationship resolves', async () => {
    const { dids } = webResolver({ assertionMethod: [jwkVm(`${DID}#key-1`)] });
    await expect(dids.resolveKey(`${DID}#key-1`, { relationship: 'assertionMethod' })).resolves.toMatchObject(
      { alg: 'ES256' },
    );
  });

  test('DID Core §5.3: a method not under the relationship → DID_VERIFICATION_RELATIONSHIP_MISSING', async () => {
    const { dids } = webResolver({
      verificationMethod: [jwkVm(`${DID}#key-1`)],
      authentication: [`${DID}#key-1`],
      assertionMethod: [],
    });
    await expect(dids.resolveKey(`${DID}#key-1`, { relationship: 'assertionMethod' })).rejects.toThrow(
      code('DID_VERIFICATION_RELATIONSHIP_MISSING'),
    );
    await expect(dids.resolveKey(`${DID}#key-1`, { relationship: 'authentication' })).resolves.toMatchObject({
      alg: 'ES256',
    });
  });

  test('DID Core §5.3: a method embedded under another relationship does not count', async () => {
    const { dids } = webResolver({ authentication: [jwkVm(`${DID}#key-1`)] });
    await expect(dids.resolveKey(`${DID}#key-1`, { relationship: 'assertionMethod' })).rejects.toThrow(
      code('DID_VERIFICATION_RELATIONSHIP_MISSING'),
    );
  });

  test('a bare DID with no key under the relationship → DID_VERIFICATION_RELATIONSHIP_MISSING', async () => {
    const { dids } = webResolver({ verificationMethod: [jwkVm(`${DID}#key-1`)] });
    await expect(dids.resolveKey(DID, { relationship: 'assertionMethod' })).rejects.toThrow(
      code('DID_VERIFICATION_RELATIONSHIP_MISSING'),
    );
  });

  test('DID Core §5.2.1: a method controlled by another DID → DID_VERIFICATION_METHOD_CONTROLLER_MISMATCH', async () => {
    const { dids } = webResolver({
      verificationMethod: [jwkVm(`${DID}#key-1`, P256_JWK, 'did:web:attacker.example')],
      assertionMethod: [`${DID}#key-1`],
    });
    await expect(dids.resolveKey(`${DID}#key-1`, { relationship: 'assertionMethod' })).rejects.toThrow(
      code('DID_VERIFICATION_METHOD_CONTROLLER_MISMATCH'),
    );
  });

  test('a relationship pointing at another DID’s method (bare DID URL) → DID_VERIFICATION_METHOD_CONTROLLER_MISMATCH', async () => {
    const foreign = 'did:web:attacker.example#key-1';
    const { dids } = webResolver({
      verificationMethod: [jwkVm(foreign, P256_JWK, DID)],
      assertionMethod: [foreign],
    });
    await expect(dids.resolveKey(DID, { relationship: 'assertionMethod' })).rejects.toThrow(
      code('DID_VERIFICATION_METHOD_CONTROLLER_MISMATCH'),
    );
  });

  test('a bare DID with two assertion keys is ambiguous → DID_URL_INVALID; a fragment picks one', async () => {
    const { dids } = webResolver({
      verificationMethod: [jwkVm(`${DID}#key-1`), jwkVm(`${DID}#key-2`, ED25519_JWK)],
      assertionMethod: [`${DID}#key-1`, `${DID}#key-2`],
    });
    await expect(dids.resolveKey(DID, { relationship: 'assertionMethod' })).rejects.toThrow(
      code('DID_URL_INVALID'),
    );
    await expect(dids.resolveKey(`${DID}#key-2`, { relationship: 'assertionMethod' })).resolves.toMatchObject(
      { alg: 'EdDSA' },
    );
  });

  test('two methods with one id (listed and embedded) → DID_DOCUMENT_INVALID', async () => {
    const { dids } = webResolver({
      verificationMethod: [jwkVm(`${DID}#key-1`)],
      assertionMethod: [jwkVm('#key-1', ED25519_JWK)],
    });
    await expect(dids.resolveKey(`${DID}#key-1`, { relationship: 'assertionMethod' })).rejects.toThrow(
      code('DID_DOCUMENT_INVALID'),
    );
  });

  test.each([
    ['a private key (d)', { ...P256_JWK, d: 'AYwQfbsf5Vuga6kXTeu5vCUXEYrYIBZA2jkRFcumkgk' }],
    ['a key marked use=enc', { ...P256_JWK, use: 'enc' }],
    ['key_ops without verify', { ...P256_JWK, key_ops: ['encrypt'] }],
    ['a point not on the curve', { ...P256_JWK, y: P256_JWK.x }],
    ['an RSA key', { kty: 'RSA', n: 'AQAB', e: 'AQAB' }],
  ])('publicKeyJwk with %s → DID_INVALID_PUBLIC_KEY', async (_name, jwk) => {
    const { dids } = webResolver({
      verificationMethod: [jwkVm(`${DID}#key-1`, jwk)],
      assertionMethod: ['#key-1'],
    });
    await expect(dids.resolveKey(`${DID}#key-1`, { relationship: 'assertionMethod' })).rejects.toThrow(
      code('DID_INVALID_PUBLIC_KEY'),
    );
  });

  test('publicKeyJwk whose "alg" contradicts the key → DID_KEY_ALG_MISMATCH', async () => {
    const { dids } = webResolver({
      verificationMethod: [jwkVm(`${DID}#key-1`, { ...P256_JWK, alg: 'EdDSA' })],
      assertionMethod: ['#key-1'],
    });
    await expect(dids.resolveKey(`${DID}#key-1`, { relationship: 'assertionMethod' })).rejects.toThrow(
      code('DID_KEY_ALG_MISMATCH'),
    );
  });

  test('Controlled Identifiers §2.2.2: a Multikey method resolves from publicKeyMultibase', async () => {
    const { dids } = webResolver({
      verificationMethod: [
        { id: '#key-1', type: 'Multikey', controller: DID, publicKeyMultibase: P384_DID_KEY.slice(8) },
      ],
      assertionMethod: ['#key-1'],
    });
    await expect(dids.resolveKey(`${DID}#key-1`, { relationship: 'assertionMethod' })).resolves.toMatchObject(
      {
        alg: 'ES384',
        publicJwk: P384_JWK,
      },
    );
  });

  test.each([
    [
      'both publicKeyJwk and publicKeyMultibase',
      { ...jwkVm('#key-1'), type: 'Multikey', publicKeyMultibase: P256_DID_KEY.slice(8) },
    ],
    [
      'neither key property',
      { id: '#key-1', type: 'JsonWebKey2020', controller: DID, publicKeyBase58: 'abc' },
    ],
    [
      'an unsupported type with publicKeyJwk',
      { ...jwkVm('#key-1'), type: 'EcdsaSecp256k1VerificationKey2019' },
    ],
    [
      'publicKeyMultibase on a JsonWebKey2020',
      { id: '#key-1', type: 'JsonWebKey2020', controller: DID, publicKeyMultibase: P256_DID_KEY.slice(8) },
    ],
  ])('%s → DID_VERIFICATION_METHOD_NOT_SUPPORTED', async (_name, vm) => {
    const { dids } = webResolver({ verificationMethod: [vm], assertionMethod: ['#key-1'] });
    await expect(dids.resolveKey(`${DID}#key-1`, { relationship: 'assertionMethod' })).rejects.toThrow(
      code('DID_VERIFICATION_METHOD_NOT_SUPPORTED'),
    );
  });

  test('Multikey with an unknown multicodec → DID_INVALID_PUBLIC_KEY', async () => {
    const { dids } = webResolver({
      verificationMethod: [
        {
          id: '#key-1',
          type: 'Multikey',
          controller: DID,
          publicKeyMultibase: 'zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme',
        },
      ],
      assertionMethod: ['#key-1'],
    });
    await expect(dids.resolveKey(`${DID}#key-1`, { relationship: 'assertionMethod' })).rejects.toThrow(
      code('DID_INVALID_PUBLIC_KEY'),
    );
  });
});

describe('resolve: document checks, methods and cache', () => {
  test('DID Core §5.1.1: a did:web document for another DID → DID_DOCUMENT_ID_MISMATCH', async () => {
    const { fetch } = stubFetch({ [URL_]: { id: 'did:web:victim.example' } });
    await expect(createDidResolver({ fetch }).resolve(DID)).rejects.toThrow(code('DID_DOCUMENT_ID_MISMATCH'));
    await expect(
      createDidResolver({ fetch }).resolveKey(`${DID}#key-1`, { relationship: 'assertionMethod' }),
    ).rejects.toThrow(code('DID_DOCUMENT_ID_MISMATCH'));
  });

  test('did:web is only enabled with a fetcher → DID_METHOD_NOT_SUPPORTED', async () => {
    await expect(createDidResolver().resolve(DID)).rejects.toThrow(code('DID_METHOD_NOT_SUPPORTED'));
    expect(() => createDidResolver({ methods: ['web'] })).toThrow(TypeError);
  });

  test('methods can be narrowed', async () => {
    await expect(createDidResolver({ methods: ['jwk'] }).resolve(P256_DID_KEY)).rejects.toThrow(
      code('DID_METHOD_NOT_SUPPORTED'),
    );
  });

  test.each([
    'did:example:123',
    'did:constructor:x',
    'did:tostring:x',
    'did:hasownproperty:x',
    'did:proto:x',
  ])(
    'DID Resolution methodNotSupported: %s → DID_METHOD_NOT_SUPPORTED (no prototype lookups)',
    async (did) => {
      await expect(createDidResolver().resolve(did)).rejects.toThrow(code('DID_METHOD_NOT_SUPPORTED'));
    },
  );

  test.each([
    ['not a DID', 'issuer.example'],
    ['a DID URL', `${P256_DID_KEY}#x`],
    ['an empty string', ''],
    ['an oversized DID', `did:jwk:${encodeBase64Url('x'.repeat(5000))}`],
  ])('DID Resolution invalidDid: %s → DID_INVALID', async (_name, did) => {
    await expect(createDidResolver().resolve(did)).rejects.toThrow(code('DID_INVALID'));
  });

  test('method errors keep their precise code through did-resolver (invalidPublicKey)', async () => {
    const bad = `did:jwk:${encodeBase64Url(JSON.stringify({ ...P256_JWK, d: 'AAAA' }))}`;
    await expect(createDidResolver().resolve(bad)).rejects.toThrow(code('DID_INVALID_PUBLIC_KEY'));
  });

  test('did:web documents are cached for the ttl, then fetched again', async () => {
    let now = 1_000_000;
    const stub = stubFetch({
      [URL_]: { id: DID, verificationMethod: [jwkVm('#key-1')], assertionMethod: ['#key-1'] },
    });
    const dids = createDidResolver({
      fetch: stub.fetch,
      cache: { ttlSeconds: 60 },
      clock: createClock(() => now),
    });
    await dids.resolveKey(`${DID}#key-1`, { relationship: 'assertionMethod' });
    await dids.resolve(DID);
    expect(stub.calls).toHaveLength(1);
    now += 61;
    await dids.resolve(DID);
    expect(stub.calls).toHaveLength(2);
  });

  test('did:web failures are not cached (a 404 does not stick)', async () => {
    const documents: Record<string, unknown> = {};
    const stub = stubFetch(documents);
    const dids = createDidResolver({ fetch: stub.fetch });
    await expect(dids.resolve(DID)).rejects.toThrow(code('DID_NOT_FOUND'));
    documents[URL_] = { id: DID };
    await expect(dids.resolve(DID)).resolves.toMatchObject({ id: DID });
    expect(stub.calls).toHaveLength(2);
  });

  test('cache: false fetches every time', async () => {
    const stub = stubFetch({ [URL_]: { id: DID } });
    const dids = createDidResolver({ fetch: stub.fetch, cache: false });
    await dids.resolve(DID);
    await dids.resolve(DID);
    expect(stub.calls).toHaveLength(2);
  });

  test('error messages and details never carry the DID', async () => {
    const holderDid = createDidJwk({ ...P256_JWK, use: 'enc' });
    const failures = [
      createDidResolver().resolveKey(`${holderDid}#0`, { relationship: 'assertionMethod' }),
      createDidResolver().resolveKey(`${holderDid}#1`, { relationship: 'assertionMethod' }),
      createDidResolver().resolveKey(`${P256_DID_KEY}#x`, { relationship: 'assertionMethod', alg: 'EdDSA' }),
      createDidResolver().resolve(`${holderDid}x`),
    ];
    for (const failure of failures) {
      const error = await failure.then(
        () => expect.unreachable(),
        (e: unknown) => e,
      );
      const text = `${(error as Error).message} ${JSON.stringify(error)}`;
      expect(text).not.toContain(holderDid.slice(8, 40));
      expect(text).not.toContain(P256_DID_KEY.slice(8));
    }
  });
});

describe('did-resolver interop: our method resolvers in a plain Resolver', () => {
  test('resolve results carry the document, and errors as DID Resolution names', async () => {
    const resolver = new Resolver({ ...getDidKeyResolver(), ...getDidJwkResolver() });
    const ok = await resolver.resolve(P256_DID_KEY);
    expect(ok.didDocument?.id).toBe(P256_DID_KEY);
    expect(ok.didResolutionMetadata).toEqual({ contentType: 'application/did+json' });
    const bad = await resolver.resolve('did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme');
    expect(bad.didDocument).toBeNull();
    expect(JSON.parse(JSON.stringify(bad.didResolutionMetadata))).toEqual({
      error: 'invalidDid',
      code: 'DID_INVALID',
      message: expect.any(String),
    });
    const leaked = await resolver.resolve(
      `did:jwk:${encodeBase64Url(JSON.stringify({ ...P256_JWK, d: 'AAAA' }))}`,
    );
    expect(leaked.didResolutionMetadata.error).toBe('invalidPublicKey');
  });

  test('only HavenErrors are reported as they are: any other error becomes internalError / DID_RESOLUTION_FAILED, nothing of it copied', async () => {
    // A custom fetcher failing like Node does: a string `code`, the host in the message, the URL in `input`.
    const raw = Object.assign(new TypeError('getaddrinfo ENOTFOUND issuer.example'), {
      code: 'ENOTFOUND',
      input: URL_,
    });
    const fetch: GuardedFetch = async () => {
      throw raw;
    };
    const resolver = new Resolver({ ...getDidWebResolver({ fetch }) });
    const result = await resolver.resolve(DID);
    expect(result.didDocument).toBeNull();
    expect(result.didResolutionMetadata).toEqual({
      error: 'internalError',
      code: 'DID_RESOLUTION_FAILED',
      message: 'DID resolution failed',
    });
    expect(inspect(result.didResolutionMetadata, { depth: 5 })).not.toContain('issuer.example');
    // Haven's own resolver gets a HavenError, and the raw error is not attached (it names the host).
    const error = await createDidResolver({ fetch })
      .resolve(DID)
      .then(
        () => expect.unreachable('resolution should fail'),
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(HavenError);
    expect(error).toMatchObject({ code: 'DID_RESOLUTION_FAILED' });
    expect((error as HavenError).message).not.toContain('issuer.example');
    expect(inspect(error, { depth: 5 })).not.toContain('issuer.example');
  });

  test('DID_MAX_LENGTH is applied by each method resolver, not only by createDidResolver', async () => {
    const resolver = new Resolver({
      ...getDidKeyResolver(),
      ...getDidJwkResolver(),
      ...getDidWebResolver({ fetch: stubFetch({}).fetch }),
    });
    const long = 'a'.repeat(DID_MAX_LENGTH);
    for (const did of [`did:key:z${long}`, `did:jwk:${long}`, `did:web:example.com:${long}`]) {
      const result = await resolver.resolve(did);
      expect(result.didResolutionMetadata).toMatchObject({ error: 'invalidDid', code: 'DID_INVALID' });
      expect(failedResolutionCause(result)).toMatchObject({ details: { maxLength: DID_MAX_LENGTH } });
    }
  });
});
