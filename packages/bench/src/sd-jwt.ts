import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, verify } from 'node:crypto';
import { createSigner, fixedClock, generateKeyPair, toPublicJwk } from '@haven/core';
import { issueSdJwtVcSync, presentSdJwtSync, verifySdJwtVc } from '@haven/sd-jwt';
import { ES256, generateSalt, digest as peerDigest } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { type Comparison, type ComparisonSet, compare } from './harness.js';

const NOW = 1_780_304_400;
const NONCE = 'n-0S6_WzA2Mj';
const AUD = 'x509_san_dns:inspector.example';

// A labour-contract-like credential with 12 selectively disclosable claims.
const CLAIMS = {
  iss: 'https://employer.example',
  vct: 'https://haven.example/vct/labour-contract/v1',
  iat: NOW - 3600,
  exp: NOW + 365 * 86_400,
  employer_name: 'Acme Textiles Ltd',
  employer_id: 'GB-COH-01234567',
  worker_reference: 'W-2026-00042',
  job_title: 'Machine operator',
  sector: 'C',
  workplace: 'Unit 4, Mill Road, Leicester',
  start_date: '2026-03-01',
  end_date: '2027-02-28',
  wage: '12.60 GBP/hour',
  hours_per_week: 40,
  no_recruitment_fees_paid: true,
  worker_keeps_identity_documents: true,
};
const SD_NAMES = Object.keys(CLAIMS).filter((k) => !['iss', 'vct', 'iat', 'exp'].includes(k));
const DISCLOSE = ['job_title', 'wage', 'hours_per_week'];

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** SD-JWT VC issue / present / verify: Haven, the raw crypto each step cannot avoid, and @sd-jwt/sd-jwt-vc. */
export async function benchSdJwt(): Promise<Comparison[]> {
  const issuer = generateKeyPair('ES256');
  const holder = generateKeyPair('ES256');
  const issuerSigner = createSigner(issuer.privateJwk);
  const holderSigner = createSigner(holder.privateJwk);
  const clock = fixedClock(NOW);
  const frame = { _sd: SD_NAMES };

  // Haven
  const credential = issueSdJwtVcSync(CLAIMS, {
    signer: issuerSigner,
    frame,
    holderPublicJwk: holder.publicJwk,
  });
  const keyBinding = { signer: holderSigner, nonce: NONCE, aud: AUD, clock };
  const disclose = DISCLOSE.map((n) => [n]);
  const presentation = presentSdJwtSync(credential, { disclose, keyBinding });
  const issuerPublic = toPublicJwk(issuer.publicJwk);
  const verifyOptions = {
    issuerKey: () => issuerPublic,
    clock,
    holderBinding: { required: true as const, nonce: NONCE, aud: AUD },
  };
  const check = await verifySdJwtVc(presentation, verifyOptions);
  if (!check.verified) throw new Error(`benchmark presentation does not verify: ${check.error.code}`);

  // Raw: the work each operation cannot avoid.
  const rawIssuerKey = createPrivateKey({ key: issuer.privateJwk, format: 'jwk' });
  const rawIssuerPublic = createPublicKey({ key: issuerPublic, format: 'jwk' });
  const rawHolderKey = createPrivateKey({ key: holder.privateJwk, format: 'jwk' });
  const rawHolderPublic = createPublicKey({ key: toPublicJwk(holder.publicJwk), format: 'jwk' });
  const signingInput = Buffer.from(credential.slice(0, credential.lastIndexOf('.', credential.indexOf('~'))));
  const jwtSignature = Buffer.from(
    credential.slice(credential.lastIndexOf('.', credential.indexOf('~')) + 1, credential.indexOf('~')),
    'base64url',
  );
  const presentedDisclosures = presentation.split('~').slice(1, -1);
  const kbJwt = presentation.slice(presentation.lastIndexOf('~') + 1);
  const kbInput = Buffer.from(kbJwt.slice(0, kbJwt.lastIndexOf('.')));
  const kbSignature = Buffer.from(kbJwt.slice(kbJwt.lastIndexOf('.') + 1), 'base64url');
  const sha256 = (s: string) => createHash('sha256').update(s).digest();
  const ecdsa = { dsaEncoding: 'ieee-p1363' as const };

  // The peer, given node:crypto KeyObjects too (its fastest configuration).
  const peerSign = (key: typeof rawIssuerKey) => async (data: string) =>
    b64(sign('sha256', Buffer.from(data), { key, ...ecdsa }));
  const peerVerify = (key: typeof rawIssuerPublic) => async (data: string, sig: string) =>
    verify('sha256', Buffer.from(data), { key, ...ecdsa }, Buffer.from(sig, 'base64url'));
  const peer = new SDJwtVcInstance({
    signer: peerSign(rawIssuerKey),
    signAlg: 'ES256',
    verifier: peerVerify(rawIssuerPublic),
    kbSigner: peerSign(rawHolderKey),
    kbSignAlg: 'ES256',
    kbVerifier: peerVerify(rawHolderPublic),
    hasher: peerDigest,
    hashAlg: 'sha-256',
    saltGenerator: generateSalt,
  });
  // …and as its README sets it up, with @sd-jwt/crypto-nodejs (WebCrypto) signers: the goal's baseline.
  const peerDefault = new SDJwtVcInstance({
    signer: await ES256.getSigner(issuer.privateJwk),
    signAlg: 'ES256',
    verifier: await ES256.getVerifier(issuerPublic),
    kbSigner: await ES256.getSigner(holder.privateJwk),
    kbSignAlg: 'ES256',
    kbVerifier: await ES256.getVerifier(toPublicJwk(holder.publicJwk)),
    hasher: peerDigest,
    hashAlg: 'sha-256',
    saltGenerator: generateSalt,
  });
  const peerFrame = { _sd: SD_NAMES } as never;
  const peerPayload = { ...CLAIMS, cnf: { jwk: toPublicJwk(holder.publicJwk) } };
  const peerCredential = await peer.issue(peerPayload, peerFrame);
  const peerPresentationFrame = Object.fromEntries(DISCLOSE.map((n) => [n, true])) as never;
  const peerKb = { payload: { iat: NOW, aud: AUD, nonce: NONCE } };
  const peerPresentation = await peer.present(peerCredential, peerPresentationFrame, { kb: peerKb });
  await peer.verify(peerPresentation, { keyBindingNonce: NONCE, currentDate: NOW });
  const peerDefaultCredential = await peerDefault.issue(peerPayload, peerFrame);
  const peerDefaultPresentation = await peerDefault.present(peerDefaultCredential, peerPresentationFrame, {
    kb: peerKb,
  });
  await peerDefault.verify(peerDefaultPresentation, { keyBindingNonce: NONCE, currentDate: NOW });

  const sets: ComparisonSet[] = [
    {
      haven: {
        name: 'issue SD-JWT VC, 12 SD claims',
        run: () =>
          issueSdJwtVcSync(CLAIMS, { signer: issuerSigner, frame, holderPublicJwk: holder.publicJwk }),
      },
      baselines: [
        {
          name: 'raw: 1 ES256 sign, 12 SHA-256, 12×16 random',
          run: () => {
            for (let i = 0; i < 12; i++) sha256(randomBytes(16).toString('base64url'));
            return sign('sha256', signingInput, { key: rawIssuerKey, ...ecdsa });
          },
        },
        { name: '@sd-jwt/sd-jwt-vc issue', run: () => peerDefault.issue(peerPayload, peerFrame) },
        { name: 'peer issue, node:crypto keys', run: () => peer.issue(peerPayload, peerFrame) },
      ],
    },
    {
      haven: {
        name: 'present 3 claims + KB-JWT',
        run: () => presentSdJwtSync(credential, { disclose, keyBinding }),
      },
      baselines: [
        {
          name: 'raw: 1 ES256 sign, 1 SHA-256',
          run: () => {
            sha256(presentation);
            return sign('sha256', kbInput, { key: rawHolderKey, ...ecdsa });
          },
        },
        {
          name: '@sd-jwt/sd-jwt-vc present',
          run: () => peer.present(peerCredential, peerPresentationFrame, { kb: peerKb }),
        },
      ],
    },
    {
      haven: {
        name: 'verify presentation (KB required)',
        run: () => verifySdJwtVc(presentation, verifyOptions),
      },
      baselines: [
        {
          name: 'raw: 2 ES256 verify, 4 SHA-256',
          run: () => {
            for (const d of presentedDisclosures) sha256(d);
            sha256(presentation.slice(0, presentation.lastIndexOf('~') + 1));
            return (
              verify('sha256', signingInput, { key: rawIssuerPublic, ...ecdsa }, jwtSignature) &&
              verify('sha256', kbInput, { key: rawHolderPublic, ...ecdsa }, kbSignature)
            );
          },
        },
        {
          name: '@sd-jwt/sd-jwt-vc verify',
          run: () =>
            peerDefault.verify(peerDefaultPresentation, { keyBindingNonce: NONCE, currentDate: NOW }),
        },
        {
          name: 'peer verify, node:crypto keys',
          run: () => peer.verify(peerPresentation, { keyBindingNonce: NONCE, currentDate: NOW }),
        },
      ],
    },
  ];

  return compare(sets);
}
