import { assertPublicJwk, isJsonObject, type PublicJwk, parseStrictJson } from '@haven/core';
import { failOid4vci } from '../errors.js';
import { zDeferredCredentialRequest } from '../schemas/credential-request.js';
import type { DeferredRecord } from '../store.js';
import { authenticateAccessToken } from './authenticate-access-token.js';
import { deliverCredentials } from './deliver-credentials.js';
import type { CredentialEndpointInput, CredentialResponse } from './handle-credential-request.js';
import { hashSecret } from './hash-secret.js';
import { readNow, resolveIssuerConfig } from './resolve-issuer-config.js';
import { noStore } from './responses.js';
import type { HandlerResult, Oid4vciIssuerConfig } from './types.js';

/**
 * The Deferred Credential Endpoint (OpenID4VCI §9). The bearer token is checked as at the Credential
 * Endpoint (`OID4VCI_INVALID_TOKEN`); the body needs a `transaction_id` (`OID4VCI_INVALID_CREDENTIAL_REQUEST`)
 * and must not ask for response encryption (`OID4VCI_INVALID_ENCRYPTION_PARAMETERS`). An unknown,
 * expired, already picked-up or closed transaction, or one of another offer than the token's, is
 * `OID4VCI_INVALID_TRANSACTION_ID` (§9.3). While the offer waits for a decision: 202 with the same
 * `transaction_id` and the `interval` (§9.2). Denied or withdrawn: the transaction is closed and
 * `OID4VCI_CREDENTIAL_REQUEST_DENIED` (§9.3). Approved: the transaction is marked issued — of concurrent
 * pickups exactly one wins — and the credentials are issued to the holder keys proven in the original
 * request, and the claim is marked delivered; if issuing fails the transaction is reopened and the error
 * propagates. 200 `credentials`.
 *
 * @example
 * ```ts
 * const result = await handleDeferredCredentialRequest(config, {
 *   authorization: req.get('authorization'),
 *   body: req.body,
 * });
 * ```
 */
export async function handleDeferredCredentialRequest(
  config: Oid4vciIssuerConfig,
  input: CredentialEndpointInput,
): Promise<HandlerResult<CredentialResponse>> {
  const { limits } = resolveIssuerConfig(config);
  const now = readNow(config);
  const { token } = await authenticateAccessToken(config, input?.authorization, now);
  const body = input.body;
  if (!isJsonObject(body)) {
    failOid4vci(
      'OID4VCI_INVALID_CREDENTIAL_REQUEST',
      'the deferred credential request must be a JSON object',
    );
  }
  if (Object.hasOwn(body, 'credential_response_encryption')) {
    failOid4vci('OID4VCI_INVALID_ENCRYPTION_PARAMETERS', 'credential response encryption is not supported');
  }
  const parsed = zDeferredCredentialRequest.safeParse(body);
  if (!parsed.success)
    failOid4vci('OID4VCI_INVALID_CREDENTIAL_REQUEST', 'transaction_id is missing or malformed');
  const transactionId = parsed.data.transaction_id;

  const { store, secret } = config;
  const transactionHash = hashSecret(secret, 'transaction_id', transactionId);
  const deferred = await store.findDeferred(transactionHash);
  if (
    deferred === undefined ||
    deferred.state !== 'pending' ||
    !(now < deferred.expiresAt) ||
    deferred.offerId !== token.offerId
  ) {
    failOid4vci('OID4VCI_INVALID_TRANSACTION_ID', 'the transaction_id is invalid');
  }
  const offer = await store.getOffer(deferred.offerId);
  if (offer === undefined || offer.withdrawn || offer.decision === 'denied') {
    await store.finishDeferred(transactionHash, 'closed');
    failOid4vci('OID4VCI_CREDENTIAL_REQUEST_DENIED', 'the credential request was denied');
  }
  if (offer.decision === 'pending') {
    return noStore(202, { transaction_id: transactionId, interval: limits.deferredIntervalSeconds });
  }
  const holderKeys = readHolderKeys(deferred);
  if (!(await store.finishDeferred(transactionHash, 'issued'))) {
    failOid4vci('OID4VCI_INVALID_TRANSACTION_ID', 'the transaction_id is invalid');
  }
  const credentials = await deliverCredentials(
    config,
    { offer, configurationId: deferred.configurationId, holderKeys, now },
    () => store.reopenDeferred(transactionHash),
  );
  return noStore(200, { credentials });
}

/** The holder keys saved with the transaction, checked again: the store is not trusted to keep them intact. */
function readHolderKeys(deferred: DeferredRecord): readonly PublicJwk[] {
  try {
    const keys = parseStrictJson(deferred.holderKeys, { what: 'stored holder keys' });
    if (!Array.isArray(keys)) throw new TypeError('not an array');
    for (const key of keys) assertPublicJwk(key);
    return Object.freeze(keys as PublicJwk[]);
  } catch (cause) {
    failOid4vci('OID4VCI_CONFIG_INVALID', 'a stored deferred transaction is corrupt', { cause });
  }
}
