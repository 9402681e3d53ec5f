import { isJsonObject, type PublicJwk } from '@haven/core';
import { failOid4vci } from '../errors.js';
import { zCredentialRequest } from '../schemas/credential-request.js';
import type { AccessTokenRecord, OfferRecord } from '../store.js';
import { authenticateAccessToken } from './authenticate-access-token.js';
import { deliverCredentials, type IssuedCredential } from './deliver-credentials.js';
import { hashSecret } from './hash-secret.js';
import {
  type ResolvedIssuerConfig,
  randomBase64UrlFrom,
  readNow,
  resolveIssuerConfig,
} from './resolve-issuer-config.js';
import { noStore } from './responses.js';
import type { HandlerResult, Oid4vciIssuerConfig } from './types.js';
import { verifyKeyProofs } from './verify-key-proofs.js';

/** What the Credential and Deferred Credential endpoints receive from the HTTP layer. */
export interface CredentialEndpointInput {
  /** The `Authorization` header as received (`Bearer <token>`), or `undefined`. */
  readonly authorization: string | undefined;
  /** The parsed JSON body. */
  readonly body: unknown;
}

/** A Credential Response with the credentials (OpenID4VCI §8.3, 200). */
export interface ImmediateCredentialResponse {
  readonly credentials: readonly IssuedCredential[];
}

/** A Credential Response deferring issuance (OpenID4VCI §8.3, 202). */
export interface DeferredCredentialResponse {
  readonly transaction_id: string;
  readonly interval: number;
}

/** Either form of Credential Response. */
export type CredentialResponse = ImmediateCredentialResponse | DeferredCredentialResponse;

/**
 * The Credential Endpoint (OpenID4VCI §8). In order:
 * 1. the bearer token (`OID4VCI_INVALID_TOKEN`, 401: missing, unknown, expired, withdrawn offer);
 * 2. the body: an object; `credential_response_encryption` is refused (`OID4VCI_INVALID_ENCRYPTION_PARAMETERS`,
 *    not advertised); the legacy singular `proof`, malformed members, both or neither of
 *    `credential_configuration_id` / `credential_identifier` → `OID4VCI_INVALID_CREDENTIAL_REQUEST`;
 * 3. the configuration must be one of THIS token's offer (`OID4VCI_UNKNOWN_CREDENTIAL_CONFIGURATION`), or
 *    a `credential_identifier` the token was granted (`OID4VCI_UNKNOWN_CREDENTIAL_IDENTIFIER`); a token
 *    granted identifiers must use them (§8.2);
 * 4. `proofs`: required when the configuration has `proof_types_supported` (missing → `OID4VCI_INVALID_PROOF`,
 *    §8.3.1.2), refused otherwise; exactly one proof type; `jwt` only; 1 to `batchSize` proofs (more is an
 *    `OID4VCI_INVALID_CREDENTIAL_REQUEST`); each verified, one shared nonce consumed once, distinct keys;
 * 5. a denied offer → `OID4VCI_CREDENTIAL_REQUEST_DENIED`;
 * 6. the configuration is claimed for this offer, once: a second request for it → `OID4VCI_INVALID_TOKEN`;
 * 7. a pending offer → 202 with a new `transaction_id` (stored as an HMAC with the holder keys) and the
 *    `interval`, the claim held undelivered until the pickup; an approved one → `config.issue` (its
 *    failure gives the claim back) → the claim is marked delivered → 200 `credentials`.
 * Every answer carries `Cache-Control: no-store`.
 *
 * @example
 * ```ts
 * const result = await handleCredentialRequest(config, { authorization: req.get('authorization'), body: req.body });
 * res.status(result.status).set(result.headers).json(result.body);
 * ```
 */
export async function handleCredentialRequest(
  config: Oid4vciIssuerConfig,
  input: CredentialEndpointInput,
): Promise<HandlerResult<CredentialResponse>> {
  const resolved = resolveIssuerConfig(config);
  const now = readNow(config);
  const { token, offer } = await authenticateAccessToken(config, input?.authorization, now);
  const request = parseCredentialRequest(input.body);
  const configurationId = resolveConfigurationId(config, token, offer, request);
  const jwts = checkProofs(resolved, configurationId, request.proofs);
  if (offer.decision === 'denied')
    failOid4vci('OID4VCI_CREDENTIAL_REQUEST_DENIED', 'the credential request was denied');
  const algorithms = resolved.proofAlgorithms.get(configurationId);
  const holderKeys =
    jwts === undefined || algorithms === undefined
      ? []
      : await verifyKeyProofs(resolved, jwts, algorithms, now);

  const { store } = config;
  if (!(await store.claimIssuance(offer.id, configurationId, now))) {
    failOid4vci('OID4VCI_INVALID_TOKEN', 'this credential was already requested with this grant');
  }
  const release = () => store.releaseIssuance(offer.id, configurationId);
  // Read again after the claim: a decision or a withdrawal may have landed since the token check.
  const current = await store.getOffer(offer.id);
  if (current === undefined || current.withdrawn) {
    await release();
    failOid4vci('OID4VCI_INVALID_TOKEN', 'the access token is missing or invalid');
  }
  // A denial is final: the claim is kept, so nothing is ever issued for this configuration.
  if (current.decision === 'denied')
    failOid4vci('OID4VCI_CREDENTIAL_REQUEST_DENIED', 'the credential request was denied');
  if (current.decision === 'pending') {
    return deferIssuance(resolved, current, configurationId, holderKeys, now, release);
  }
  const credentials = await deliverCredentials(
    config,
    { offer: current, configurationId, holderKeys, now },
    release,
  );
  return noStore(200, { credentials });
}

