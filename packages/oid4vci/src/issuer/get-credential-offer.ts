import { isJsonObject, parseStrictJsonObject } from '@haven/core';
import { failOid4vci } from '../errors.js';
import type { OfferRecord } from '../store.js';
import { readNow, resolveIssuerConfig } from './resolve-issuer-config.js';
import { noStore } from './responses.js';
import type { HandlerResult, Oid4vciIssuerConfig } from './types.js';

// Offer ids are 16 random bytes in base64url (22 characters); anything far from that is not one.
const OFFER_ID = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * Can this offer's code still be exchanged at `now`? Used by the by-reference endpoint and the token
 * endpoint alike, so both treat unknown, expired, used, withdrawn and dead offers the same.
 *
 * @example
 * ```ts
 * isOfferRedeemable(await store.getOffer(id), now, 3) // false once redeemed
 * ```
 */
export function isOfferRedeemable(
  offer: OfferRecord | undefined,
  now: number,
  maxTxCodeFailures: number,
): boolean {
  return (
    offer !== undefined &&
    !offer.withdrawn &&
    offer.redeemedAt === undefined &&
    now < offer.expiresAt &&
    offer.txCodeFailures < maxTxCodeFailures
  );
}

/**
 * The Credential Offer object behind `credential_offer_uri` (OpenID4VCI §4.1.3), opened with
 * `config.openOffer`. Unknown, expired, already redeemed, withdrawn and dead (too many wrong tx_codes)
 * offers all throw the same `OID4VCI_OFFER_NOT_FOUND`, so offer ids cannot be probed and a spent QR code
 * shows nothing.
 *
 * @example
 * ```ts
 * const offer = await getCredentialOfferObject(config, req.params.offerId);
 * ```
 */
export async function getCredentialOfferObject(
  config: Oid4vciIssuerConfig,
  offerId: unknown,
): Promise<Record<string, unknown>> {
  const { limits } = resolveIssuerConfig(config);
  const notFound = (): never => failOid4vci('OID4VCI_OFFER_NOT_FOUND', 'no such credential offer');
  if (typeof offerId !== 'string' || !OFFER_ID.test(offerId)) return notFound();
  const now = readNow(config);
  const offer = await config.store.getOffer(offerId);
  if (offer === undefined || !isOfferRedeemable(offer, now, limits.maxTxCodeFailures)) return notFound();
  let object: Record<string, unknown>;
  try {
    object = parseStrictJsonObject(config.openOffer(offer.id, offer.sealedOffer), { what: 'stored offer' });
  } catch (cause) {
    // A stored offer that no longer opens (key rotated, row tampered with) is the issuer's problem.
    failOid4vci('OID4VCI_CONFIG_INVALID', 'a stored credential offer cannot be opened', { cause });
  }
  if (!isJsonObject(object.grants))
    failOid4vci('OID4VCI_CONFIG_INVALID', 'a stored credential offer is malformed');
  return object;
}

/**
 * The HTTP answer of the by-reference offer endpoint (`GET <issuer>/offers/<id>`, §4.1.3): 200 with the
 * offer object and `Cache-Control: no-store` (it carries the pre-authorized code). Errors as
 * {@link getCredentialOfferObject}.
 *
 * @example
 * ```ts
 * const { status, headers, body } = await handleCredentialOfferRequest(config, req.params.offerId);
 * ```
 */
export async function handleCredentialOfferRequest(
  config: Oid4vciIssuerConfig,
  offerId: unknown,
): Promise<HandlerResult<Record<string, unknown>>> {
  return noStore(200, await getCredentialOfferObject(config, offerId));
}
