import { isJsonObject } from '@haven/core';
import { failW3c } from '../errors.js';
import { formatDateTimeStamp, parseDateTimeStamp } from '../model/date-time-stamp.js';

/** The base context every VCDM 1.1 credential starts with (VCDM 1.1 §4.1). */
export const VC_V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1';

/** A VCDM 1.1 credential rebuilt from a JWT (VCDM 1.1 §6.3.1 "JWT Decoding"), without a proof. */
export type LegacyCredential = Record<string, unknown>;

/** The credential and the validity period read from it, in epoch seconds. */
export interface DecodedJwtCredential {
  readonly credential: LegacyCredential;
  /** `issuanceDate` (VCDM 1.1 §4.6): the credential is not valid before it. */
  readonly issuedAt: number;
  /** `expirationDate` (VCDM 1.1 §4.7), if any. */
  readonly expiresAt: number | undefined;
}

function mismatch(claim: string, property: string): never {
  // Names only: the values are personal data (a subject DID, a credential id).
  failW3c(
    'W3C_LEGACY_JWT_CLAIM_MISMATCH',
    `the JWT "${claim}" claim contradicts the credential's ${property}`,
    {
      details: { claim, property },
    },
  );
}

function checkShape(vc: Record<string, unknown>): void {
  const context = vc['@context'];
  // VCDM 1.1 §4.1: an ordered set whose first item is the v1 base context. A v2 context here is a VCDM 2.0
  // credential in the 1.1 envelope, which neither spec defines.
  if (!Array.isArray(context) || context[0] !== VC_V1_CONTEXT) {
    failW3c('W3C_CONTEXT_INVALID', 'the "vc" claim must have @context starting with the VCDM 1.1 context');
  }
  if (!context.every((c) => typeof c === 'string' || isJsonObject(c))) {
    failW3c('W3C_CONTEXT_INVALID', 'every @context entry must be a URL or an object');
  }
  const type = vc.type;
  // VCDM 1.1 §4.3: one or more types, one of them VerifiableCredential.
  const types = typeof type === 'string' ? [type] : type;
  if (
    !Array.isArray(types) ||
    !types.every((t) => typeof t === 'string') ||
    !types.includes('VerifiableCredential')
  ) {
    failW3c('W3C_TYPE_INVALID', 'the credential type must include VerifiableCredential');
  }
  const subject = vc.credentialSubject;
  // VCDM 1.1 §4.4: credentialSubject is required; one object or a set of objects.
  const subjects = Array.isArray(subject) ? subject : [subject];
  if (subjects.length === 0 || !subjects.every(isJsonObject)) {
    failW3c('W3C_SUBJECT_INVALID', 'credentialSubject must be an object or a non-empty array of objects');
  }
  if (vc.proof !== undefined) {
    // The JWS is the proof (§6.3.1); a second, embedded one would leave a verifier to pick which to trust.
    failW3c('W3C_LEGACY_JWT_INVALID', 'the "vc" claim must not carry an embedded proof');
  }
}

function numericDate(payload: Record<string, unknown>, name: string): number | undefined {
  const value = payload[name];
  if (value === undefined) return undefined;
  // Bounded to what a Date can hold (year 275760), so formatting it later cannot throw.
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 8.64e12) {
    failW3c('W3C_LEGACY_JWT_INVALID', `the JWT "${name}" claim is not a NumericDate`);
  }
  return value;
}

/** The same instant, to the second: encoders floor a date with fractions of a second into a NumericDate. */
function sameSecond(a: number, b: number): boolean {
  return Math.floor(a) === Math.floor(b);
}

function decodeIssuer(vc: Record<string, unknown>, iss: unknown, out: Record<string, unknown>): void {
  if (typeof iss !== 'string' || iss.length === 0)
    failW3c('W3C_ISSUER_INVALID', 'the JWT has no "iss" claim');
  const issuer = vc.issuer;
  if (issuer === undefined) {
    out.issuer = iss;
    return;
  }
  // VCDM 1.1 §4.5: a URI, or an object whose id is the URI.
  const id = typeof issuer === 'string' ? issuer : isJsonObject(issuer) ? issuer.id : undefined;
  if (typeof id !== 'string') failW3c('W3C_ISSUER_INVALID', 'the credential issuer has no id');
  if (id !== iss) failW3c('W3C_ISSUER_MISMATCH', 'the JWT "iss" claim is not the credential issuer');
}

