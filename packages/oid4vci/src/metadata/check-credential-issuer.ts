import { failOid4vci } from '../errors.js';

// Plain http is allowed for these hosts only, so a developer can run an issuer on their machine.
const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/**
 * Checks a Credential Issuer Identifier (OpenID4VCI §12.2.1): an https URL with host and optional port
 * and path, no query, fragment or user info, written in canonical form (what `new URL` prints), without
 * a trailing slash — wallets compare it to `aud` and to the metadata by plain string comparison, so
 * `https://a.example/` and `https://a.example` would be two issuers. Plain http only for loopback hosts.
 * Throws `OID4VCI_CONFIG_INVALID`.
 *
 * @example
 * ```ts
 * assertCredentialIssuerIdentifier('https://issuer.example/tenant'); // ok
 * assertCredentialIssuerIdentifier('https://issuer.example/'); // throws OID4VCI_CONFIG_INVALID
 * ```
 */
export function assertCredentialIssuerIdentifier(value: unknown): asserts value is string {
  if (typeof value !== 'string' || value === '') {
    failOid4vci('OID4VCI_CONFIG_INVALID', 'the credential issuer identifier must be a URL');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    failOid4vci('OID4VCI_CONFIG_INVALID', 'the credential issuer identifier must be a URL');
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname));
  if (!secure) {
    failOid4vci(
      'OID4VCI_CONFIG_INVALID',
      'the credential issuer identifier must use https (plain http only on a loopback host)',
    );
  }
  if (url.username !== '' || url.password !== '' || value.includes('?') || value.includes('#')) {
    failOid4vci(
      'OID4VCI_CONFIG_INVALID',
      'the credential issuer identifier must not carry user info, a query or a fragment',
    );
  }
  if (value.endsWith('/')) {
    failOid4vci('OID4VCI_CONFIG_INVALID', 'the credential issuer identifier must not end with a slash');
  }
  // `new URL` lower-cases the scheme and host, drops a default port and resolves dot segments: anything
  // it rewrites is not the canonical spelling and would not compare equal to what wallets see.
  if (url.href !== value && url.href !== `${value}/`) {
    failOid4vci('OID4VCI_CONFIG_INVALID', 'the credential issuer identifier is not in canonical form');
  }
}

/**
 * The absolute URL of an endpoint: `pathOrUrl` is either a path (`/token`, appended to the issuer
 * identifier) or an absolute URL that must itself be https (http on loopback). Throws
 * `OID4VCI_CONFIG_INVALID`.
 *
 * @example
 * ```ts
 * resolveEndpointUrl('https://issuer.example/tenant', '/token') // 'https://issuer.example/tenant/token'
 * ```
 */
export function resolveEndpointUrl(credentialIssuer: string, pathOrUrl: unknown): string {
  if (typeof pathOrUrl !== 'string' || pathOrUrl === '') {
    failOid4vci('OID4VCI_CONFIG_INVALID', 'an endpoint must be a path or a URL');
  }
  if (pathOrUrl.startsWith('/')) {
    if (pathOrUrl.startsWith('//') || pathOrUrl.includes('#') || /\s/.test(pathOrUrl)) {
      failOid4vci('OID4VCI_CONFIG_INVALID', 'an endpoint path must be a plain absolute path');
    }
    return `${credentialIssuer}${pathOrUrl}`;
  }
  let url: URL;
  try {
    url = new URL(pathOrUrl);
  } catch {
    failOid4vci('OID4VCI_CONFIG_INVALID', 'an endpoint must be a path or a URL');
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname));
  if (!secure || url.username !== '' || url.password !== '' || url.hash !== '') {
    failOid4vci(
      'OID4VCI_CONFIG_INVALID',
      'an endpoint URL must use https and carry no user info or fragment',
    );
  }
  return url.href;
}
