import { HavenError, isHavenError, type PublicJwk, type Signer } from '@haven/core';
import { failOid4vci } from '../errors.js';
import { requestAccessToken } from './access-token.js';
import type { Oid4vciClientOptions } from './client-options.js';
import { preAuthorizedCodeGrantOf } from './credential-offer.js';
import type { CredentialResult } from './credential-response.js';
import { fetchIssuerMetadata, type IssuerMetadata } from './fetch-issuer-metadata.js';
import type { CredentialConfigurationMetadata, FetchedCredentialIssuerMetadata } from './issuer-metadata.js';
import { requestNonce } from './nonce.js';
import { createProofJwt } from './proof-jwt.js';
import { requestCredential } from './request-credential.js';
import { resolveCredentialOffer } from './resolve-credential-offer.js';
import { checkTxCode } from './tx-code.js';

/** A holder key: the signer proves possession, the public JWK is what the credential is bound to. */
export interface HolderKey {
  readonly signer: Signer;
  readonly publicJwk: PublicJwk;
}

/**
 * The holder keys for a credential request: a list used for every request, or a function asked once per
 * request (with the configuration id) so that each configuration gets keys of its own. Fresh keys per
 * credential keep credentials of different types from being linked through a shared key.
 */
export type HolderKeySource =
  | readonly HolderKey[]
  | ((configurationId: string) => readonly HolderKey[] | Promise<readonly HolderKey[]>);

/** Options of {@link receiveCredentials}. */
export interface ReceiveCredentialsOptions extends Oid4vciClientOptions {
  /** The Credential Offer URI as scanned or clicked (by value or by reference). */
  readonly offerUri: string;
  /** The transaction code the user entered, when the offer asks for one (see `parseTxCodeDescription`). */
  readonly txCode?: string;
  /**
   * One key per credential wanted: several keys ask for a batch of once-only copies, capped at the
   * issuer's `batch_credential_issuance.batch_size` (one key when the issuer does not batch). Keys whose
   * algorithm the configuration's `proof_signing_alg_values_supported` does not list are left out.
   */
  readonly holderKeys: HolderKeySource;
  /** The offered configurations to receive (default: all of them). */
  readonly configurationIds?: readonly string[];
  /** Current time in epoch seconds, read for each proof's `iat`. */
  readonly now: () => number;
  /** A `client_id` for authorization servers that refuse anonymous token requests; also the proofs' `iss`. */
  readonly clientId?: string;
}

/** What one credential request brought. */
export interface ReceivedCredentials {
  readonly configurationId: string;
  /** The credential identifier requested, when the token response named identifiers (§6.2). */
  readonly credentialIdentifier?: string;
  /** The configuration's `format` (`dc+sd-jwt`, `jwt_vc_json`, `ldp_vc`…), for picking a verifier. */
  readonly format: string;
  /** Issued credentials, as received and NOT verified; empty while deferred. */
  readonly credentials: readonly (string | Record<string, unknown>)[];
  /** The public keys proven in the request, in order; each issued credential is bound to one of them. */
  readonly holderKeys: readonly PublicJwk[];
  readonly notificationId?: string;
  /**
   * Set when the issuer deferred issuance (HTTP 202): everything needed to ask again later with
   * `requestDeferredCredential` / `pollDeferredCredential`. `accessToken` and `transactionId` are
   * secrets: store them encrypted, never log them.
   */
  readonly deferred?: {
    readonly transactionId: string;
    readonly interval: number;
    readonly deferredEndpoint: string;
    readonly accessToken: string;
  };
}

/** The outcome of {@link receiveCredentials}. */
export interface ReceiveCredentialsResult {
  /** The Credential Issuer Identifier, as confirmed by its metadata. */
  readonly credentialIssuer: string;
  /** The issuer's metadata (display names, logos, configuration details) for the wallet UI. */
  readonly metadata: FetchedCredentialIssuerMetadata;
  /** One entry per credential request, in offer order. */
  readonly received: readonly ReceivedCredentials[];
}

interface Plan {
  readonly configurationId: string;
  readonly configuration: CredentialConfigurationMetadata;
  /** Algorithms the issuer accepts in proofs; `undefined` when the configuration needs no proof. */
  readonly proofAlgorithms: readonly string[] | undefined;
}

