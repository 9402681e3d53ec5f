import { failOid4vci } from '../errors.js';
import { resolveIssuerConfig } from './resolve-issuer-config.js';
import type { Oid4vciIssuerConfig } from './types.js';

/**
 * Records a caseworker's decision on a deferred offer: `approved` (with the final sealed payload, if it
 * was not given at creation) lets pending and future requests issue; `denied` makes them answer
 * `credential_request_denied` (OpenID4VCI §8.3.1.2, §9.3). Throws `OID4VCI_OFFER_NOT_FOUND` for an
 * unknown offer, `OID4VCI_OFFER_STATE` if it is withdrawn or already decided (also when a concurrent
 * decision won), `OID4VCI_OFFER_INVALID` for a bad decision or a payload sent with a denial.
 *
 * @example
 * ```ts
 * await decideOffer(config, offerId, 'approved', sealedClaims);
 * ```
 */
export async function decideOffer(
  config: Oid4vciIssuerConfig,
  offerId: string,
  decision: 'approved' | 'denied',
  payload?: string,
): Promise<void> {
  resolveIssuerConfig(config);
  if (decision !== 'approved' && decision !== 'denied') {
    failOid4vci('OID4VCI_OFFER_INVALID', 'the decision must be "approved" or "denied"');
  }
  if (payload !== undefined && (typeof payload !== 'string' || payload === '')) {
    failOid4vci('OID4VCI_OFFER_INVALID', 'the payload must be a sealed, non-empty string');
  }
  // No claims are kept for a person whose request was refused.
  if (decision === 'denied' && payload !== undefined) {
    failOid4vci('OID4VCI_OFFER_INVALID', 'a denial carries no payload');
  }
  const offer = typeof offerId === 'string' ? await config.store.getOffer(offerId) : undefined;
  if (offer === undefined) failOid4vci('OID4VCI_OFFER_NOT_FOUND', 'no such credential offer');
  if (offer.withdrawn) failOid4vci('OID4VCI_OFFER_STATE', 'the offer was withdrawn');
  if (offer.decision !== 'pending')
    failOid4vci('OID4VCI_OFFER_STATE', 'the offer is not waiting for a decision');
  if (!(await config.store.decideOffer(offer.id, decision, payload))) {
    failOid4vci('OID4VCI_OFFER_STATE', 'the offer is not waiting for a decision');
  }
}
