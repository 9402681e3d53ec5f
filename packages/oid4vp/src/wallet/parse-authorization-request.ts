import {
  type Clock,
  isHavenError,
  JWE_ENC_VALUES,
  type JweEnc,
  type PublicJwk,
  parseStrictJson,
} from '@haven/core';
import {
  checkDcqlAgainstPurpose,
  type DcqlPurposeReport,
  type DcqlQuery,
  PURPOSES,
  type Purpose,
  parseDcqlQuery,
  parsePurpose,
} from '@haven/credentials';
import { type ParsedClientId, parseClientId, parseEndpointUrl } from '../client-id.js';
import { RESPONSE_MODES, type ResponseMode } from '../constants.js';
import { failOid4vp } from '../errors.js';
import { readVerifierRegistration, type VerifierRegistration } from '../registration.js';
import { splitRequestObject, type VerifyX5c, verifyRequestObject } from './verify-request-object.js';

/** Options of {@link parseAuthorizationRequest}. */
export interface ParseAuthorizationRequestOptions {
  /** The wallet's X.509 trust check; required to accept `x509_san_dns` requests. */
  readonly verifyX5c?: VerifyX5c;
  readonly clock: Clock;
  /**
   * The `client_id` of the outer request when the request object came by `request_uri` (§5.10): it
   * must equal the request object's.
   */
  readonly expectedClientId?: string;
  /**
   * For tests and local development only: accept `http://` loopback `redirect_uri:` clients and
   * response URIs. Default false: a wallet on a phone must never post to its own loopback.
   */
  readonly allowHttpLoopback?: boolean;
}

/** How a wallet must encrypt its response under `direct_post.jwt` (§8.3). */
export interface ResponseEncryption {
  /** The verifier's key (EC P-256) from `client_metadata.jwks`. */
  readonly jwk: PublicJwk;
  /** `enc` values both sides support, in the verifier's order (default `A128GCM`). */
  readonly encValues: readonly JweEnc[];
}

/**
 * What the DCQL query was checked against: Haven's purpose of the registration's id, or (for a purpose
 * Haven does not know) the claims the registration itself declares.
 */
export type PurposeBasis = 'haven-purpose' | 'registration';

/**
 * The registration-vs-DCQL check. Not an error: the wallet decides, e.g. refuses or asks for explicit
 * consent when `overAsking` is true or the purpose is not one Haven knows.
 */
export type PurposeCheck =
  | {
      readonly status: 'within-purpose';
      readonly overAsking: false;
      readonly purpose: string;
      readonly basis: PurposeBasis;
      readonly paths: DcqlPurposeReport['paths'];
    }
  | {
      readonly status: 'over-asking';
      readonly overAsking: true;
      readonly purpose: string;
      readonly basis: PurposeBasis;
      /** `OVER_ASKING` (claims beyond the purpose) or `PURPOSE_TYPE_NOT_ALLOWED` (another credential). */
      readonly code: 'OVER_ASKING' | 'PURPOSE_TYPE_NOT_ALLOWED';
      /** Offending claim paths as JSON text (names, never values). */
      readonly paths: readonly string[];
      readonly credentialQueries: readonly string[];
    }
  | {
      /** Neither a Haven purpose nor a registration whose declared claims Haven can read. */
      readonly status: 'unknown-purpose';
      readonly overAsking: false;
      readonly purpose: string;
    };

/** A checked authorization request. */
export interface ParsedAuthorizationRequest {
  readonly client: ParsedClientId;
  /** True when it came as a verified request object. */
  readonly signed: boolean;
  /** The `x5c` chain of a signed request (leaf first). */
  readonly x5c?: readonly string[];
  readonly responseMode: ResponseMode;
  readonly responseUri: string;
  readonly nonce: string;
  readonly state?: string;
  readonly dcqlQuery: DcqlQuery;
  readonly registration: VerifierRegistration;
  readonly purposeCheck: PurposeCheck;
  readonly responseEncryption?: ResponseEncryption;
  /** Every request parameter, unknown ones included. */
  readonly parameters: Readonly<Record<string, unknown>>;
}

const NONCE_MAX = 512;
const JSON_PARAMETER_MAX = 64 * 1024;

// §5: in a URL query, object parameters travel JSON-encoded; in a request object they are objects.
function jsonParameter(value: unknown, name: string): unknown {
  if (typeof value !== 'string') return value;
  if (value.length > JSON_PARAMETER_MAX) requestInvalid('a parameter is too large', name);
  try {
    return parseStrictJson(value, { what: name });
  } catch (cause) {
    failOid4vp('OID4VP_REQUEST_INVALID', 'a JSON parameter is malformed', {
      cause,
      details: { parameter: name },
    });
  }
}

function requestInvalid(message: string, parameter: string): never {
  failOid4vp('OID4VP_REQUEST_INVALID', message, { details: { parameter } });
}