function planConfiguration(metadata: IssuerMetadata, configurationId: string): Plan {
  const configuration = metadata.credentialIssuer.credential_configurations_supported[configurationId];
  if (configuration === undefined) {
    failOid4vci(
      'OID4VCI_CLIENT_OFFER_INVALID',
      'the offer names a credential configuration the issuer does not publish',
      {
        details: { reason: 'unknown_configuration' },
      },
    );
  }
  const proofTypes = configuration.proof_types_supported;
  if (proofTypes === undefined) return { configurationId, configuration, proofAlgorithms: undefined };
  const jwt = proofTypes.jwt;
  // This client proves keys with `jwt` proofs carrying a `jwk` header (Appendix F.1), without key
  // attestations: an issuer that wants anything else would refuse every request.
  if (jwt === undefined) {
    failOid4vci('OID4VCI_CLIENT_METADATA_INVALID', 'the configuration accepts no jwt proofs', {
      details: { reason: 'proof_type' },
    });
  }
  if (jwt.key_attestations_required !== undefined) {
    failOid4vci('OID4VCI_CLIENT_METADATA_INVALID', 'the configuration requires key attestations', {
      details: { reason: 'key_attestation' },
    });
  }
  const methods = configuration.cryptographic_binding_methods_supported;
  if (methods !== undefined && !methods.includes('jwk')) {
    failOid4vci('OID4VCI_CLIENT_METADATA_INVALID', 'the configuration does not bind to JWKs', {
      details: { reason: 'binding_method' },
    });
  }
  return { configurationId, configuration, proofAlgorithms: jwt.proof_signing_alg_values_supported };
}

async function keysFor(
  source: HolderKeySource,
  plan: Plan,
  batchSize: number,
): Promise<readonly HolderKey[]> {
  if (plan.proofAlgorithms === undefined) return [];
  const all = typeof source === 'function' ? await source(plan.configurationId) : source;
  const usable = all.filter((key) => plan.proofAlgorithms?.includes(key.signer.alg));
  if (usable.length === 0) {
    throw new HavenError(
      'JWS_ALG_NOT_ALLOWED',
      'no holder key uses an algorithm the issuer accepts for proofs',
    );
  }
  return usable.slice(0, batchSize);
}

function isInvalidNonce(error: unknown): boolean {
  return isHavenError(error, 'OID4VCI_CLIENT_ISSUER_ERROR') && error.details?.error === 'invalid_nonce';
}

/**
 * Receives the credentials of a Credential Offer in the pre-authorized code flow (OpenID4VCI §3.5): reads
 * or fetches the offer (§4.1), fetches and checks the issuer and authorization server metadata (§12.2,
 * §12.3), checks everything that could still fail locally (tx_code, proof types and algorithms, no
 * required encryption) BEFORE the single-use code is redeemed (§6), then for each configuration gets a
 * fresh `c_nonce` (§7), signs one `jwt` proof per holder key (Appendix F.1; batch capped at
 * `batch_size`) and sends the credential request (§8). A request refused with `invalid_nonce` is retried
 * once with a new nonce. Deferred answers (§8.3, 202) come back with what `requestDeferredCredential` needs.
 *
 * The credentials are returned as received and are NOT verified: the caller must verify each one
 * (signature and issuer, holder binding to one of `holderKeys`, type, status) before storing or showing
 * it, e.g. with `@haven/sd-jwt` for SD-JWT VCs. The offer is untrusted input (§13.5): show the user
 * `credentialIssuer` before anything is stored.
 *
 * @example
 * ```ts
 * const { received } = await receiveCredentials({
 *   offerUri: scanned, txCode: '493536', fetch: createGuardedFetch(), now: () => Date.now() / 1000,
 *   holderKeys: [0, 1, 2].map(() => { const k = generateKeyPair('ES256');
 *     return { signer: createSigner(k.privateJwk), publicJwk: k.publicJwk }; }),
 * });
 * ```
 */
