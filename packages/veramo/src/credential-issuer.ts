import { isJsonObject } from '@haven/core';
import { failVeramo } from './errors.js';

/**
 * The credential to sign with its `issuer` set to the agent's DID: an absent issuer is filled in, a
 * present one (string or `{ id }`) must already be that DID → else `VERAMO_ARGUMENT_INVALID`. A credential
 * naming someone else as issuer would otherwise go out under the agent's key.
 *
 * @example
 * ```ts
 * const credential = withIssuer(args.credential, issuer.did);
 * ```
 */
export function withIssuer(credential: Record<string, unknown>, did: string): Record<string, unknown> {
  const stated = credential.issuer;
  if (stated === undefined) return { ...credential, issuer: did };
  const statedId = typeof stated === 'string' ? stated : isJsonObject(stated) ? stated.id : undefined;
  if (statedId !== did) {
    failVeramo('VERAMO_ARGUMENT_INVALID', "the credential's issuer is not the signing identifier", {
      details: { paths: ['credential.issuer'] },
    });
  }
  return credential;
}
