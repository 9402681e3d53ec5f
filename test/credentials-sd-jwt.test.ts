import { createSigner, fixedClock, toPublicJwk } from '@haven/core';
import {
  CREDENTIAL_TYPE_IDS,
  checkRequestAgainstPurpose,
  claimsForPurpose,
  claimsTemplate,
  getCredentialType,
  PURPOSES,
  prepareIssuance,
} from '@haven/credentials';
import {
  issueSdJwtVcSync,
  parseTypeMetadata,
  presentSdJwtSync,
  type TypeMetadata,
  verifySdJwtVc,
} from '@haven/sd-jwt';
import { describe, expect, test } from 'vitest';
import { FIXED_KEYS } from './fixtures.js';

const NOW = 1_780_304_400;
const clock = fixedClock(NOW);
const ISS = 'https://registry.example';
const issuer = createSigner(FIXED_KEYS.ES256, { kid: 'registry-1' });
const holderKey = FIXED_KEYS.EdDSA;
const holder = createSigner(holderKey);

function issue(typeId: (typeof CREDENTIAL_TYPE_IDS)[number]): string {
  const prepared = prepareIssuance(typeId, claimsTemplate(typeId), { now: NOW });
  return issueSdJwtVcSync(
    { iss: ISS, vct: prepared.vct, iat: NOW - 60, exp: NOW + 86_400, ...prepared.claims },
    { signer: issuer, frame: prepared.disclosureFrame, holderPublicJwk: toPublicJwk(holderKey) },
  );
}

const cases = Object.values(PURPOSES).flatMap((purpose) =>
  Object.keys(purpose.credentialTypes).map((typeId) => [purpose.id, typeId] as const),
);

describe('the three credential types through SD-JWT VC, one purpose at a time', () => {
  test.each(CREDENTIAL_TYPE_IDS)(
    '%s: a full credential verifies and every personal claim is selectively disclosable',
    async (typeId) => {
      const credential = issue(typeId);
      const result = await verifySdJwtVc(credential, {
        issuerKey: () => toPublicJwk(FIXED_KEYS.ES256),
        clock,
        holderBinding: { required: false, rejectKeyBinding: true },
      });
      expect(result.verified ? 'ok' : result.error.code).toBe('ok');
      if (!result.verified) return;
      // Only the registered, always-plain claims are visible without disclosures.
      const bare = presentSdJwtSync(credential, { disclose: [] });
      const plain = await verifySdJwtVc(bare, {
        issuerKey: () => toPublicJwk(FIXED_KEYS.ES256),
        clock,
        holderBinding: { required: false },
      });
      expect(plain.verified && Object.keys(plain.claims).sort()).toEqual(['cnf', 'exp', 'iat', 'iss', 'vct']);
    },
  );

  test.each(cases)(
    'purpose %s on %s: the verifier receives exactly the purpose’s claims, nothing more',
    async (purposeId, typeId) => {
      const credential = issue(typeId as (typeof CREDENTIAL_TYPE_IDS)[number]);
      const allowed = claimsForPurpose(purposeId, typeId);
      checkRequestAgainstPurpose(purposeId, [{ credentialType: typeId, claims: allowed }]);
      // The holder discloses what the purpose allows and the credential has (optional claims may be absent).
      const available = allowed.filter((path) => {
        try {
          presentSdJwtSync(credential, { disclose: [path] });
          return true;
        } catch {
          return false;
        }
      });
      const presentation = presentSdJwtSync(credential, {
        disclose: available,
        keyBinding: { signer: holder, nonce: 'n-1', aud: `x509_san_dns:${purposeId}.example`, clock },
      });
      const result = await verifySdJwtVc(presentation, {
        issuerKey: () => toPublicJwk(FIXED_KEYS.ES256),
        clock,
        holderBinding: { required: true, nonce: 'n-1', aud: `x509_san_dns:${purposeId}.example` },
      });
      expect(result.verified ? 'ok' : result.error.code).toBe('ok');
      if (!result.verified) return;
      // Every disclosed path lies within an allowed path: the presentation carries nothing beyond the purpose.
      for (const path of result.disclosed) {
        expect(() =>
          checkRequestAgainstPurpose(purposeId, [{ credentialType: typeId, claims: [path] }]),
        ).not.toThrow();
      }
      expect(result.disclosed.length).toBeGreaterThan(0);
    },
  );

  test.each(CREDENTIAL_TYPE_IDS)(
    '%s: credentials issued with the default frame satisfy the type’s own Type Metadata',
    async (typeId) => {
      const metadata = getCredentialType(typeId).typeMetadata as unknown as TypeMetadata;
      expect(() => parseTypeMetadata(metadata)).not.toThrow();
      const result = await verifySdJwtVc(issue(typeId), {
        issuerKey: () => toPublicJwk(FIXED_KEYS.ES256),
        clock,
        holderBinding: { required: false },
        typeMetadata: metadata,
      });
      expect(result.verified ? 'ok' : result.error.code).toBe('ok');
    },
  );

  test('clinic.identity-minimal never sees nationalities or birth place, and asking for them is OVER_ASKING', () => {
    expect(() =>
      checkRequestAgainstPurpose('clinic.identity-minimal', [
        { credentialType: 'identity-restoration', claims: [['nationalities', null]] },
      ]),
    ).toThrow(expect.objectContaining({ code: 'OVER_ASKING' }));
  });
});
