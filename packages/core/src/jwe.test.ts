import { createECDH } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { decodeBase64Url, encodeBase64Url } from './base64url.js';
import { isHavenError } from './errors.js';
import { parseStrictJsonObject } from './json.js';
import { decryptJweEcdhEs, deriveEcdhEsKey, encryptJweEcdhEs } from './jwe.js';
import { importPrivateJwk, importPublicJwk, type PrivateJwk, type PublicJwk } from './jwk.js';

// OpenID4VP 1.0 §8.3: the verifier key the spec's encrypted response example was made for.
const OID4VP_VERIFIER_KEY: PrivateJwk = {
  kty: 'EC',
  kid: 'ac',
  use: 'enc',
  crv: 'P-256',
  alg: 'ECDH-ES',
  x: 'YO4epjifD-KWeq1sL2tNmm36BhXnkJ0He-WqMYrp9Fk',
  y: 'Hekpm0zfK7C-YccH5iBjcIXgf6YdUvNUac_0At55Okk',
  d: 'Et-3ce0omz8_TuZ96Df9lp0GAaaDoUnDe6X-CRO7Aww',
};
// The OpenID4VP 1.0 §8.3 example response, copied from /work/shared/vectors/oid4vp.
const OID4VP_RESPONSE = readFileSync(
  fileURLToPath(new URL('./fixtures/oid4vp_encrypted_response.txt', import.meta.url)),
  'utf8',
).trim();

// RFC 7518 Appendix C: Alice's ephemeral key and Bob's static key.
const ALICE: PrivateJwk = {
  kty: 'EC',
  crv: 'P-256',
  x: 'gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0',
  y: 'SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps',
  d: '0_NxaRPUMQoAJt50Gz8YiTr8gRTwyEaCumd-MToTmIo',
};
const BOB: PrivateJwk = {
  kty: 'EC',
  crv: 'P-256',
  x: 'weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ',
  y: 'e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck',
  d: 'VEmDZpDXXK8p8N0Cndsxs924q6nS1RXFASRl6BfUqdw',
};
const BOB_PUBLIC: PublicJwk = { kty: 'EC', crv: 'P-256', x: BOB.x, y: BOB.y };
// OpenID4VP 1.0 §8.3 example: a public P-384 key.
const P384_PUBLIC: PublicJwk = {
  kty: 'EC',
  crv: 'P-384',
  x: 'iHytgLNtXjEyYMAIGwfgjINZRmLfObYbmjPhkaPD8OiTkJtRHjegTNdH31Mxg4nV',
  y: 'MizXWSqNB7sSt_SNjg3spvaJnmjB-LpxsPpLUaea33rvINL3Mq-gEaANErRQpbLx',
};

function expectCode(fn: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(isHavenError(thrown) ? thrown.code : thrown).toBe(code);
}

function parts(compact: string): string[] {
  return compact.split('.');
}

function withHeader(compact: string, edit: (h: Record<string, unknown>) => void): string {
  const [h, ...rest] = parts(compact);
  const header = parseStrictJsonObject(decodeBase64Url(h as string));
  edit(header);
  return [encodeBase64Url(JSON.stringify(header)), ...rest].join('.');
}

function flipByte(segment: string, index = 0): string {
  const bytes = Buffer.from(decodeBase64Url(segment));
  bytes[index] = (bytes[index] as number) ^ 0x01;
  return encodeBase64Url(bytes);
}

function replacePart(compact: string, index: number, value: string): string {
  const p = parts(compact);
  p[index] = value;
  return p.join('.');
}

describe('rfc7518 §4.6.2 Concat KDF', () => {
  test('rfc7518 Appendix C: Alice/Bob, apu "Alice", apv "Bob", A128GCM derives VqqN6vgjbSBcIijNcacQGg', () => {
    const apu = new TextEncoder().encode('Alice');
    const apv = new TextEncoder().encode('Bob');
    const bobSide = deriveEcdhEsKey(
      importPrivateJwk(BOB),
      importPublicJwk(ALICE_PUBLIC()),
      'A128GCM',
      apu,
      apv,
    );
    expect(encodeBase64Url(bobSide)).toBe('VqqN6vgjbSBcIijNcacQGg');
    const aliceSide = deriveEcdhEsKey(
      importPrivateJwk(ALICE),
      importPublicJwk(BOB_PUBLIC),
      'A128GCM',
      apu,
      apv,
    );
    expect(encodeBase64Url(aliceSide)).toBe('VqqN6vgjbSBcIijNcacQGg');
  });

  test('keydatalen and AlgorithmID follow enc: A256GCM derives a different 32-byte key', () => {
    const key = deriveEcdhEsKey(importPrivateJwk(BOB), importPublicJwk(ALICE_PUBLIC()), 'A256GCM');
    expect(key.byteLength).toBe(32);
    expect(encodeBase64Url(key.subarray(0, 16))).not.toBe('VqqN6vgjbSBcIijNcacQGg');
  });
});

