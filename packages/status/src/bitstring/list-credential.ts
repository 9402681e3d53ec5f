import { formatDateTimeStamp, parseCredential, VC_V2_CONTEXT } from '@haven/w3c';
import { failStatus } from '../errors.js';
import { isLoopbackHost } from '../token/status-list-uri.js';
import type { Bitstring } from './bitstring.js';
import { encodeBitstring } from './encode-bitstring.js';
import { type BitstringStatusPurpose, isBitstringStatusPurpose } from './status-purpose.js';

/**
 * Options of {@link createBitstringStatusListCredential}.
 *
 * @example
 * ```ts
 * const options: CreateBitstringStatusListCredentialOptions = {
 *   id: 'https://status.example/lists/1', issuer: did, statusPurpose: 'suspension', list, validFrom: new Date(),
 * };
 * ```
 */
export interface CreateBitstringStatusListCredentialOptions {
  /** The URL the list credential is published at; entries name it in `statusListCredential`. */
  id: string;
  /** The issuer id: the same issuer as the credentials the list covers (verifiers check this). */
  issuer: string;
  statusPurpose: BitstringStatusPurpose;
  list: Bitstring;
  validFrom: Date;
  /** When the list stops being usable; verifiers treat it as expired after this. */
  validUntil?: Date;
  /** How long verifiers may cache the list, in milliseconds (§2.2 `ttl`). */
  ttl?: number;
  /** Local development only: allow an `http://` loopback `id`. */
  allowHttpLoopback?: boolean;
}

/**
 * An unsigned `BitstringStatusListCredential` (VCDM 2.0), ready for `issueVcJwt` or Data Integrity.
 *
 * @example
 * ```ts
 * const unsigned: BitstringStatusListCredential = createBitstringStatusListCredential(options);
 * unsigned.credentialSubject.encodedList; // 'uH4sI…'
 * ```
 */
export interface BitstringStatusListCredential {
  readonly '@context': readonly [typeof VC_V2_CONTEXT];
  readonly id: string;
  readonly type: readonly ['VerifiableCredential', 'BitstringStatusListCredential'];
  readonly issuer: string;
  readonly validFrom: string;
  readonly validUntil?: string;
  readonly credentialSubject: {
    readonly id: string;
    readonly type: 'BitstringStatusList';
    readonly statusPurpose: BitstringStatusPurpose;
    readonly encodedList: string;
    readonly ttl?: number;
  };
}

function toSeconds(date: unknown, field: string): number {
  if (!(date instanceof Date) || !Number.isFinite(date.getTime())) {
    failStatus('STATUS_LIST_INVALID', `${field} must be a valid Date`);
  }
  // Whole seconds: a list is republished far less often, and second precision keeps the text canonical.
  return Math.floor(date.getTime() / 1000);
}

/**
 * Builds the unsigned list credential (Bitstring Status List §2.2): types VerifiableCredential and
 * BitstringStatusListCredential, a `BitstringStatusList` subject with one `statusPurpose` and the
 * `encodedList`. Every term is defined in the VC 2.0 context, so no other context is needed. Sign it
 * with `issueVcJwt` or `issueDataIntegrityCredential` from `@haven/w3c`.
 *
 * @example
 * ```ts
 * const unsigned = createBitstringStatusListCredential({
 *   id: 'https://status.example/lists/1', issuer: did, statusPurpose: 'revocation',
 *   list: new Bitstring(), validFrom: new Date(), ttl: 300_000,
 * });
 * const jwt = await issueVcJwt(unsigned, { signer });
 * ```
 */
export function createBitstringStatusListCredential(
  options: CreateBitstringStatusListCredentialOptions,
): BitstringStatusListCredential {
  const { id, issuer, statusPurpose, list, ttl } = options;
  const allowed =
    typeof id === 'string' &&
    !id.includes('#') &&
    (id.startsWith('https://') || (options.allowHttpLoopback === true && isLoopbackHttpUrl(id)));
  if (!allowed) {
    failStatus('STATUS_LIST_INVALID', 'the list credential id must be an https URL without a fragment');
  }
  if (!isBitstringStatusPurpose(statusPurpose)) {
    failStatus('STATUS_LIST_INVALID', 'statusPurpose must be revocation or suspension');
  }
  if (ttl !== undefined && (!Number.isSafeInteger(ttl) || ttl <= 0)) {
    failStatus('STATUS_LIST_INVALID', 'ttl must be a positive whole number of milliseconds');
  }
  const from = toSeconds(options.validFrom, 'validFrom');
  const until = options.validUntil === undefined ? undefined : toSeconds(options.validUntil, 'validUntil');
  if (until !== undefined && until <= from)
    failStatus('STATUS_LIST_INVALID', 'validUntil must follow validFrom');
  const credential: BitstringStatusListCredential = {
    '@context': [VC_V2_CONTEXT],
    id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer,
    validFrom: formatDateTimeStamp(from),
    ...(until === undefined ? {} : { validUntil: formatDateTimeStamp(until) }),
    credentialSubject: {
      id: `${id}#list`,
      type: 'BitstringStatusList',
      statusPurpose,
      encodedList: encodeBitstring(list),
      ...(ttl === undefined ? {} : { ttl }),
    },
  };
  try {
    parseCredential(credential);
  } catch (cause) {
    failStatus('STATUS_LIST_INVALID', 'the list credential is not a valid VCDM 2.0 credential', { cause });
  }
  return credential;
}

function isLoopbackHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' && isLoopbackHost(url);
  } catch {
    return false;
  }
}
