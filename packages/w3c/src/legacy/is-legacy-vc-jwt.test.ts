import { createSigner, type PrivateJwk, signJwsSync } from '@haven/core';
import { describe, expect, test } from 'vitest';
import { VC_V1_CONTEXT } from './decode-jwt-credential.js';
import { isLegacyVcJwt } from './is-legacy-vc-jwt.js';

const KEY: PrivateJwk = {
  kty: 'OKP',
  crv: 'Ed25519',
  x: 'UAq6OCQXCDuwm6rW_unDXyP60C6cQbbOnvBm--kH0eE',
  d: 'iO4tU1i39x79lg0KO_PPohfZA9XX7BrF2jz41x7gf9c',
};
const signer = createSigner(KEY);
const vc = { '@context': [VC_V1_CONTEXT], type: ['VerifiableCredential'], credentialSubject: {} };

// Standard base64 with padding and '/': a strict base64url decoder must refuse it.
const LENIENT = Buffer.from(JSON.stringify({ vc, note: '???' })).toString('base64');

describe('isLegacyVcJwt', () => {
  test('the lenient fixture really is not base64url', () => {
    expect(LENIENT).toMatch(/[+/=]/);
  });

  test('a compact JWS whose payload has a vc object is a VCDM 1.1 JWT', () => {
    expect(isLegacyVcJwt(signJwsSync({ iss: 'did:example:a', vc }, { signer, typ: 'JWT' }))).toBe(true);
  });

  test.each([
    [
      'a VC-JOSE vc+jwt (the credential is the payload)',
      signJwsSync({ ...vc, issuer: 'did:example:a' }, { signer, typ: 'vc+jwt' }),
    ],
    [
      'a VP JWT',
      signJwsSync({ iss: 'did:example:a', vp: { type: ['VerifiablePresentation'] } }, { signer, typ: 'JWT' }),
    ],
    ['a vc claim that is not an object', signJwsSync({ vc: 'x' }, { signer, typ: 'JWT' })],
    ['an SD-JWT', `${signJwsSync({ vc }, { signer, typ: 'dc+sd-jwt' })}~`],
    ['a payload in lenient base64', `eyJhbGciOiJFZERTQSJ9.${LENIENT}.AA`],
    ['not a string', 42],
    ['two parts', 'eyJhbGciOiJFZERTQSJ9.e30'],
  ])('%s is not', (_name, input) => {
    expect(isLegacyVcJwt(input)).toBe(false);
  });
});
