import { lookup as dnsLookup } from 'node:dns/promises';
import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { rootCertificates } from 'node:tls';
import { fail, HavenError } from '../errors.js';
import { parseStrictJson, type StrictJsonOptions } from '../json.js';
import { LIMITS } from '../limits.js';
import { type AddressClass, classifyAddress } from './ip-ranges.js';

/** A resolved address, as `dns.lookup` with `all: true` returns it. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface GuardedFetchOptions {
  /** Largest response body in bytes (default 1 MiB). */
  maxBytes?: number;
  /** Time to open the connection, TLS handshake included (ms, default 5000). */
  connectTimeoutMs?: number;
  /** Time from connection to response headers (ms, default 5000). */
  headersTimeoutMs?: number;
  /** Time to read the whole body (ms, default 10000): a server sending one byte a second is cut off. */
  bodyTimeoutMs?: number;
  /** Redirects to follow, each one checked like the first request (default 0: refuse redirects). */
  maxRedirects?: number;
  /**
   * For tests and local development only: allow loopback addresses (127.0.0.0/8, ::1), over HTTPS or
   * plain HTTP. Private, link-local and other ranges stay blocked.
   */
  allowHttpLoopback?: boolean;
  /**
   * Extra trust anchors (PEM) for HTTPS, e.g. a test CA or a private PKI, added to Node's bundled root
   * certificates (Node's own `ca` option would replace them).
   */
  ca?: string | readonly string[];
  /** Host name resolution; defaults to the system resolver. Every address it returns is checked. */
  resolve?: (hostname: string) => Promise<readonly ResolvedAddress[]>;
  /** `User-Agent` header. */
  userAgent?: string;
}

export interface GuardedRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Readonly<Record<string, string>>;
  body?: string | Uint8Array;
}

export interface GuardedResponse {
  readonly status: number;
  /** Final URL (after any checked redirects). */
  readonly url: string;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  /** The body as strict JSON (size/depth caps, no duplicate keys). Throws `JSON_*` codes. */
  json(options?: StrictJsonOptions): unknown;
  /** The body as UTF-8 text. */
  text(): string;
}

/** The one function in Haven allowed to open network connections. */
export type GuardedFetch = (request: GuardedRequest | string) => Promise<GuardedResponse>;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

async function systemResolve(hostname: string): Promise<readonly ResolvedAddress[]> {
  const results = await dnsLookup(hostname, { all: true, verbatim: true });
  return results.map((r) => ({ address: r.address, family: r.family === 6 ? 6 : 4 }));
}

function isAllowed(kind: AddressClass, scheme: string, allowLoopback: boolean): boolean {
  if (kind === 'loopback') return allowLoopback;
  // Plain HTTP is only for loopback tests: a public host must be reached over TLS.
  return kind === 'public' && scheme === 'https:';
}

function checkAddress(address: string, scheme: string, allowLoopback: boolean): void {
  const kind = classifyAddress(address);
  if (!isAllowed(kind, scheme, allowLoopback)) {
    if (kind === 'public') fail('FETCH_SCHEME_NOT_ALLOWED', 'only https URLs may be fetched');
    fail('FETCH_ADDRESS_BLOCKED', 'the host resolves to an address that may not be fetched', {
      details: { addressClass: kind },
    });
  }
}

function parseTarget(raw: string, allowLoopback: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    fail('FETCH_URL_INVALID', 'URL is not valid');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowLoopback)) {
    fail('FETCH_SCHEME_NOT_ALLOWED', 'only https URLs may be fetched');
  }
  if (url.username !== '' || url.password !== '')
    fail('FETCH_URL_INVALID', 'URLs with credentials are not fetched');
  // The WHATWG parser already turned decimal, octal and hex IPv4 forms (2130706433, 0x7f.1) into
  // dotted quads, so a literal address is checked here exactly as it will be connected to.
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(host) !== 0) checkAddress(host, url.protocol, allowLoopback);
  return url;
}

/**
 * Creates the SSRF-guarded fetcher. Every address a host name resolves to is checked when the socket
 * connects (so DNS rebinding between a check and the connect is not possible), redirects are refused or
 * re-checked hop by hop, the body is capped while it streams, compressed bodies are refused (no
 * decompression bombs), and each phase has its own timeout.
 *
 * @example
 * ```ts
 * const fetcher = createGuardedFetch({ maxBytes: 64 * 1024 });
 * const res = await fetcher('https://issuer.example/.well-known/did.json');
 * const doc = res.json();
 * ```
 */
