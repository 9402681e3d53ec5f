import { isJsonObject, openAead, parseStrictJsonObject, sealAead } from '@haven/core';
import { type CredentialTypeId, isCredentialTypeId } from '@haven/credentials';
import { failIssuer } from './errors.js';

/** What an offer's sealed payload holds: the type and the claims as the issuer provided them. */
export interface OfferPayload {
  readonly credentialType: CredentialTypeId;
  readonly claims: unknown;
}

/**
 * The associated data an offer payload is sealed under: the offer id and its configuration ids, in
 * order. `createCredentialOffer` hands the id it draws to the sealing function, so a payload copied
 * into another offer's row — even one of the same configurations — no longer opens.
 */
function payloadAad(offerId: string, configurationIds: readonly string[]): string {
  return `offer-payload:v2:${JSON.stringify([offerId, configurationIds])}`;
}

/**
 * Seals an offer's claims (AES-256-GCM under the seal key, bound to the offer id and its configurations) for `@haven/oid4vci`'s opaque `payload`.
 *
 * @example
 * ```ts
 * const payload = sealOfferPayload(sealKey, offerId, ['labour-contract.dc+sd-jwt'], { credentialType, claims });
 * ```
 */
export function sealOfferPayload(
  sealKey: Uint8Array,
  offerId: string,
  configurationIds: readonly string[],
  payload: OfferPayload,
): string {
  return sealAead(
    sealKey,
    JSON.stringify({ credentialType: payload.credentialType, claims: payload.claims }),
    payloadAad(offerId, configurationIds),
  );
}

/**
 * Opens what {@link sealOfferPayload} sealed. A payload that does not open, or is not what it should be,
 * is `SERVER_ISSUANCE_FAILED` (the claims are never part of the error).
 *
 * @example
 * ```ts
 * const { credentialType, claims } = openOfferPayload(sealKey, offer.id, offer.configurationIds, offer.payload);
 * ```
 */
export function openOfferPayload(
  sealKey: Uint8Array,
  offerId: string,
  configurationIds: readonly string[],
  sealed: string,
): OfferPayload {
  let value: Record<string, unknown>;
  try {
    value = parseStrictJsonObject(openAead(sealKey, sealed, payloadAad(offerId, configurationIds)), {
      what: 'offer payload',
    });
  } catch (cause) {
    failIssuer('SERVER_ISSUANCE_FAILED', 'the offer payload cannot be opened', { cause });
  }
  const { credentialType, claims } = value;
  if (!isCredentialTypeId(credentialType) || !isJsonObject(claims)) {
    failIssuer('SERVER_ISSUANCE_FAILED', 'the offer payload is not valid');
  }
  return { credentialType, claims };
}
