import { z } from 'zod';
import { PRE_AUTHORIZED_CODE_GRANT_TYPE } from '../constants.js';
import { failOid4vci } from '../errors.js';
import type { Oid4vciClientOptions } from './client-options.js';
import { expectStatus, parseWith, readJsonObject } from './issuer-response.js';
import { checkEndpointUrl } from './issuer-url.js';
import { checkTxCode, type TxCode } from './tx-code.js';

/** An `authorization_details` entry of a token response (OpenID4VCI §6.2, RFC 9396 §7). */
export const zTokenAuthorizationDetail = z
  .object({
    type: z.string().min(1),
    credential_configuration_id: z.string().min(1).optional(),
    credential_identifiers: z.array(z.string().min(1)).min(1).optional(),
  })
  .loose()
  .refine(
    (d) =>
      d.type !== 'openid_credential' ||
      (d.credential_configuration_id !== undefined && d.credential_identifiers !== undefined),
    'openid_credential entries need credential_configuration_id and credential_identifiers',
  );

/** A successful token response (RFC 6749 §5.1, OpenID4VCI §6.2). */
export const zTokenResponse = z
  .object({
    access_token: z.string().min(1),
    token_type: z.string().refine((t) => t.toLowerCase() === 'bearer', 'only Bearer tokens are supported'),
    expires_in: z.number().positive().optional(),
    authorization_details: z.array(zTokenAuthorizationDetail).min(1).optional(),
  })
  .loose();

/** What the token endpoint granted. */
export interface AccessToken {
  /** The access token. A secret: never log it. */
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  /** Lifetime in seconds, when the server said. */
  readonly expiresIn?: number;
  /**
   * Credential identifiers per configuration (§6.2), when the server returned `authorization_details`;
   * credential requests must then name an identifier instead of the configuration (§8.2).
   */
  readonly credentialIdentifiers?: Readonly<Record<string, readonly string[]>>;
}

/** Options of {@link requestAccessToken}. */
export interface RequestAccessTokenOptions extends Oid4vciClientOptions {
  /** The authorization server's token endpoint (see `fetchIssuerMetadata`). */
  readonly tokenEndpoint: string;
  /** The offer's `pre-authorized_code`. */
  readonly preAuthorizedCode: string;
  /**
   * The offer grant's `tx_code` object, when it has one: its presence, even empty, means the token
   * request must carry a tx_code (§4.1.1, §6.1).
   */
  readonly txCodeRequirement?: TxCode;
  /** The transaction code the user entered. Sent only when the offer asked for one. */
  readonly txCode?: string;
  /** A `client_id`, for authorization servers that do not accept anonymous token requests (§6.1). */
  readonly clientId?: string;
}

/**
 * Redeems a pre-authorized code at the token endpoint (OpenID4VCI §6.1): a form-encoded POST with
 * `grant_type=urn:ietf:params:oauth:grant-type:pre-authorized_code`, the code and, exactly when the offer
 * asked for one, the tx_code. A missing tx_code, or one that does not fit the announced `input_mode` and
 * `length`, fails with `OID4VCI_CLIENT_TX_CODE_REQUIRED` before any request is made; a tx_code the offer
 * did not ask for is not sent to the issuer (§13.6.2: it could be phishing for codes of other services).
 *
 * An OAuth error (§6.3, e.g. `invalid_grant` for a wrong tx_code or a spent code) throws
 * `OID4VCI_CLIENT_ISSUER_ERROR` with `details.error` and `details.status`; a response that is not a
 * Bearer token response throws `OID4VCI_CLIENT_RESPONSE_INVALID`.
 *
 * @example
 * ```ts
 * const grant = preAuthorizedCodeGrantOf(offer);
 * const token = await requestAccessToken({
 *   fetch, tokenEndpoint, preAuthorizedCode: grant['pre-authorized_code'],
 *   txCodeRequirement: grant.tx_code, txCode: userInput,
 * });
 * ```
 */
export async function requestAccessToken(options: RequestAccessTokenOptions): Promise<AccessToken> {
  const { preAuthorizedCode, txCodeRequirement } = options;
  if (typeof preAuthorizedCode !== 'string' || preAuthorizedCode.length === 0) {
    failOid4vci('OID4VCI_CLIENT_OFFER_INVALID', 'a pre-authorized code is required', {
      details: { reason: 'grant' },
    });
  }
  const txCode = txCodeRequirement === undefined ? undefined : checkTxCode(options.txCode, txCodeRequirement);
  const url = checkEndpointUrl(options.tokenEndpoint, {
    allowHttpLoopback: options.allowHttpLoopback,
    code: 'OID4VCI_CLIENT_METADATA_INVALID',
    what: 'the token endpoint',
  });
  const form = new URLSearchParams({
    grant_type: PRE_AUTHORIZED_CODE_GRANT_TYPE,
    'pre-authorized_code': preAuthorizedCode,
  });
  if (txCode !== undefined) form.set('tx_code', txCode);
  if (options.clientId !== undefined) form.set('client_id', options.clientId);
  const response = await options.fetch({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form.toString(),
  });
  expectStatus(response, [200], 'token');
  const token = parseWith(
    zTokenResponse,
    readJsonObject(response, 'token'),
    'OID4VCI_CLIENT_RESPONSE_INVALID',
    'the token response',
    'token',
  );
  const identifiers: Record<string, string[]> = {};
  for (const detail of token.authorization_details ?? []) {
    if (detail.type !== 'openid_credential') continue;
    const id = detail.credential_configuration_id as string;
    identifiers[id] = [...(identifiers[id] ?? []), ...(detail.credential_identifiers as string[])];
  }
  return {
    accessToken: token.access_token,
    tokenType: 'Bearer',
    ...(token.expires_in === undefined ? {} : { expiresIn: token.expires_in }),
    ...(token.authorization_details === undefined ? {} : { credentialIdentifiers: identifiers }),
  };
}
