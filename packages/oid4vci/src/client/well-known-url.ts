/**
 * The Credential Issuer metadata URL (OpenID4VCI §12.2.2): `/.well-known/openid-credential-issuer` goes
 * between the host and the path of the identifier, so `https://issuer.example/tenant/1` is served from
 * `https://issuer.example/.well-known/openid-credential-issuer/tenant/1`. The identifier's path is kept
 * as it is (§12.2.2 inserts, it does not rewrite); a bare `/` counts as no path.
 *
 * @example
 * ```ts
 * credentialIssuerMetadataUrl(new URL('https://issuer.example/tenant'));
 * // 'https://issuer.example/.well-known/openid-credential-issuer/tenant'
 * ```
 */
export function credentialIssuerMetadataUrl(identifier: URL): string {
  const path = identifier.pathname === '/' ? '' : identifier.pathname;
  return `${identifier.origin}/.well-known/openid-credential-issuer${path}`;
}

/**
 * The OAuth 2.0 Authorization Server metadata URL (RFC 8414 §3.1): the same insertion, after a
 * terminating `/` of the path is removed.
 *
 * @example
 * ```ts
 * authorizationServerMetadataUrl(new URL('https://as.example/realm/'));
 * // 'https://as.example/.well-known/oauth-authorization-server/realm'
 * ```
 */
export function authorizationServerMetadataUrl(identifier: URL): string {
  const path = identifier.pathname.endsWith('/') ? identifier.pathname.slice(0, -1) : identifier.pathname;
  return `${identifier.origin}/.well-known/oauth-authorization-server${path}`;
}
