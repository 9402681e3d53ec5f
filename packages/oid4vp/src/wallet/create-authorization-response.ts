import { encryptJweEcdhEs, type HavenErrorDetails } from '@haven/core';
import { presentSdJwt } from '@haven/sd-jwt';
import { failOid4vp } from '../errors.js';
import type {
  AuthorizationResponseBody,
  CreateAuthorizationResponseOptions,
  HeldCredential,
  PreparedPresentation,
} from './contracts.js';

function optionsInvalid(message: string, details: HavenErrorDetails = {}): never {
  failOid4vp('OID4VP_OPTIONS_INVALID', message, { details });
}

function heldById(held: readonly HeldCredential[]): Map<string, HeldCredential> {
  if (!Array.isArray(held)) optionsInvalid('held credentials must be an array');
  const byId = new Map<string, HeldCredential>();
  for (const credential of held) {
    if (credential === null || typeof credential !== 'object' || typeof credential.id !== 'string') {
      optionsInvalid('a held credential needs an id');
    }
    if (byId.has(credential.id))
      optionsInvalid('two held credentials share an id', { credentialId: credential.id });
    byId.set(credential.id, credential);
  }
  return byId;
}

/**
 * Builds the Authorization Response for a prepared presentation the holder consented to (OpenID4VP §8).
 * Each selected SD-JWT VC is presented with exactly the chosen disclosures and a KB-JWT whose `nonce`
 * is the request's and whose `aud` is the verifier's full `client_id`, prefix included (§5.9, §B.3.6).
 * The `vp_token` maps each Credential Query id to its presentations (§8.1).
 * - `direct_post` (§8.2): the form fields `vp_token` (JSON text) and `state`.
 * - `direct_post.jwt` (§8.3): the single field `response`, a JWE (ECDH-ES, the verifier's first
 *   preferred `enc`, its key's `kid` echoed) over `{ vp_token, state }` with `vp_token` as an object.
 *
 * Throws `OID4VP_NO_MATCHING_CREDENTIALS` when the query is not satisfied (§6.4.2: never a partial
 * answer), `OID4VP_OPTIONS_INVALID` when a selected credential is not among `held`, and the SD-JWT and
 * JWE codes of the presentation and encryption.
 *
 * @example
 * ```ts
 * const body = await createAuthorizationResponse(prepared, { held: wallet.credentials, clock });
 * await postAuthorizationResponse(prepared.request, body, { fetch });
 * ```
 */
export async function createAuthorizationResponse(
  prepared: PreparedPresentation,
  options: CreateAuthorizationResponseOptions,
): Promise<AuthorizationResponseBody> {
  if (prepared === null || typeof prepared !== 'object' || prepared.request === undefined) {
    optionsInvalid('createAuthorizationResponse needs a prepared presentation');
  }
  if (prepared.satisfied !== true) {
    failOid4vp('OID4VP_NO_MATCHING_CREDENTIALS', 'the held credentials do not answer the request');
  }
  const { request } = prepared;
  const held = heldById(options.held);
  const entries: [string, string[]][] = [];
  for (const [queryId, matches] of Object.entries(prepared.selection)) {
    // §8.1: an entry is an array of one or more presentations; an empty selection is no entry.
    if (!Array.isArray(matches) || matches.length === 0) continue;
    const presentations: string[] = [];
    for (const match of matches) {
      const credential = held.get(match.credentialId);
      if (credential === undefined) {
        optionsInvalid('a selected credential is not held', { credentialId: match.credentialId });
      }
      presentations.push(
        await presentSdJwt(credential.credential, {
          disclose: match.claimPaths,
          keyBinding: {
            signer: credential.signer,
            nonce: request.nonce,
            aud: request.client.clientId,
            clock: options.clock,
          },
        }),
      );
    }
    entries.push([queryId, presentations]);
  }
  if (entries.length === 0) {
    failOid4vp('OID4VP_NO_MATCHING_CREDENTIALS', 'the selection holds no credential to present');
  }
  // Object.fromEntries defines own properties: a query id of `__proto__` stays an ordinary key.
  const vpToken = Object.fromEntries(entries);
  const state = request.state;

  if (request.responseMode === 'direct_post') {
    return { vp_token: JSON.stringify(vpToken), ...(state === undefined ? {} : { state }) };
  }
  const encryption = request.responseEncryption;
  const enc = encryption?.encValues[0];
  if (encryption === undefined || enc === undefined) {
    failOid4vp('OID4VP_REQUEST_INVALID', 'direct_post.jwt needs the verifier encryption key', {
      details: { parameter: 'client_metadata' },
    });
  }
  // §8.3: the JWE alg must equal the alg of the chosen key; Haven encrypts with ECDH-ES only.
  const alg = (encryption.jwk as { alg?: unknown }).alg;
  if (alg !== undefined && alg !== 'ECDH-ES') {
    failOid4vp('OID4VP_REQUEST_INVALID', 'the verifier encryption key is not for ECDH-ES', {
      details: { parameter: 'client_metadata' },
    });
  }
  // §8.3: the response parameters are top-level members of the JWE payload, vp_token as an object.
  const payload = JSON.stringify({ vp_token: vpToken, ...(state === undefined ? {} : { state }) });
  const response = encryptJweEcdhEs(payload, encryption.jwk, {
    enc,
    ...(encryption.jwk.kid === undefined ? {} : { kid: encryption.jwk.kid }),
  });
  return { response };
}
