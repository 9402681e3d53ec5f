import { classifyAddress } from '@haven/core';
import { failOid4vci, type Oid4vciErrorCode } from '../errors.js';

/** Longest URL the client accepts from an issuer or an offer (characters). */
const MAX_URL_LENGTH = 4096;

/** Whether a URL host (as `URL.hostname` gives it, IPv6 in brackets) names this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return classifyAddress(host) === 'loopback';
}

/** How a URL from an offer or an issuer is checked, and which error a bad one raises. */
export interface UrlRule {
  readonly allowHttpLoopback?: boolean | undefined;
  /** The error code to throw, chosen by the caller after where the URL came from. */
  readonly code: Oid4vciErrorCode;
  /** What the URL is, for the message (never the URL itself). */
  readonly what: string;
}

function parseUrl(value: unknown, rule: UrlRule): URL {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_URL_LENGTH) {
    failOid4vci(rule.code, `${rule.what} must be a URL of at most ${MAX_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    failOid4vci(rule.code, `${rule.what} is not a valid URL`);
  }
  const loopbackHttp =
    url.protocol === 'http:' && rule.allowHttpLoopback === true && isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp) {
    failOid4vci(rule.code, `${rule.what} must use https`, { details: { reason: 'scheme' } });
  }
  if (url.username !== '' || url.password !== '') {
    failOid4vci(rule.code, `${rule.what} must not carry user credentials`, {
      details: { reason: 'userinfo' },
    });
  }
  // RFC 6749 §3.1.2 and §3.2: endpoint URIs never carry a fragment. Checked on the raw text, since the
  // parser drops an empty one.
  if (value.includes('#')) {
    failOid4vci(rule.code, `${rule.what} must not have a fragment`, { details: { reason: 'fragment' } });
  }
  return url;
}

/**
 * Checks an endpoint URL the issuer published (§12.2.4: https, port, path and query allowed) and
 * returns it in normalized form.
 */
export function checkEndpointUrl(value: unknown, rule: UrlRule): string {
  return parseUrl(value, rule).href;
}

/**
 * Checks a Credential Issuer Identifier (§12.2.1) or an OAuth issuer identifier (RFC 8414 §2): https,
 * host, optional port and path, no query, no fragment. The value must also be in the canonical form
 * the URL parser produces (lower-case scheme and host, no default port, no dot segments): these
 * identifiers are compared as plain strings (§12.2.4), so two spellings of one URL would otherwise
 * lead to a metadata document that can never match, or to one that matches a URL the wallet never
 * fetched.
 */
export function checkIssuerIdentifier(value: unknown, rule: UrlRule): URL {
  const url = parseUrl(value, rule);
  const raw = value as string;
  if (raw.includes('?')) {
    failOid4vci(rule.code, `${rule.what} must not have a query`, { details: { reason: 'query' } });
  }
  if (url.href !== raw && !(url.pathname === '/' && url.href === `${raw}/`)) {
    failOid4vci(rule.code, `${rule.what} is not in canonical URL form`, { details: { reason: 'canonical' } });
  }
  return url;
}
