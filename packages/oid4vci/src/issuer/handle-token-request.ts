import { isJsonObject, parseStrictJson, timingSafeEqualStrings } from '@haven/core';
import { PRE_AUTHORIZED_CODE_GRANT_TYPE } from '../constants.js';
import { failOid4vci } from '../errors.js';
import {
  type TokenResponseAuthorizationDetails,
  zAuthorizationDetails,
} from '../schemas/authorization-details.js';
import type { OfferRecord } from '../store.js';
import { isOfferRedeemable } from './get-credential-offer.js';
import { hashSecret } from './hash-secret.js';
import { randomBase64UrlFrom, readNow, resolveIssuerConfig } from './resolve-issuer-config.js';
import { TOKEN_RESPONSE_HEADERS } from './responses.js';
import type { HandlerResult, Oid4vciIssuerConfig } from './types.js';

/** A successful Token Response (RFC 6749 §5.1, OpenID4VCI §6.2). */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly authorization_details?: readonly TokenResponseAuthorizationDetails[];
}

// One message for every reason a code is refused: unknown, used, expired, withdrawn, dead, wrong
// tx_code, lost race. The caller learns nothing about which (no oracle for guessing).
const INVALID_GRANT_MESSAGE = 'the pre-authorized code or transaction code is invalid';
// Longer than any code Haven makes by far; longer input is not looked up at all.
const MAX_CODE_LENGTH = 512;

/**
 * The Token Endpoint for the pre-authorized code grant (OpenID4VCI §6, RFC 6749 §4.1.3, §5).
 * `params` is the parsed `application/x-www-form-urlencoded` body. Checks, in order: every known
 * parameter appears once and is a string (`OID4VCI_INVALID_REQUEST`); `grant_type` is present
 * (`OID4VCI_INVALID_REQUEST`) and the pre-authorized grant (`OID4VCI_UNSUPPORTED_GRANT_TYPE`); the code
 * is known and still redeemable, else `OID4VCI_INVALID_GRANT` with one message for every reason; a
 * `tx_code` is sent exactly when the offer asks for one (§6.3: `OID4VCI_INVALID_REQUEST`); a wrong
 * tx_code (compared as HMACs in constant time) is counted atomically and answered `OID4VCI_INVALID_GRANT`
 * — after `maxTxCodeFailures` the code is dead and its sealed claims are wiped (`wipeDeadOfferPayload`).
 * `authorization_details` of type `openid_credential` may narrow the grant to some of the offer's
 * configurations (§6.1.1) and is checked against the offer before the tx_code, so its answer tells
 * nothing about the tx_code; the response then lists their
 * `credential_identifiers` (the configuration ids) and the token is usable only with those (§8.2).
 * The code is then redeemed atomically — of concurrent requests exactly one wins — and a 256-bit bearer
 * token is stored as an HMAC. `client_id` is optional (anonymous access, §12.3); unknown parameters are
 * ignored (§6.1).
 *
 * @example
 * ```ts
 * const { status, headers, body } = await handleTokenRequest(config, req.body);
 * res.status(status).set(headers).json(body);
 * ```
 */
export async function handleTokenRequest(
  config: Oid4vciIssuerConfig,
  params: Record<string, unknown>,
): Promise<HandlerResult<TokenResponse>> {
  const { limits } = resolveIssuerConfig(config);
  if (!isJsonObject(params)) failOid4vci('OID4VCI_INVALID_REQUEST', 'the token request must be a form');
  const grantType = readParam(params, 'grant_type');
  const code = readParam(params, 'pre-authorized_code');
  const txCode = readParam(params, 'tx_code');
  const details = readParam(params, 'authorization_details');
  readParam(params, 'client_id');
  if (grantType === undefined) failOid4vci('OID4VCI_INVALID_REQUEST', 'grant_type is missing');
  if (grantType !== PRE_AUTHORIZED_CODE_GRANT_TYPE) {
    failOid4vci('OID4VCI_UNSUPPORTED_GRANT_TYPE', 'only the pre-authorized code grant is supported');
  }
  if (code === undefined || code === '')
    failOid4vci('OID4VCI_INVALID_REQUEST', 'pre-authorized_code is missing');
  const requested =
    details === undefined ? undefined : parseAuthorizationDetails(details, config.credentialIssuer);

  const now = readNow(config);
  const { store, secret } = config;
  const offer =
    code.length <= MAX_CODE_LENGTH
      ? await store.findOfferByCodeHash(hashSecret(secret, 'pre-authorized_code', code))
      : undefined;
  if (offer === undefined || !isOfferRedeemable(offer, now, limits.maxTxCodeFailures)) {
    failOid4vci('OID4VCI_INVALID_GRANT', INVALID_GRANT_MESSAGE);
  }
  // authorization_details is checked against the offer BEFORE the tx_code: otherwise its answer
  // (invalid_request, nothing counted) would differ for a right and a wrong tx_code — an oracle.
  if (requested !== undefined && !requested.every((id) => offer.configurationIds.includes(id))) {
    failOid4vci('OID4VCI_INVALID_REQUEST', 'authorization_details asks for a configuration the offer lacks');
  }
  await checkTxCode(config, offer, txCode, limits.maxTxCodeFailures);
  // The single winner among concurrent exchanges; also re-checks expiry, withdrawal and the failure
  // count atomically, so a right tx_code racing wrong ones cannot slip past the limit.
  if (!(await store.redeemOffer(offer.id, now, limits.maxTxCodeFailures))) {
    failOid4vci('OID4VCI_INVALID_GRANT', INVALID_GRANT_MESSAGE);
  }

  const lifetime =
    offer.decision === 'pending' ? limits.deferredAccessTokenSeconds : limits.accessTokenSeconds;
  const accessToken = randomBase64UrlFrom(config, 32);
  await store.createAccessToken({
    tokenHash: hashSecret(secret, 'access_token', accessToken),
    offerId: offer.id,
    expiresAt: now + lifetime,
    ...(requested === undefined ? {} : { credentialIdentifiers: requested }),
  });
  const body: TokenResponse = {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: lifetime,
    ...(requested === undefined
      ? {}
      : {
          authorization_details: requested.map((id) => ({
            type: 'openid_credential' as const,
            credential_configuration_id: id,
            credential_identifiers: [id],
          })),
        }),
  };
  return { status: 200, headers: TOKEN_RESPONSE_HEADERS, body };
}

