import { createHmac, createPublicKey, createSecretKey, sign } from 'node:crypto';
import { describe, expect, test, vi } from 'vitest';
import {
  ED25519_B,
  errorCode,
  errorCodeAsync,
  P256_B,
  P384,
  RFC7515_A3_JWS,
  RFC7515_P256,
  RFC8037_A4_JWS,
  RFC8037_ED25519,
} from '../test/fixtures/keys.js';
import { encodeBase64Url } from './base64url.js';
import { importPrivateJwk, type PrivateJwk, toPublicJwk } from './jwk.js';
import {
  type JwsPolicy,
  parseJws,
  peekJwsHeader,
  signJws,
  signJwsSync,
  verifyJws,
  verifyJwsAsync,
} from './jws.js';
import { createSigner, type Signer } from './signer.js';

const ES256: JwsPolicy = { algorithms: ['ES256'], typ: 'JWT' };
const pub = (jwk: PrivateJwk) => toPublicJwk(jwk);

/** Builds a compact JWS from raw parts, signing with the given key unless a signature is given. */
function forge(
  header: Record<string, unknown>,
  payload: Record<string, unknown> | string,
  signWith?: PrivateJwk,
  signature?: Uint8Array,
): string {
  const input = `${encodeBase64Url(JSON.stringify(header))}.${encodeBase64Url(typeof payload === 'string' ? payload : JSON.stringify(payload))}`;
  if (signature) return `${input}.${encodeBase64Url(signature)}`;
  if (!signWith) return `${input}.`;
  const key = importPrivateJwk(signWith);
  const hash = signWith.crv === 'P-256' ? 'sha256' : signWith.crv === 'P-384' ? 'sha384' : null;
  return `${input}.${encodeBase64Url(sign(hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }))}`;
}

describe('RFC 7515 / RFC 8037 vectors', () => {
  test('RFC 7515 §A.3 ES256 example verifies', () => {
    const { payload, header } = verifyJws(RFC7515_A3_JWS, {
      algorithms: ['ES256'],
      typ: null,
      key: pub(RFC7515_P256),
    });
    expect(header.alg).toBe('ES256');
    expect(payload).toEqual({ iss: 'joe', exp: 1300819380, 'http://example.com/is_root': true });
  });

  test('RFC 8037 §A.4 Ed25519 signing is reproduced byte for byte and verifies', () => {
    const payload = new TextEncoder().encode('Example of Ed25519 signing');
    expect(signJwsSync(payload, { signer: createSigner(RFC8037_ED25519) })).toBe(RFC8037_A4_JWS);
    const verified = verifyJws<Uint8Array>(RFC8037_A4_JWS, {
      algorithms: ['EdDSA'],
      typ: null,
      key: pub(RFC8037_ED25519),
      payload: 'bytes',
    });
    expect(new TextDecoder().decode(verified.payload)).toBe('Example of Ed25519 signing');
  });

  test.each([
    ['ES256', P256_B],
    ['ES384', P384],
    ['EdDSA', ED25519_B],
  ] as const)('%s round trip with typ and kid', async (alg, key) => {
    const signer = createSigner(key, { kid: 'k1' });
    const token = signJwsSync({ n: 1 }, { signer, typ: 'dc+sd-jwt' });
    const result = verifyJws(token, { algorithms: [alg], typ: 'dc+sd-jwt', key: pub(key) });
    expect(result.header).toEqual({ typ: 'dc+sd-jwt', kid: 'k1', alg });
    expect(result.payload).toEqual({ n: 1 });
    const asyncToken = await signJws({ n: 2 }, { signer, typ: 'dc+sd-jwt' });
    expect(
      (await verifyJwsAsync(asyncToken, { algorithms: [alg], typ: 'dc+sd-jwt', key: async () => pub(key) }))
        .payload,
    ).toEqual({ n: 2 });
  });
});

