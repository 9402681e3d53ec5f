import { CLIENT_ID_PREFIXES, type ClientIdPrefix } from './constants.js';
import { failOid4vp } from './errors.js';

/** A `client_id` split into its prefix and original identifier (OpenID4VP §5.9). */
export interface ParsedClientId {
  readonly clientId: string;
  readonly prefix: ClientIdPrefix;
  /** The original identifier: a URL for `redirect_uri`, a DNS name for `x509_san_dns`. */
  readonly value: string;
}

const CLIENT_ID_MAX = 2048;
// RFC 1035 §2.3.1 host names (lower case; letters, digits, hyphens; at least two labels).
const DNS_NAME =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Is `url` a plain `http:` URL on a loopback host (`localhost`, `127.0.0.1`, `[::1]`)? Such URLs are
 * for tests and local development only, behind an explicit `allowHttpLoopback`.
 *
 * @example
 * ```ts
 * isLoopbackHttpUrl(new URL('http://127.0.0.1:8080/')) // true
 * ```
 */
export function isLoopbackHttpUrl(url: URL): boolean {
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

/** Options of {@link parseClientId}. */
export interface ParseClientIdOptions {
  /**
   * For tests and local development only: accept a `redirect_uri:` client on an `http:` loopback URL.
   * Default false: on a phone, another app may listen on the loopback.
   */
  readonly allowHttpLoopback?: boolean;
}

/**
 * Is `value` an absolute `https:` URL with no fragment and no credentials? With `allowHttpLoopback`
 * (tests and local development only), an `http:` URL on a loopback host is accepted too. Returns the
 * parsed URL or `undefined`.
 *
 * @example
 * ```ts
 * parseEndpointUrl('http://127.0.0.1:8080/response') // undefined
 * parseEndpointUrl('http://127.0.0.1:8080/response', true)?.port // '8080'
 * ```
 */
export function parseEndpointUrl(value: unknown, allowHttpLoopback = false): URL | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > CLIENT_ID_MAX) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.hash !== '' || value.includes('#') || url.username !== '' || url.password !== '') return undefined;
  if (url.protocol === 'https:') return url;
  if (allowHttpLoopback === true && isLoopbackHttpUrl(url)) return url;
  return undefined;
}

/**
 * Splits and checks a `client_id` with one of the prefixes Haven supports (OpenID4VP §5.9.3):
 * `redirect_uri:` followed by an `https:` URL (a loopback `http:` one only with `allowHttpLoopback`), or `x509_san_dns:` followed by a
 * lower-case DNS name. Anything else (no prefix, `pre-registered`, another prefix) throws
 * `OID4VP_CLIENT_ID_INVALID`.
 *
 * @example
 * ```ts
 * parseClientId('x509_san_dns:verifier.example.org').value // 'verifier.example.org'
 * ```
 */
export function parseClientId(clientId: unknown, options: ParseClientIdOptions = {}): ParsedClientId {
  if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > CLIENT_ID_MAX) {
    failOid4vp('OID4VP_CLIENT_ID_INVALID', 'client_id must be a non-empty string');
  }
  const colon = clientId.indexOf(':');
  const prefix = colon > 0 ? clientId.slice(0, colon) : '';
  if (!(CLIENT_ID_PREFIXES as readonly string[]).includes(prefix)) {
    failOid4vp('OID4VP_CLIENT_ID_INVALID', 'client_id prefix is not supported', {
      details: { supported: [...CLIENT_ID_PREFIXES] },
    });
  }
  const value = clientId.slice(colon + 1);
  if (prefix === 'redirect_uri') {
    if (parseEndpointUrl(value, options.allowHttpLoopback === true) === undefined) {
      failOid4vp('OID4VP_CLIENT_ID_INVALID', 'a redirect_uri client_id must carry an https URL');
    }
  } else if (!DNS_NAME.test(value)) {
    failOid4vp('OID4VP_CLIENT_ID_INVALID', 'an x509_san_dns client_id must carry a DNS name');
  }
  return { clientId, prefix: prefix as ClientIdPrefix, value };
}