function readResponseEncryption(metadata: unknown): ResponseEncryption {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    requestInvalid('direct_post.jwt needs client_metadata', 'client_metadata');
  }
  const record = metadata as Record<string, unknown>;
  const keys = (record.jwks as { keys?: unknown } | undefined)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > 16) {
    requestInvalid('client_metadata.jwks must list encryption keys', 'client_metadata');
  }
  const jwk = keys.find(
    (k): k is PublicJwk =>
      k !== null &&
      typeof k === 'object' &&
      k.kty === 'EC' &&
      k.crv === 'P-256' &&
      typeof k.x === 'string' &&
      typeof k.y === 'string' &&
      k.d === undefined &&
      (k.use === undefined || k.use === 'enc'),
  );
  if (jwk === undefined)
    requestInvalid('client_metadata.jwks has no P-256 encryption key', 'client_metadata');
  const offered = record.encrypted_response_enc_values_supported;
  if (offered !== undefined && (!Array.isArray(offered) || offered.length === 0)) {
    requestInvalid('encrypted_response_enc_values_supported must be a non-empty array', 'client_metadata');
  }
  // §5.1: absent means the single default A128GCM.
  const list: unknown[] = offered ?? ['A128GCM'];
  const encValues = JWE_ENC_VALUES.filter((e) => list.includes(e));
  if (encValues.length === 0) {
    requestInvalid('no encryption algorithm in common with the verifier', 'client_metadata');
  }
  encValues.sort((a, b) => list.indexOf(a) - list.indexOf(b));
  return { jwk, encValues };
}

// The purpose to check against: Haven's own purpose of that id, else the verifier's registration as
// sent (its declared claims). A registration can be self-asserted, but asking beyond what one declares
// is over-asking all the same.
function purposeFor(
  registration: VerifierRegistration,
): { purpose: Purpose; basis: PurposeBasis } | undefined {
  if (Object.hasOwn(PURPOSES, registration.purpose)) {
    return { purpose: PURPOSES[registration.purpose] as Purpose, basis: 'haven-purpose' };
  }
  try {
    const purpose = parsePurpose({
      id: registration.purpose,
      description: registration.purpose_description,
      legalBasis: registration.legal_basis ?? '',
      credentialTypes: registration.claims,
    });
    return { purpose, basis: 'registration' };
  } catch (e) {
    if (isHavenError(e, 'PURPOSE_INVALID')) return undefined;
    throw e;
  }
}

function checkPurpose(registration: VerifierRegistration, dcqlQuery: DcqlQuery): PurposeCheck {
  const found = purposeFor(registration);
  const purpose = registration.purpose;
  if (found === undefined) return { status: 'unknown-purpose', overAsking: false, purpose };
  const { basis } = found;
  try {
    const report = checkDcqlAgainstPurpose(found.purpose, dcqlQuery);
    return { status: 'within-purpose', overAsking: false, purpose, basis, paths: report.paths };
  } catch (e) {
    if (!isHavenError(e, 'OVER_ASKING', 'PURPOSE_TYPE_NOT_ALLOWED')) throw e;
    const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
    return {
      status: 'over-asking',
      overAsking: true,
      purpose,
      basis,
      code: e.code,
      paths: list(e.details?.paths),
      credentialQueries: list(e.details?.credentialQueries),
    };
  }
}

/**
 * Parses and checks an OpenID4VP authorization request on the wallet side (§5). `request` is either a
 * request object (compact JWS, e.g. fetched from `request_uri`) or the request parameters (from an
 * `openid4vp://` URL, possibly carrying a request object by value in `request`). Checks, in order:
 * - the `client_id` prefix (§5.9.3): `redirect_uri:` requests must come unsigned, `x509_san_dns:` ones
 *   as a request object verified under an `x5c` chain the wallet trusts whose leaf names the DNS name;
 * - `response_type` `vp_token`, `response_mode` `direct_post` or `direct_post.jwt` with a `response_uri`
 *   (no `redirect_uri`, §8.2) that equals the `redirect_uri:` value, or whose host is the DNS name;
 * - a `nonce`, a DCQL query (`parseDcqlQuery`; no `scope`/`presentation_definition` instead);
 * - the Haven registration in `verifier_info`, and, for `direct_post.jwt`, the encryption key.
 * Over-asking is reported in `purposeCheck`, not thrown. Throws `OID4VP_*` codes, and the credentials
 * package's `DCQL_QUERY_INVALID` for a malformed query.
 *
 * @example
 * ```ts
 * const request = await parseAuthorizationRequest(requestObject, { verifyX5c, clock });
 * if (request.purposeCheck.overAsking) askForExplicitConsent(request.purposeCheck.paths);
 * ```
 */
