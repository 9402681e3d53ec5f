import { failOid4vci } from '../errors.js';
import type { Oid4vciClientOptions } from './client-options.js';
import { type CredentialResult, readCredentialResponse } from './credential-response.js';
import { checkEndpointUrl } from './issuer-url.js';

/** Options of {@link requestCredential}. */
export interface RequestCredentialOptions extends Oid4vciClientOptions {
  /** The issuer metadata's `credential_endpoint`. */
  readonly credentialEndpoint: string;
  /** The access token from the token endpoint. */
  readonly accessToken: string;
  /** The configuration to issue; give exactly one of this and `credentialIdentifier` (§8.2). */
  readonly configurationId?: string;
  /** A `credential_identifiers` entry from the token response, when it returned `authorization_details`. */
  readonly credentialIdentifier?: string;
  /** `jwt` key proofs (Appendix F.1), one per credential wanted; none for credentials without key binding. */
  readonly proofs?: readonly string[];
}

/**
 * Sends a Credential Request (OpenID4VCI §8.2): a JSON POST with the Bearer access token, naming the
 * configuration (or credential identifier) and carrying the key proofs as `proofs.jwt`. Returns the
 * credentials (§8.3, HTTP 200; at most one per proof) or a deferred transaction (HTTP 202).
 *
 * The credentials are returned as received: verifying them (signature, issuer, holder binding to the
 * proven keys, status) is the caller's job, e.g. with `@haven/sd-jwt` for SD-JWT VCs.
 *
 * Errors: `OID4VCI_CLIENT_ISSUER_ERROR` with `details.error` (`invalid_proof`, `invalid_nonce`,
 * `invalid_token`, `credential_request_denied`…), `OID4VCI_CLIENT_RESPONSE_INVALID`.
 *
 * @example
 * ```ts
 * const result = await requestCredential({
 *   fetch, credentialEndpoint: metadata.credential_endpoint, accessToken: token.accessToken,
 *   configurationId: 'labour-contract', proofs: [proof],
 * });
 * if (result.kind === 'issued') await verifyAndStore(result.credentials);
 * ```
 */
export async function requestCredential(options: RequestCredentialOptions): Promise<CredentialResult> {
  const { configurationId, credentialIdentifier, proofs = [] } = options;
  if ((configurationId === undefined) === (credentialIdentifier === undefined)) {
    failOid4vci('OID4VCI_CLIENT_OFFER_INVALID', 'name either a configuration or a credential identifier', {
      details: { reason: 'credential_request' },
    });
  }
  const url = checkEndpointUrl(options.credentialEndpoint, {
    allowHttpLoopback: options.allowHttpLoopback,
    code: 'OID4VCI_CLIENT_METADATA_INVALID',
    what: 'the credential endpoint',
  });
  const body: Record<string, unknown> =
    credentialIdentifier === undefined
      ? { credential_configuration_id: configurationId }
      : { credential_identifier: credentialIdentifier };
  // §8.2: the proof array, when sent, is never empty.
  if (proofs.length > 0) body.proofs = { jwt: [...proofs] };
  const response = await options.fetch({
    url,
    method: 'POST',
    headers: {
      authorization: `Bearer ${options.accessToken}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: JSON.stringify(body),
  });
  return readCredentialResponse(response, 'credential', proofs.length > 0 ? proofs.length : undefined);
}
