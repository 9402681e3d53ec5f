import { fixedClock } from '@haven/core';
import { describe, expect, test } from 'vitest';
import { HOLDER_PUBLIC, ISSUER_PUBLIC, issuerSigner } from '../test/keys.js';
import { presentSdJwtSync } from './present.js';
import { issueSdJwtVcSync, verifySdJwtVc } from './sd-jwt-vc.js';
import type { TypeMetadata } from './type-metadata.js';

const NOW = 1_780_304_400;
const vct = 'https://haven.example/vct/test/v1';
const metadata: TypeMetadata = {
  vct,
  claims: [
    { path: ['given_name'], sd: 'always', mandatory: true },
    { path: ['nationalities'], sd: 'always' },
    { path: ['nationalities', null], sd: 'always' },
    { path: ['place_of_birth'], sd: 'always' },
    { path: ['place_of_birth', 'country'], sd: 'never' },
    { path: ['document_type'], sd: 'never', mandatory: true },
  ],
} as TypeMetadata;
const claims = {
  iss: 'https://registry.example',
  vct,
  iat: NOW,
  document_type: 'civil',
  given_name: 'Amina',
  nationalities: ['FR', 'SY'],
  place_of_birth: { locality: 'Aleppo', country: 'SY' },
};
const goodFrame = {
  _sd: ['given_name', 'nationalities', 'place_of_birth'],
  nationalities: { _sd: [0, 1] },
  place_of_birth: { _sd: ['locality'] },
};

async function verify(
  frame: object,
  disclose = [['given_name'], ['nationalities', null], ['place_of_birth']],
  extra: Record<string, unknown> = claims,
) {
  const credential = issueSdJwtVcSync(extra, {
    signer: issuerSigner,
    frame: frame as never,
    holderPublicJwk: HOLDER_PUBLIC,
  });
  const result = await verifySdJwtVc(presentSdJwtSync(credential, { disclose }), {
    issuerKey: () => ISSUER_PUBLIC,
    clock: fixedClock(NOW),
    holderBinding: { required: false },
    typeMetadata: metadata,
  });
  return result.verified ? 'VERIFIED' : result.error.code;
}

describe('SD-JWT VC §Processing Type Metadata: claims validated against claim metadata', () => {
  test('a credential that follows its type verifies', async () => {
    expect(await verify(goodFrame)).toBe('VERIFIED');
  });

  test('§Claim Selective Disclosure Metadata: a claim the type says is always SD, issued plain, is rejected', async () => {
    expect(await verify({ ...goodFrame, _sd: ['nationalities', 'place_of_birth'] })).toBe(
      'SDJWT_VC_TYPE_METADATA_VIOLATION',
    );
  });

  test('an array element the type says is always SD, issued plain inside a disclosed array, is rejected', async () => {
    expect(await verify({ ...goodFrame, nationalities: { _sd: [0] } })).toBe(
      'SDJWT_VC_TYPE_METADATA_VIOLATION',
    );
  });

  test('a claim the type says is never SD, issued as a disclosure, is rejected', async () => {
    expect(await verify({ ...goodFrame, place_of_birth: { _sd: ['locality', 'country'] } })).toBe(
      'SDJWT_VC_TYPE_METADATA_VIOLATION',
    );
  });

  test('§Claim Mandatory Metadata: a mandatory never-SD claim that is missing is rejected; an undisclosed SD one is not', async () => {
    const { document_type: _omitted, ...withoutDocumentType } = claims;
    expect(await verify(goodFrame, undefined, withoutDocumentType)).toBe('SDJWT_VC_TYPE_METADATA_VIOLATION');
    // given_name is mandatory but selectively disclosable: not disclosing it is the holder's right.
    expect(await verify(goodFrame, [['nationalities', null]])).toBe('VERIFIED');
  });

  test('Type Metadata for another vct is refused', async () => {
    const credential = issueSdJwtVcSync(
      { ...claims, vct: 'https://haven.example/vct/other/v1' },
      { signer: issuerSigner, frame: goodFrame, holderPublicJwk: HOLDER_PUBLIC },
    );
    const result = await verifySdJwtVc(credential, {
      issuerKey: () => ISSUER_PUBLIC,
      clock: fixedClock(NOW),
      holderBinding: { required: false },
      typeMetadata: metadata,
    });
    expect(result.verified ? 'VERIFIED' : result.error.code).toBe('SDJWT_VC_TYPE_METADATA_VIOLATION');
  });
});
