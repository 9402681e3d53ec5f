import { z } from 'zod';
import { failOid4vci } from '../errors.js';
import type { Oid4vciClientOptions } from './client-options.js';
import { expectStatus, parseWith, readJsonObject } from './issuer-response.js';
import { checkEndpointUrl, checkIssuerIdentifier } from './issuer-url.js';
import { authorizationServerMetadataUrl } from './well-known-url.js';

/**
 * OAuth 2.0 Authorization Server Metadata (RFC 8414 §2, OpenID4VCI §12.3), as far as the pre-authorized
 * code flow needs it. `token_endpoint` is required here: without it there is nothing to redeem the code at.
 */
export const zAuthorizationServerMetadata = z
  .object({
    issuer: z.string().min(1),
    token_endpoint: z.string().min(1),
    grant_types_supported: z.array(z.string()).optional(),
    'pre-authorized_grant_anonymous_access_supported': z.boolean().optional(),
  })
  .loose();

/** Validated Authorization Server Metadata; `token_endpoint` has been checked and normalized. */
export type FetchedAuthorizationServerMetadata = z.infer<typeof zAuthorizationServerMetadata>;

/**
 * Fetches and validates an OAuth 2.0 Authorization Server's metadata (RFC 8414 §3): a GET to the
 * identifier with `/.well-known/oauth-authorization-server` inserted between host and path (a
 * terminating `/` dropped first). Its `issuer` must equal the identifier (RFC 8414 §3.3) and its
 * `token_endpoint` must be https (loopback http only when allowed).
 *
 * Errors: `OID4VCI_CLIENT_METADATA_INVALID`, `OID4VCI_CLIENT_RESPONSE_INVALID`, `OID4VCI_CLIENT_ISSUER_ERROR`.
 *
 * @example
 * ```ts
 * const as = await fetchAuthorizationServerMetadata('https://issuer.example', { fetch });
 * as.token_endpoint; // 'https://issuer.example/token'
 * ```
 */
export async function fetchAuthorizationServerMetadata(
  issuer: string,
  options: Oid4vciClientOptions,
): Promise<FetchedAuthorizationServerMetadata> {
  const rule = {
    allowHttpLoopback: options.allowHttpLoopback,
    code: 'OID4VCI_CLIENT_METADATA_INVALID',
  } as const;
  const identifier = checkIssuerIdentifier(issuer, { ...rule, what: 'the authorization server identifier' });
  const response = await options.fetch({
    url: authorizationServerMetadataUrl(identifier),
    method: 'GET',
    headers: { accept: 'application/json' },
  });
  expectStatus(response, [200], 'authorization_server_metadata');
  const metadata = parseWith(
    zAuthorizationServerMetadata,
    readJsonObject(response, 'authorization_server_metadata'),
    'OID4VCI_CLIENT_METADATA_INVALID',
    'the authorization server metadata',
    'authorization_server_metadata',
  );
  if (metadata.issuer !== issuer) {
    failOid4vci('OID4VCI_CLIENT_METADATA_INVALID', 'the metadata is for another authorization server', {
      details: { reason: 'issuer' },
    });
  }
  return {
    ...metadata,
    token_endpoint: checkEndpointUrl(metadata.token_endpoint, { ...rule, what: 'the token_endpoint' }),
  };
}
