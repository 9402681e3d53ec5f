import { isHavenError } from '@haven/core';
import { PRE_AUTHORIZED_CODE_GRANT_TYPE } from '../constants.js';
import { failOid4vci } from '../errors.js';
import {
  type FetchedAuthorizationServerMetadata,
  fetchAuthorizationServerMetadata,
} from './authorization-server-metadata.js';
import type { Oid4vciClientOptions } from './client-options.js';
import { type FetchedCredentialIssuerMetadata, fetchCredentialIssuerMetadata } from './issuer-metadata.js';

/** Options of {@link fetchIssuerMetadata}: what the offer says about configurations and authorization server. */
export interface FetchIssuerMetadataOptions extends Oid4vciClientOptions {
  /** The offer's `credential_configuration_ids`: each must be a key of `credential_configurations_supported`. */
  readonly configurationIds?: readonly string[];
  /** The offer grant's `authorization_server` hint (§4.1.1): must be one of `authorization_servers`. */
  readonly authorizationServer?: string;
}

/** Everything the pre-authorized code flow needs to know about an issuer. */
export interface IssuerMetadata {
  readonly credentialIssuer: FetchedCredentialIssuerMetadata;
  readonly authorizationServer: FetchedAuthorizationServerMetadata;
  /** The checked token endpoint of {@link IssuerMetadata.authorizationServer}. */
  readonly tokenEndpoint: string;
}

// RFC 8414 §2 gives a default for an absent `grant_types_supported` that lacks the pre-authorized code
// grant, but OpenID4VCI issuers acting as their own authorization server commonly omit the member: only
// an explicit list without the grant rules a server out.
function supportsPreAuthorizedCode(metadata: FetchedAuthorizationServerMetadata): boolean {
  return metadata.grant_types_supported?.includes(PRE_AUTHORIZED_CODE_GRANT_TYPE) ?? true;
}

/**
 * Fetches a Credential Issuer's metadata and the metadata of the Authorization Server that redeems
 * pre-authorized codes for it (OpenID4VCI §12.2.2, §12.2.4, §12.3, RFC 8414 §3). Without
 * `authorization_servers` the issuer is its own authorization server. With several, the offer's hint
 * picks one (a hint that is not listed stops the flow, §12.2.4), else the first whose metadata does not
 * rule out the pre-authorized code grant.
 *
 * Errors: as {@link fetchCredentialIssuerMetadata}, plus `OID4VCI_CLIENT_OFFER_INVALID` when an offered
 * configuration id is not in the metadata (the offer is untrusted, the metadata is the issuer's word).
 *
 * @example
 * ```ts
 * const { credentialIssuer, tokenEndpoint } = await fetchIssuerMetadata(offer.credential_issuer, {
 *   fetch,
 *   configurationIds: offer.credential_configuration_ids,
 * });
 * ```
 */
export async function fetchIssuerMetadata(
  credentialIssuer: string,
  options: FetchIssuerMetadataOptions,
): Promise<IssuerMetadata> {
  const metadata = await fetchCredentialIssuerMetadata(credentialIssuer, options);
  for (const id of options.configurationIds ?? []) {
    if (!Object.hasOwn(metadata.credential_configurations_supported, id)) {
      failOid4vci(
        'OID4VCI_CLIENT_OFFER_INVALID',
        'the offer names a credential configuration the issuer does not publish',
        {
          details: { reason: 'unknown_configuration' },
        },
      );
    }
  }
  let candidates = metadata.authorization_servers ?? [credentialIssuer];
  const hint = options.authorizationServer;
  if (hint !== undefined) {
    if (!candidates.includes(hint)) {
      failOid4vci(
        'OID4VCI_CLIENT_METADATA_INVALID',
        "the offer's authorization server is not one of the issuer's",
        {
          details: { reason: 'authorization_server' },
        },
      );
    }
    candidates = [hint];
  }
  let lastError: unknown;
  for (const candidate of candidates) {
    let server: FetchedAuthorizationServerMetadata;
    try {
      server = await fetchAuthorizationServerMetadata(candidate, options);
    } catch (error) {
      // With one candidate its own error is the answer; with several, try the next one.
      if (candidates.length === 1 || !isHavenError(error)) throw error;
      lastError = error;
      continue;
    }
    if (supportsPreAuthorizedCode(server)) {
      return {
        credentialIssuer: metadata,
        authorizationServer: server,
        tokenEndpoint: server.token_endpoint,
      };
    }
  }
  failOid4vci(
    'OID4VCI_CLIENT_METADATA_INVALID',
    'no authorization server of the issuer accepts pre-authorized codes',
    {
      ...(lastError === undefined ? {} : { cause: lastError }),
      details: { reason: 'grant_type' },
    },
  );
}
