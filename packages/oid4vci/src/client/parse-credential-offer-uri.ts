import { isHavenError, parseStrictJson } from '@haven/core';
import { failOid4vci } from '../errors.js';
import { type CredentialOffer, parseCredentialOffer } from './credential-offer.js';
import { checkEndpointUrl } from './issuer-url.js';

/** Longest offer URI accepted (characters); QR codes hold far less. */
export const MAX_OFFER_URI_LENGTH = 64 * 1024;

/** What an offer URI carries: the offer itself, or where to fetch it. */
export type ParsedCredentialOfferUri =
  | { readonly kind: 'value'; readonly offer: CredentialOffer }
  | { readonly kind: 'reference'; readonly uri: string };

/**
 * Reads a Credential Offer URI (OpenID4VCI §4.1): `openid-credential-offer://?…` (§12.1.1), or any
 * other scheme the wallet is invoked with (an https link, a custom scheme), whose query holds exactly
 * one `credential_offer` (the offer JSON, parsed strictly: no duplicate member names, size and depth
 * caps) or one `credential_offer_uri` (an https URL; plain http only to a loopback host with
 * `allowHttpLoopback`). Both, neither, or either one repeated → `OID4VCI_CLIENT_OFFER_INVALID`.
 * No network: use {@link resolveCredentialOffer} to also fetch an offer by reference.
 *
 * @example
 * ```ts
 * const parsed = parseCredentialOfferUri(scannedText);
 * if (parsed.kind === 'value') show(parsed.offer.credential_issuer);
 * ```
 */
export function parseCredentialOfferUri(
  uri: string,
  options: { allowHttpLoopback?: boolean } = {},
): ParsedCredentialOfferUri {
  if (typeof uri !== 'string' || uri.length > MAX_OFFER_URI_LENGTH) {
    failOid4vci(
      'OID4VCI_CLIENT_OFFER_INVALID',
      `the offer URI must be a string of at most ${MAX_OFFER_URI_LENGTH} characters`,
    );
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    failOid4vci('OID4VCI_CLIENT_OFFER_INVALID', 'the offer URI is not a valid URI');
  }
  const byValue = url.searchParams.getAll('credential_offer');
  const byReference = url.searchParams.getAll('credential_offer_uri');
  if (byValue.length + byReference.length !== 1) {
    failOid4vci(
      'OID4VCI_CLIENT_OFFER_INVALID',
      'the offer URI must carry exactly one credential_offer or credential_offer_uri parameter',
      {
        details: {
          reason: 'parameters',
          credentialOffer: byValue.length,
          credentialOfferUri: byReference.length,
        },
      },
    );
  }
  const [value] = byValue;
  if (value !== undefined) {
    let json: unknown;
    try {
      json = parseStrictJson(value, { what: 'credential offer' });
    } catch (cause) {
      if (!isHavenError(cause)) throw cause;
      failOid4vci('OID4VCI_CLIENT_OFFER_INVALID', 'the credential offer is not valid JSON', {
        cause,
        details: { reason: 'json', jsonCode: cause.code },
      });
    }
    return { kind: 'value', offer: parseCredentialOffer(json, options) };
  }
  const reference = checkEndpointUrl(byReference[0], {
    allowHttpLoopback: options.allowHttpLoopback,
    code: 'OID4VCI_CLIENT_OFFER_INVALID',
    what: 'credential_offer_uri',
  });
  return { kind: 'reference', uri: reference };
}
