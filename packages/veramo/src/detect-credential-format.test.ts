import { createSigner, type PrivateJwk, signJwsSync } from '@haven/core';
import { describe, expect, test } from 'vitest';
import { detectCredentialFormat } from './detect-credential-format.js';

const KEY: PrivateJwk = {
  kty: 'OKP',
  crv: 'Ed25519',
  x: 'UAq6OCQXCDuwm6rW_unDXyP60C6cQbbOnvBm--kH0eE',
  d: 'iO4tU1i39x79lg0KO_PPohfZA9XX7BrF2jz41x7gf9c',
};
const signer = createSigner(KEY);
const v1 = { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiableCredential'] };

describe('detectCredentialFormat', () => {
  test.each([
    ['an SD-JWT', `${signJwsSync({ vct: 'x' }, { signer, typ: 'dc+sd-jwt' })}~`, 'dc+sd-jwt'],
    ['a vc+jwt', signJwsSync({ issuer: 'did:example:a' }, { signer, typ: 'vc+jwt' }), 'vc+jwt'],
    [
      'an application/vc+jwt',
      signJwsSync({ issuer: 'did:example:a' }, { signer, typ: 'application/vc+jwt' }),
      'vc+jwt',
    ],
    ['a VCDM 1.1 JWT', signJwsSync({ iss: 'did:example:a', vc: v1 }, { signer, typ: 'JWT' }), 'vc1+jwt'],
    ['a Data Integrity credential', { ...v1, proof: { type: 'DataIntegrityProof' } }, 'data-integrity'],
    ['a JWT without vc', signJwsSync({ iss: 'did:example:a' }, { signer, typ: 'JWT' }), undefined],
    ['a credential with another proof type', { ...v1, proof: { type: 'Ed25519Signature2020' } }, undefined],
    ['a credential without proof', v1, undefined],
    ['garbage', 'not a token', undefined],
  ])('%s', (_name, input, format) => {
    expect(detectCredentialFormat(input)).toBe(format);
  });
});
