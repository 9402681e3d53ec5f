import {
  assertPublicJwk,
  type Clock,
  isBase64Url,
  JWE_ENC_VALUES,
  type JweEnc,
  type PublicJwk,
  randomBase64Url,
  readClock,
  type Signer,
  signJws,
} from '@haven/core';
import {
  checkDcqlAgainstPurpose,
  type DcqlQuery,
  dcqlForPurpose,
  type Purpose,
  parseDcqlQuery,
  resolvePurpose,
} from '@haven/credentials';
import { parseClientId, parseEndpointUrl } from '../client-id.js';
import {
  HAVEN_REGISTRATION_FORMAT,
  NONCE_MIN_BYTES,
  REQUEST_OBJECT_TTL_SECONDS,
  REQUEST_OBJECT_TYP,
  type ResponseMode,
  SELF_ISSUED_AUDIENCE,
} from '../constants.js';
import { failOid4vp } from '../errors.js';
import type { VerifierRegistration } from '../registration.js';

/** Who the verifier is, as shown to the holder (carried in `verifier_info`). */
export interface VerifierIdentity {
  /** The verifier's registered legal name. */
  readonly legalName: string;
  /** Whom to contact to have the presented data deleted (an email address or URL). */
  readonly deletionContact: string;
  /** Overrides the purpose's own description (e.g. a translation). Default: the registered one. */
  readonly purposeDescription?: string;
}

/** The signing material of an `x509_san_dns` verifier (OpenID4VP §5.9.3). */
export interface X509RequestSigning {
  /** Signs with the private key of the leaf certificate. */
  readonly signer: Signer;
  /** The certificate chain, leaf first, each entry standard base64 DER (RFC 7515 §4.1.6). */
  readonly x5c: readonly string[];
  /**
   * The `dNSName` SANs of the leaf certificate (DER bytes). Injected because X.509 parsing lives outside
   * this package; the verifier refuses to sign for a DNS name its own certificate does not carry.
   */
  readonly sanDnsNames: (leafDer: Uint8Array) => readonly string[];
}

/** Options of {@link createAuthorizationRequest}. */
export interface CreateAuthorizationRequestOptions {
  /**
   * The registered purpose: an id from `@haven/credentials`' `PURPOSES` (e.g. `age-check`) or the
   * verifier's own registration as a `Purpose` object (checked with `parsePurpose`).
   */
  readonly purpose: string | Purpose;
  /** `redirect_uri:<response_uri>` (unsigned, local use) or `x509_san_dns:<dns name>` (signed). */
  readonly clientId: string;
  /** Where the wallet posts the response (§8.2). */
  readonly responseUri: string;
  readonly responseMode: ResponseMode;
  /** Explicit DCQL query; checked against the purpose (`OVER_ASKING` beyond it). Default: derived from it. */
  readonly dcql?: unknown;
  readonly verifier: VerifierIdentity;
  /** Default: 16 fresh random bytes (128 bits). A given nonce must be base64url of at least 16 bytes. */
  readonly nonce?: string;
  /** Default: 16 fresh random bytes. */
  readonly state?: string;
  /** For `direct_post.jwt`: the verifier's public EC P-256 key (with `kid`) the response is encrypted to. */
  readonly encryptionJwk?: PublicJwk;
  /** For `direct_post.jwt`: `enc` values accepted (default `['A128GCM', 'A256GCM']`, HAIP). */
  readonly encValues?: readonly JweEnc[];
  /** Required for (and only for) `x509_san_dns`. */
  readonly x509?: X509RequestSigning;
  readonly clock: Clock;
  /** Lifetime of the signed request object (default 300 s). */
  readonly ttlSeconds?: number;
  /**
   * For tests and local development only: accept an `http://` loopback `redirect_uri:` client and
   * response URI. Default false.
   */
  readonly allowHttpLoopback?: boolean;
}

/** What {@link createAuthorizationRequest} returns. */
export interface CreatedAuthorizationRequest {
  /** The authorization request parameters (§5.1): the request object's claims when signed. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The signed request object (`x509_san_dns` only), to serve at the `request_uri` (§5.10). */
  readonly requestObject?: string;
  readonly nonce: string;
  readonly state: string;
  readonly dcqlQuery: DcqlQuery;
}

const STATE_MAX = 512;

