import {
  type Clock,
  checkJwtTimes,
  decodeBase64Url,
  isHavenError,
  JWS_ALGORITHMS,
  type JwsHeader,
  LIMITS,
  type ParsedJws,
  type PublicJwk,
  parseStrictJsonObject,
  verifyParsedJws,
} from '@haven/core';
import { REQUEST_OBJECT_TYP, SELF_ISSUED_AUDIENCE } from '../constants.js';
import { failOid4vp } from '../errors.js';

/** What the wallet's certificate trust check returns for a chain it accepts. */
export interface X5cVerification {
  /** The leaf certificate's public key. */
  readonly publicJwk: PublicJwk;
  /** The leaf certificate's `dNSName` Subject Alternative Names. */
  readonly sanDnsNames: readonly string[];
}

/**
 * Validates an `x5c` chain (leaf first, standard base64 DER) against the wallet's trust anchors and
 * returns the leaf's key and DNS SANs; throws (anything) to refuse it. X.509 path validation is the
 * caller's (e.g. node's `X509Certificate` in an app), so this package needs no certificate parser.
 */
export type VerifyX5c = (chain: readonly string[]) => X5cVerification | Promise<X5cVerification>;

/** A compact JWS split into its parts, header and payload decoded but nothing verified. */
export interface SplitRequestObject {
  readonly header: Record<string, unknown>;
  /** Decoded for routing only (which client_id prefix applies); trusted only after verification. */
  readonly unverifiedPayload: Record<string, unknown>;
  readonly signingInput: string;
  readonly signaturePart: string;
  readonly payloadBytes: Uint8Array;
}

// Key-carrying header members other than x5c: a request object must not pick its own key by them.
const REFUSED_HEADER_MEMBERS = ['jku', 'x5u', 'jwk', 'x5t', 'x5t#S256', 'crit', 'b64'] as const;
const X5C_MAX = 10;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Splits a request object (RFC 9101 §4) and decodes its header and payload. Throws
 * `OID4VP_REQUEST_INVALID` when it is not a compact JWS of three parts with JSON objects inside.
 *
 * @example
 * ```ts
 * splitRequestObject(jwt).header.typ // 'oauth-authz-req+jwt'
 * ```
 */
export function splitRequestObject(token: unknown): SplitRequestObject {
  if (typeof token !== 'string' || token.length === 0 || token.length > LIMITS.jwsMaxLength) {
    failOid4vp('OID4VP_REQUEST_INVALID', 'the request object must be a compact JWS');
  }
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] === '' || parts[1] === '') {
    failOid4vp('OID4VP_REQUEST_INVALID', 'the request object is not a compact JWS of three parts');
  }
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  try {
    const header = parseStrictJsonObject(decodeBase64Url(headerPart, 'JWS header'), { what: 'JWS header' });
    const payloadBytes = decodeBase64Url(payloadPart, 'JWS payload');
    const unverifiedPayload = parseStrictJsonObject(payloadBytes, { what: 'request object' });
    return {
      header,
      unverifiedPayload,
      signingInput: `${headerPart}.${payloadPart}`,
      signaturePart,
      payloadBytes,
    };
  } catch (cause) {
    failOid4vp('OID4VP_REQUEST_INVALID', 'the request object header or payload is malformed', { cause });
  }
}

/** Options of {@link verifyRequestObject}. */
export interface VerifyRequestObjectOptions {
  readonly verifyX5c: VerifyX5c | undefined;
  readonly clock: Clock;
}

/** A verified request object. */
export interface VerifiedRequestObject {
  readonly header: JwsHeader;
  readonly payload: Record<string, unknown>;
  readonly x5c: readonly string[];
  readonly sanDnsNames: readonly string[];
}

