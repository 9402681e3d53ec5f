import {
  generateKeyPair,
  type PublicJwk,
  parseStrictJsonObject,
  randomBase64Url,
  timingSafeEqualStrings,
  toPublicJwk,
} from '@haven/core';
import { resolvePurpose } from '@haven/credentials';
import { parseClientId, parseEndpointUrl } from '../client-id.js';
import { REQUEST_OBJECT_TYP, type ResponseMode } from '../constants.js';
import { failOid4vp } from '../errors.js';
import type {
  CreatedPresentationTransaction,
  CreatePresentationTransactionInput,
  HandlerResponse,
  Oid4vpVerifierConfig,
  PresentationResult,
  PresentedCredential,
  SealedTransactionRequest,
  TransactionOutcome,
  VerifierTransactionRecord,
} from './contracts.js';
import {
  type CreateAuthorizationRequestOptions,
  createAuthorizationRequest,
} from './create-authorization-request.js';
import { checkConfig, hashSecret, isHandle, isOpen, json, nowOf, openRequest } from './transaction-common.js';

export { handleAuthorizationResponse } from './transaction-response.js';

/** Default lifetime of a transaction (OpenID4VP §13.3: short-lived request-ids). */
export const TRANSACTION_TTL_SECONDS = 600;
const TTL_MIN = 60;
const TTL_MAX = 3600;
// 32 random bytes (256 bits) for the handles a front end or wallet holds; the floor is 128 bits.
const HANDLE_BYTES = 32;

function optionsFail(message: string): never {
  failOid4vp('OID4VP_OPTIONS_INVALID', message);
}

function ttlOf(config: Oid4vpVerifierConfig): number {
  const ttl = config.transactionTtlSeconds ?? TRANSACTION_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < TTL_MIN || ttl > TTL_MAX) {
    optionsFail(`transactionTtlSeconds must be an integer from ${TTL_MIN} to ${TTL_MAX}`);
  }
  return ttl;
}

function responseModeOf(
  config: Oid4vpVerifierConfig,
  input: CreatePresentationTransactionInput,
): ResponseMode {
  const mode = input.responseMode ?? config.responseMode ?? 'direct_post.jwt';
  if (mode !== 'direct_post' && mode !== 'direct_post.jwt') {
    optionsFail('responseMode must be direct_post or direct_post.jwt');
  }
  return mode;
}

/** The `openid4vp://` URI a wallet opens (QR code or link): by reference when signed, by value when not. */
function authorizationRequestUri(parameters: Readonly<Record<string, unknown>>, requestUri?: string): string {
  const query = new URLSearchParams();
  if (requestUri !== undefined) {
    query.set('client_id', String(parameters.client_id));
    query.set('request_uri', requestUri);
  } else {
    for (const [name, value] of Object.entries(parameters)) {
      query.set(name, typeof value === 'string' ? value : JSON.stringify(value));
    }
  }
  return `openid4vp://?${query.toString()}`;
}

/**
 * Starts a presentation transaction (OpenID4VP §13.3, reference design for `direct_post`): a random
 * transaction-id and session secret for the front end, a random request-id that travels as `state`,
 * a fresh nonce (§14.1) and, for `direct_post.jwt` (§8.3, HAIP), a fresh EC P-256 key whose `kid` is
 * the request-id. The request is built by {@link createAuthorizationRequest} (signed for
 * `x509_san_dns`, by value for `redirect_uri`). What the response is checked against is sealed; the
 * store holds only HMACs of the request-id and session, so reading it reveals no handle.
 *
 * Throws `OID4VP_OPTIONS_INVALID` on bad configuration or input, and whatever
 * `createAuthorizationRequest` throws (`OVER_ASKING` for a query beyond the purpose…).
 *
 * @example
 * ```ts
 * const { transactionId, session, authorizationRequestUri } = await createPresentationTransaction(config, {
 *   purpose: 'age-check',
 * });
 * // show authorizationRequestUri as a QR code; keep transactionId and session in the front end's session
 * ```
 */