/**
 * A known parameter: absent, or one string. RFC 6749 §3.2: parameters must not be repeated (a body
 * parser turns `a=1&a=2` into an array), and a nested form (`a[b]=1`) is no string either.
 */
function readParam(params: Record<string, unknown>, name: string): string | undefined {
  if (!Object.hasOwn(params, name)) return undefined;
  const value = params[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) failOid4vci('OID4VCI_INVALID_REQUEST', `parameter "${name}" is repeated`);
  if (typeof value !== 'string')
    failOid4vci('OID4VCI_INVALID_REQUEST', `parameter "${name}" must be a string`);
  return value;
}

/**
 * §6.3: missing or unexpected tx_code is `invalid_request`; a wrong one is counted and `invalid_grant`.
 * The miss that kills the code also wipes the offer's sealed claims: nothing can be issued from it.
 */
async function checkTxCode(
  config: Oid4vciIssuerConfig,
  offer: OfferRecord,
  txCode: string | undefined,
  maxTxCodeFailures: number,
) {
  if (offer.txCodeHash === undefined) {
    if (txCode !== undefined) failOid4vci('OID4VCI_INVALID_REQUEST', 'this offer takes no tx_code');
    return;
  }
  if (txCode === undefined) failOid4vci('OID4VCI_INVALID_REQUEST', 'this offer needs a tx_code');
  const attempt = hashSecret(config.secret, 'tx_code', txCode, offer.id);
  if (!timingSafeEqualStrings(attempt, offer.txCodeHash)) {
    const failures = await config.store.recordTxCodeFailure(offer.id);
    if (failures >= maxTxCodeFailures) await config.store.wipeDeadOfferPayload?.(offer.id, maxTxCodeFailures);
    failOid4vci('OID4VCI_INVALID_GRANT', INVALID_GRANT_MESSAGE);
  }
}

/**
 * The configuration ids a Token Request's `authorization_details` asks for (§6.1.1): JSON, an array of
 * `openid_credential` objects, no id twice, `locations` (if sent) naming this issuer. `claims` is
 * refused: Haven issues the claims of the offer, and silently ignoring a request for fewer claims
 * would disclose more than the wallet asked for.
 */
function parseAuthorizationDetails(value: string, credentialIssuer: string): readonly string[] {
  let json: unknown;
  try {
    json = parseStrictJson(value, { maxBytes: 16 * 1024, maxDepth: 8, what: 'authorization_details' });
  } catch (cause) {
    failOid4vci('OID4VCI_INVALID_REQUEST', 'authorization_details is not valid JSON', { cause });
  }
  const parsed = zAuthorizationDetails.safeParse(json);
  if (!parsed.success) failOid4vci('OID4VCI_INVALID_REQUEST', 'authorization_details is malformed');
  const ids: string[] = [];
  for (const detail of parsed.data) {
    if (detail.claims !== undefined) {
      failOid4vci('OID4VCI_INVALID_REQUEST', 'requesting a subset of claims is not supported');
    }
    if (detail.locations !== undefined && !detail.locations.includes(credentialIssuer)) {
      failOid4vci('OID4VCI_INVALID_REQUEST', 'authorization_details is meant for another credential issuer');
    }
    if (ids.includes(detail.credential_configuration_id)) {
      failOid4vci('OID4VCI_INVALID_REQUEST', 'authorization_details names a configuration twice');
    }
    ids.push(detail.credential_configuration_id);
  }
  return Object.freeze(ids);
}
