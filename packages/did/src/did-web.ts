import { isIP } from 'node:net';
import { type GuardedFetch, HavenError, isHavenError, LIMITS, parseStrictJsonObject } from '@haven/core';
import { type DidDocument, parseDidDocument } from './did-document.js';
import { failDid } from './errors.js';
import { assertDidLength } from './limits.js';

const PREFIX = 'did:web:';
// A DNS label (RFC 1035 §2.3.1, RFC 1123 §2.1): letters, digits, inner hyphens, 1–63 characters.
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
// A path segment: DID Core idchar without percent-encoding, which did:web uses only for the port.
const SEGMENT = /^[A-Za-z0-9._-]+$/;
const PORT = /^[1-9][0-9]{0,4}$/;
const JSON_MEDIA_TYPES = new Set([
  'application/did+json',
  'application/json',
  'application/did+ld+json',
  'application/ld+json',
]);

/**
 * Transforms a did:web into the HTTPS URL of its DID document (did:web spec §3.2 "Read (Resolve)"):
 * `did:web:example.com` → `https://example.com/.well-known/did.json`, `did:web:example.com:user:alice`
 * → `https://example.com/user/alice/did.json`, and `%3A` in the host segment (only there) for a port.
 *
 * Rejected with `DID_INVALID`: a DID over `DID_MAX_LENGTH`, empty segments, `.`/`..` segments,
 * characters outside DNS labels and DID idchars, any other percent-escape, a host the URL parser
 * refuses (e.g. an invalid `xn--` label), and IP-address hosts (did:web spec §3.1: the identifier "MUST
 * NOT include IP addresses"), including the decimal and hex forms a URL parser would turn into one: a
 * last label that is all digits or starts with `0x` is refused. Errors never carry the DID or the URL.
 *
 * @example
 * ```ts
 * didWebToUrl('did:web:example.com%3A8443:user:alice') // 'https://example.com:8443/user/alice/did.json'
 * ```
 */
export function didWebToUrl(did: string): string {
  assertDidLength(did);
  if (!did.startsWith(PREFIX)) failDid('DID_INVALID', 'not a did:web');
  const segments = did.slice(PREFIX.length).split(':');
  const [hostSegment, ...path] = segments;
  if (hostSegment === undefined || hostSegment === '') failDid('DID_INVALID', 'did:web has no host');
  const portAt = hostSegment.search(/%3a/i);
  const host = portAt < 0 ? hostSegment : hostSegment.slice(0, portAt);
  const port = portAt < 0 ? undefined : hostSegment.slice(portAt + 3);
  const labels = host.split('.');
  if (host.length > 253 || !labels.every((label) => LABEL.test(label))) {
    failDid('DID_INVALID', 'did:web host is not a DNS name');
  }
  if (port !== undefined && !(PORT.test(port) && Number(port) <= 65535))
    failDid('DID_INVALID', 'did:web port is not valid');
  for (const segment of path) {
    if (!SEGMENT.test(segment) || segment === '.' || segment === '..') {
      failDid('DID_INVALID', 'did:web path segment is not valid');
    }
  }
  // WHATWG URL "ends in a number checker": a host whose last label is all digits or starts with 0x is
  // parsed as IPv4 (2130706433, 0x7f000001, 127.1), and as a failure when it is not a valid one
  // (999.999.999.999, issuer.0x). Neither is a DNS name (RFC 3696 §2), so refuse before parsing.
  if (/^(?:[0-9]+|0x.*)$/i.test(labels[labels.length - 1] ?? '')) {
    failDid('DID_INVALID', 'did:web host must be a domain name, not an IP address');
  }
  const authority = port === undefined ? host : `${host}:${port}`;
  const pathname = path.length === 0 ? '/.well-known/did.json' : `/${path.join('/')}/did.json`;
  let url: URL;
  try {
    url = new URL(`https://${authority}${pathname}`);
  } catch {
    // No cause: Node's ERR_INVALID_URL carries the whole URL in `input`, and the URL names the DID.
    // What still fails here is mostly IDNA (an invalid xn-- label).
    failDid('DID_INVALID', 'did:web host is not a valid domain name');
  }
  // Judge the host the parser will really use, in case it still reads one as an IP address.
  if (isIP(url.hostname) !== 0) {
    failDid('DID_INVALID', 'did:web host must be a domain name, not an IP address');
  }
  if (url.pathname !== pathname) failDid('DID_INVALID', 'did:web path is not valid');
  return url.href;
}

