import {
  CREDENTIAL_TYPE_IDS,
  type CredentialTypeId,
  getCredentialType,
  HAVEN_CREDENTIALS_CONTEXT_URL,
  isCredentialTypeId,
  W3C_CREDENTIAL_TYPES,
} from '@haven/credentials';
import type { CredentialConfiguration } from '@haven/oid4vci';
import { VC_V2_CONTEXT } from '@haven/w3c';

/** The credential formats the issuer offers (OpenID4VCI Appendix A). */
export const ISSUER_FORMATS = ['dc+sd-jwt', 'jwt_vc_json', 'ldp_vc'] as const;

/** One of {@link ISSUER_FORMATS}. */
export type IssuerFormat = (typeof ISSUER_FORMATS)[number];

/**
 * Is `value` one of {@link ISSUER_FORMATS}?
 *
 * @example
 * ```ts
 * isIssuerFormat('ldp_vc') // true
 * isIssuerFormat('mso_mdoc') // false
 * ```
 */
export function isIssuerFormat(value: unknown): value is IssuerFormat {
  return typeof value === 'string' && (ISSUER_FORMATS as readonly string[]).includes(value);
}

/** Algorithms the wallet may sign key proofs with (OpenID4VCI §8.2.1.1 `jwt` proof type). */
export const PROOF_SIGNING_ALGORITHMS = ['ES256', 'ES384', 'EdDSA'] as const;

/**
 * Holder binding of the W3C formats: the credential names the holder as the `did:jwk` of the key the
 * wallet proved possession of (`credentialSubject.id`). `jwk` is listed too because that is how the
 * proof carries the key: `@haven/oid4vci` takes the key from the proof's `jwk` header only.
 */
export const W3C_BINDING_METHODS: readonly string[] = Object.freeze(['did:jwk', 'jwk']);

/** The Data Integrity cryptosuite of `ldp_vc` credentials. */
export const LDP_VC_CRYPTOSUITE = 'eddsa-rdfc-2022';

/**
 * The configuration id of a type in a format: `<type-id>.<format>`.
 *
 * @example
 * ```ts
 * configurationIdFor('labour-contract', 'dc+sd-jwt') // 'labour-contract.dc+sd-jwt'
 * ```
 */
export function configurationIdFor(type: CredentialTypeId, format: IssuerFormat): string {
  return `${type}.${format}`;
}

/**
 * The type and format of a configuration id made by {@link configurationIdFor}, or `undefined` for any
 * other string.
 *
 * @example
 * ```ts
 * parseConfigurationId('labour-contract.ldp_vc') // { credentialType: 'labour-contract', format: 'ldp_vc' }
 * ```
 */
export function parseConfigurationId(
  id: string,
): { credentialType: CredentialTypeId; format: IssuerFormat } | undefined {
  const dot = id.indexOf('.');
  if (dot < 0) return undefined;
  const credentialType = id.slice(0, dot);
  const format = id.slice(dot + 1);
  if (!isCredentialTypeId(credentialType) || !isIssuerFormat(format)) return undefined;
  return { credentialType, format };
}

/** Options of {@link createCredentialConfigurations}. */
export interface CredentialConfigurationsOptions {
  /** Publish `vct` under another base (an https URL; default Haven's). */
  readonly vctBase?: string;
}

function credentialMetadata(type: CredentialTypeId, vctBase: string | undefined, w3c: boolean) {
  const metadata = getCredentialType(type, vctBase === undefined ? {} : { vctBase }).typeMetadata;
  // OpenID4VCI §12.2.4 `credential_metadata` and Appendix B.2 claims descriptions: `name` per locale.
  const display = (metadata.display ?? []).map((d) => ({
    name: d.name,
    locale: d.locale,
    ...(d.description === undefined ? {} : { description: d.description }),
  }));
  const claims = (metadata.claims ?? []).map((claim) => ({
    // W3C credentials keep their claims under credentialSubject (claims path pointers, Appendix C).
    path: w3c ? ['credentialSubject', ...claim.path] : [...claim.path],
    ...(claim.mandatory === true ? { mandatory: true } : {}),
    ...(claim.display === undefined
      ? {}
      : { display: claim.display.map((d) => ({ name: d.label, locale: d.locale })) }),
  }));
  return {
    ...(display.length > 0 ? { display } : {}),
    ...(claims.length > 0 ? { claims } : {}),
  };
}

function proofTypes() {
  return { jwt: { proof_signing_alg_values_supported: [...PROOF_SIGNING_ALGORITHMS] } };
}

/**
 * `credential_configurations_supported` for Haven's three credential types in three formats each
 * (OpenID4VCI §12.2.4, Appendix A): `<type>.dc+sd-jwt` (SD-JWT VC, ES256, holder key as `jwk`),
 * `<type>.jwt_vc_json` (VC-JOSE, ES256) and `<type>.ldp_vc` (Data Integrity eddsa-rdfc-2022), the W3C
 * formats bound to the holder as a `did:jwk`. Display names and claim labels in every locale of the
 * type metadata.
 *
 * @example
 * ```ts
 * const configurations = createCredentialConfigurations();
 * configurations['labour-contract.dc+sd-jwt'].vct // 'https://haven.example/vct/labour-contract/v1'
 * ```
 */
export function createCredentialConfigurations(
  options: CredentialConfigurationsOptions = {},
): Record<string, CredentialConfiguration> {
  const { vctBase } = options;
  const out: Record<string, CredentialConfiguration> = {};
  for (const type of CREDENTIAL_TYPE_IDS) {
    const vct = getCredentialType(type, vctBase === undefined ? {} : { vctBase }).vct;
    const w3cType = ['VerifiableCredential', W3C_CREDENTIAL_TYPES[type]];
    out[configurationIdFor(type, 'dc+sd-jwt')] = {
      format: 'dc+sd-jwt',
      vct,
      scope: configurationIdFor(type, 'dc+sd-jwt'),
      cryptographic_binding_methods_supported: ['jwk'],
      credential_signing_alg_values_supported: ['ES256'],
      proof_types_supported: proofTypes(),
      credential_metadata: credentialMetadata(type, vctBase, false),
    };
    out[configurationIdFor(type, 'jwt_vc_json')] = {
      format: 'jwt_vc_json',
      scope: configurationIdFor(type, 'jwt_vc_json'),
      cryptographic_binding_methods_supported: [...W3C_BINDING_METHODS],
      credential_signing_alg_values_supported: ['ES256'],
      proof_types_supported: proofTypes(),
      credential_definition: { type: w3cType },
      credential_metadata: credentialMetadata(type, vctBase, true),
    };
    out[configurationIdFor(type, 'ldp_vc')] = {
      format: 'ldp_vc',
      scope: configurationIdFor(type, 'ldp_vc'),
      cryptographic_binding_methods_supported: [...W3C_BINDING_METHODS],
      credential_signing_alg_values_supported: [LDP_VC_CRYPTOSUITE],
      proof_types_supported: proofTypes(),
      credential_definition: { '@context': [VC_V2_CONTEXT, HAVEN_CREDENTIALS_CONTEXT_URL], type: w3cType },
      credential_metadata: credentialMetadata(type, vctBase, true),
    };
  }
  return out;
}
