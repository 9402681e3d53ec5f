import { failStatus } from '../errors.js';
import { isLoopbackHost, type StatusListUriOptions } from '../token/status-list-uri.js';
import { type BitstringStatusPurpose, isBitstringStatusPurpose } from './status-purpose.js';

/**
 * A `credentialStatus` entry pointing into a Bitstring Status List (Bitstring Status List §2.1).
 *
 * @example
 * ```ts
 * const credentialStatus: BitstringStatusListEntry = bitstringStatusEntry({
 *   listCredential: 'https://status.example/lists/1', index: 7, statusPurpose: 'revocation',
 * });
 * ```
 */
export type BitstringStatusListEntry = {
  readonly type: 'BitstringStatusListEntry';
  readonly statusPurpose: BitstringStatusPurpose;
  /** The index as a base-10 string (§2.1). */
  readonly statusListIndex: string;
  /** The URL of the `BitstringStatusListCredential`. */
  readonly statusListCredential: string;
};

/**
 * What a verifier reads from an entry it accepted.
 *
 * @example
 * ```ts
 * const { statusPurpose, index, url }: BitstringStatusReference = parseBitstringStatusEntry(entry);
 * ```
 */
export interface BitstringStatusReference {
  readonly statusPurpose: BitstringStatusPurpose;
  readonly index: number;
  /** The list credential URL exactly as the entry gives it (the list credential's `id` must equal it). */
  readonly url: string;
}

/** Highest index a reference may carry (2^32): beyond any list size Haven would accept. */
const MAX_INDEX = 2 ** 32;
// Canonical base-10: no sign, no leading zeros (except "0"), no exponent, no spaces, at most 10 digits.
const CANONICAL_INDEX = /^(?:0|[1-9][0-9]{0,9})$/;
const MAX_URL_LENGTH = 2048;

function parseListUrl(value: unknown, options: StatusListUriOptions = {}): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  // The list is fetched: only https, and no user info that would send credentials to the list host.
  const loopbackHttp = options.allowHttpLoopback === true && url.protocol === 'http:' && isLoopbackHost(url);
  if ((url.protocol !== 'https:' && !loopbackHttp) || url.username !== '' || url.password !== '') {
    return undefined;
  }
  // Kept as written: the list credential's `id` is compared with it character for character.
  return value;
}

/**
 * Builds the `credentialStatus` entry for a credential at `index` in a list (Bitstring Status List
 * §2.1). It carries no `id`: the property is optional, and a fixed `${list}#${index}` id would only
 * repeat the index as one more stable handle that follows the credential everywhere it is shown.
 *
 * @example
 * ```ts
 * const credentialStatus = bitstringStatusEntry({
 *   listCredential: 'https://status.example/lists/1', index: 94567, statusPurpose: 'revocation',
 * });
 * ```
 */
export function bitstringStatusEntry(options: {
  listCredential: string;
  index: number;
  statusPurpose: BitstringStatusPurpose;
  /** Local development only: allow an `http://` loopback list URL. */
  allowHttpLoopback?: boolean;
}): BitstringStatusListEntry {
  const { listCredential, index, statusPurpose } = options;
  if (!isBitstringStatusPurpose(statusPurpose)) {
    failStatus('STATUS_REFERENCE_INVALID', 'statusPurpose must be revocation or suspension');
  }
  if (!Number.isSafeInteger(index) || index < 0 || index > MAX_INDEX) {
    failStatus('STATUS_INDEX_OUT_OF_RANGE', 'the status index must be a non-negative integer');
  }
  if (parseListUrl(listCredential, { allowHttpLoopback: options.allowHttpLoopback === true }) === undefined) {
    failStatus('STATUS_REFERENCE_INVALID', 'the status list credential must be an https URL');
  }
  return {
    type: 'BitstringStatusListEntry',
    statusPurpose,
    statusListIndex: String(index),
    statusListCredential: listCredential,
  };
}

/**
 * Reads a `credentialStatus` entry strictly (Bitstring Status List §2.1, §3 validate algorithm):
 * `type` BitstringStatusListEntry, `statusPurpose` revocation or suspension, `statusSize` absent or 1,
 * `statusListIndex` a canonical base-10 string up to 2^32, `statusListCredential` an https URL. Anything
 * else is `STATUS_REFERENCE_INVALID`, so a malformed index can never be read as some other index.
 *
 * @example
 * ```ts
 * const { statusPurpose, index, url } = parseBitstringStatusEntry(credential.credentialStatus);
 * ```
 */
export function parseBitstringStatusEntry(
  entry: unknown,
  options: StatusListUriOptions = {},
): BitstringStatusReference {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    failStatus('STATUS_REFERENCE_INVALID', 'the status entry must be an object');
  }
  const e = entry as Record<string, unknown>;
  const type = e.type;
  const types = typeof type === 'string' ? [type] : Array.isArray(type) ? type : [];
  if (!types.includes('BitstringStatusListEntry')) {
    failStatus('STATUS_REFERENCE_INVALID', 'the status entry is not a BitstringStatusListEntry');
  }
  if (!isBitstringStatusPurpose(e.statusPurpose)) {
    failStatus('STATUS_REFERENCE_INVALID', 'statusPurpose must be revocation or suspension');
  }
  // statusSize > 1 is for multi-bit `message` lists (§2.1), which Haven does not check.
  if (e.statusSize !== undefined && e.statusSize !== 1) {
    failStatus('STATUS_REFERENCE_INVALID', 'only one-bit status entries are supported');
  }
  const raw = e.statusListIndex;
  if (typeof raw !== 'string' || !CANONICAL_INDEX.test(raw) || Number(raw) > MAX_INDEX) {
    failStatus('STATUS_REFERENCE_INVALID', 'statusListIndex must be a canonical base-10 integer string');
  }
  const url = parseListUrl(e.statusListCredential, options);
  if (url === undefined) {
    failStatus('STATUS_REFERENCE_INVALID', 'statusListCredential must be an https URL');
  }
  return { statusPurpose: e.statusPurpose, index: Number(raw), url };
}
