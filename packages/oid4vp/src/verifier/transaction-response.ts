import {
  decryptJweEcdhEs,
  isBase64Url,
  isHavenError,
  JWE_ENC_VALUES,
  JWE_MAX_LENGTH,
  type PrivateJwk,
  parseStrictJsonObject,
  randomBase64Url,
  timingSafeEqualStrings,
} from '@haven/core';
import type {
  HandlerResponse,
  Oid4vpVerifierConfig,
  SealedTransactionRequest,
  TransactionOutcome,
  VerifierTransactionRecord,
} from './contracts.js';
import {
  checkConfig,
  GENERIC_REFUSAL,
  hashSecret,
  isHandle,
  isOpen,
  json,
  nowOf,
  openRequest,
  refusal,
} from './transaction-common.js';
import { verifyVpToken } from './verify-vp-token.js';

// Bounds on what a wallet may post: a form of a few fields, a vp_token or JWE of at most 1 MiB.
const FORM_MAX_FIELDS = 16;
const VALUE_MAX = JWE_MAX_LENGTH;
const ERROR_DESCRIPTION_MAX = 1024;
const JWE_HEADER_MAX = 8 * 1024;
// RFC 6749 §5.2 error codes are short ASCII tokens; Haven keeps only plain ones (they are stored).
const ERROR_CODE = /^[A-Za-z0-9_.-]{1,64}$/;
const RESPONSE_CODE_BYTES = 32;
const MALFORMED = 'OID4VP_RESPONSE_INVALID';

type Field = 'response' | 'vp_token' | 'state' | 'error' | 'error_description';
type Form = Partial<Record<Field, string>>;

function readForm(form: unknown): Form | undefined {
  if (typeof form !== 'object' || form === null || Array.isArray(form)) return undefined;
  const names = Object.keys(form);
  if (names.length > FORM_MAX_FIELDS) return undefined;
  const out: Form = {};
  for (const name of ['response', 'vp_token', 'state', 'error', 'error_description'] as const) {
    if (!Object.hasOwn(form, name)) continue;
    const value = (form as Record<string, unknown>)[name];
    if (typeof value !== 'string' || value.length === 0 || value.length > VALUE_MAX) return undefined;
    out[name] = value;
  }
  return out;
}

/** The `kid` of a compact JWE's protected header, read before decryption only to find the transaction. */
function peekJweKid(compact: string): string | undefined {
  const headerPart = compact.slice(0, compact.indexOf('.'));
  if (headerPart.length === 0 || headerPart.length > JWE_HEADER_MAX || !isBase64Url(headerPart))
    return undefined;
  try {
    const header = parseStrictJsonObject(Buffer.from(headerPart, 'base64url'), {
      what: 'JWE header',
      maxBytes: JWE_HEADER_MAX,
    });
    return isHandle(header.kid) ? header.kid : undefined;
  } catch {
    return undefined;
  }
}

interface Answer {
  readonly outcome: TransactionOutcome;
  readonly errorCode?: string;
  readonly sealedResult?: string;
}

/**
 * The one-time step (§13.3, §14.1: the nonce is used once): the store updates only a live, unanswered
 * transaction, so of two concurrent responses exactly one wins; the loser gets the generic refusal.
 */
async function complete(
  config: Oid4vpVerifierConfig,
  record: VerifierTransactionRecord,
  request: SealedTransactionRequest,
  answer: Answer,
): Promise<HandlerResponse> {
  // Same-device flow (§13.3 step 6): a fresh response code the front end must present to collect.
  const redirect = answer.outcome !== 'rejected' && typeof request.redirectUri === 'string';
  const responseCode = redirect ? randomBase64Url(RESPONSE_CODE_BYTES) : undefined;
  const now = nowOf(config);
  const won = await config.store.completeTransaction(
    record.id,
    {
      respondedAt: now,
      outcome: answer.outcome,
      ...(answer.errorCode === undefined ? {} : { errorCode: answer.errorCode }),
      ...(answer.sealedResult === undefined ? {} : { sealedResult: answer.sealedResult }),
      ...(responseCode === undefined
        ? {}
        : { responseCodeHash: hashSecret(config, 'response-code', responseCode) }),
    },
    now,
  );
  if (!won) return GENERIC_REFUSAL;
  if (answer.outcome === 'rejected') return refusal(answer.errorCode ?? 'OID4VP_PRESENTATION_INVALID');
  // §8.2: 200 with a JSON object; `redirect_uri` only when the front end is on the wallet's device.
  if (responseCode === undefined) return json(200, {});
  return json(200, { redirect_uri: `${request.redirectUri}#response_code=${responseCode}` });
}

async function decline(
  config: Oid4vpVerifierConfig,
  record: VerifierTransactionRecord,
  request: SealedTransactionRequest,
  error: unknown,
  description: unknown,
): Promise<HandlerResponse> {
  if (typeof error !== 'string' || !ERROR_CODE.test(error)) return refusal(MALFORMED);
  if (
    description !== undefined &&
    (typeof description !== 'string' || description.length > ERROR_DESCRIPTION_MAX)
  ) {
    return refusal(MALFORMED);
  }
  // §8.5: the wallet's error code is kept; its free-text description is not.
  return complete(config, record, request, { outcome: 'declined', errorCode: error });
}