export async function createPresentationTransaction(
  config: Oid4vpVerifierConfig,
  input: CreatePresentationTransactionInput,
): Promise<CreatedPresentationTransaction> {
  checkConfig(config);
  if (typeof input !== 'object' || input === null) optionsFail('input must be an object');
  const allowHttpLoopback = config.allowHttpLoopback === true;
  const ttl = ttlOf(config);
  const responseMode = responseModeOf(config, input);
  const client = parseClientId(config.clientId, { allowHttpLoopback });
  if (
    client.prefix === 'x509_san_dns' &&
    parseEndpointUrl(config.requestUriBase, allowHttpLoopback) === undefined
  ) {
    optionsFail('requestUriBase must be an https URL');
  }
  if (
    input.redirectUri !== undefined &&
    parseEndpointUrl(input.redirectUri, allowHttpLoopback) === undefined
  ) {
    optionsFail('redirectUri must be an https URL without a fragment');
  }
  const purpose = resolvePurpose(input.purpose);
  const now = nowOf(config);

  const id = randomBase64Url(HANDLE_BYTES);
  const session = randomBase64Url(HANDLE_BYTES);
  const requestId = randomBase64Url(HANDLE_BYTES);

  let encryptionKey: Record<string, unknown> | undefined;
  let encryptionJwk: PublicJwk | undefined;
  if (responseMode === 'direct_post.jwt') {
    // A key per transaction: a leaked key opens one response at most, and its kid finds the transaction.
    const pair = generateKeyPair('ES256');
    encryptionKey = { ...pair.privateJwk, kid: requestId };
    encryptionJwk = { ...toPublicJwk(pair.publicJwk), kid: requestId };
  }
  const options: CreateAuthorizationRequestOptions = {
    purpose: input.purpose,
    clientId: config.clientId,
    responseUri: config.responseUri,
    responseMode,
    verifier: config.verifier,
    state: requestId,
    clock: config.clock,
    // The signed request object stays valid as long as the transaction it belongs to.
    ttlSeconds: ttl,
    allowHttpLoopback,
    ...(input.dcql === undefined ? {} : { dcql: input.dcql }),
    ...(encryptionJwk === undefined ? {} : { encryptionJwk }),
    ...(config.encValues === undefined ? {} : { encValues: config.encValues }),
    ...(config.x509 === undefined ? {} : { x509: config.x509 }),
  };
  const created = await createAuthorizationRequest(options);

  const requestUri = created.requestObject === undefined ? undefined : `${config.requestUriBase}${requestId}`;
  const uri = authorizationRequestUri(created.parameters, requestUri);
  const sealed: SealedTransactionRequest = {
    nonce: created.nonce,
    clientId: String(created.parameters.client_id),
    purpose,
    dcqlQuery: created.dcqlQuery,
    ...(created.requestObject === undefined ? {} : { requestObject: created.requestObject }),
    ...(encryptionKey === undefined ? {} : { encryptionKey }),
    ...(input.redirectUri === undefined ? {} : { redirectUri: input.redirectUri }),
    authorizationRequestUri: uri,
  };
  const expiresAt = now + ttl;
  const record: VerifierTransactionRecord = {
    id,
    requestIdHash: hashSecret(config, 'request-id', requestId),
    sessionHash: hashSecret(config, 'session', session),
    purposeId: purpose.id,
    responseMode,
    sealedRequest: config.seal(id, JSON.stringify(sealed)),
    createdAt: now,
    expiresAt,
  };
  await config.store.createTransaction(record);
  return {
    transactionId: id,
    session,
    authorizationRequestUri: uri,
    ...(requestUri === undefined ? {} : { requestUri }),
    expiresAt,
  };
}

/**
 * The `openid4vp://` URI of a transaction that can still be answered (live and unanswered), e.g. to show
 * it again as a QR code from any server process; `undefined` otherwise. For the verifier's own front end
 * or admin: the URI lets its bearer answer the request.
 *
 * @example
 * ```ts
 * const uri = await getAuthorizationRequestUri(config, transactionId);
 * ```
 */
export async function getAuthorizationRequestUri(
  config: Oid4vpVerifierConfig,
  transactionId: string,
): Promise<string | undefined> {
  if (!isHandle(transactionId)) return undefined;
  const record = await config.store.findTransaction(transactionId);
  if (record === undefined || record.respondedAt !== undefined) return undefined;
  if (!(nowOf(config) < record.expiresAt)) return undefined;
  const uri = openRequest(config, record).authorizationRequestUri;
  return typeof uri === 'string' ? uri : undefined;
}

const NOT_FOUND: HandlerResponse = Object.freeze(json(404, { error: 'invalid_request' }));

/**
 * Serves a signed request object at its `request_uri` (OpenID4VP §5.10, RFC 9101): 200 with
 * `application/oauth-authz-req+jwt` while the transaction is live and unanswered; one and the same 404
 * for an unknown, expired or answered request-id, so the endpoint is no oracle.
 *
 * @example
 * ```ts
 * const answer = await getRequestObject(config, requestIdFromPath);
 * reply.status(answer.status).type(answer.contentType).send(answer.body);
 * ```
 */
export async function getRequestObject(
  config: Oid4vpVerifierConfig,
  requestId: unknown,
): Promise<HandlerResponse> {
  checkConfig(config);
  if (!isHandle(requestId)) return NOT_FOUND;
  const record = await config.store.findTransactionByRequestId(hashSecret(config, 'request-id', requestId));
  if (record === undefined || !isOpen(record, nowOf(config))) return NOT_FOUND;
  const request = openRequest(config, record);
  if (typeof request.requestObject !== 'string') return NOT_FOUND;
  return { status: 200, contentType: `application/${REQUEST_OBJECT_TYP}`, body: request.requestObject };
}