function ALICE_PUBLIC(): PublicJwk {
  return { kty: 'EC', crv: 'P-256', x: ALICE.x, y: ALICE.y };
}

describe('openid4vp §8.3 encrypted responses', () => {
  test('openid4vp §8.3: the specification example decrypts with the verifier key and carries vp_token', () => {
    const { plaintext, header } = decryptJweEcdhEs(OID4VP_RESPONSE, OID4VP_VERIFIER_KEY);
    expect(header.alg).toBe('ECDH-ES');
    expect(header.enc).toBe('A128GCM');
    expect(header.kid).toBe('ac');
    const payload = parseStrictJsonObject(plaintext);
    expect(payload.vp_token).toEqual({ example_credential_id: ['eyJhb...YMetA'] });
  });

  test('openid4vp §8.3: the example decrypts with a KeyObject too, and not with another key', () => {
    const key = importPrivateJwk({ ...OID4VP_VERIFIER_KEY, alg: undefined, use: undefined, kid: undefined });
    expect(decryptJweEcdhEs(OID4VP_RESPONSE, key).header.kid).toBe('ac');
    expectCode(() => decryptJweEcdhEs(OID4VP_RESPONSE, BOB), 'JWE_DECRYPT_FAILED');
  });

  test.each(['A128GCM', 'A256GCM'] as const)('rfc7516 round trip with %s, kid echoed from the JWK', (enc) => {
    const plaintext = JSON.stringify({ vp_token: { a: ['x'] }, state: 's' });
    const recipient: PublicJwk = { ...BOB_PUBLIC, kid: 'bob-1', alg: 'ECDH-ES', use: 'enc' };
    const compact = encryptJweEcdhEs(plaintext, recipient, {
      enc,
      apu: 'Alice',
      apv: new Uint8Array([1, 2]),
    });
    const p = parts(compact);
    expect(p).toHaveLength(5);
    expect(p[1]).toBe('');
    expect(decodeBase64Url(p[2] as string).byteLength).toBe(12);
    const { plaintext: out, header } = decryptJweEcdhEs(compact, BOB);
    expect(new TextDecoder().decode(out)).toBe(plaintext);
    expect(header.enc).toBe(enc);
    expect(header.kid).toBe('bob-1');
    expect(header.apu).toBe('QWxpY2U');
    expect(Object.keys(header.epk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
  });

  test('rfc7516 round trip on P-384 with extra header members, fresh epk and IV each time', () => {
    const p384 = generateP384();
    const a = encryptJweEcdhEs(new Uint8Array([1, 2, 3]), p384.pub, {
      enc: 'A256GCM',
      extraHeader: { typ: 'oauth-authz-resp+jwt' },
    });
    const b = encryptJweEcdhEs(new Uint8Array([1, 2, 3]), p384.pub, { enc: 'A256GCM' });
    expect(parts(a)[2]).not.toBe(parts(b)[2]);
    const out = decryptJweEcdhEs(a, p384.priv);
    expect([...out.plaintext]).toEqual([1, 2, 3]);
    expect(out.header.typ).toBe('oauth-authz-resp+jwt');
    expect(out.header.epk.crv).toBe('P-384');
  });

  test('rfc7518 §5.3: allowedEnc restricts enc', () => {
    const compact = encryptJweEcdhEs('x', BOB_PUBLIC, { enc: 'A128GCM' });
    expectCode(() => decryptJweEcdhEs(compact, BOB, { allowedEnc: ['A256GCM'] }), 'JWE_ENC_NOT_ALLOWED');
  });
});

/** A fixed P-384 key pair: the public point derived from a fixed scalar. */
function generateP384(): { pub: PublicJwk; priv: PrivateJwk } {
  const d = encodeBase64Url(Buffer.alloc(48, 7));
  const ecdh = createECDH('secp384r1');
  ecdh.setPrivateKey(Buffer.from(d, 'base64url'));
  const point = ecdh.getPublicKey();
  const x = encodeBase64Url(point.subarray(1, 49));
  const y = encodeBase64Url(point.subarray(49));
  return { pub: { kty: 'EC', crv: 'P-384', x, y }, priv: { kty: 'EC', crv: 'P-384', x, y, d } };
}

describe('rfc7516 §5.2 hostile input', () => {
  const good = encryptJweEcdhEs('{"vp_token":{}}', BOB_PUBLIC, { enc: 'A128GCM' });

  test.each([
    ['ciphertext', 3],
    ['tag', 4],
    ['iv', 2],
  ])('rfc7516 §5.2 step 14: a changed %s fails as JWE_DECRYPT_FAILED', (_name, index) => {
    const tampered = replacePart(good, index, flipByte(parts(good)[index] as string));
    expectCode(() => decryptJweEcdhEs(tampered, BOB), 'JWE_DECRYPT_FAILED');
  });

  test('rfc7518 §5.3: a changed protected header (the AAD) fails as JWE_DECRYPT_FAILED', () => {
    const tampered = withHeader(good, (h) => {
      h.kid = 'other';
    });
    expectCode(() => decryptJweEcdhEs(tampered, BOB), 'JWE_DECRYPT_FAILED');
    const apuAdded = withHeader(good, (h) => {
      h.apu = 'QWxpY2U';
    });
    expectCode(() => decryptJweEcdhEs(apuAdded, BOB), 'JWE_DECRYPT_FAILED');
  });

  test('rfc7518 §4.6: a non-empty encrypted key is refused', () => {
    expectCode(() => decryptJweEcdhEs(replacePart(good, 1, 'AAAA'), BOB), 'JWE_MALFORMED');
  });

  test.each(['dir', 'RSA-OAEP-256', 'ECDH-ES+A128KW', 'none', undefined])(
    'rfc7518 §4.6: alg %s is refused',
    (alg) => {
      const bad = withHeader(good, (h) => {
        h.alg = alg;
      });
      expectCode(() => decryptJweEcdhEs(bad, BOB), 'JWE_ALG_NOT_ALLOWED');
    },
  );

  test.each(['A128CBC-HS256', 'A192GCM', 'a128gcm', 7])('haip: enc %s is refused', (enc) => {
    const bad = withHeader(good, (h) => {
      h.enc = enc;
    });
    expectCode(() => decryptJweEcdhEs(bad, BOB), 'JWE_ENC_NOT_ALLOWED');
  });

  test('rfc7516 §4.1.3: zip DEF is refused', () => {
    const bad = withHeader(good, (h) => {
      h.zip = 'DEF';
    });
    expectCode(() => decryptJweEcdhEs(bad, BOB), 'JWE_ZIP_UNSUPPORTED');
  });

  test.each([[['exp']], [[]]])('rfc7516 §4.1.13: crit %j is refused', (crit) => {
    const bad = withHeader(good, (h) => {
      h.crit = crit;
    });
    expectCode(() => decryptJweEcdhEs(bad, BOB), 'JWE_CRIT_UNSUPPORTED');
  });

  test('rfc7518 §4.6.1.1: epk on P-384 for a P-256 recipient key is refused', () => {
    const bad = withHeader(good, (h) => {
      h.epk = { kty: 'EC', crv: 'P-384', x: P384_PUBLIC.x, y: P384_PUBLIC.y };
    });
    expectCode(() => decryptJweEcdhEs(bad, BOB), 'JWE_EPK_INVALID');
  });

  test('invalid-curve attack: an epk point that is not on P-256 is refused before key agreement', () => {
    const epk = parseStrictJsonObject(decodeBase64Url(parts(good)[0] as string)).epk as PublicJwk;
    const y = Buffer.from(decodeBase64Url(epk.y as string));
    y[31] = (y[31] as number) ^ 0x01;
    const bad = withHeader(good, (h) => {
      h.epk = { ...epk, y: encodeBase64Url(y) };
    });
    expectCode(() => decryptJweEcdhEs(bad, BOB), 'JWE_EPK_INVALID');
    // The point at x = 0, y = 0 (a classic small-subgroup probe) is not on the curve either.
    const zero = withHeader(good, (h) => {
      h.epk = {
        kty: 'EC',
        crv: 'P-256',
        x: encodeBase64Url(Buffer.alloc(32)),
        y: encodeBase64Url(Buffer.alloc(32)),
      };
    });
    expectCode(() => decryptJweEcdhEs(zero, BOB), 'JWE_EPK_INVALID');
  });

  test('rfc7518 §4.6.1.1: epk with a private member, missing, or not EC is refused', () => {
    for (const epk of [
      { ...ALICE },
      undefined,
      'x',
      { kty: 'OKP', crv: 'X25519', x: ALICE.x },
      { kty: 'EC', crv: 'P-256', x: ALICE.x },
    ]) {
      const bad = withHeader(good, (h) => {
        h.epk = epk;
      });
      expectCode(() => decryptJweEcdhEs(bad, BOB), 'JWE_EPK_INVALID');
    }
  });

  test('rfc7516 §9: four or six segments, an empty header, or a non-string are malformed', () => {
    const p = parts(good);
    expectCode(() => decryptJweEcdhEs(p.slice(0, 4).join('.'), BOB), 'JWE_MALFORMED');
    expectCode(() => decryptJweEcdhEs(`${good}.x`, BOB), 'JWE_MALFORMED');
    expectCode(() => decryptJweEcdhEs(replacePart(good, 0, ''), BOB), 'JWE_MALFORMED');
    expectCode(() => decryptJweEcdhEs(42, BOB), 'JWE_MALFORMED');
    expectCode(() => decryptJweEcdhEs(`${p[0]} `, BOB), 'JWE_MALFORMED');
  });

  test('rfc7518 §5.3: IV must be 96 bits and the tag 128 bits', () => {
    expectCode(
      () => decryptJweEcdhEs(replacePart(good, 2, encodeBase64Url(Buffer.alloc(16))), BOB),
      'JWE_MALFORMED',
    );
    expectCode(
      () => decryptJweEcdhEs(replacePart(good, 4, encodeBase64Url(Buffer.alloc(12))), BOB),
      'JWE_MALFORMED',
    );
    expectCode(() => decryptJweEcdhEs(replacePart(good, 3, 'a+b/'), BOB), 'JWE_MALFORMED');
  });

  test('header members: kid, apu and apv of the wrong type are refused', () => {
    for (const edit of [
      (h: Record<string, unknown>) => {
        h.kid = 1;
      },
      (h: Record<string, unknown>) => {
        h.apu = 'not base64url!';
      },
      (h: Record<string, unknown>) => {
        h.apv = ['x'];
      },
    ]) {
      expectCode(() => decryptJweEcdhEs(withHeader(good, edit), BOB), 'JWE_HEADER_INVALID');
    }
  });

  test('a duplicate header member is refused by the strict JSON parser', () => {
    const header = `{"alg":"ECDH-ES","alg":"dir","enc":"A128GCM"}`;
    expectCode(
      () => decryptJweEcdhEs(replacePart(good, 0, encodeBase64Url(header)), BOB),
      'JSON_DUPLICATE_KEY',
    );
  });

  test('size cap: a huge JWE is refused before parsing', () => {
    const huge = `${good}${'A'.repeat(1024 * 1024)}`;
    expectCode(() => decryptJweEcdhEs(huge, BOB), 'JWE_TOO_LARGE');
    expectCode(() => decryptJweEcdhEs(good, BOB, { maxBytes: 100 }), 'JWE_TOO_LARGE');
  });

  test('the recipient key must be an EC private key meant for encryption', () => {
    expectCode(() => decryptJweEcdhEs(good, { ...BOB, use: 'sig' }), 'JWK_USE_NOT_ALLOWED');
    expectCode(() => decryptJweEcdhEs(good, { ...BOB, alg: 'ES256' }), 'JWE_ALG_NOT_ALLOWED');
    expectCode(() => decryptJweEcdhEs(good, importPublicJwk(BOB_PUBLIC)), 'JWK_PRIVATE_KEY_REQUIRED');
    expectCode(() => decryptJweEcdhEs(good, { ...BOB, d: 'AA' }), 'JWK_INVALID');
  });
});

describe('encryptJweEcdhEs input checks', () => {
  test('refuses an unsupported enc, a private or signing recipient key, and reserved extra members', () => {
    expectCode(
      () => encryptJweEcdhEs('x', BOB_PUBLIC, { enc: 'A128CBC-HS256' as 'A128GCM' }),
      'JWE_ENC_NOT_ALLOWED',
    );
    expectCode(() => encryptJweEcdhEs('x', BOB, { enc: 'A128GCM' }), 'JWK_PRIVATE_KEY_NOT_ALLOWED');
    expectCode(
      () => encryptJweEcdhEs('x', { ...BOB_PUBLIC, use: 'sig' }, { enc: 'A128GCM' }),
      'JWK_USE_NOT_ALLOWED',
    );
    expectCode(
      () => encryptJweEcdhEs('x', { kty: 'OKP', crv: 'Ed25519', x: ALICE.x }, { enc: 'A128GCM' }),
      'JWK_UNSUPPORTED',
    );
    expectCode(
      () => encryptJweEcdhEs('x', BOB_PUBLIC, { enc: 'A128GCM', extraHeader: { zip: 'DEF' } }),
      'JWE_HEADER_INVALID',
    );
    expectCode(() => encryptJweEcdhEs('x', { ...BOB_PUBLIC, y: ALICE.y }, { enc: 'A128GCM' }), 'JWK_INVALID');
  });
});