describe('hostile input: signed tokens', () => {
  test.each(['none', 'None', 'NONE', ''])('alg %j is rejected before any key lookup', (alg) => {
    const lookup = vi.fn(() => pub(P256_B));
    const token = forge({ alg, typ: 'JWT' }, { a: 1 }, undefined, Uint8Array.of(1));
    expect(errorCode(() => verifyJws(token, { ...ES256, key: lookup }))).toBe('JWS_ALG_NOT_ALLOWED');
    expect(lookup).not.toHaveBeenCalled();
  });

  test('RFC 7515 §5.2: an empty signature is rejected before any key lookup', () => {
    const lookup = vi.fn(() => pub(P256_B));
    expect(
      errorCode(() => verifyJws(forge({ alg: 'ES256', typ: 'JWT' }, { a: 1 }), { ...ES256, key: lookup })),
    ).toBe('JWS_SIGNATURE_INVALID');
    expect(lookup).not.toHaveBeenCalled();
  });

  test('HS256 "signed" with the public key as HMAC secret is rejected (alg never chosen by the header)', () => {
    const publicPem = createPublicKey(importPrivateJwk(P256_B)).export({ format: 'pem', type: 'spki' });
    const input = `${encodeBase64Url('{"alg":"HS256","typ":"JWT"}')}.${encodeBase64Url('{"a":1}')}`;
    const mac = createHmac('sha256', createSecretKey(Buffer.from(publicPem)))
      .update(input)
      .digest();
    const token = `${input}.${encodeBase64Url(mac)}`;
    expect(errorCode(() => verifyJws(token, { ...ES256, key: pub(P256_B) }))).toBe('JWS_ALG_NOT_ALLOWED');
    // Even a policy that lists it cannot make HMAC acceptable: such a policy is itself refused.
    expect(
      errorCode(() => verifyJws(token, { algorithms: ['HS256' as 'ES256'], typ: 'JWT', key: pub(P256_B) })),
    ).toBe('JWS_POLICY_INVALID');
  });

  test('an alg that does not match the key type is rejected (EdDSA header, P-256 key)', () => {
    const token = forge({ alg: 'EdDSA', typ: 'JWT' }, { a: 1 }, ED25519_B);
    expect(
      errorCode(() => verifyJws(token, { algorithms: ['ES256', 'EdDSA'], typ: 'JWT', key: pub(P256_B) })),
    ).toBe('JWS_ALG_KEY_MISMATCH');
  });

  test('an alg allowed in general but not by this policy is rejected', () => {
    const token = signJwsSync({ a: 1 }, { signer: createSigner(ED25519_B), typ: 'JWT' });
    expect(errorCode(() => verifyJws(token, { ...ES256, key: pub(ED25519_B) }))).toBe('JWS_ALG_NOT_ALLOWED');
  });

  test.each(['jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'])(
    'RFC 7515 §4.1: a "%s" header is never trusted nor fetched',
    (member) => {
      const lookup = vi.fn(() => pub(P256_B));
      const token = forge(
        { alg: 'ES256', typ: 'JWT', [member]: 'https://169.254.169.254/key' },
        { a: 1 },
        P256_B,
      );
      expect(errorCode(() => verifyJws(token, { ...ES256, key: lookup, allowHeaderJwk: true }))).toBe(
        'JWS_HEADER_KEY_NOT_ALLOWED',
      );
      expect(lookup).not.toHaveBeenCalled();
    },
  );

  test('a "jwk" header pointing to the attacker\'s key is refused unless the caller allows it', () => {
    const token = forge({ alg: 'ES256', typ: 'JWT', jwk: pub(P256_B) }, { a: 1 }, P256_B);
    expect(errorCode(() => verifyJws(token, { ...ES256, key: pub(RFC7515_P256) }))).toBe(
      'JWS_HEADER_KEY_NOT_ALLOWED',
    );
    expect(errorCode(() => verifyJws(token, ES256))).toBe('JWS_HEADER_KEY_NOT_ALLOWED');
  });

  test('allowHeaderJwk: the header key verifies (OID4VCI proof), a private "d" in it is rejected', () => {
    const token = forge({ alg: 'ES256', typ: 'JWT', jwk: pub(P256_B) }, { a: 1 }, P256_B);
    expect(verifyJws(token, { ...ES256, allowHeaderJwk: true }).payload).toEqual({ a: 1 });
    const leaked = forge({ alg: 'ES256', typ: 'JWT', jwk: P256_B }, { a: 1 }, P256_B);
    expect(errorCode(() => verifyJws(leaked, { ...ES256, allowHeaderJwk: true }))).toBe(
      'JWK_PRIVATE_KEY_NOT_ALLOWED',
    );
  });

  test('a header jwk does not override the key the caller gave', () => {
    const token = forge({ alg: 'ES256', typ: 'JWT', jwk: pub(P256_B) }, { a: 1 }, P256_B);
    expect(
      errorCode(() => verifyJws(token, { ...ES256, allowHeaderJwk: true, key: pub(RFC7515_P256) })),
    ).toBe('JWS_SIGNATURE_INVALID');
  });

  test('no key and no allowed header jwk → JWS_KEY_NOT_FOUND', () => {
    const token = forge({ alg: 'ES256', typ: 'JWT' }, { a: 1 }, P256_B);
    expect(errorCode(() => verifyJws(token, ES256))).toBe('JWS_KEY_NOT_FOUND');
  });

  test.each(['../../etc/passwd', "1' OR '1'='1", 'did:web:evil.example#key-1'])(
    'kid %j is handed to the lookup unchanged, as an opaque string',
    (kid) => {
      const seen: unknown[] = [];
      const trusted = new Map([['issuer-key', pub(RFC7515_P256)]]);
      const token = forge({ alg: 'ES256', typ: 'JWT', kid }, { a: 1 }, P256_B);
      const code = errorCode(() =>
        verifyJws(token, {
          ...ES256,
          key: (header) => {
            seen.push(header.kid);
            return trusted.get(header.kid ?? '') ?? pub(RFC7515_P256);
          },
        }),
      );
      expect(seen).toEqual([kid]);
      expect(code).toBe('JWS_SIGNATURE_INVALID');
    },
  );

  test('a non-string kid is rejected', () => {
    const token = forge({ alg: 'ES256', typ: 'JWT', kid: { $ne: null } }, { a: 1 }, P256_B);
    expect(errorCode(() => verifyJws(token, { ...ES256, key: pub(P256_B) }))).toBe('JWS_MALFORMED');
  });

  test('RFC 7515 §4.1.11: any "crit" entry is rejected (Haven processes no extensions)', () => {
    const token = forge({ alg: 'ES256', typ: 'JWT', crit: ['exp'], exp: 1 }, { a: 1 }, P256_B);
    expect(errorCode(() => verifyJws(token, { ...ES256, key: pub(P256_B) }))).toBe('JWS_CRIT_UNSUPPORTED');
  });

  test('RFC 7797: b64:false is rejected, with or without crit', () => {
    const withCrit = forge({ alg: 'ES256', typ: 'JWT', b64: false, crit: ['b64'] }, 'raw', P256_B);
    const withoutCrit = forge({ alg: 'ES256', typ: 'JWT', b64: false }, { a: 1 }, P256_B);
    expect(errorCode(() => verifyJws(withCrit, { ...ES256, key: pub(P256_B) }))).toBe('JWS_CRIT_UNSUPPORTED');
    expect(errorCode(() => verifyJws(withoutCrit, { ...ES256, key: pub(P256_B) }))).toBe(
      'JWS_B64_UNSUPPORTED',
    );
  });

  describe.each([
    ['ES256', P256_B, 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'],
    [
      'ES384',
      P384,
      'ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
    ],
  ] as const)('%s signature encoding (RFC 7518 §3.4: fixed-length r||s only)', (alg, key, order) => {
    const valid = signJwsSync({ a: 1 }, { signer: createSigner(key), typ: 'JWT' });
    const [h, p, s64] = valid.split('.') as [string, string, string];
    const n = Buffer.from(order, 'hex');
    const half = n.length;
    const sig = Buffer.from(s64, 'base64url');
    const withSig = (bytes: Uint8Array) => `${h}.${p}.${encodeBase64Url(bytes)}`;
    const policy = { algorithms: [alg], typ: 'JWT' } as JwsPolicy;

    test.each([
      ['r = 0', () => Buffer.concat([Buffer.alloc(half), sig.subarray(half)])],
      ['s = 0', () => Buffer.concat([sig.subarray(0, half), Buffer.alloc(half)])],
      ['r = n', () => Buffer.concat([n, sig.subarray(half)])],
      ['s = n', () => Buffer.concat([sig.subarray(0, half), n])],
      ['s = 2^k - 1', () => Buffer.concat([sig.subarray(0, half), Buffer.alloc(half, 0xff)])],
      ['one byte short', () => sig.subarray(0, 2 * half - 1)],
      ['one byte long', () => Buffer.concat([sig, Buffer.of(0)])],
    ])('%s is rejected while parsing, before any key lookup', (_label, make) => {
      const lookup = vi.fn(() => toPublicJwk(key));
      expect(errorCode(() => parseJws(withSig(make()), policy))).toBe('JWS_SIGNATURE_INVALID');
      expect(errorCode(() => verifyJws(withSig(make()), { ...policy, key: lookup }))).toBe(
        'JWS_SIGNATURE_INVALID',
      );
      expect(lookup).not.toHaveBeenCalled();
    });

    test('a DER-encoded signature of the same (r, s) is rejected', () => {
      const der = sign(alg === 'ES256' ? 'sha256' : 'sha384', Buffer.from(`${h}.${p}`), {
        key: importPrivateJwk(key),
        dsaEncoding: 'der',
      });
      expect(errorCode(() => verifyJws(withSig(der), { ...policy, key: toPublicJwk(key) }))).toBe(
        'JWS_SIGNATURE_INVALID',
      );
    });

    test('the untouched token parses and verifies (the cases above fail for the stated reason)', () => {
      expect(verifyJws(valid, { ...policy, key: toPublicJwk(key) }).payload).toEqual({ a: 1 });
    });
  });

  test('one bit flipped in the payload or signature fails verification', () => {
    const token = signJwsSync({ role: 'inspector' }, { signer: createSigner(P256_B), typ: 'JWT' });
    const [h, p, s] = token.split('.') as [string, string, string];
    const otherPayload = encodeBase64Url('{"role":"inspectoR"}');
    expect(errorCode(() => verifyJws(`${h}.${otherPayload}.${s}`, { ...ES256, key: pub(P256_B) }))).toBe(
      'JWS_SIGNATURE_INVALID',
    );
    const sig = Buffer.from(s, 'base64url');
    sig[10] = (sig[10] as number) ^ 1;
    expect(
      errorCode(() => verifyJws(`${h}.${p}.${encodeBase64Url(sig)}`, { ...ES256, key: pub(P256_B) })),
    ).toBe('JWS_SIGNATURE_INVALID');
  });

  test('a 10 MB token is rejected by size before any parsing', () => {
    const token = `${'a'.repeat(10 * 1024 * 1024)}.b.c`;
    expect(errorCode(() => verifyJws(token, { ...ES256, key: pub(P256_B) }))).toBe('JWS_TOO_LARGE');
    expect(errorCode(() => peekJwsHeader(token))).toBe('JWS_TOO_LARGE');
  });

  test('100,000-level nesting in the payload is capped', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const token = forge({ alg: 'ES256', typ: 'JWT' }, `{"a":${deep}}`, P256_B);
    expect(
      errorCode(() =>
        verifyJws(token, { ...ES256, key: pub(P256_B), maxLength: 2_000_000, json: { maxBytes: 2_000_000 } }),
      ),
    ).toBe('JSON_TOO_DEEP');
  });

  test('__proto__ and constructor keys in header or payload are rejected', () => {
    const inPayload = forge({ alg: 'ES256', typ: 'JWT' }, '{"__proto__":{"admin":true}}', P256_B);
    expect(errorCode(() => verifyJws(inPayload, { ...ES256, key: pub(P256_B) }))).toBe('JSON_FORBIDDEN_KEY');
    const header = `${encodeBase64Url('{"alg":"ES256","typ":"JWT","constructor":{}}')}.${encodeBase64Url('{}')}.${encodeBase64Url(new Uint8Array(64))}`;
    expect(errorCode(() => verifyJws(header, { ...ES256, key: pub(P256_B) }))).toBe('JSON_FORBIDDEN_KEY');
  });

  test('RFC 7515 §5.2: duplicate header names are rejected', () => {
    const header = encodeBase64Url('{"alg":"ES256","typ":"JWT","alg":"none"}');
    const token = `${header}.${encodeBase64Url('{}')}.${encodeBase64Url(new Uint8Array(64))}`;
    expect(errorCode(() => verifyJws(token, { ...ES256, key: pub(P256_B) }))).toBe('JSON_DUPLICATE_KEY');
  });

  test.each([
    ['two parts', 'a.b'],
    ['four parts (JWE-like)', 'a.b.c.d'],
    ['empty header', '.b.c'],
    ['empty payload (detached)', `${encodeBase64Url('{"alg":"ES256","typ":"JWT"}')}..c`],
  ])('malformed compact serialization: %s', (_label, token) => {
    expect(errorCode(() => verifyJws(token, { ...ES256, key: pub(P256_B) }))).toBe('JWS_MALFORMED');
  });

  test('padded or non-canonical base64url parts are rejected', () => {
    const token = signJwsSync({ a: 1 }, { signer: createSigner(P256_B), typ: 'JWT' });
    const [h, p, s] = token.split('.') as [string, string, string];
    expect(errorCode(() => verifyJws(`${h}=.${p}.${s}`, { ...ES256, key: pub(P256_B) }))).toBe(
      'BASE64URL_INVALID',
    );
    expect(errorCode(() => verifyJws(`${h}.${p}.${s}=`, { ...ES256, key: pub(P256_B) }))).toBe(
      'BASE64URL_INVALID',
    );
    expect(
      errorCode(() => verifyJws(`${h}.${p.replace(/-/g, '+')}+.${s}`, { ...ES256, key: pub(P256_B) })),
    ).toBe('BASE64URL_INVALID');
  });

  describe('one token type passed as another: each verifier pins its typ (RFC 8725 §3.11)', () => {
    const kb = signJwsSync({ nonce: 'n' }, { signer: createSigner(P256_B), typ: 'kb+jwt' });
    test('a KB-JWT is not an OID4VCI proof', () => {
      expect(
        errorCode(() =>
          verifyJws(kb, { algorithms: ['ES256'], typ: 'openid4vci-proof+jwt', key: pub(P256_B) }),
        ),
      ).toBe('JWS_TYP_MISMATCH');
    });
    test('typ is compared case-insensitively with an optional application/ prefix', () => {
      expect(
        verifyJws(kb, { algorithms: ['ES256'], typ: 'application/KB+JWT', key: pub(P256_B) }).payload,
      ).toEqual({
        nonce: 'n',
      });
    });
    test('a missing typ is rejected when one is expected; a present one when none is', () => {
      const untyped = signJwsSync({ a: 1 }, { signer: createSigner(P256_B) });
      expect(
        errorCode(() => verifyJws(untyped, { algorithms: ['ES256'], typ: 'kb+jwt', key: pub(P256_B) })),
      ).toBe('JWS_TYP_MISMATCH');
      expect(errorCode(() => verifyJws(kb, { algorithms: ['ES256'], typ: null, key: pub(P256_B) }))).toBe(
        'JWS_TYP_MISMATCH',
      );
    });
  });

  test('a private KeyObject is not accepted as a verification key', () => {
    const token = signJwsSync({ a: 1 }, { signer: createSigner(P256_B), typ: 'JWT' });
    expect(errorCode(() => verifyJws(token, { ...ES256, key: importPrivateJwk(P256_B) }))).toBe(
      'JWK_PRIVATE_KEY_NOT_ALLOWED',
    );
  });

  test('the payload must be a JSON object unless bytes are asked for', () => {
    const token = forge({ alg: 'ES256', typ: 'JWT' }, '[1,2]', P256_B);
    expect(errorCode(() => verifyJws(token, { ...ES256, key: pub(P256_B) }))).toBe('JSON_NOT_OBJECT');
  });

  test('async key lookup errors propagate with their code', async () => {
    const token = forge({ alg: 'ES256', typ: 'JWT' }, { a: 1 }, P256_B);
    expect(
      await errorCodeAsync(() =>
        verifyJwsAsync(token, {
          ...ES256,
          key: async () => {
            throw Object.assign(new Error('x'), { code: 'DID_NOT_FOUND' });
          },
        }),
      ),
    ).toBe('DID_NOT_FOUND');
  });
});

