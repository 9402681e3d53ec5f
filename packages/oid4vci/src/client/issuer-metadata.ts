import { z } from 'zod';
import { failOid4vci } from '../errors.js';
import type { Oid4vciClientOptions } from './client-options.js';
import { expectStatus, parseWith, readJsonObject } from './issuer-response.js';
import { checkEndpointUrl, checkIssuerIdentifier } from './issuer-url.js';
import { credentialIssuerMetadataUrl } from './well-known-url.js';

const zNonEmptyStrings = z.array(z.string().min(1)).min(1);

/** One entry of `proof_types_supported` (OpenID4VCI §12.2.4). */
export const zProofTypeMetadata = z
  .object({
    proof_signing_alg_values_supported: zNonEmptyStrings,
    key_attestations_required: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

/** A value of `credential_configurations_supported` (OpenID4VCI §12.2.4); format-specific members are kept. */
export const zCredentialConfigurationMetadata = z
  .object({
    format: z.string().min(1),
    scope: z.string().optional(),
    credential_signing_alg_values_supported: z.array(z.unknown()).min(1).optional(),
    cryptographic_binding_methods_supported: zNonEmptyStrings.optional(),
    proof_types_supported: z.record(z.string(), zProofTypeMetadata).optional(),
    credential_metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

const zEncryptionMetadata = z.object({ encryption_required: z.boolean() }).loose();

/** Credential Issuer Metadata (OpenID4VCI §12.2.4). Unknown members are kept (the wallet ignores them). */
export const zCredentialIssuerMetadata = z
  .object({
    credential_issuer: z.string().min(1),
    authorization_servers: zNonEmptyStrings.optional(),
    credential_endpoint: z.string().min(1),
    nonce_endpoint: z.string().min(1).optional(),
    deferred_credential_endpoint: z.string().min(1).optional(),
    notification_endpoint: z.string().min(1).optional(),
    credential_request_encryption: zEncryptionMetadata.optional(),
    credential_response_encryption: zEncryptionMetadata.optional(),
    batch_credential_issuance: z
      .object({ batch_size: z.number().int().min(2) })
      .loose()
      .optional(),
    display: z.array(z.record(z.string(), z.unknown())).min(1).optional(),
    credential_configurations_supported: z.record(z.string(), zCredentialConfigurationMetadata),
  })
  .loose();

/** Validated Credential Issuer Metadata; every endpoint URL in it has been checked. */
export type FetchedCredentialIssuerMetadata = z.infer<typeof zCredentialIssuerMetadata>;
/** One validated credential configuration. */
export type CredentialConfigurationMetadata = z.infer<typeof zCredentialConfigurationMetadata>;

const ENDPOINTS = [
  'credential_endpoint',
  'nonce_endpoint',
  'deferred_credential_endpoint',
  'notification_endpoint',
] as const;

/**
 * Fetches and validates a Credential Issuer's metadata (OpenID4VCI §12.2.2): a GET to the well-known
 * URL built by inserting `/.well-known/openid-credential-issuer` between the host and the path of the
 * identifier, answered with `application/json` (signed `application/jwt` metadata is not supported and
 * is refused). The `credential_issuer` it states must equal the requested identifier exactly, as plain
 * strings (§12.2.4), and every endpoint must be an https URL (loopback http only when allowed);
 * `authorization_servers` entries must be issuer identifiers. Endpoint members are returned normalized.
 *
 * Errors: `OID4VCI_CLIENT_METADATA_INVALID` (bad identifier, invalid or mismatched metadata),
 * `OID4VCI_CLIENT_RESPONSE_INVALID` (not JSON), `OID4VCI_CLIENT_ISSUER_ERROR` (error status).
 *
 * @example
 * ```ts
 * const metadata = await fetchCredentialIssuerMetadata(offer.credential_issuer, { fetch });
 * metadata.credential_endpoint; // 'https://issuer.example/credential'
 * ```
 */
export async function fetchCredentialIssuerMetadata(
  credentialIssuer: string,
  options: Oid4vciClientOptions,
): Promise<FetchedCredentialIssuerMetadata> {
  const rule = {
    allowHttpLoopback: options.allowHttpLoopback,
    code: 'OID4VCI_CLIENT_METADATA_INVALID',
  } as const;
  const identifier = checkIssuerIdentifier(credentialIssuer, {
    ...rule,
    what: 'the credential issuer identifier',
  });
  const response = await options.fetch({
    url: credentialIssuerMetadataUrl(identifier),
    method: 'GET',
    headers: { accept: 'application/json' },
  });
  expectStatus(response, [200], 'credential_issuer_metadata');
  const metadata = parseWith(
    zCredentialIssuerMetadata,
    readJsonObject(response, 'credential_issuer_metadata'),
    'OID4VCI_CLIENT_METADATA_INVALID',
    'the credential issuer metadata',
    'credential_issuer_metadata',
  );
  // §12.2.4: identical strings, no normalization; otherwise the document must not be used at all.
  if (metadata.credential_issuer !== credentialIssuer) {
    failOid4vci('OID4VCI_CLIENT_METADATA_INVALID', 'the metadata is for another credential issuer', {
      details: { reason: 'credential_issuer' },
    });
  }
  const checked: FetchedCredentialIssuerMetadata = { ...metadata };
  for (const member of ENDPOINTS) {
    const value = metadata[member];
    if (value !== undefined)
      checked[member] = checkEndpointUrl(value, { ...rule, what: `the metadata ${member}` });
  }
  for (const server of metadata.authorization_servers ?? []) {
    checkIssuerIdentifier(server, { ...rule, what: 'an authorization_servers entry' });
  }
  return checked;
}
