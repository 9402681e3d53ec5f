import { fixedClock, signJws, verifyJws } from '@haven/core';
import { beforeAll, describe, expect, test } from 'vitest';
import { createIdentifiers, createTestAgent, type TestAgent } from '../test/agent.js';
import { createKmsSigner } from './kms-signer.js';
import { publicJwkFromVeramoKey } from './veramo-key.js';

let agent: TestAgent;
let ids: Awaited<ReturnType<typeof createIdentifiers>>;

beforeAll(async () => {
  agent = createTestAgent(fixedClock(1_780_304_400));
  ids = await createIdentifiers(agent);
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('createKmsSigner', () => {
  test.each([
    ['Ed25519 → EdDSA', () => ids.employer, 'EdDSA'],
    ['Secp256r1 → ES256 (P1363 r‖s)', () => ids.employerP256, 'ES256'],
  ])(
    '%s: the KMS signature verifies under the public key read from publicKeyHex',
    async (_name, pick, alg) => {
      const key = pick().keys[0]!;
      const signer = createKmsSigner(agent, key, { kid: 'k-1' });
      expect(signer.alg).toBe(alg);
      // Bytes that are not valid UTF-8 survive: they go to the KMS as hex.
      const payload = new Uint8Array([0xff, 0xfe, 0x00, 0x80]);
      const token = await signJws(payload, { signer, typ: 'JWT' });
      const verified = verifyJws(token, {
        algorithms: [signer.alg],
        typ: 'JWT',
        key: publicJwkFromVeramoKey(key),
        payload: 'bytes',
      });
      expect(verified.header.kid).toBe('k-1');
      expect([...(verified.payload as unknown as Uint8Array)]).toEqual([...payload]);
    },
  );

  test('Secp256k1 is refused with VERAMO_KEY_UNSUPPORTED', () => {
    expect(() => createKmsSigner(agent, ids.legacy.keys[0]!)).toThrow(
      expect.objectContaining({ code: 'VERAMO_KEY_UNSUPPORTED' }),
    );
  });

  test('a KMS failure is VERAMO_SIGN_FAILED, and its message is not passed on', async () => {
    const failing = {
      keyManagerSign: async () => Promise.reject(new Error('key_not_found: kid=secret-alias')),
    };
    const signer = createKmsSigner(failing, { kid: 'x', type: 'Ed25519' });
    const error = await Promise.resolve(signer.sign(new Uint8Array(1))).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VERAMO_SIGN_FAILED' });
    expect(String((error as Error).message)).not.toContain('secret-alias');
    expect((error as Error).cause).toBeUndefined();
  });

  test('a KMS answer that is not base64url is VERAMO_SIGN_FAILED; a DER signature is JWS_SIGNER_OUTPUT_INVALID', async () => {
    const garbage = createKmsSigner(
      { keyManagerSign: async () => '0x3045…' },
      { kid: 'x', type: 'Secp256r1' },
    );
    expect(await codeOf(signJws({ a: 1 }, { signer: garbage }))).toBe('VERAMO_SIGN_FAILED');
    const der = Buffer.alloc(71, 1).toString('base64url');
    const wrongLength = createKmsSigner({ keyManagerSign: async () => der }, { kid: 'x', type: 'Secp256r1' });
    expect(await codeOf(signJws({ a: 1 }, { signer: wrongLength }))).toBe('JWS_SIGNER_OUTPUT_INVALID');
  });
});

describe('publicJwkFromVeramoKey', () => {
  test('a compressed and an uncompressed P-256 point give the same JWK', () => {
    const compressed = ids.worker.keys[0]!;
    const jwk = publicJwkFromVeramoKey(compressed);
    const uncompressed = `04${Buffer.from(jwk.x, 'base64url').toString('hex')}${Buffer.from(jwk.y!, 'base64url').toString('hex')}`;
    expect(publicJwkFromVeramoKey({ type: 'Secp256r1', publicKeyHex: uncompressed })).toEqual(jwk);
    expect(compressed.publicKeyHex).toHaveLength(66);
  });

  test('malformed public keys are refused', () => {
    expect(() => publicJwkFromVeramoKey({ type: 'Ed25519', publicKeyHex: 'ab'.repeat(31) })).toThrow(
      expect.objectContaining({ code: 'VERAMO_KEY_UNSUPPORTED' }),
    );
    expect(() => publicJwkFromVeramoKey({ type: 'Secp256r1', publicKeyHex: `04${'00'.repeat(64)}` })).toThrow(
      expect.objectContaining({ code: 'JWK_INVALID' }),
    );
    expect(() => publicJwkFromVeramoKey({ type: 'X25519', publicKeyHex: 'ab'.repeat(32) })).toThrow(
      expect.objectContaining({ code: 'VERAMO_KEY_UNSUPPORTED' }),
    );
  });
});