/**
 * Verifies a request object signed under an `x5c` chain (OpenID4VP §5, §5.9.3): `typ` exactly
 * `oauth-authz-req+jwt`, an allowed `alg` (never `none` or HMAC), no other key-carrying or critical
 * header member, the chain accepted by `verifyX5c`, the signature by the leaf key, `exp`/`nbf`/`iat`
 * against the clock, and `aud` equal to `https://self-issued.me/v2` (§5.8). Core's `verifyJws` refuses
 * `x5c` headers on purpose, so the header policy is applied here and only the signature check is
 * core's. Throws `OID4VP_REQUEST_TYP_INVALID`, `OID4VP_REQUEST_SIGNATURE_INVALID`,
 * `OID4VP_CERTIFICATE_INVALID`, `OID4VP_REQUEST_EXPIRED` or `OID4VP_REQUEST_INVALID`.
 *
 * @example
 * ```ts
 * const { payload, sanDnsNames } = await verifyRequestObject(split, { verifyX5c, clock });
 * ```
 */
export async function verifyRequestObject(
  split: SplitRequestObject,
  options: VerifyRequestObjectOptions,
): Promise<VerifiedRequestObject> {
  const { header } = split;
  const alg = header.alg;
  if (typeof alg !== 'string' || !(JWS_ALGORITHMS as readonly string[]).includes(alg)) {
    failOid4vp('OID4VP_REQUEST_SIGNATURE_INVALID', 'the request object algorithm is not allowed');
  }
  if (header.typ !== REQUEST_OBJECT_TYP) {
    failOid4vp('OID4VP_REQUEST_TYP_INVALID', 'the request object typ must be oauth-authz-req+jwt');
  }
  for (const member of REFUSED_HEADER_MEMBERS) {
    if (header[member] !== undefined) {
      failOid4vp('OID4VP_REQUEST_SIGNATURE_INVALID', `header member "${member}" is not accepted`);
    }
  }
  if (header.kid !== undefined && typeof header.kid !== 'string') {
    failOid4vp('OID4VP_REQUEST_INVALID', 'header "kid" must be a string');
  }
  const chain = header.x5c;
  if (
    !Array.isArray(chain) ||
    chain.length === 0 ||
    chain.length > X5C_MAX ||
    !chain.every((c) => typeof c === 'string' && BASE64.test(c))
  ) {
    failOid4vp('OID4VP_CERTIFICATE_INVALID', 'the request object has no valid x5c chain');
  }
  const x5c = [...(chain as string[])];
  if (typeof options.verifyX5c !== 'function') {
    failOid4vp('OID4VP_CERTIFICATE_INVALID', 'no certificate trust check was configured');
  }
  let trusted: X5cVerification;
  try {
    trusted = await options.verifyX5c(x5c);
  } catch (cause) {
    failOid4vp('OID4VP_CERTIFICATE_INVALID', 'the certificate chain is not trusted', { cause });
  }
  const sanDnsNames = trusted?.sanDnsNames;
  if (!Array.isArray(sanDnsNames) || !sanDnsNames.every((n) => typeof n === 'string')) {
    failOid4vp('OID4VP_CERTIFICATE_INVALID', 'the certificate check returned no SAN list');
  }
  let payload: Record<string, unknown>;
  try {
    const parsed: ParsedJws = {
      header: Object.freeze({ ...header }) as JwsHeader,
      signingInput: split.signingInput,
      signature: decodeBase64Url(split.signaturePart, 'JWS signature'),
      payloadBytes: split.payloadBytes,
    };
    payload = verifyParsedJws(parsed, trusted.publicJwk).payload;
  } catch (cause) {
    failOid4vp('OID4VP_REQUEST_SIGNATURE_INVALID', 'the request object signature does not verify', { cause });
  }
  try {
    checkJwtTimes(payload, { clock: options.clock });
  } catch (cause) {
    if (isHavenError(cause, 'CLOCK_INVALID')) throw cause;
    failOid4vp('OID4VP_REQUEST_EXPIRED', 'the request object is expired or not yet valid', { cause });
  }
  if (payload.aud !== SELF_ISSUED_AUDIENCE) {
    failOid4vp('OID4VP_REQUEST_INVALID', 'the request object aud must be https://self-issued.me/v2');
  }
  return { header: Object.freeze({ ...header }) as JwsHeader, payload, x5c, sanDnsNames };
}
