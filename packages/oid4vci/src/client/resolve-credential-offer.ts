import type { Oid4vciClientOptions } from './client-options.js';
import { type CredentialOffer, parseCredentialOffer } from './credential-offer.js';
import { expectStatus, readJsonObject } from './issuer-response.js';
import { parseCredentialOfferUri } from './parse-credential-offer-uri.js';

/**
 * Reads a Credential Offer URI and, for an offer by reference, fetches it (§4.1.3: HTTP GET, the answer
 * must be `application/json`; a signed `application/jwt` offer is refused), then validates the offer
 * (see {@link parseCredentialOffer}).
 *
 * Errors: `OID4VCI_CLIENT_OFFER_INVALID` for a bad URI or offer, `OID4VCI_CLIENT_ISSUER_ERROR` when the
 * offer endpoint answers with an error (e.g. 404 for an unknown, spent or expired offer),
 * `OID4VCI_CLIENT_RESPONSE_INVALID` for an answer that is not JSON; the fetcher's own `FETCH_*` errors
 * pass through unchanged.
 *
 * @example
 * ```ts
 * const offer = await resolveCredentialOffer(scannedText, { fetch: createGuardedFetch() });
 * ```
 */
export async function resolveCredentialOffer(
  uri: string,
  options: Oid4vciClientOptions,
): Promise<CredentialOffer> {
  const parsed = parseCredentialOfferUri(uri, options);
  if (parsed.kind === 'value') return parsed.offer;
  const response = await options.fetch({
    url: parsed.uri,
    method: 'GET',
    headers: { accept: 'application/json' },
  });
  expectStatus(response, [200], 'credential_offer');
  return parseCredentialOffer(readJsonObject(response, 'credential_offer'), options);
}
