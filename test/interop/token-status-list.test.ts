import { deflateSync } from 'node:zlib';
import {
  createSigner,
  encodeBase64Url,
  fixedClock,
  type GuardedResponse,
  type PrivateJwk,
  toPublicJwk,
} from '@haven/core';
import { issueSdJwtSync, verifySdJwt } from '@haven/sd-jwt';
import {
  createTokenStatusListChecker,
  decodeStatusList,
  encodeStatusList,
  type StatusBits,
  StatusList,
  signStatusListToken,
  verifyStatusListToken,
} from '@haven/status';
import { ES256 } from '@sd-jwt/crypto-nodejs';
import {
  createHeaderAndPayload,
  getListFromStatusListJWT,
  StatusList as PeerStatusList,
} from '@sd-jwt/jwt-status-list';
import { describe, expect, test } from 'vitest';
import { FIXED_KEYS } from '../fixtures.js';

// Interop between Haven's Token Status List (draft-ietf-oauth-status-list) and @sd-jwt/jwt-status-list
// 0.19, both ways: compressed lists at every bit size, and Status List Tokens in JWT form.

const BITS: readonly StatusBits[] = [1, 2, 4, 8];
const SIZE = 10_000;
const URI = 'https://issuer.example/statuslists/7';
const ISS = 'https://issuer.example';
const T = 1_767_225_600;
const PRIVATE: PrivateJwk = FIXED_KEYS.ES256;
const PUBLIC = toPublicJwk(PRIVATE);

// A deterministic spread of every value the bit size can hold, so a swapped bit order cannot pass.
function valuesFor(bits: StatusBits): number[] {
  const max = (1 << bits) - 1;
  return Array.from({ length: SIZE }, (_, i) => ((i * 2_654_435_761) >>> 7) % (max + 1));
}

describe('status-list §4.1/§4.2 lists: Haven ⇄ @sd-jwt/jwt-status-list', () => {
  test.each(BITS)('status-list §4.1: a %i-bit list written by Haven is read by the peer', (bits) => {
    const values = valuesFor(bits);
    const { lst } = encodeStatusList(values, bits);
    const peer = PeerStatusList.decompressStatusList(lst, bits);
    expect(values.every((v, i) => peer.getStatus(i) === v)).toBe(true);
  });

  test.each(BITS)('status-list §4.1: a %i-bit list written by the peer is read by Haven', (bits) => {
    const values = valuesFor(bits);
    const lst = new PeerStatusList(values, bits).compressStatusList();
    const list = decodeStatusList({ bits, lst });
    expect(list.size).toBeGreaterThanOrEqual(SIZE);
    expect(values.every((v, i) => list.get(i) === v)).toBe(true);
  });
});

describe('status-list §5.1 tokens: Haven ⇄ @sd-jwt/jwt-status-list', () => {
  test.each(BITS)('status-list §5.1: a %i-bit Haven token is read by the peer', async (bits) => {
    const values = valuesFor(bits);
    const list = new StatusList(SIZE, bits);
    values.forEach((v, i) => {
      if (v !== 0) list.set(i, v);
    });
    const token = await signStatusListToken(list, {
      signer: createSigner(PRIVATE),
      sub: URI,
      iss: ISS,
      iat: T,
      ttl: 60,
    });
    const peer = getListFromStatusListJWT(token);
    expect(peer.getBitsPerStatus()).toBe(bits);
    expect(values.every((v, i) => peer.getStatus(i) === v)).toBe(true);
  });

  test.each(BITS)(
    'status-list §5.1: a %i-bit token built by the peer (signed with ES256) is verified by Haven',
    async (bits) => {
      const values = valuesFor(bits);
      const { header, payload } = createHeaderAndPayload(
        new PeerStatusList(values, bits),
        { sub: URI, iss: ISS, iat: T, exp: T + 3600 },
        { alg: 'ES256', typ: 'statuslist+jwt' },
      );
      const input = `${encodeBase64Url(JSON.stringify(header))}.${encodeBase64Url(JSON.stringify(payload))}`;
      const signature = await (await ES256.getSigner(PRIVATE))(input);
      const result = await verifyStatusListToken(`${input}.${signature}`, {
        key: PUBLIC,
        expectedSub: URI,
        expectedIssuer: ISS,
        clock: fixedClock(T + 10),
      });
      expect(values.every((v, i) => result.list.get(i) === v)).toBe(true);
    },
  );
});

describe('status-list §8.3 end to end with @haven/sd-jwt', () => {
  const signer = createSigner(PRIVATE);
  const list = new StatusList(1024, 2);
  list.set(5, 1);
  const clock = fixedClock(T);
  const serve = async (): Promise<GuardedResponse> => {
    const body = await signStatusListToken(list, { signer, sub: URI, iss: ISS, iat: T, exp: T + 600 });
    return {
      status: 200,
      url: URI,
      headers: { 'content-type': 'application/statuslist+jwt' },
      body: new TextEncoder().encode(body),
      json: () => undefined,
      text: () => body,
    };
  };
  const status = createTokenStatusListChecker({ fetch: serve, clock, issuerKey: () => PUBLIC });
  const issue = (idx: number) =>
    issueSdJwtSync(
      { iss: ISS, iat: T, vct: 'https://haven.example/vct/test', status: { status_list: { idx, uri: URI } } },
      { signer, typ: 'dc+sd-jwt' },
    );
  const options = {
    issuerKey: () => PUBLIC,
    typ: 'dc+sd-jwt',
    clock,
    holderBinding: { required: false } as const,
    status,
  };

  test('status-list §8.3: verifySdJwt accepts a VALID credential and reports what the check found', async () => {
    const result = await verifySdJwt(issue(4), options);
    expect(result).toMatchObject({
      verified: true,
      statusFound: { mechanism: 'token-status-list', status: 'VALID', stale: false },
    });
  });

  test('status-list §7.1: verifySdJwt refuses a revoked credential with STATUS_INVALID', async () => {
    const result = await verifySdJwt(issue(5), options);
    expect(result).toMatchObject({ verified: false, error: { code: 'STATUS_INVALID' } });
  });

  test('status-list §8.3 step 6: verifySdJwt refuses an index past the list with STATUS_INDEX_OUT_OF_RANGE', async () => {
    const result = await verifySdJwt(issue(4096), options);
    expect(result).toMatchObject({ verified: false, error: { code: 'STATUS_INDEX_OUT_OF_RANGE' } });
  });
});

describe('status-list: where the peer is lenient and Haven is strict', () => {
  const good = deflateSync(Uint8Array.of(0xc9, 0x44, 0xf9));

  test('status-list §4.1 step 4: bytes after the ZLIB stream — the peer reads on, Haven refuses', () => {
    const lst = encodeBase64Url(Buffer.concat([good, Buffer.from([1, 2, 3])]));
    expect(PeerStatusList.decompressStatusList(lst, 2).getStatus(1)).toBe(2);
    expect(() => decodeStatusList({ bits: 2, lst })).toThrow(
      expect.objectContaining({ code: 'STATUS_LIST_INVALID' }),
    );
  });

  test('status-list §8.3 step 6: index 1.5 — the peer answers undefined, Haven refuses', () => {
    const lst = encodeBase64Url(good);
    expect(PeerStatusList.decompressStatusList(lst, 2).getStatus(1.5)).toBeUndefined();
    expect(() => decodeStatusList({ bits: 2, lst }).get(1.5)).toThrow(
      expect.objectContaining({ code: 'STATUS_INDEX_OUT_OF_RANGE' }),
    );
  });
});