export async function receiveCredentials(
  options: ReceiveCredentialsOptions,
): Promise<ReceiveCredentialsResult> {
  const offer = await resolveCredentialOffer(options.offerUri, options);
  const grant = preAuthorizedCodeGrantOf(offer);
  if (grant.tx_code !== undefined) checkTxCode(options.txCode, grant.tx_code);
  const wanted = options.configurationIds ?? offer.credential_configuration_ids;
  for (const id of wanted) {
    if (!offer.credential_configuration_ids.includes(id)) {
      failOid4vci('OID4VCI_CLIENT_OFFER_INVALID', 'a requested configuration is not in the offer', {
        details: { reason: 'not_offered' },
      });
    }
  }
  const metadata = await fetchIssuerMetadata(offer.credential_issuer, {
    fetch: options.fetch,
    allowHttpLoopback: options.allowHttpLoopback,
    configurationIds: offer.credential_configuration_ids,
    ...(grant.authorization_server === undefined ? {} : { authorizationServer: grant.authorization_server }),
  });
  const issuer = metadata.credentialIssuer;
  if (
    issuer.credential_request_encryption?.encryption_required ||
    issuer.credential_response_encryption?.encryption_required
  ) {
    failOid4vci('OID4VCI_CLIENT_METADATA_INVALID', 'the issuer requires encrypted requests or responses', {
      details: { reason: 'encryption_required' },
    });
  }
  const plans = wanted.map((id) => planConfiguration(metadata, id));
  const batchSize = issuer.batch_credential_issuance?.batch_size ?? 1;
  // Array sources are checked now, before the code is spent; function sources are asked per request.
  if (typeof options.holderKeys !== 'function') {
    for (const plan of plans) await keysFor(options.holderKeys, plan, batchSize);
  }

  const token = await requestAccessToken({
    fetch: options.fetch,
    allowHttpLoopback: options.allowHttpLoopback,
    tokenEndpoint: metadata.tokenEndpoint,
    preAuthorizedCode: grant['pre-authorized_code'],
    ...(grant.tx_code === undefined ? {} : { txCodeRequirement: grant.tx_code, txCode: options.txCode }),
    ...(options.clientId === undefined ? {} : { clientId: options.clientId }),
  });

  const received: ReceivedCredentials[] = [];
  for (const plan of plans) {
    const identifiers = token.credentialIdentifiers?.[plan.configurationId];
    const targets: (string | undefined)[] = identifiers === undefined ? [undefined] : [...identifiers];
    for (const credentialIdentifier of targets) {
      const keys = await keysFor(options.holderKeys, plan, batchSize);
      const send = async (): Promise<CredentialResult> => {
        const nonce =
          issuer.nonce_endpoint === undefined
            ? undefined
            : await requestNonce({
                fetch: options.fetch,
                allowHttpLoopback: options.allowHttpLoopback,
                nonceEndpoint: issuer.nonce_endpoint,
              });
        const proofs: string[] = [];
        for (const key of keys) {
          proofs.push(
            await createProofJwt({
              signer: key.signer,
              publicJwk: key.publicJwk,
              credentialIssuer: offer.credential_issuer,
              now: options.now(),
              ...(nonce === undefined ? {} : { nonce }),
              ...(options.clientId === undefined ? {} : { clientId: options.clientId }),
            }),
          );
        }
        return requestCredential({
          fetch: options.fetch,
          allowHttpLoopback: options.allowHttpLoopback,
          credentialEndpoint: issuer.credential_endpoint,
          accessToken: token.accessToken,
          proofs,
          ...(credentialIdentifier === undefined
            ? { configurationId: plan.configurationId }
            : { credentialIdentifier }),
        });
      };
      let result: CredentialResult;
      try {
        result = await send();
      } catch (error) {
        // §8.3.1.2: invalid_nonce means "get a new c_nonce"; once, so a broken issuer cannot loop us.
        if (!(isInvalidNonce(error) && issuer.nonce_endpoint !== undefined)) throw error;
        result = await send();
      }
      received.push(toReceived(plan, credentialIdentifier, keys, result, issuer, token.accessToken));
    }
  }
  return { credentialIssuer: offer.credential_issuer, metadata: issuer, received };
}

function toReceived(
  plan: Plan,
  credentialIdentifier: string | undefined,
  keys: readonly HolderKey[],
  result: CredentialResult,
  issuer: FetchedCredentialIssuerMetadata,
  accessToken: string,
): ReceivedCredentials {
  const base = {
    configurationId: plan.configurationId,
    ...(credentialIdentifier === undefined ? {} : { credentialIdentifier }),
    format: plan.configuration.format,
    holderKeys: keys.map((key) => key.publicJwk),
  };
  if (result.kind === 'issued') {
    return {
      ...base,
      credentials: result.credentials,
      ...(result.notificationId === undefined ? {} : { notificationId: result.notificationId }),
    };
  }
  const deferredEndpoint = issuer.deferred_credential_endpoint;
  if (deferredEndpoint === undefined) {
    failOid4vci(
      'OID4VCI_CLIENT_RESPONSE_INVALID',
      'the issuer deferred issuance but has no deferred credential endpoint',
      {
        details: { endpoint: 'credential', reason: 'deferred_endpoint' },
      },
    );
  }
  return {
    ...base,
    credentials: [],
    deferred: {
      transactionId: result.transactionId,
      interval: result.interval,
      deferredEndpoint,
      accessToken,
    },
  };
}
