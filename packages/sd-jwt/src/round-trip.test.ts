import { fixedClock } from '@haven/core';
import { describe, expect, test } from 'vitest';
import { HOLDER_PUBLIC, holderSigner, ISSUER_PUBLIC, issuerSigner } from '../test/keys.js';
import { issueSdJwtSync } from './issue.js';
import { presentSdJwtSync } from './present.js';
import { verifySdJwt } from './verify.js';

const NOW = 1_780_304_400;
const clock = fixedClock(NOW);
const claims = {
  iss: 'https://registry.example',
  iat: NOW - 60,
  exp: NOW + 3600,
  given_name: 'Amina',
  family_name: 'Haddad',
  birthdate: '1990-05-01',
  address: { street_address: '1 Rue X', locality: 'Lyon', country: 'FR' },
  nationalities: ['FR', 'SY'],
  age_over_18: true,
};
const frame = {
  _sd: ['given_name', 'family_name', 'birthdate', 'address', 'nationalities', 'age_over_18'],
  address: { _sd: ['street_address', 'locality', 'country'] },
  nationalities: { _sd: [0, 1], _sd_decoy: 1 },
  _sd_decoy: 2,
};

describe('round trip', () => {
  const sdJwt = issueSdJwtSync(claims, {
    signer: issuerSigner,
    typ: 'example+sd-jwt',
    frame,
    holderPublicJwk: HOLDER_PUBLIC,
  });

  test('issue → present some → verify with KB', async () => {
    const vp = presentSdJwtSync(sdJwt, {
      disclose: [['age_over_18'], ['address', 'locality'], ['nationalities', null]],
      keyBinding: { signer: holderSigner, nonce: 'n-1', aud: 'https://verifier.example', clock },
    });
    const result = await verifySdJwt(vp, {
      issuerKey: () => ISSUER_PUBLIC,
      typ: 'example+sd-jwt',
      clock,
      holderBinding: { required: true, nonce: 'n-1', aud: 'https://verifier.example' },
    });
    expect(result).toMatchObject({ verified: true });
    if (!result.verified) return;
    expect(result.claims).toEqual({
      iss: 'https://registry.example',
      iat: NOW - 60,
      exp: NOW + 3600,
      cnf: { jwk: HOLDER_PUBLIC },
      address: { locality: 'Lyon' },
      nationalities: ['FR', 'SY'],
      age_over_18: true,
    });
    expect(result.checks.map((c) => c.name)).toEqual([
      'format',
      'issuer_signature',
      'hash_algorithm',
      'disclosures',
      'validity',
      'holder_binding',
    ]);
  });
});