export function createGuardedFetch(options: GuardedFetchOptions = {}): GuardedFetch {
  const settings = {
    maxBytes: options.maxBytes ?? LIMITS.fetchMaxBytes,
    connectTimeoutMs: options.connectTimeoutMs ?? LIMITS.fetchConnectTimeoutMs,
    headersTimeoutMs: options.headersTimeoutMs ?? LIMITS.fetchHeadersTimeoutMs,
    bodyTimeoutMs: options.bodyTimeoutMs ?? LIMITS.fetchBodyTimeoutMs,
    maxRedirects: options.maxRedirects ?? 0,
    allowLoopback: options.allowHttpLoopback ?? false,
    resolve: options.resolve ?? systemResolve,
    ca:
      options.ca === undefined
        ? undefined
        : [...rootCertificates, ...(typeof options.ca === 'string' ? [options.ca] : options.ca)],
    userAgent: options.userAgent ?? 'haven',
  };
  for (const [name, value] of Object.entries(settings)) {
    if (typeof value === 'number' && (!Number.isInteger(value) || value < 0)) {
      throw new RangeError(`guarded fetch option ${name} must be a non-negative integer`);
    }
  }

  return async function guardedFetch(input: GuardedRequest | string): Promise<GuardedResponse> {
    let req: GuardedRequest = typeof input === 'string' ? { url: input } : input;
    let url = parseTarget(req.url, settings.allowLoopback);
    for (let hop = 0; ; hop++) {
      const response = await fetchOnce(url, req, settings);
      if (!REDIRECT_STATUSES.has(response.status)) return response;
      if (hop >= settings.maxRedirects) fail('FETCH_REDIRECT_REFUSED', 'the server answered with a redirect');
      const location = response.headers.location;
      if (location === undefined) fail('FETCH_REDIRECT_REFUSED', 'redirect without a location');
      let next: string;
      try {
        next = new URL(location, url).href;
      } catch {
        fail('FETCH_REDIRECT_REFUSED', 'redirect to an invalid URL');
      }
      try {
        url = parseTarget(next, settings.allowLoopback);
      } catch (cause) {
        fail('FETCH_REDIRECT_REFUSED', 'redirect target is not allowed', { cause });
      }
      // An https page may not hand us over to plain http, even on loopback.
      if (url.protocol === 'http:' && response.url.startsWith('https:')) {
        fail('FETCH_REDIRECT_REFUSED', 'redirect from https to http');
      }
      req = redirectedRequest(req, response.status, new URL(response.url), url);
    }
  };
}

const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/**
 * The request to send to the next hop. A 303, or a 301/302 after a POST, turns into a body-less GET
 * (RFC 9110 §15.4.2-4, as browsers do), and credentials the caller meant for one origin are not handed
 * to another one the server chose.
 */
function redirectedRequest(req: GuardedRequest, status: number, from: URL, to: URL): GuardedRequest {
  const toGet = status === 303 || ((status === 301 || status === 302) && req.method === 'POST');
  const sameOrigin = from.origin === to.origin;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    const lower = name.toLowerCase();
    if (!sameOrigin && CREDENTIAL_HEADERS.has(lower)) continue;
    if (toGet && (lower === 'content-type' || lower === 'content-length')) continue;
    headers[name] = value;
  }
  return toGet ? { url: to.href, method: 'GET', headers } : { ...req, url: to.href, headers };
}

interface Settings {
  maxBytes: number;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  allowLoopback: boolean;
  resolve: (hostname: string) => Promise<readonly ResolvedAddress[]>;
  ca: string[] | undefined;
  userAgent: string;
}