export interface ResolveDidWebOptions {
  /** The SSRF-guarded fetcher from `@haven/core` (`createGuardedFetch`): the only way to the network. */
  fetch: GuardedFetch;
  /** Largest DID document in bytes (default: core's JSON limit, 256 KiB). */
  maxBytes?: number;
}

/**
 * Resolves a did:web (did:web spec §3.2) through an injected guarded fetcher: GET the URL from
 * {@link didWebToUrl}, accept only a 2xx JSON body, parse it with strict JSON, validate it as a DID
 * document, and require `id` to equal the DID (§3.2 step 6, DID Core §5.1.1).
 *
 * Errors: 404/410 → `DID_NOT_FOUND`; other non-2xx → `DID_RESOLUTION_FAILED` (`details.status`); a
 * non-JSON media type → `DID_REPRESENTATION_NOT_SUPPORTED`; bad JSON or document →
 * `DID_DOCUMENT_INVALID`; another `id` → `DID_DOCUMENT_ID_MISMATCH`. Fetcher errors (blocked address,
 * refused redirect, size cap, timeout…) become `DID_RESOLUTION_FAILED` with the fetcher's `HavenError`
 * as `cause` and its code in `details.fetchCode`, so one code says "this DID did not resolve" and the
 * reason stays machine-readable.
 *
 * @example
 * ```ts
 * const doc = await resolveDidWeb('did:web:issuer.example', { fetch: createGuardedFetch() });
 * ```
 */
export async function resolveDidWeb(did: string, options: ResolveDidWebOptions): Promise<DidDocument> {
  const url = didWebToUrl(did);
  let response: Awaited<ReturnType<GuardedFetch>>;
  try {
    response = await options.fetch({
      url,
      headers: { accept: 'application/did+json, application/json;q=0.9' },
    });
  } catch (cause) {
    if (isHavenError(cause)) {
      throw new HavenError('DID_RESOLUTION_FAILED', 'the did:web document could not be fetched', {
        cause,
        details: { fetchCode: cause.code },
      });
    }
    throw cause;
  }
  if (response.status === 404 || response.status === 410)
    failDid('DID_NOT_FOUND', 'the did:web document does not exist');
  if (response.status < 200 || response.status > 299) {
    failDid('DID_RESOLUTION_FAILED', 'the did:web server answered with an error status', {
      details: { status: response.status },
    });
  }
  const contentType = response.headers['content-type'];
  if (contentType !== undefined) {
    const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!JSON_MEDIA_TYPES.has(mediaType)) {
      failDid('DID_REPRESENTATION_NOT_SUPPORTED', 'the did:web document is not served as JSON');
    }
  }
  let body: Record<string, unknown>;
  try {
    body = parseStrictJsonObject(response.body, {
      maxBytes: options.maxBytes ?? LIMITS.jsonMaxBytes,
      what: 'DID document',
    });
  } catch (cause) {
    if (isHavenError(cause)) {
      failDid('DID_DOCUMENT_INVALID', 'the did:web document is not valid JSON', {
        cause,
        details: { jsonCode: cause.code },
      });
    }
    throw cause;
  }
  const document = parseDidDocument(body);
  if (document.id !== did) failDid('DID_DOCUMENT_ID_MISMATCH', 'the DID document is for another DID');
  return document;
}
