import { DEFAULT_ENDPOINT_PATHS, PRE_AUTHORIZED_CODE_GRANT_TYPE } from '../constants.js';
import { assertCredentialIssuerIdentifier, resolveEndpointUrl } from './check-credential-issuer.js';

/** Input of {@link createAuthorizationServerMetadata}. */
export interface AuthorizationServerMetadataOptions {
  /** The Credential Issuer Identifier, which is also the authorization server's `issuer`. */
  readonly credentialIssuer: string;
  /** Token endpoint path or absolute URL (default `/token`). */
  readonly tokenEndpoint?: string;
}

/** OAuth 2.0 Authorization Server Metadata (RFC 8414 §2, OpenID4VCI §12.3) of a pre-authorized-only issuer. */
export interface AuthorizationServerMetadata {
  readonly issuer: string;
  readonly token_endpoint: string;
  readonly grant_types_supported: readonly string[];
  readonly token_endpoint_auth_methods_supported: readonly string[];
  readonly authorization_details_types_supported: readonly string[];
  readonly 'pre-authorized_grant_anonymous_access_supported': true;
}

/**
 * Builds the metadata served at `/.well-known/oauth-authorization-server`: the issuer is its own
 * authorization server (so the Credential Issuer Metadata names no `authorization_servers`), supports
 * only the pre-authorized code grant, anonymously (`token_endpoint_auth_methods_supported: ["none"]`,
 * §12.3), and accepts `authorization_details` of type `openid_credential` in the Token Request (§6.1.1).
 * `response_types_supported` is omitted, as §12.3 allows when there is no authorization endpoint.
 * Throws `OID4VCI_CONFIG_INVALID` for a bad identifier.
 *
 * @example
 * ```ts
 * createAuthorizationServerMetadata({ credentialIssuer: 'https://issuer.example' }).token_endpoint
 * // 'https://issuer.example/token'
 * ```
 */
export function createAuthorizationServerMetadata(
  options: AuthorizationServerMetadataOptions,
): AuthorizationServerMetadata {
  const { credentialIssuer } = options;
  assertCredentialIssuerIdentifier(credentialIssuer);
  return {
    issuer: credentialIssuer,
    token_endpoint: resolveEndpointUrl(
      credentialIssuer,
      options.tokenEndpoint ?? DEFAULT_ENDPOINT_PATHS.token,
    ),
    grant_types_supported: [PRE_AUTHORIZED_CODE_GRANT_TYPE],
    token_endpoint_auth_methods_supported: ['none'],
    authorization_details_types_supported: ['openid_credential'],
    'pre-authorized_grant_anonymous_access_supported': true,
  };
}
