import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { createSigner, encodeBase64Url, fixedClock, generateKeyPair, toPublicJwk } from '@haven/core';
import { decodeStatusList, StatusList, signStatusListToken, verifyStatusListToken } from '@haven/status';
import { StatusList as PeerStatusList } from '@sd-jwt/jwt-status-list';
import { type Comparison, type ComparisonSet, compare } from './harness.js';

const ENTRIES = 1_000_000;
const LOOKUPS = 1_000;
const URI = 'https://issuer.example/statuslists/1';
const ISS = 'https://issuer.example';
const IAT = 1_767_225_600;

/**
 * Token Status List (draft-ietf-oauth-status-list): building and signing a 1,000,000-entry list, reading
 * statuses from a decoded list, and verifying a list token, each next to raw node:zlib/node:crypto doing
 * the same core work and, where it has the operation, @sd-jwt/jwt-status-list.
 */
export async function benchStatus(): Promise<Comparison[]> {
  const { privateJwk, publicJwk } = generateKeyPair('ES256');
  const signer = createSigner(privateJwk);
  const rawPrivate = createPrivateKey({ key: privateJwk, format: 'jwk' });
  const rawPublic = createPublicKey({ key: toPublicJwk(publicJwk), format: 'jwk' });
  const clock = fixedClock(IAT + 10);

  // About 1% revoked, spread pseudo-randomly as random index allocation would leave it.
  const list = new StatusList(ENTRIES, 1);
  const values: number[] = new Array(ENTRIES).fill(0);
  for (let i = 0; i < ENTRIES / 100; i++) {
    const index = (i * 2_654_435_761) % ENTRIES;
    list.set(index, 1);
    values[index] = 1;
  }
  const peer = new PeerStatusList(values, 1);
  const signOptions = { signer, sub: URI, iss: ISS, iat: IAT, exp: IAT + 3600, ttl: 300 };
  const token = await signStatusListToken(list, signOptions);
  const signingInput = Buffer.from(token.slice(0, token.lastIndexOf('.')), 'latin1');
  const signature = Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url');
  const header = token.slice(0, token.indexOf('.'));
  const decoded = decodeStatusList(encodeStatusListOf(token));
  const bytes = decoded.bytes;
  const peerDecoded = PeerStatusList.decompressStatusList(encodeStatusListOf(token).lst, 1);
  const indexes = Array.from({ length: LOOKUPS }, (_, i) => (i * 40_503 + 17) % ENTRIES);
  const rawSign = (data: Buffer) => sign('sha256', data, { key: rawPrivate, dsaEncoding: 'ieee-p1363' });

  const sets: ComparisonSet[] = [
    {
      haven: {
        name: 'encode+compress+sign 1,000,000-entry list',
        run: () => signStatusListToken(list, signOptions),
      },
      baselines: [
        {
          name: 'raw zlib deflateSync(9) + base64url + ES256 sign',
          run: () => {
            const lst = encodeBase64Url(deflateSync(list.bytes, { level: 9 }));
            const payload = {
              sub: URI,
              iss: ISS,
              iat: IAT,
              exp: IAT + 3600,
              ttl: 300,
              status_list: { bits: 1, lst },
            };
            return rawSign(Buffer.from(`${header}.${encodeBase64Url(JSON.stringify(payload))}`, 'latin1'));
          },
        },
        {
          name: '@sd-jwt/jwt-status-list compressStatusList (no sign)',
          run: () => peer.compressStatusList(),
        },
      ],
    },
    {
      haven: {
        name: `lookup in a decoded list (×${LOOKUPS})`,
        run: () => {
          let sum = 0;
          for (const i of indexes) sum += decoded.get(i);
          return sum;
        },
      },
      baselines: [
        {
          name: `raw Uint8Array bit read (×${LOOKUPS})`,
          run: () => {
            let sum = 0;
            for (const i of indexes) sum += ((bytes[i >>> 3] as number) >>> (i & 7)) & 1;
            return sum;
          },
        },
        {
          name: `@sd-jwt/jwt-status-list getStatus (×${LOOKUPS})`,
          run: () => {
            let sum = 0;
            for (const i of indexes) sum += peerDecoded.getStatus(i);
            return sum;
          },
        },
      ],
    },
    {
      haven: {
        name: 'verify+decode a list token',
        run: () =>
          verifyStatusListToken(token, { key: publicJwk, expectedSub: URI, expectedIssuer: ISS, clock }),
      },
      baselines: [
        {
          name: 'raw ES256 verify',
          run: () => verify('sha256', signingInput, { key: rawPublic, dsaEncoding: 'ieee-p1363' }, signature),
        },
        {
          name: 'raw ES256 verify + JSON + inflateSync',
          run: () => {
            verify('sha256', signingInput, { key: rawPublic, dsaEncoding: 'ieee-p1363' }, signature);
            const payload = JSON.parse(
              Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8'),
            );
            return inflateSync(Buffer.from(payload.status_list.lst, 'base64url'));
          },
        },
      ],
    },
  ];
  return compare(sets);
}

function encodeStatusListOf(token: string): { bits: 1; lst: string } {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8'));
  return { bits: 1, lst: payload.status_list.lst };
}