describe('policies and key usage', () => {
  const token = signJwsSync({ a: 1 }, { signer: createSigner(P256_B), typ: 'JWT' });
  test.each([
    ['algorithms as a string (substring match)', { algorithms: 'notES256', typ: 'JWT' }],
    ['empty algorithms', { algorithms: [], typ: 'JWT' }],
    ['unknown algorithm', { algorithms: ['RS256'], typ: 'JWT' }],
    ['missing typ', { algorithms: ['ES256'] }],
    ['empty typ', { algorithms: ['ES256'], typ: '' }],
    ['empty typ list', { algorithms: ['ES256'], typ: [] }],
  ])('a malformed policy is refused (%s)', (_label, policy) => {
    expect(errorCode(() => verifyJws(token, { ...(policy as unknown as JwsPolicy), key: pub(P256_B) }))).toBe(
      'JWS_POLICY_INVALID',
    );
  });

  test('RFC 7517 §4.2: a key marked use "enc" does not verify signatures', () => {
    expect(errorCode(() => verifyJws(token, { ...ES256, key: { ...pub(P256_B), use: 'enc' } }))).toBe(
      'JWK_USE_NOT_ALLOWED',
    );
    expect(verifyJws(token, { ...ES256, key: { ...pub(P256_B), use: 'sig' } }).payload).toEqual({ a: 1 });
  });

  test('RFC 7517 §4.3: key_ops must allow the operation', () => {
    expect(
      errorCode(() => verifyJws(token, { ...ES256, key: { ...pub(P256_B), key_ops: ['encrypt'] } })),
    ).toBe('JWK_USE_NOT_ALLOWED');
    expect(errorCode(() => createSigner({ ...P256_B, key_ops: ['verify'] }))).toBe('JWK_USE_NOT_ALLOWED');
    expect(errorCode(() => createSigner({ ...P256_B, use: 'enc' }))).toBe('JWK_USE_NOT_ALLOWED');
    expect(verifyJws(token, { ...ES256, key: { ...pub(P256_B), key_ops: ['verify'] } }).payload).toEqual({
      a: 1,
    });
  });

  test('a header jwk marked for encryption is refused as the verification key', () => {
    const forged = forge({ alg: 'ES256', typ: 'JWT', jwk: { ...pub(P256_B), use: 'enc' } }, { a: 1 }, P256_B);
    expect(errorCode(() => verifyJws(forged, { ...ES256, allowHeaderJwk: true }))).toBe(
      'JWK_USE_NOT_ALLOWED',
    );
  });

  test('the header handed to a key lookup is frozen', () => {
    const forgedKid = forge({ alg: 'ES256', typ: 'JWT', kid: 'a' }, { a: 1 }, P256_B);
    let frozen = false;
    verifyJws(forgedKid, {
      ...ES256,
      key: (header) => {
        frozen = Object.isFrozen(header);
        return pub(P256_B);
      },
    });
    expect(frozen).toBe(true);
  });
});