function decodeSubject(vc: Record<string, unknown>, sub: unknown, out: Record<string, unknown>): void {
  const subjects = Array.isArray(vc.credentialSubject) ? vc.credentialSubject : [vc.credentialSubject];
  // An id is a URI (VCDM 1.1 §4.2): a number or an object there is not one, whoever signed it.
  if (subjects.some((s) => isJsonObject(s) && s.id !== undefined && typeof s.id !== 'string')) {
    failW3c('W3C_SUBJECT_INVALID', 'a credentialSubject id is not a string');
  }
  if (sub === undefined) return;
  if (typeof sub !== 'string') failW3c('W3C_LEGACY_JWT_INVALID', 'the JWT "sub" claim must be a string');
  const subject = vc.credentialSubject;
  // With several subjects, "sub" cannot say whose id it is.
  if (!isJsonObject(subject)) failW3c('W3C_SUBJECT_INVALID', 'a JWT with "sub" needs exactly one subject');
  if (subject.id === undefined) out.credentialSubject = { ...subject, id: sub };
  else if (subject.id !== sub) mismatch('sub', 'credentialSubject.id');
}

function decodeId(vc: Record<string, unknown>, jti: unknown, out: Record<string, unknown>): void {
  if (vc.id !== undefined && typeof vc.id !== 'string')
    failW3c('W3C_LEGACY_JWT_INVALID', 'the credential id is not a string');
  if (jti === undefined) return;
  if (typeof jti !== 'string') failW3c('W3C_LEGACY_JWT_INVALID', 'the JWT "jti" claim must be a string');
  if (vc.id === undefined) out.id = jti;
  else if (vc.id !== jti) mismatch('jti', 'id');
}

/**
 * Rebuilds the credential a VCDM 1.1 JWT carries (VCDM 1.1 §6.3.1 "JWT Decoding"): the `vc` claim's
 * members, then `iss` → `issuer`, `nbf` → `issuanceDate`, `exp` → `expirationDate`, `sub` →
 * `credentialSubject.id`, `jti` → `id`. Where both the JWT claim and the credential property are present
 * they must say the same (dates to the second), or the token means two things to two verifiers:
 * `W3C_ISSUER_MISMATCH` for the issuer, `W3C_LEGACY_JWT_CLAIM_MISMATCH` (with `details.claim`) for the
 * others. `issuanceDate` is required (VCDM 1.1 §4.6), from `nbf` or the credential; dates must carry a
 * time zone. Top-level claims other than these (e.g. `iat`, a stray `issuer`) are not copied in.
 *
 * Run it on a payload whose signature has been verified.
 *
 * @example
 * ```ts
 * const { credential, issuedAt } = decodeJwtCredential(verifiedPayload);
 * credential.issuer; // the iss claim
 * ```
 */
export function decodeJwtCredential(payload: Record<string, unknown>): DecodedJwtCredential {
  const vc = payload.vc;
  if (!isJsonObject(vc)) failW3c('W3C_LEGACY_JWT_INVALID', 'the JWT "vc" claim must be an object');
  checkShape(vc);
  const out: Record<string, unknown> = { ...vc };
  decodeIssuer(vc, payload.iss, out);
  decodeSubject(vc, payload.sub, out);
  decodeId(vc, payload.jti, out);

  const nbf = numericDate(payload, 'nbf');
  let issuedAt: number;
  if (vc.issuanceDate !== undefined) {
    issuedAt = parseDateTimeStamp(vc.issuanceDate, 'issuanceDate');
    if (nbf !== undefined && !sameSecond(nbf, issuedAt)) mismatch('nbf', 'issuanceDate');
  } else if (nbf !== undefined) {
    issuedAt = nbf;
    out.issuanceDate = formatDateTimeStamp(nbf);
  } else {
    failW3c('W3C_DATE_INVALID', 'the credential has no issuanceDate and the JWT no "nbf" claim');
  }

  const exp = numericDate(payload, 'exp');
  let expiresAt: number | undefined;
  if (vc.expirationDate !== undefined) {
    expiresAt = parseDateTimeStamp(vc.expirationDate, 'expirationDate');
    if (exp !== undefined && !sameSecond(exp, expiresAt)) mismatch('exp', 'expirationDate');
  } else if (exp !== undefined) {
    expiresAt = exp;
    out.expirationDate = formatDateTimeStamp(exp);
  }
  return { credential: out, issuedAt, expiresAt };
}
