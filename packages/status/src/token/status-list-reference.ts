import { failStatus } from '../errors.js';
import { assertStatusListUri, type StatusListUriOptions } from './status-list-uri.js';

/** The `status.status_list` claim of a Referenced Token (draft-ietf-oauth-status-list §6.2). */
export interface StatusListReference {
  readonly idx: number;
  readonly uri: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads `status.status_list` from a credential's `status` claim (§6.2, §8.3 step 1). `uri` must pass
 * {@link assertStatusListUri}; `idx` must be a non-negative integer (`STATUS_INDEX_OUT_OF_RANGE`, so a
 * bad index is refused before any list is fetched). Other members of `status` and of `status_list` are
 * allowed (§6.1).
 *
 * @example
 * ```ts
 * parseStatusListReference({ status_list: { idx: 0, uri: 'https://issuer.example/statuslists/1' } });
 * ```
 */
export function parseStatusListReference(
  status: unknown,
  options: StatusListUriOptions = {},
): StatusListReference {
  if (!isObject(status) || !isObject(status.status_list)) {
    failStatus('STATUS_REFERENCE_INVALID', 'the status claim has no status_list object');
  }
  const { idx, uri } = status.status_list;
  if (idx === undefined) failStatus('STATUS_REFERENCE_INVALID', 'status_list has no idx');
  if (!(typeof idx === 'number' && Number.isSafeInteger(idx) && idx >= 0)) {
    failStatus('STATUS_INDEX_OUT_OF_RANGE', 'status_list idx must be a non-negative integer');
  }
  assertStatusListUri(uri, options);
  return { idx, uri };
}