describe('signing', () => {
  test('the header alg always comes from the signer', () => {
    const token = signJwsSync({ a: 1 }, { signer: createSigner(P256_B), header: { alg: 'none' } });
    expect(parseJws(token, { algorithms: ['ES256'], typ: null }).header.alg).toBe('ES256');
  });

  test('headers are encoded per typ and per signer (the header cache never mixes them up)', () => {
    const a = createSigner(P256_B, { kid: 'a' });
    const b = createSigner(P256_B, { kid: 'b' });
    const header = (t: string) => parseJws(t, { algorithms: ['ES256'], typ: ['x+jwt', 'y+jwt'] }).header;
    expect(header(signJwsSync({}, { signer: a, typ: 'x+jwt' }))).toEqual({
      typ: 'x+jwt',
      kid: 'a',
      alg: 'ES256',
    });
    expect(header(signJwsSync({}, { signer: a, typ: 'y+jwt' }))).toEqual({
      typ: 'y+jwt',
      kid: 'a',
      alg: 'ES256',
    });
    expect(header(signJwsSync({}, { signer: b, typ: 'x+jwt' }))).toEqual({
      typ: 'x+jwt',
      kid: 'b',
      alg: 'ES256',
    });
    expect(header(signJwsSync({}, { signer: a, typ: 'x+jwt', header: { kid: 'c' } }))).toEqual({
      typ: 'x+jwt',
      kid: 'c',
      alg: 'ES256',
    });
    expect(header(signJwsSync({}, { signer: a, typ: 'x+jwt' }))).toEqual({
      typ: 'x+jwt',
      kid: 'a',
      alg: 'ES256',
    });
  });

  test('a signer returning a DER or truncated signature is refused (JWS_SIGNER_OUTPUT_INVALID)', async () => {
    const key = importPrivateJwk(P256_B);
    const derSigner: Signer = { alg: 'ES256', sign: (d) => sign('sha256', d, { key, dsaEncoding: 'der' }) };
    await expect(signJws({ a: 1 }, { signer: derSigner })).rejects.toMatchObject({
      code: 'JWS_SIGNER_OUTPUT_INVALID',
    });
    const shortSigner = { alg: 'EdDSA' as const, sign: () => new Uint8Array(10) };
    expect(errorCode(() => signJwsSync({ a: 1 }, { signer: shortSigner }))).toBe('JWS_SIGNER_OUTPUT_INVALID');
  });

  test('an asynchronous (KMS-like) signer works through signJws', async () => {
    const local = createSigner(ED25519_B, { kid: 'kms-1' });
    const kms: Signer = { alg: 'EdDSA', kid: 'kms-1', sign: async (d) => local.sign(d) };
    const token = await signJws({ a: 1 }, { signer: kms, typ: 'JWT' });
    expect(verifyJws(token, { algorithms: ['EdDSA'], typ: 'JWT', key: pub(ED25519_B) }).header.kid).toBe(
      'kms-1',
    );
  });
});