/** What the front end presents to collect a result. */
export interface CollectPresentationResultInput {
  readonly transactionId: string;
  readonly session: string;
  /** The `response_code` the wallet's redirect brought back (same-device flow, §13.3). */
  readonly responseCode?: string;
}

function sessionFail(): never {
  failOid4vp('OID4VP_SESSION_INVALID', 'the session or response code does not match the transaction');
}

/**
 * Collects a transaction's result for the front end (OpenID4VP §13.3 steps 8-9). The session secret
 * must match; if a response code was issued to the wallet's redirect, it must be given and match too
 * (this is what stops session fixation, §13.3). Otherwise it throws `OID4VP_SESSION_INVALID` (the same
 * for an unknown transaction). Accepted credentials are handed out once: the store wipes them as they
 * are collected, and later calls say `collected`.
 *
 * @example
 * ```ts
 * const result = await collectPresentationResult(config, { transactionId, session, responseCode });
 * if (result.status === 'accepted') grantAccess(result.credentials);
 * ```
 */
export async function collectPresentationResult(
  config: Oid4vpVerifierConfig,
  input: CollectPresentationResultInput,
): Promise<PresentationResult> {
  checkConfig(config);
  if (typeof input !== 'object' || input === null) sessionFail();
  const { transactionId, session, responseCode } = input;
  if (!isHandle(transactionId) || !isHandle(session)) sessionFail();
  if (responseCode !== undefined && !isHandle(responseCode)) sessionFail();
  const record = await config.store.findTransaction(transactionId);
  if (record === undefined) sessionFail();
  if (!timingSafeEqualStrings(record.sessionHash, hashSecret(config, 'session', session))) sessionFail();
  if (record.responseCodeHash !== undefined) {
    if (responseCode === undefined) sessionFail();
    if (!timingSafeEqualStrings(record.responseCodeHash, hashSecret(config, 'response-code', responseCode))) {
      sessionFail();
    }
  } else if (responseCode !== undefined) {
    sessionFail();
  }

  const now = nowOf(config);
  if (record.collectedAt !== undefined) return { status: 'collected' };
  switch (record.outcome) {
    case undefined:
      return now < record.expiresAt
        ? { status: 'pending', expiresAt: record.expiresAt }
        : { status: 'expired' };
    case 'declined':
      return { status: 'declined', error: record.errorCode ?? 'access_denied' };
    case 'rejected':
      return { status: 'rejected', code: record.errorCode ?? 'OID4VP_PRESENTATION_INVALID' };
    case 'accepted': {
      // One-time: of two concurrent collectors, one gets the record with its result, the other nothing.
      const before = await config.store.collectTransaction(record.id, now);
      if (before === undefined || before.sealedResult === undefined) return { status: 'collected' };
      const result = parseStrictJsonObject(config.open(record.id, before.sealedResult), {
        what: 'sealed transaction result',
        maxBytes: 4 * 1024 * 1024,
      }) as { purpose: string; credentials: PresentedCredential[] };
      return { status: 'accepted', purpose: result.purpose, credentials: result.credentials };
    }
    default:
      return failOid4vp('OID4VP_OPTIONS_INVALID', 'the stored transaction has an unknown outcome');
  }
}

/** A transaction's metadata, for an admin API: no handle, no nonce, no claim. */
export interface TransactionStatus {
  readonly id: string;
  readonly purposeId: string;
  readonly responseMode: ResponseMode;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly outcome?: TransactionOutcome;
  readonly respondedAt?: number;
  readonly collected: boolean;
}

/**
 * A transaction's metadata (no secrets, no personal data), or undefined when there is no such
 * transaction.
 *
 * @example
 * ```ts
 * const status = await getTransactionStatus(config, transactionId); // { outcome: 'accepted', collected: false, … }
 * ```
 */
export async function getTransactionStatus(
  config: Oid4vpVerifierConfig,
  transactionId: string,
): Promise<TransactionStatus | undefined> {
  checkConfig(config);
  if (!isHandle(transactionId)) return undefined;
  const record = await config.store.findTransaction(transactionId);
  if (record === undefined) return undefined;
  return {
    id: record.id,
    purposeId: record.purposeId,
    responseMode: record.responseMode,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    ...(record.outcome === undefined ? {} : { outcome: record.outcome }),
    ...(record.respondedAt === undefined ? {} : { respondedAt: record.respondedAt }),
    collected: record.collectedAt !== undefined,
  };
}

/**
 * Deletes every expired transaction, uncollected results included. Returns how many.
 *
 * @example
 * ```ts
 * setInterval(() => purgeExpiredTransactions(config), 60_000);
 * ```
 */
export async function purgeExpiredTransactions(config: Oid4vpVerifierConfig): Promise<number> {
  checkConfig(config);
  return config.store.purgeTransactions(nowOf(config));
}
