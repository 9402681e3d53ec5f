import { failOid4vci } from '../errors.js';
import { resolveIssuerConfig } from './resolve-issuer-config.js';
import type { Oid4vciIssuerConfig } from './types.js';

/**
 * Withdraws an offer: its code can no longer be exchanged, its access tokens stop working and no
 * further credential is issued from it (deferred pickups answer `credential_request_denied`). Throws
 * `OID4VCI_OFFER_NOT_FOUND` for an unknown offer and `OID4VCI_OFFER_STATE` if it was already withdrawn.
 *
 * @example
 * ```ts
 * await withdrawOffer(config, offerId);
 * ```
 */
export async function withdrawOffer(config: Oid4vciIssuerConfig, offerId: string): Promise<void> {
  resolveIssuerConfig(config);
  const offer = typeof offerId === 'string' ? await config.store.getOffer(offerId) : undefined;
  if (offer === undefined) failOid4vci('OID4VCI_OFFER_NOT_FOUND', 'no such credential offer');
  if (offer.withdrawn) failOid4vci('OID4VCI_OFFER_STATE', 'the offer was already withdrawn');
  if (!(await config.store.withdrawOffer(offer.id))) {
    failOid4vci('OID4VCI_OFFER_STATE', 'the offer was already withdrawn');
  }
}
