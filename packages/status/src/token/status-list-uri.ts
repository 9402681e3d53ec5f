import { classifyAddress } from '@haven/core';
import { failStatus } from '../errors.js';

/** Longest list URI accepted; far above any real one, and bounds what a credential can make us parse. */
const MAX_URI_LENGTH = 2048;

/** Options of {@link assertStatusListUri}. */
export interface StatusListUriOptions {
  /**
   * Local development and tests only: also accept `http://` on a loopback host (127.0.0.0/8, `[::1]`,
   * `localhost`), as the guarded fetcher's `allowHttpLoopback` does. Off by default.
   */
  readonly allowHttpLoopback?: boolean;
}

/** A loopback host: `localhost`, or an IP literal core classifies as loopback. */
export function isLoopbackHost(url: URL): boolean {
  if (url.hostname === 'localhost') return true;
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return classifyAddress(host) === 'loopback';
}

/**
 * Checks a Status List Token URI (draft-ietf-oauth-status-list §5.1 `sub`, §6.2 `uri`): an absolute
 * `https` URL without credentials or a fragment. A fragment never reaches the server, so two `uri`
 * strings could name one list yet compare unequal to its `sub`; plain HTTP would let anyone on the path
 * watch which lists a verifier fetches (§12.3). `STATUS_REFERENCE_INVALID` otherwise; the message never
 * carries the URI, which may point at a holder's list.
 *
 * @example
 * ```ts
 * assertStatusListUri('https://issuer.example/statuslists/1');
 * ```
 */
export function assertStatusListUri(uri: unknown, options: StatusListUriOptions = {}): asserts uri is string {
  if (typeof uri !== 'string' || uri.length === 0 || uri.length > MAX_URI_LENGTH) {
    failStatus('STATUS_REFERENCE_INVALID', 'the status list uri must be a non-empty string');
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    failStatus('STATUS_REFERENCE_INVALID', 'the status list uri is not a URL');
  }
  const loopbackHttp = options.allowHttpLoopback === true && url.protocol === 'http:' && isLoopbackHost(url);
  if (url.protocol !== 'https:' && !loopbackHttp) {
    failStatus('STATUS_REFERENCE_INVALID', 'the status list uri must be https');
  }
  if (url.username !== '' || url.password !== '' || uri.includes('#')) {
    failStatus('STATUS_REFERENCE_INVALID', 'the status list uri must not carry credentials or a fragment');
  }
}
