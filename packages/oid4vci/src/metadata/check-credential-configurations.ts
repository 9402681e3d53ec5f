import { isJsonObject, JWS_ALGORITHMS, type JwsAlgorithm } from '@haven/core';
import { failOid4vci } from '../errors.js';
import type { CredentialConfiguration } from '../issuer/types.js';

/**
 * Checks `credential_configurations_supported` (OpenID4VCI §12.2.4) as far as the issuer handlers rely
 * on it: a non-empty map of configurations, each with a `format`; where key binding is asked for,
 * `cryptographic_binding_methods_supported` with `jwk` and `proof_types_supported` come together
 * (§12.2.4: one is present exactly when the other is) and only the `jwt` proof type is listed (the only
 * one Haven verifies), with a non-empty `proof_signing_alg_values_supported`. Key attestations cannot be
 * required (Haven does not verify them, and metadata must not promise what is not checked). Throws
 * `OID4VCI_CONFIG_INVALID`.
 *
 * @example
 * ```ts
 * assertCredentialConfigurations({ labour: { format: 'dc+sd-jwt', vct: 'https://…' } });
 * ```
 */
export function assertCredentialConfigurations(
  value: unknown,
): asserts value is Readonly<Record<string, CredentialConfiguration>> {
  if (!isJsonObject(value)) failOid4vci('OID4VCI_CONFIG_INVALID', 'configurations must be an object');
  const ids = Object.keys(value);
  if (ids.length === 0)
    failOid4vci('OID4VCI_CONFIG_INVALID', 'at least one credential configuration is needed');
  for (const id of ids) {
    if (id === '' || id.length > 256) {
      failOid4vci('OID4VCI_CONFIG_INVALID', 'a credential configuration id must have 1 to 256 characters');
    }
    const configuration = value[id];
    if (!isJsonObject(configuration)) {
      failOid4vci('OID4VCI_CONFIG_INVALID', 'a credential configuration must be an object');
    }
    if (typeof configuration.format !== 'string' || configuration.format === '') {
      failOid4vci('OID4VCI_CONFIG_INVALID', 'a credential configuration needs a format');
    }
    checkBinding(configuration);
  }
}

function checkBinding(configuration: Record<string, unknown>): void {
  const methods = configuration.cryptographic_binding_methods_supported;
  const proofTypes = configuration.proof_types_supported;
  if ((methods === undefined) !== (proofTypes === undefined)) {
    failOid4vci(
      'OID4VCI_CONFIG_INVALID',
      'cryptographic_binding_methods_supported and proof_types_supported go together',
    );
  }
  if (proofTypes === undefined) return;
  if (!Array.isArray(methods) || !methods.includes('jwk')) {
    failOid4vci('OID4VCI_CONFIG_INVALID', 'key-bound configurations must support the "jwk" binding method');
  }
  if (!isJsonObject(proofTypes))
    failOid4vci('OID4VCI_CONFIG_INVALID', 'proof_types_supported must be an object');
  const types = Object.keys(proofTypes);
  if (types.length !== 1 || types[0] !== 'jwt') {
    failOid4vci('OID4VCI_CONFIG_INVALID', 'only the "jwt" proof type is supported');
  }
  const jwt = proofTypes.jwt;
  if (!isJsonObject(jwt)) failOid4vci('OID4VCI_CONFIG_INVALID', 'the "jwt" proof type must be an object');
  const algs = jwt.proof_signing_alg_values_supported;
  if (!Array.isArray(algs) || algs.length === 0 || !algs.every((a) => typeof a === 'string')) {
    failOid4vci(
      'OID4VCI_CONFIG_INVALID',
      'proof_signing_alg_values_supported must be a non-empty array of algorithms',
    );
  }
  if (jwt.key_attestations_required !== undefined) {
    failOid4vci('OID4VCI_CONFIG_INVALID', 'key attestations cannot be required: Haven does not verify them');
  }
}

/**
 * The proof algorithms a configuration accepts: the ones it advertises, each of which must be among
 * `accepted` (the issuer's policy) — metadata never promises an algorithm the issuer would refuse.
 * `undefined` for a configuration without key binding. Throws `OID4VCI_CONFIG_INVALID`.
 *
 * @example
 * ```ts
 * proofAlgorithmsFor(configuration, ['ES256', 'EdDSA']) // ['ES256']
 * ```
 */
export function proofAlgorithmsFor(
  configuration: CredentialConfiguration,
  accepted: readonly JwsAlgorithm[],
): readonly JwsAlgorithm[] | undefined {
  const proofTypes = configuration.proof_types_supported;
  if (!isJsonObject(proofTypes) || !isJsonObject(proofTypes.jwt)) return undefined;
  const advertised = proofTypes.jwt.proof_signing_alg_values_supported as readonly string[];
  for (const alg of advertised) {
    if (!(accepted as readonly string[]).includes(alg)) {
      failOid4vci(
        'OID4VCI_CONFIG_INVALID',
        'a configuration advertises a proof algorithm that is not accepted',
      );
    }
  }
  return Object.freeze(JWS_ALGORITHMS.filter((alg) => advertised.includes(alg)));
}
