import { z } from 'zod';
import { PRE_AUTHORIZED_CODE_GRANT_TYPE } from '../constants.js';
import { failOid4vci } from '../errors.js';
import { parseWith } from './issuer-response.js';
import { checkIssuerIdentifier } from './issuer-url.js';
import { zTxCode } from './tx-code.js';

/** Most credential configurations one offer may name. */
export const MAX_OFFERED_CONFIGURATIONS = 100;

/** The `urn:ietf:params:oauth:grant-type:pre-authorized_code` grant of an offer (§4.1.1). */
export const zPreAuthorizedCodeGrant = z
  .object({
    'pre-authorized_code': z.string().min(1),
    tx_code: zTxCode.optional(),
    authorization_server: z.string().min(1).optional(),
  })
  .loose();

/** The `authorization_code` grant of an offer (§4.1.1); this client does not run that flow. */
export const zAuthorizationCodeGrant = z
  .object({ issuer_state: z.string().optional(), authorization_server: z.string().min(1).optional() })
  .loose();

/** A Credential Offer object (OpenID4VCI §4.1.1). Unknown members are kept (§4.1.1: ignore them). */
export const zCredentialOffer = z
  .object({
    credential_issuer: z.string().min(1),
    credential_configuration_ids: z
      .array(z.string().min(1))
      .min(1)
      .max(MAX_OFFERED_CONFIGURATIONS)
      .refine((ids) => new Set(ids).size === ids.length, 'must be unique'),
    grants: z
      .object({
        authorization_code: zAuthorizationCodeGrant.optional(),
        [PRE_AUTHORIZED_CODE_GRANT_TYPE]: zPreAuthorizedCodeGrant.optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

/** A validated Credential Offer. */
export type CredentialOffer = z.infer<typeof zCredentialOffer>;
/** A validated pre-authorized code grant. */
export type OfferedPreAuthorizedCodeGrant = z.infer<typeof zPreAuthorizedCodeGrant>;

/**
 * Validates a Credential Offer object (§4.1.1): `credential_issuer` a canonical https URL without query
 * or fragment (§12.2.1), `credential_configuration_ids` a non-empty array of unique strings, and, when
 * present, a well-formed pre-authorized code grant (`tx_code` with `input_mode`, `length`, a description
 * of at most 300 characters). Throws `OID4VCI_CLIENT_OFFER_INVALID`.
 *
 * The offer is untrusted input (§13.5): nothing in it is believed until the issuer's own metadata
 * confirms it.
 *
 * @example
 * ```ts
 * const offer = parseCredentialOffer(JSON.parse(text));
 * ```
 */
export function parseCredentialOffer(
  value: unknown,
  options: { allowHttpLoopback?: boolean } = {},
): CredentialOffer {
  const offer = parseWith(zCredentialOffer, value, 'OID4VCI_CLIENT_OFFER_INVALID', 'the credential offer');
  checkIssuerIdentifier(offer.credential_issuer, {
    allowHttpLoopback: options.allowHttpLoopback,
    code: 'OID4VCI_CLIENT_OFFER_INVALID',
    what: 'the offer credential_issuer',
  });
  return offer;
}

/**
 * The pre-authorized code grant of an offer. Throws `OID4VCI_CLIENT_OFFER_INVALID` when the offer has
 * none (this client runs only the pre-authorized code flow).
 *
 * @example
 * ```ts
 * const grant = preAuthorizedCodeGrantOf(offer);
 * const needsTxCode = grant.tx_code !== undefined;
 * ```
 */
export function preAuthorizedCodeGrantOf(offer: CredentialOffer): OfferedPreAuthorizedCodeGrant {
  const grant = offer.grants?.[PRE_AUTHORIZED_CODE_GRANT_TYPE];
  if (grant === undefined) {
    failOid4vci('OID4VCI_CLIENT_OFFER_INVALID', 'the offer has no pre-authorized code grant', {
      details: { reason: 'grant' },
    });
  }
  return grant;
}