function checkRandomValue(value: string | undefined, what: string): string {
  if (value === undefined) return randomBase64Url(NONCE_MIN_BYTES);
  if (typeof value !== 'string' || value.length > STATE_MAX || !isBase64Url(value)) {
    failOid4vp('OID4VP_OPTIONS_INVALID', `${what} must be base64url`);
  }
  // ceil(16 * 8 / 6) = 22 characters carry at least 128 bits.
  if (value.length < Math.ceil((NONCE_MIN_BYTES * 8) / 6)) {
    failOid4vp('OID4VP_OPTIONS_INVALID', `${what} must carry at least 128 bits`);
  }
  return value;
}

function checkText(value: unknown, what: string, max: number): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > max) {
    failOid4vp('OID4VP_OPTIONS_INVALID', `${what} must be a non-empty string`);
  }
  return value;
}

function clientMetadataFor(options: CreateAuthorizationRequestOptions): Record<string, unknown> | undefined {
  if (options.responseMode === 'direct_post') {
    if (options.encryptionJwk !== undefined) {
      failOid4vp('OID4VP_OPTIONS_INVALID', 'an encryption key is only used with direct_post.jwt');
    }
    return undefined;
  }
  const jwk = options.encryptionJwk;
  if (jwk === undefined) failOid4vp('OID4VP_OPTIONS_INVALID', 'direct_post.jwt needs an encryption key');
  try {
    assertPublicJwk(jwk);
  } catch (cause) {
    failOid4vp('OID4VP_OPTIONS_INVALID', 'the encryption key must be a public JWK', { cause });
  }
  // HAIP: ECDH-ES on P-256; §8.3: the wallet echoes the kid, so the verifier can pick its key.
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.kid !== 'string' || jwk.kid.length === 0) {
    failOid4vp('OID4VP_OPTIONS_INVALID', 'the encryption key must be an EC P-256 public JWK with a kid');
  }
  const enc = options.encValues ?? JWE_ENC_VALUES;
  if (
    !Array.isArray(enc) ||
    enc.length === 0 ||
    new Set(enc).size !== enc.length ||
    !enc.every((e) => JWE_ENC_VALUES.includes(e))
  ) {
    failOid4vp('OID4VP_OPTIONS_INVALID', 'encValues must be a non-empty list of A128GCM / A256GCM');
  }
  return {
    jwks: {
      keys: [{ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid: jwk.kid, use: 'enc', alg: 'ECDH-ES' }],
    },
    encrypted_response_enc_values_supported: [...enc],
  };
}

function dcqlFor(purpose: Purpose, dcql: unknown): DcqlQuery {
  if (dcql === undefined) return dcqlForPurpose(purpose);
  const query = parseDcqlQuery(dcql);
  // §6.1.1: Haven's response validation does not check trusted authorities, so it must not ask for them
  // (a verifier would believe they were enforced).
  if (query.credentials.some((c) => c.trusted_authorities !== undefined)) {
    failOid4vp('OID4VP_OPTIONS_INVALID', 'trusted_authorities is not supported by this verifier');
  }
  // The verifier's own guard (ARF RPRC_21): nothing beyond the registered purpose leaves this function.
  checkDcqlAgainstPurpose(purpose, query);
  return query;
}

/**
 * Creates an OpenID4VP authorization request (§5) for a registered purpose. The DCQL query is derived
 * from the purpose, or an explicit one is checked against it (`OVER_ASKING` / `PURPOSE_TYPE_NOT_ALLOWED`
 * from `@haven/credentials` when it asks for more). The registration (purpose, legal name, allowed
 * claims, deletion contact) travels in `verifier_info`.
 *
 * - `redirect_uri:` (§5.9.3): never signed; `response_uri` must equal the client identifier's URL.
 * - `x509_san_dns:`: signed request object with `typ: oauth-authz-req+jwt`, the `x5c` chain in the
 *   header and `aud: https://self-issued.me/v2` (§5.8); the DNS name must be a SAN of the leaf and the
 *   `response_uri` host must equal it.
 * - `direct_post.jwt` adds `client_metadata` with the encryption key and `enc` values (§8.3).
 *
 * Throws `OID4VP_OPTIONS_INVALID`, `OID4VP_CLIENT_ID_INVALID`, `OID4VP_CERTIFICATE_INVALID` and the
 * credentials codes above.
 *
 * @example
 * ```ts
 * const { parameters, nonce, state } = await createAuthorizationRequest({
 *   purpose: 'age-check', clientId: 'redirect_uri:https://v.example/response',
 *   responseUri: 'https://v.example/response', responseMode: 'direct_post',
 *   verifier: { legalName: 'Example Bar', deletionContact: 'privacy@v.example' }, clock,
 * });
 * ```
 */