interface ParsedCredentialRequest {
  readonly credentialConfigurationId?: string;
  readonly credentialIdentifier?: string;
  readonly proofs?: Readonly<Record<string, unknown>>;
}

function parseCredentialRequest(body: unknown): ParsedCredentialRequest {
  if (!isJsonObject(body))
    failOid4vci('OID4VCI_INVALID_CREDENTIAL_REQUEST', 'the credential request must be a JSON object');
  // Not advertised in the metadata (§12.2.4), so never silently answered in the clear (§8.2, §10).
  if (Object.hasOwn(body, 'credential_response_encryption')) {
    failOid4vci('OID4VCI_INVALID_ENCRYPTION_PARAMETERS', 'credential response encryption is not supported');
  }
  // The draft-era singular `proof` is gone from 1.0; accepting it would be a second, unreviewed path.
  if (Object.hasOwn(body, 'proof')) {
    failOid4vci('OID4VCI_INVALID_CREDENTIAL_REQUEST', 'use "proofs"; the singular "proof" is not supported');
  }
  const parsed = zCredentialRequest.safeParse(body);
  if (!parsed.success) {
    failOid4vci('OID4VCI_INVALID_CREDENTIAL_REQUEST', 'the credential request is malformed', {
      details: { path: parsed.error.issues[0]?.path.map(String).join('.') ?? '' },
    });
  }
  const { credential_configuration_id, credential_identifier, proofs } = parsed.data;
  if ((credential_configuration_id === undefined) === (credential_identifier === undefined)) {
    failOid4vci(
      'OID4VCI_INVALID_CREDENTIAL_REQUEST',
      'send exactly one of credential_configuration_id and credential_identifier',
    );
  }
  return {
    ...(credential_configuration_id === undefined
      ? {}
      : { credentialConfigurationId: credential_configuration_id }),
    ...(credential_identifier === undefined ? {} : { credentialIdentifier: credential_identifier }),
    ...(proofs === undefined ? {} : { proofs }),
  };
}

/** §8.2 and §6.2: which configuration the request is for, and whether THIS token may ask for it. */
function resolveConfigurationId(
  config: Oid4vciIssuerConfig,
  token: AccessTokenRecord,
  offer: OfferRecord,
  request: ParsedCredentialRequest,
): string {
  const granted = token.credentialIdentifiers;
  const known = (id: string) =>
    offer.configurationIds.includes(id) && Object.hasOwn(config.configurations, id);
  if (request.credentialIdentifier !== undefined) {
    const id = request.credentialIdentifier;
    if (granted === undefined || !granted.includes(id) || !known(id)) {
      failOid4vci('OID4VCI_UNKNOWN_CREDENTIAL_IDENTIFIER', 'the credential identifier is unknown');
    }
    return id;
  }
  const id = request.credentialConfigurationId as string;
  if (!known(id)) {
    failOid4vci(
      'OID4VCI_UNKNOWN_CREDENTIAL_CONFIGURATION',
      'the credential configuration is not part of this grant',
    );
  }
  // §8.2: once credential_identifiers were returned, credential_configuration_id must not be used.
  if (granted !== undefined) {
    failOid4vci('OID4VCI_INVALID_CREDENTIAL_REQUEST', 'this grant is used with credential_identifier');
  }
  return id;
}

/** §8.2 `proofs` against the configuration: the `jwt` proofs to verify, or `undefined` for no binding. */
function checkProofs(
  resolved: ResolvedIssuerConfig,
  configurationId: string,
  proofs: Readonly<Record<string, unknown>> | undefined,
): readonly string[] | undefined {
  const algorithms = resolved.proofAlgorithms.get(configurationId);
  if (algorithms === undefined) {
    if (proofs !== undefined) {
      failOid4vci(
        'OID4VCI_INVALID_CREDENTIAL_REQUEST',
        'this credential is not bound to a key; send no proofs',
      );
    }
    return undefined;
  }
  if (proofs === undefined) failOid4vci('OID4VCI_INVALID_PROOF', 'this credential needs key proofs');
  const types = Object.keys(proofs);
  if (types.length !== 1) {
    failOid4vci('OID4VCI_INVALID_CREDENTIAL_REQUEST', '"proofs" must hold exactly one proof type');
  }
  if (types[0] !== 'jwt') failOid4vci('OID4VCI_INVALID_PROOF', 'only "jwt" key proofs are supported');
  const jwts = proofs.jwt as readonly string[];
  if (jwts.length === 0) failOid4vci('OID4VCI_INVALID_PROOF', 'no key proof was sent');
  // §12.2.4 batch_size: the most proofs one request may carry.
  if (jwts.length > resolved.limits.batchSize) {
    failOid4vci('OID4VCI_INVALID_CREDENTIAL_REQUEST', 'more key proofs than the batch size');
  }
  return jwts;
}

/** §8.3 / §9: a pending offer answers 202 with a transaction the wallet polls. */
async function deferIssuance(
  resolved: ResolvedIssuerConfig,
  offer: OfferRecord,
  configurationId: string,
  holderKeys: readonly PublicJwk[],
  now: number,
  release: () => Promise<void>,
): Promise<HandlerResult<DeferredCredentialResponse>> {
  const { config, limits } = resolved;
  const transactionId = randomBase64UrlFrom(config, 32);
  try {
    await config.store.createDeferred({
      transactionHash: hashSecret(config.secret, 'transaction_id', transactionId),
      offerId: offer.id,
      configurationId,
      holderKeys: JSON.stringify(holderKeys),
      createdAt: now,
      expiresAt: now + limits.deferredSeconds,
      state: 'pending',
    });
  } catch (error) {
    await release();
    throw error;
  }
  return noStore(202, { transaction_id: transactionId, interval: limits.deferredIntervalSeconds });
}