export async function parseAuthorizationRequest(
  request: string | Readonly<Record<string, unknown>>,
  options: ParseAuthorizationRequestOptions,
): Promise<ParsedAuthorizationRequest> {
  let token: string | undefined;
  let outerClientId = options.expectedClientId;
  if (typeof request === 'string') {
    token = request;
  } else if (request !== null && typeof request === 'object' && !Array.isArray(request)) {
    if (request.request_uri !== undefined) {
      requestInvalid('fetch the request_uri first (see readRequestUri)', 'request_uri');
    }
    if (request.request !== undefined) {
      if (typeof request.request !== 'string') requestInvalid('request must be a JWS', 'request');
      token = request.request;
      if (request.client_id === undefined) requestInvalid('the outer request needs client_id', 'client_id');
      outerClientId = request.client_id as string;
    }
  } else {
    requestInvalid('the request must be a request object or parameters', 'request');
  }

  const allowHttpLoopback = options.allowHttpLoopback === true;
  let parameters: Record<string, unknown>;
  let client: ParsedClientId;
  let x5c: readonly string[] | undefined;
  if (token !== undefined) {
    const split = splitRequestObject(token);
    client = parseClientId(split.unverifiedPayload.client_id, { allowHttpLoopback });
    if (client.prefix === 'redirect_uri') {
      failOid4vp('OID4VP_REQUEST_SIGNATURE_INVALID', 'redirect_uri requests must not be signed');
    }
    const verified = await verifyRequestObject(split, { verifyX5c: options.verifyX5c, clock: options.clock });
    if (!verified.sanDnsNames.some((name) => name.toLowerCase() === client.value)) {
      failOid4vp('OID4VP_CERTIFICATE_INVALID', 'the leaf certificate does not name the client DNS name');
    }
    parameters = verified.payload;
    x5c = verified.x5c;
  } else {
    parameters = { ...(request as Record<string, unknown>) };
    client = parseClientId(parameters.client_id, { allowHttpLoopback });
    if (client.prefix === 'x509_san_dns') {
      failOid4vp('OID4VP_REQUEST_SIGNATURE_INVALID', 'x509_san_dns requests must be signed');
    }
  }
  // RFC 9101 §5 / OpenID4VP §5.10: the outer client_id must be the request object's.
  if (outerClientId !== undefined && outerClientId !== client.clientId) {
    failOid4vp('OID4VP_CLIENT_ID_INVALID', 'the outer client_id does not match the request object');
  }

  if (parameters.response_type !== 'vp_token')
    requestInvalid('response_type must be vp_token', 'response_type');
  const responseMode = parameters.response_mode;
  if (!(RESPONSE_MODES as readonly unknown[]).includes(responseMode)) {
    requestInvalid('response_mode must be direct_post or direct_post.jwt', 'response_mode');
  }
  if (parameters.redirect_uri !== undefined) {
    requestInvalid('redirect_uri must not be present with direct_post', 'redirect_uri');
  }
  const responseUri = parameters.response_uri;
  const responseUrl = parseEndpointUrl(responseUri, allowHttpLoopback);
  if (responseUrl === undefined) requestInvalid('response_uri must be an https URL', 'response_uri');
  if (
    client.prefix === 'redirect_uri' ? client.value !== responseUri : responseUrl.hostname !== client.value
  ) {
    failOid4vp('OID4VP_CLIENT_ID_INVALID', 'the response_uri does not belong to the client_id');
  }
  const nonce = parameters.nonce;
  if (typeof nonce !== 'string' || nonce.length === 0 || nonce.length > NONCE_MAX) {
    requestInvalid('the request needs a nonce', 'nonce');
  }
  const state = parameters.state;
  if (state !== undefined && (typeof state !== 'string' || state.length === 0 || state.length > NONCE_MAX)) {
    requestInvalid('state must be a non-empty string', 'state');
  }
  if (parameters.presentation_definition !== undefined || parameters.scope !== undefined) {
    requestInvalid('only dcql_query is supported', 'dcql_query');
  }
  if (parameters.dcql_query === undefined) requestInvalid('the request needs a dcql_query', 'dcql_query');
  const dcqlQuery = parseDcqlQuery(jsonParameter(parameters.dcql_query, 'dcql_query'));
  const registration = readVerifierRegistration(jsonParameter(parameters.verifier_info, 'verifier_info'));
  const responseEncryption =
    responseMode === 'direct_post.jwt'
      ? readResponseEncryption(jsonParameter(parameters.client_metadata, 'client_metadata'))
      : undefined;

  return {
    client,
    signed: token !== undefined,
    ...(x5c === undefined ? {} : { x5c }),
    responseMode: responseMode as ResponseMode,
    responseUri: responseUri as string,
    nonce,
    ...(state === undefined ? {} : { state: state as string }),
    dcqlQuery,
    registration,
    purposeCheck: checkPurpose(registration, dcqlQuery),
    ...(responseEncryption === undefined ? {} : { responseEncryption }),
    parameters,
  };
}
