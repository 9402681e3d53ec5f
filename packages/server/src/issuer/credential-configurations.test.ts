import {
  CREDENTIAL_TYPE_IDS,
  getCredentialType,
  HAVEN_CREDENTIALS_CONTEXT_URL,
  METADATA_LOCALES,
} from '@haven/credentials';
import { assertCredentialConfigurations } from '@haven/oid4vci';
import { describe, expect, test } from 'vitest';
import {
  configurationIdFor,
  createCredentialConfigurations,
  ISSUER_FORMATS,
  parseConfigurationId,
} from './credential-configurations.js';

const code = (c: string) => expect.objectContaining({ code: c });

describe('credential configurations (openid4vci §12.2.4, Appendix A)', () => {
  const configurations = createCredentialConfigurations();

  test('one configuration per type and format, ids <type>.<format>, accepted by @haven/oid4vci', () => {
    expect(Object.keys(configurations).sort()).toEqual(
      CREDENTIAL_TYPE_IDS.flatMap((t) => ISSUER_FORMATS.map((f) => `${t}.${f}`)).sort(),
    );
    expect(() => assertCredentialConfigurations(configurations)).not.toThrow();
  });

  test('Appendix A.3 dc+sd-jwt: vct, scope, jwk binding, ES256 signing, jwt proofs in ES256/ES384/EdDSA', () => {
    expect(configurations['labour-contract.dc+sd-jwt']).toMatchObject({
      format: 'dc+sd-jwt',
      vct: 'https://haven.example/vct/labour-contract/v1',
      scope: 'labour-contract.dc+sd-jwt',
      cryptographic_binding_methods_supported: ['jwk'],
      credential_signing_alg_values_supported: ['ES256'],
      proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['ES256', 'ES384', 'EdDSA'] } },
    });
    // The identity credential's vct does not say "restored" (every verifier sees the vct).
    expect(configurations['identity-restoration.dc+sd-jwt']?.vct).toBe(
      'https://haven.example/vct/civil-identity/v1',
    );
  });

  test('Appendix A.1: jwt_vc_json credential_definition.type; ldp_vc @context + type, eddsa-rdfc-2022; did:jwk binding', () => {
    expect(configurations['refugee-registration.jwt_vc_json']).toMatchObject({
      format: 'jwt_vc_json',
      cryptographic_binding_methods_supported: expect.arrayContaining(['did:jwk']),
      credential_signing_alg_values_supported: ['ES256'],
      credential_definition: { type: ['VerifiableCredential', 'RefugeeRegistrationCredential'] },
    });
    expect(configurations['refugee-registration.jwt_vc_json']?.credential_definition).not.toHaveProperty(
      '@context',
    );
    expect(configurations['refugee-registration.ldp_vc']).toMatchObject({
      format: 'ldp_vc',
      credential_signing_alg_values_supported: ['eddsa-rdfc-2022'],
      credential_definition: {
        '@context': ['https://www.w3.org/ns/credentials/v2', HAVEN_CREDENTIALS_CONTEXT_URL],
        type: ['VerifiableCredential', 'RefugeeRegistrationCredential'],
      },
    });
  });

  test('§12.2.4 credential_metadata: display (name, locale) in every locale; claims with path and display names', () => {
    for (const type of CREDENTIAL_TYPE_IDS) {
      const metadata = getCredentialType(type).typeMetadata;
      const sd = configurations[configurationIdFor(type, 'dc+sd-jwt')]?.credential_metadata as {
        display: { name: string; locale: string }[];
        claims: { path: unknown[]; display: { name: string; locale: string }[] }[];
      };
      expect(sd.display.map((d) => d.locale)).toEqual([...METADATA_LOCALES]);
      expect(sd.display.every((d) => d.name.length > 0)).toBe(true);
      expect(sd.claims.map((c) => c.path)).toEqual(metadata.claims?.map((c) => c.path));
      for (const claim of sd.claims) {
        expect(claim.display.map((d) => d.locale)).toEqual([...METADATA_LOCALES]);
        // Appendix B.2 uses `name`, not the Type Metadata `label`.
        expect(claim.display.every((d) => typeof d.name === 'string' && !('label' in d))).toBe(true);
      }
      // W3C claims live under credentialSubject.
      const w3c = configurations[configurationIdFor(type, 'ldp_vc')]?.credential_metadata as {
        claims: { path: unknown[] }[];
      };
      expect(w3c.claims.map((c) => c.path)).toEqual(
        metadata.claims?.map((c) => ['credentialSubject', ...c.path]),
      );
    }
  });

  test('a deployment vct base is used for every SD-JWT VC configuration; a non-https base is refused', () => {
    const own = createCredentialConfigurations({ vctBase: 'https://labour.gov.example/vct' });
    expect(own['labour-contract.dc+sd-jwt']?.vct).toBe('https://labour.gov.example/vct/labour-contract/v1');
    expect(() => createCredentialConfigurations({ vctBase: 'http://labour.gov.example/vct' })).toThrow(
      code('CREDENTIAL_OPTIONS_INVALID'),
    );
  });

  test('parseConfigurationId takes only ids it made: prototype names, other formats, extra dots are not', () => {
    expect(parseConfigurationId('labour-contract.ldp_vc')).toEqual({
      credentialType: 'labour-contract',
      format: 'ldp_vc',
    });
    for (const id of [
      '',
      'labour-contract',
      'labour-contract.',
      '.dc+sd-jwt',
      'labour-contract.mso_mdoc',
      'labour-contract.dc+sd-jwt.x',
      '__proto__.dc+sd-jwt',
      'constructor.ldp_vc',
      'labour-contract.toString',
      'LABOUR-CONTRACT.dc+sd-jwt',
    ]) {
      expect(parseConfigurationId(id)).toBeUndefined();
    }
  });
});
