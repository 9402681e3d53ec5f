import { type Clock, isBase64Url, readClock, type Signer, signJws } from '@haven/core';
import { failStatus } from '../errors.js';
import { type EncodedStatusList, encodeStatusList } from './encode-status-list.js';
import { assertStatusBits, StatusList } from './status-list.js';
import { assertStatusListUri } from './status-list-uri.js';

/**
 * The JWT `typ` of a Status List Token (draft-ietf-oauth-status-list §5.1).
 *
 * @example
 * ```ts
 * peekJwsHeader(token).typ === STATUS_LIST_JWT_TYP;
 * ```
 */
export const STATUS_LIST_JWT_TYP = 'statuslist+jwt';

export interface SignStatusListTokenOptions {
  /** The Status Issuer's key: the same issuer (and trust) that signs the credentials pointing here (§11.3). */
  signer: Signer;
  /** `kid` header; defaults to the signer's. */
  kid?: string;
  /** The list's own URI: the `uri` that credentials carry (§5.1 `sub`). */
  sub: string;
  /** `iss`: set it to the credential issuer, which verifiers compare. */
  iss?: string;
  /** Issued-at (NumericDate). Taken from `clock` when absent; one of the two is required. */
  iat?: number;
  clock?: Clock;
  /** Expiry (NumericDate), RECOMMENDED by §5.1; must be after `iat`. */
  exp?: number;
  /** Seconds a verifier may cache the list (§5.1, §13.7); a positive number. */
  ttl?: number;
  /** Local development only: allow an `http://` loopback `sub` (see `assertStatusListUri`). */
  allowHttpLoopback?: boolean;
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Signs a Status List Token in JWT form (draft-ietf-oauth-status-list §5.1): header `typ`
 * `statuslist+jwt`, claims `sub`, `iat`, optional `iss`, `exp`, `ttl`, and `status_list` `{ bits, lst }`.
 * Takes a {@link StatusList} (compressed here) or an already {@link EncodedStatusList}.
 *
 * @example
 * ```ts
 * const token = await signStatusListToken(list, {
 *   signer, sub: 'https://issuer.example/statuslists/1', iss: 'https://issuer.example', clock, exp, ttl: 3600,
 * });
 * ```
 */
export async function signStatusListToken(
  list: StatusList | EncodedStatusList,
  options: SignStatusListTokenOptions,
): Promise<string> {
  assertStatusListUri(options.sub, { allowHttpLoopback: options.allowHttpLoopback === true });
  const iat = options.iat ?? (options.clock ? Math.floor(readClock(options.clock).now) : undefined);
  if (!isNumericDate(iat)) failStatus('STATUS_LIST_TOKEN_INVALID', 'iat (or a clock) is required');
  const { exp, ttl, iss } = options;
  if (exp !== undefined && !(isNumericDate(exp) && exp > iat)) {
    failStatus('STATUS_LIST_TOKEN_INVALID', 'exp must be a NumericDate after iat');
  }
  if (ttl !== undefined && !(typeof ttl === 'number' && Number.isFinite(ttl) && ttl > 0)) {
    failStatus('STATUS_LIST_TOKEN_INVALID', 'ttl must be a positive number of seconds');
  }
  if (iss !== undefined && (typeof iss !== 'string' || iss === '')) {
    failStatus('STATUS_LIST_TOKEN_INVALID', 'iss must be a non-empty string');
  }
  const statusList = list instanceof StatusList ? encodeStatusList(list) : list;
  assertStatusBits(statusList.bits);
  if (!isBase64Url(statusList.lst)) failStatus('STATUS_LIST_INVALID', 'status list lst must be base64url');
  const payload: Record<string, unknown> = { sub: options.sub, iat };
  if (iss !== undefined) payload.iss = iss;
  if (exp !== undefined) payload.exp = exp;
  if (ttl !== undefined) payload.ttl = ttl;
  payload.status_list = { bits: statusList.bits, lst: statusList.lst };
  return signJws(payload, {
    signer: options.signer,
    typ: STATUS_LIST_JWT_TYP,
    ...(options.kid === undefined ? {} : { header: { kid: options.kid } }),
  });
}
