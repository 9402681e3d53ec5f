import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import {
  createSigner,
  encodeBase64Url,
  generateKeyPair,
  type JwsAlgorithm,
  signJwsSync,
  toPublicJwk,
  verifyJws,
} from '@haven/core';
import { CompactSign, compactVerify, importJWK } from 'jose';
import { type Comparison, type ComparisonSet, compare } from './harness.js';

const PAYLOAD = {
  iss: 'did:web:registry.example.gov',
  vct: 'https://haven.example/vct/identity-restoration',
  iat: 1_767_225_600,
  exp: 1_798_761_600,
  cnf: {
    jwk: {
      kty: 'EC',
      crv: 'P-256',
      x: 'BXoHvjNpJVZS597ZiU9JWxGMU5UEdPlo8TbFOemFaDY',
      y: 'w1MZmqRYZQc4yvDflHAPpzc1fMMMapZbwbAhjS567kI',
    },
  },
  _sd: Array.from({ length: 12 }, (_, i) => encodeBase64Url(new Uint8Array(32).fill(i))),
  _sd_alg: 'sha-256',
};

async function casesFor(alg: JwsAlgorithm) {
  const { privateJwk, publicJwk } = generateKeyPair(alg);
  const hash = alg === 'EdDSA' ? null : alg === 'ES256' ? 'sha256' : 'sha384';
  const rawPrivate = createPrivateKey({ key: privateJwk, format: 'jwk' });
  const rawPublic = createPublicKey({ key: toPublicJwk(publicJwk), format: 'jwk' });
  const signer = createSigner(privateJwk);
  const token = signJwsSync(PAYLOAD, { signer, typ: 'dc+sd-jwt' });
  const signingInput = Buffer.from(token.slice(0, token.lastIndexOf('.')));
  const signature = Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url');
  const joseAlg = alg === 'EdDSA' ? 'EdDSA' : alg;
  const josePrivate = await importJWK(privateJwk, joseAlg);
  const josePublic = await importJWK(toPublicJwk(publicJwk), joseAlg);
  const payloadBytes = new TextEncoder().encode(JSON.stringify(PAYLOAD));
  const policy = { algorithms: [alg], typ: 'dc+sd-jwt', key: publicJwk } as const;

  const headerPart = token.slice(0, token.indexOf('.'));
  const payloadPart = token.slice(token.indexOf('.') + 1, token.lastIndexOf('.'));
  const rawSign = (input: Buffer) => sign(hash, input, { key: rawPrivate, dsaEncoding: 'ieee-p1363' });
  const rawVerify = () =>
    verify(hash, signingInput, { key: rawPublic, dsaEncoding: 'ieee-p1363' }, signature);

  // Each set: Haven's case, then its baselines. "raw … + JSON" does the least any JWS library must do
  // besides the signature (serialize and encode, or decode and parse): the ratio against it is Haven's
  // own overhead; the ratio against bare raw crypto is the goal.
  const sets: ComparisonSet[] = [
    {
      haven: {
        name: `@haven/core signJwsSync ${alg}`,
        run: () => signJwsSync(PAYLOAD, { signer, typ: 'dc+sd-jwt' }),
      },
      baselines: [
        { name: `raw node:crypto ${alg} sign`, run: () => rawSign(signingInput) },
        {
          name: `raw ${alg} sign + JSON`,
          run: () =>
            rawSign(Buffer.from(`${headerPart}.${encodeBase64Url(JSON.stringify(PAYLOAD))}`, 'latin1')),
        },
        {
          name: `jose CompactSign ${alg}`,
          run: () =>
            new CompactSign(payloadBytes)
              .setProtectedHeader({ alg: joseAlg, typ: 'dc+sd-jwt' })
              .sign(josePrivate),
        },
      ],
    },
    {
      haven: {
        name: `@haven/core verifyJws ${alg}`,
        run: () => verifyJws(token, { ...policy, algorithms: [alg] }),
      },
      baselines: [
        { name: `raw node:crypto ${alg} verify`, run: rawVerify },
        {
          name: `raw ${alg} verify + JSON`,
          run: () => rawVerify() && JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')),
        },
        {
          name: `jose compactVerify ${alg}`,
          run: () => compactVerify(token, josePublic, { algorithms: [joseAlg] }),
        },
      ],
    },
  ];
  return sets;
}

/** Core JWS against raw node:crypto (the ceiling) and jose (the common peer), ES256 and EdDSA. */
export async function benchJws(): Promise<Comparison[]> {
  return compare([...(await casesFor('ES256')), ...(await casesFor('EdDSA'))]);
}
