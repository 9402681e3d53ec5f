import { z } from 'zod';

/**
 * One authorization details object of type `openid_credential` (OpenID4VCI §5.1.1, RFC 9396 §2), as a
 * wallet may send it in a Token Request (§6.1.1). Unknown members are kept (`.loose()`): the type is
 * never invalid because of them.
 *
 * @example
 * ```ts
 * zOpenidCredentialAuthorizationDetails.parse({ type: 'openid_credential', credential_configuration_id: 'x' });
 * ```
 */
export const zOpenidCredentialAuthorizationDetails = z
  .object({
    type: z.literal('openid_credential'),
    credential_configuration_id: z.string().min(1).max(256),
    locations: z.array(z.string()).min(1).optional(),
    claims: z.array(z.object({}).loose()).min(1).optional(),
  })
  .loose();

/** {@link zOpenidCredentialAuthorizationDetails} as a type. */
export type OpenidCredentialAuthorizationDetails = z.infer<typeof zOpenidCredentialAuthorizationDetails>;

/**
 * The `authorization_details` Token Request parameter once JSON-decoded: a non-empty array of
 * objects, each of type `openid_credential` (the only type this issuer knows; RFC 9396 §5 says unknown
 * types are refused, not ignored).
 *
 * @example
 * ```ts
 * zAuthorizationDetails.safeParse(JSON.parse(params.authorization_details)).success
 * ```
 */
export const zAuthorizationDetails = z.array(zOpenidCredentialAuthorizationDetails).min(1).max(32);

/**
 * One entry of `authorization_details` in a Token Response (§6.2): what was granted, with the
 * `credential_identifiers` to use at the Credential Endpoint.
 *
 * @example
 * ```ts
 * zTokenResponseAuthorizationDetails.parse(tokenResponse.authorization_details[0]);
 * ```
 */
export const zTokenResponseAuthorizationDetails = z
  .object({
    type: z.literal('openid_credential'),
    credential_configuration_id: z.string().min(1),
    credential_identifiers: z.array(z.string().min(1)).min(1),
  })
  .loose();

/** {@link zTokenResponseAuthorizationDetails} as a type. */
export type TokenResponseAuthorizationDetails = z.infer<typeof zTokenResponseAuthorizationDetails>;