function fetchOnce(url: URL, req: GuardedRequest, settings: Settings): Promise<GuardedResponse> {
  const scheme = url.protocol;
  // Called by net.connect for host names (not for IP literals, which parseTarget checked). All
  // addresses must pass, so a name resolving to one public and one private address is refused.
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    const unresolved = () =>
      new HavenError('FETCH_NETWORK', 'host name did not resolve') as unknown as NodeJS.ErrnoException;
    // Promise.resolve().then: a resolver that throws synchronously must not escape from inside net.connect.
    Promise.resolve()
      .then(() => settings.resolve(hostname))
      .then(
        (answer) => {
          let addresses: ResolvedAddress[];
          try {
            if (answer.length === 0) fail('FETCH_NETWORK', 'host name did not resolve');
            for (const a of answer) checkAddress(a.address, scheme, settings.allowLoopback);
            // The family comes from the checked text itself: net drops entries whose family is mislabelled.
            addresses = answer.map((a) => ({ address: a.address, family: isIP(a.address) === 6 ? 6 : 4 }));
          } catch (error) {
            callback(error as NodeJS.ErrnoException, '', 4);
            return;
          }
          const wanted =
            lookupOptions.family === 4 || lookupOptions.family === 6
              ? addresses.filter((a) => a.family === lookupOptions.family)
              : addresses;
          const first = wanted[0];
          // With `all: true` net reads `addresses[0]` unguarded, so an empty list would throw inside it.
          if (!first) callback(unresolved(), '', 4);
          else if (lookupOptions.all)
            (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, wanted);
          else callback(null, first.address, first.family);
        },
        () => callback(unresolved(), '', 4),
      )
      // A throwing callback would otherwise become an unhandled rejection; the request errors on its own.
      .catch(() => undefined);
  };

  return new Promise<GuardedResponse>((resolvePromise, rejectPromise) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let request: ClientRequest;
    const finish = (error: unknown, response?: GuardedResponse) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (error) {
        request.destroy();
        rejectPromise(toFetchError(error));
      } else if (response) {
        resolvePromise(response);
      }
    };
    const phase = (ms: number, what: string) => {
      // A late socket or response event must not re-arm a timer for a request that is already over.
      if (settled) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => finish(new HavenError('FETCH_TIMEOUT', `${what} timed out`)), ms);
    };

    const headers: Record<string, string> = {
      accept: 'application/json, application/did+json, */*;q=0.1',
      ...req.headers,
      'accept-encoding': 'identity',
      'user-agent': settings.userAgent,
    };
    const requestOptions = {
      method: req.method ?? 'GET',
      headers,
      lookup,
      // A fresh connection per request: a pooled socket could have been opened for another host.
      agent: false as const,
      ...(settings.ca === undefined ? {} : { ca: settings.ca }),
    };
    try {
      request = scheme === 'https:' ? httpsRequest(url, requestOptions) : httpRequest(url, requestOptions);
    } catch (error) {
      // e.g. a caller header value with a newline: Node throws synchronously, with the value in the message.
      rejectPromise(toFetchError(error));
      return;
    }
    phase(settings.connectTimeoutMs, 'connecting');
    request.on('socket', (socket: Socket) => {
      const connected = () => {
        // Defence in depth: whatever the lookup said, look at the address we are actually talking to.
        const remote = socket.remoteAddress;
        if (remote === undefined || !isAllowed(classifyAddress(remote), scheme, settings.allowLoopback)) {
          finish(new HavenError('FETCH_ADDRESS_BLOCKED', 'connected to an address that may not be fetched'));
          return;
        }
        phase(settings.headersTimeoutMs, 'waiting for response headers');
      };
      socket.once(scheme === 'https:' ? 'secureConnect' : 'connect', connected);
    });
    request.on('error', (error) => finish(error));
    request.on('response', (res: IncomingMessage) => {
      phase(settings.bodyTimeoutMs, 'reading the response body');
      const responseHeaders: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined) responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const encoding = responseHeaders['content-encoding'];
      if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
        finish(new HavenError('FETCH_ENCODING_UNSUPPORTED', 'compressed responses are not accepted'));
        return;
      }
      const declared = responseHeaders['content-length'];
      if (declared !== undefined && Number(declared) > settings.maxBytes) {
        finish(new HavenError('FETCH_TOO_LARGE', `response exceeds ${settings.maxBytes} bytes`));
        return;
      }
      const chunks: Buffer[] = [];
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.byteLength;
        if (received > settings.maxBytes) {
          finish(new HavenError('FETCH_TOO_LARGE', `response exceeds ${settings.maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (error) => finish(error));
      res.on('aborted', () =>
        finish(new HavenError('FETCH_NETWORK', 'connection closed before the body was complete')),
      );
      res.on('end', () => {
        if (!res.complete) {
          finish(new HavenError('FETCH_NETWORK', 'connection closed before the body was complete'));
          return;
        }
        const body = Buffer.concat(chunks, received);
        finish(null, makeResponse(res.statusCode ?? 0, url.href, responseHeaders, body));
      });
    });
    // end(body) rather than write + end: Node then sends Content-Length instead of a chunked body.
    if (req.body !== undefined) request.end(req.body);
    else request.end();
  });
}

function makeResponse(
  status: number,
  url: string,
  headers: Record<string, string>,
  body: Buffer,
): GuardedResponse {
  const bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return {
    status,
    url,
    headers,
    body: bytes,
    json: (options?: StrictJsonOptions) =>
      parseStrictJson(bytes, { maxBytes: bytes.byteLength, what: 'response body', ...options }),
    text: () => {
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        // TextDecoder throws a TypeError; callers switch on HavenError codes.
        fail('FETCH_CONTENT_TYPE', 'response body is not valid UTF-8');
      }
    },
  };
}

function toFetchError(error: unknown): HavenError {
  if (error instanceof HavenError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  // The Node error message may quote the URL or address; keep only the error class.
  return new HavenError('FETCH_NETWORK', 'network request failed', {
    details: typeof code === 'string' ? { cause: code } : {},
  });
}