async function present(
  config: Oid4vpVerifierConfig,
  record: VerifierTransactionRecord,
  request: SealedTransactionRequest,
  vpToken: unknown,
): Promise<HandlerResponse> {
  let answer: Answer;
  try {
    const verification = await verifyVpToken(vpToken, {
      dcqlQuery: request.dcqlQuery,
      nonce: request.nonce,
      clientId: request.clientId,
      purpose: request.purpose,
      issuerKey: config.issuerKey,
      status: config.status,
      clock: config.clock,
      ...(config.vctBase === undefined ? {} : { vctBase: config.vctBase }),
    });
    const result = { purpose: request.purpose.id, credentials: verification.credentials };
    answer = { outcome: 'accepted', sealedResult: config.seal(record.id, JSON.stringify(result)) };
  } catch (error) {
    // A Haven error is the wallet's input failing a check: its stable code, never its message. A bad
    // configuration or clock is the operator's bug, not the wallet's: it must not consume the transaction.
    if (!isHavenError(error) || isHavenError(error, 'OID4VP_OPTIONS_INVALID', 'CLOCK_INVALID')) throw error;
    answer = { outcome: 'rejected', errorCode: error.code };
  }
  return complete(config, record, request, answer);
}

async function handleEncrypted(config: Oid4vpVerifierConfig, form: Form): Promise<HandlerResponse> {
  const compact = form.response as string;
  // §8.3: with direct_post.jwt every response parameter travels inside the JWE.
  if (form.vp_token !== undefined || form.error !== undefined || form.state !== undefined)
    return refusal(MALFORMED);
  const kid = peekJweKid(compact);
  if (kid === undefined) return GENERIC_REFUSAL;
  const record = await config.store.findTransactionByRequestId(hashSecret(config, 'request-id', kid));
  if (record === undefined || !isOpen(record, nowOf(config))) return GENERIC_REFUSAL;
  if (record.responseMode !== 'direct_post.jwt') return refusal(MALFORMED);
  const request = openRequest(config, record);
  if (request.encryptionKey === undefined) return refusal(MALFORMED);
  let payload: Record<string, unknown>;
  try {
    const { plaintext } = decryptJweEcdhEs(compact, request.encryptionKey as unknown as PrivateJwk, {
      allowedEnc: config.encValues ?? JWE_ENC_VALUES,
    });
    payload = parseStrictJsonObject(plaintext, { what: 'response payload', maxBytes: VALUE_MAX });
  } catch {
    // Not decryptable or not JSON: nothing attributable to the wallet, so the transaction stays open.
    return refusal(MALFORMED);
  }
  // The kid only found the key; the state inside the authenticated ciphertext must name the same request.
  if (typeof payload.state !== 'string' || !timingSafeEqualStrings(payload.state, kid))
    return refusal(MALFORMED);
  if (payload.error !== undefined) {
    if (payload.vp_token !== undefined) return refusal(MALFORMED);
    return decline(config, record, request, payload.error, payload.error_description);
  }
  if (payload.vp_token === undefined) return refusal(MALFORMED);
  return present(config, record, request, payload.vp_token);
}

async function handlePlain(config: Oid4vpVerifierConfig, form: Form): Promise<HandlerResponse> {
  if (form.state === undefined) return refusal(MALFORMED);
  if (!isHandle(form.state)) return GENERIC_REFUSAL;
  const record = await config.store.findTransactionByRequestId(hashSecret(config, 'request-id', form.state));
  if (record === undefined || !isOpen(record, nowOf(config))) return GENERIC_REFUSAL;
  const request = openRequest(config, record);
  if (form.error !== undefined) {
    // §8.3: a wallet unable to encrypt MAY send its error unencrypted, so errors are taken in both modes.
    if (form.vp_token !== undefined) return refusal(MALFORMED);
    return decline(config, record, request, form.error, form.error_description);
  }
  if (form.vp_token === undefined) return refusal(MALFORMED);
  // HAIP: a transaction that asked for an encrypted response never takes the presentation in clear.
  if (record.responseMode !== 'direct_post') return refusal(MALFORMED);
  let vpToken: unknown;
  try {
    vpToken = parseStrictJsonObject(form.vp_token, { what: 'vp_token', maxBytes: VALUE_MAX });
  } catch {
    return complete(config, record, request, { outcome: 'rejected', errorCode: 'OID4VP_VP_TOKEN_INVALID' });
  }
  return present(config, record, request, vpToken);
}

/**
 * The Response URI (OpenID4VP §8.2, §8.3, §8.5; reference design of §13.3). Takes the wallet's
 * form-encoded post as an object of fields:
 *
 * - `direct_post`: `vp_token` (JSON text) and `state` (the request-id);
 * - `direct_post.jwt`: `response`, a compact JWE (ECDH-ES on P-256, A128GCM/A256GCM per HAIP) whose
 *   header `kid` is the request-id and whose payload carries `vp_token` and the same `state`;
 * - an error (`error`, optional `error_description`, `state`), plain or encrypted: the holder declined.
 *
 * The transaction must be live and unanswered, and its response mode must match. The `vp_token` is
 * verified against the sealed request (DCQL query, nonce, full client_id, purpose). Then one atomic
 * store step records the outcome, so a replay or a concurrent second post loses. Answers: 200 `{}` or
 * `{ redirect_uri }` with a fresh `response_code` (same-device flow); 400 `invalid_request` with a
 * stable code for a rejected presentation; a generic 400 for unknown, expired or answered requests. It
 * never throws for what a wallet sends, only for a broken configuration.
 *
 * @example
 * ```ts
 * const answer = await handleAuthorizationResponse(config, Object.fromEntries(new URLSearchParams(body)));
 * reply.status(answer.status).type(answer.contentType).send(answer.body);
 * ```
 */
export async function handleAuthorizationResponse(
  config: Oid4vpVerifierConfig,
  form: Readonly<Record<string, unknown>>,
): Promise<HandlerResponse> {
  checkConfig(config);
  const fields = readForm(form);
  if (fields === undefined) return refusal(MALFORMED);
  if (fields.response !== undefined) return handleEncrypted(config, fields);
  return handlePlain(config, fields);
}
