import {
  algorithmForKey,
  assertPublicJwk,
  HavenError,
  importPublicJwk,
  type PublicJwk,
  type Signer,
  signJws,
  toPublicJwk,
} from '@haven/core';
import { PROOF_JWT_TYP } from '../constants.js';
import { failOid4vci } from '../errors.js';

/** Options of {@link createProofJwt}. */
export interface CreateProofJwtOptions {
  /** Signs with the holder's private key (local, HSM or platform keystore). */
  readonly signer: Signer;
  /** The public half of the signer's key; it goes into the `jwk` header and is what the credential binds to. */
  readonly publicJwk: PublicJwk;
  /** The Credential Issuer Identifier, the proof's `aud`. */
  readonly credentialIssuer: string;
  /** The `c_nonce` from the Nonce Endpoint; required when the issuer has one (§8.2). */
  readonly nonce?: string;
  /** Current time, epoch seconds: the proof's `iat`. */
  readonly now: number;
  /** The wallet's `client_id`, only when the token was obtained with it (F.1: omitted for anonymous access). */
  readonly clientId?: string;
}

/**
 * Creates a `jwt` key proof (OpenID4VCI Appendix F.1): header `{typ: "openid4vci-proof+jwt", alg, jwk}`
 * (no `kid`: F.1 forbids it next to `jwk`), payload `{aud, iat, nonce}` and `iss` only when a `clientId`
 * is given. The `jwk` header carries only the public members of `publicJwk`; a JWK with private
 * members is refused (`JWK_PRIVATE_KEY_NOT_ALLOWED`), and so is one whose algorithm is not the
 * signer's (`JWS_ALG_KEY_MISMATCH`).
 *
 * @example
 * ```ts
 * const proof = await createProofJwt({
 *   signer: createSigner(holderPrivateJwk), publicJwk: holderPublicJwk,
 *   credentialIssuer: 'https://issuer.example', nonce: cNonce, now: clock.now(),
 * });
 * ```
 */
export async function createProofJwt(options: CreateProofJwtOptions): Promise<string> {
  const { signer, publicJwk, credentialIssuer, nonce, now, clientId } = options;
  assertPublicJwk(publicJwk);
  if (algorithmForKey(importPublicJwk(publicJwk)) !== signer.alg) {
    throw new HavenError('JWS_ALG_KEY_MISMATCH', "the signer's algorithm does not match the public key");
  }
  if (typeof credentialIssuer !== 'string' || credentialIssuer.length === 0) {
    failOid4vci('OID4VCI_CLIENT_METADATA_INVALID', 'the proof needs the credential issuer identifier');
  }
  if (typeof now !== 'number' || !Number.isFinite(now) || now < 0) {
    throw new HavenError('CLOCK_INVALID', 'now must be a non-negative number of seconds');
  }
  const payload: Record<string, unknown> = { aud: credentialIssuer, iat: Math.floor(now) };
  if (nonce !== undefined) payload.nonce = nonce;
  if (clientId !== undefined) payload.iss = clientId;
  // A signer without `kid`: signJws would otherwise copy the signer's kid into the header.
  const anonymous: Signer = { alg: signer.alg, sign: (data) => signer.sign(data) };
  const { kid: _kid, ...jwk } = toPublicJwk(publicJwk);
  return signJws(payload, { signer: anonymous, typ: PROOF_JWT_TYP, header: { jwk } });
}
