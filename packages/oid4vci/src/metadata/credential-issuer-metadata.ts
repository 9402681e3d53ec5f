import { isJsonObject } from '@haven/core';
import { DEFAULT_ENDPOINT_PATHS, type Oid4vciEndpointPaths } from '../constants.js';
import { failOid4vci } from '../errors.js';
import { resolveOid4vciLimits } from '../issuer/resolve-issuer-config.js';
import type { CredentialConfiguration } from '../issuer/types.js';
import { assertCredentialConfigurations } from './check-credential-configurations.js';
import { assertCredentialIssuerIdentifier, resolveEndpointUrl } from './check-credential-issuer.js';

/** Input of {@link createCredentialIssuerMetadata}. */
export interface CredentialIssuerMetadataOptions {
  /** The Credential Issuer Identifier (https; http only on loopback; no trailing slash). */
  readonly credentialIssuer: string;
  /** `credential_configurations_supported`: id → configuration (the issuer config's `configurations`). */
  readonly configurations: Readonly<Record<string, CredentialConfiguration>>;
  /** Issuer display objects, one per locale (§12.2.4 `display`). */
  readonly display?: readonly Readonly<Record<string, unknown>>[];
  /** Endpoint paths (appended to the identifier) or absolute URLs; defaults in `DEFAULT_ENDPOINT_PATHS`. */
  readonly endpoints?: Partial<Pick<Oid4vciEndpointPaths, 'credential' | 'nonce' | 'deferredCredential'>>;
  /** Most proofs per Credential Request: the issuer config's `limits.batchSize` (default 10). */
  readonly batchSize?: number;
}

/** Credential Issuer Metadata (OpenID4VCI §12.2.4) as Haven publishes it. */
export interface CredentialIssuerMetadata {
  readonly credential_issuer: string;
  readonly credential_endpoint: string;
  readonly nonce_endpoint: string;
  readonly deferred_credential_endpoint: string;
  readonly batch_credential_issuance?: { readonly batch_size: number };
  readonly display?: readonly Readonly<Record<string, unknown>>[];
  readonly credential_configurations_supported: Readonly<Record<string, CredentialConfiguration>>;
}

/**
 * Builds the Credential Issuer Metadata served at `/.well-known/openid-credential-issuer`
 * (OpenID4VCI §12.2.2, §12.2.4). It always names a Nonce Endpoint — Haven requires a fresh `c_nonce` in
 * every key proof — and the Deferred Credential Endpoint. `batch_credential_issuance` appears only when
 * `batchSize` is 2 or more (§12.2.4 forbids a batch size below 2). Neither request nor response
 * encryption is advertised: the handlers refuse it. Throws `OID4VCI_CONFIG_INVALID` for a bad
 * identifier, no configurations, or a malformed `display`.
 *
 * @example
 * ```ts
 * const metadata = createCredentialIssuerMetadata({
 *   credentialIssuer: 'https://issuer.example',
 *   configurations: config.configurations,
 *   batchSize: 3,
 * });
 * metadata.nonce_endpoint // 'https://issuer.example/nonce'
 * ```
 */
export function createCredentialIssuerMetadata(
  options: CredentialIssuerMetadataOptions,
): CredentialIssuerMetadata {
  const { credentialIssuer, configurations, display } = options;
  assertCredentialIssuerIdentifier(credentialIssuer);
  assertCredentialConfigurations(configurations);
  const { batchSize } = resolveOid4vciLimits({ batchSize: options.batchSize });
  if (display !== undefined) checkDisplay(display);
  const paths = { ...DEFAULT_ENDPOINT_PATHS, ...options.endpoints };
  return {
    credential_issuer: credentialIssuer,
    credential_endpoint: resolveEndpointUrl(credentialIssuer, paths.credential),
    nonce_endpoint: resolveEndpointUrl(credentialIssuer, paths.nonce),
    deferred_credential_endpoint: resolveEndpointUrl(credentialIssuer, paths.deferredCredential),
    ...(batchSize > 1 ? { batch_credential_issuance: { batch_size: batchSize } } : {}),
    ...(display !== undefined ? { display } : {}),
    credential_configurations_supported: configurations,
  };
}

function checkDisplay(display: unknown): void {
  if (!Array.isArray(display) || display.length === 0 || !display.every(isJsonObject)) {
    failOid4vci('OID4VCI_CONFIG_INVALID', 'display must be a non-empty array of objects');
  }
  // §12.2.4: one display object per language tag.
  const locales = display.map((d) => (d as Record<string, unknown>).locale);
  if (
    locales.some((l) => l !== undefined && typeof l !== 'string') ||
    new Set(locales).size !== locales.length
  ) {
    failOid4vci('OID4VCI_CONFIG_INVALID', 'display must have one object per locale');
  }
}