export async function createAuthorizationRequest(
  options: CreateAuthorizationRequestOptions,
): Promise<CreatedAuthorizationRequest> {
  const purpose = resolvePurpose(options.purpose);
  const allowHttpLoopback = options.allowHttpLoopback === true;
  const client = parseClientId(options.clientId, { allowHttpLoopback });
  const responseUrl = parseEndpointUrl(options.responseUri, allowHttpLoopback);
  if (responseUrl === undefined) failOid4vp('OID4VP_OPTIONS_INVALID', 'responseUri must be an https URL');
  if (options.responseMode !== 'direct_post' && options.responseMode !== 'direct_post.jwt') {
    failOid4vp('OID4VP_OPTIONS_INVALID', 'responseMode must be direct_post or direct_post.jwt');
  }
  if (client.prefix === 'redirect_uri') {
    if (client.value !== options.responseUri) {
      failOid4vp('OID4VP_CLIENT_ID_INVALID', 'a redirect_uri client_id must equal the response_uri');
    }
    if (options.x509 !== undefined) {
      failOid4vp('OID4VP_OPTIONS_INVALID', 'redirect_uri requests must not be signed');
    }
  } else if (responseUrl.hostname !== client.value) {
    failOid4vp('OID4VP_CLIENT_ID_INVALID', 'the response_uri host must be the client DNS name');
  }
  const nonce = checkRandomValue(options.nonce, 'nonce');
  const state = checkRandomValue(options.state, 'state');
  const verifier = options.verifier ?? ({} as VerifierIdentity);
  const registration: VerifierRegistration = {
    purpose: purpose.id,
    legal_name: checkText(verifier.legalName, 'legalName', 256),
    purpose_description: checkText(
      verifier.purposeDescription ?? purpose.description,
      'purposeDescription',
      2048,
    ),
    deletion_contact: checkText(verifier.deletionContact, 'deletionContact', 512),
    legal_basis: purpose.legalBasis,
    claims: Object.fromEntries(
      Object.entries(purpose.credentialTypes).map(([type, paths]) => [
        type,
        (paths ?? []).map((p) => [...p]),
      ]),
    ),
  };
  const dcqlQuery = dcqlFor(purpose, options.dcql);
  const clientMetadata = clientMetadataFor(options);
  const parameters: Record<string, unknown> = {
    response_type: 'vp_token',
    client_id: client.clientId,
    response_mode: options.responseMode,
    response_uri: options.responseUri,
    nonce,
    state,
    dcql_query: dcqlQuery,
    verifier_info: [{ format: HAVEN_REGISTRATION_FORMAT, data: registration }],
  };
  if (clientMetadata !== undefined) parameters.client_metadata = clientMetadata;
  if (client.prefix === 'redirect_uri') return { parameters, nonce, state, dcqlQuery };

  const x509 = options.x509;
  if (x509 === undefined) failOid4vp('OID4VP_OPTIONS_INVALID', 'x509_san_dns requests need a signer and x5c');
  const chain = x509.x5c;
  if (
    !Array.isArray(chain) ||
    chain.length === 0 ||
    chain.length > 10 ||
    !chain.every((c) => typeof c === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(c))
  ) {
    failOid4vp('OID4VP_OPTIONS_INVALID', 'x5c must be a non-empty list of base64 certificates');
  }
  const leafDer = Buffer.from(chain[0] as string, 'base64');
  const names = x509.sanDnsNames(new Uint8Array(leafDer));
  if (
    !Array.isArray(names) ||
    !names.some((n) => typeof n === 'string' && n.toLowerCase() === client.value)
  ) {
    failOid4vp('OID4VP_CERTIFICATE_INVALID', 'the leaf certificate does not name the client DNS name');
  }
  const ttl = options.ttlSeconds ?? REQUEST_OBJECT_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 3600) {
    failOid4vp('OID4VP_OPTIONS_INVALID', 'ttlSeconds must be an integer from 1 to 3600');
  }
  const iat = Math.floor(readClock(options.clock).now);
  const payload = { ...parameters, aud: SELF_ISSUED_AUDIENCE, iat, exp: iat + ttl };
  const requestObject = await signJws(payload, {
    signer: x509.signer,
    typ: REQUEST_OBJECT_TYP,
    header: { x5c: [...chain] },
  });
  return { parameters: payload, requestObject, nonce, state, dcqlQuery };
}
