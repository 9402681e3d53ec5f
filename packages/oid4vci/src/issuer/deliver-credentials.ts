import { isJsonObject, type PublicJwk } from '@haven/core';
import { failOid4vci } from '../errors.js';
import type { OfferRecord } from '../store.js';
import type { Oid4vciIssuerConfig } from './types.js';

/** One entry of `credentials` in a Credential Response (OpenID4VCI §8.3). */
export interface IssuedCredential {
  readonly credential: string | Readonly<Record<string, unknown>>;
}

/**
 * Calls the application's `issue` for a request that passed every check and shapes the answer. The
 * result must be one credential per holder key (or exactly one when no key is bound), each a non-empty
 * string or a JSON object (§8.3); anything else is an application bug (`OID4VCI_CONFIG_INVALID`). Once
 * issued, the claim is marked delivered (`completeIssuance`) and then the offer's payload is wiped if
 * every configuration is delivered. If `issue` or marking the delivery throws, `undo` gives the claim
 * back (the credentials never reach the wallet, so it may try again) and the error propagates. A failed
 * wipe does not withhold credentials already marked delivered: the payload stays sealed until a later
 * wipe or `purgeExpired` takes it.
 *
 * @example
 * ```ts
 * const credentials = await deliverCredentials(config, { offer, configurationId, holderKeys, now }, release);
 * ```
 */
export async function deliverCredentials(
  config: Oid4vciIssuerConfig,
  request: { offer: OfferRecord; configurationId: string; holderKeys: readonly PublicJwk[]; now: number },
  undo: () => Promise<void>,
): Promise<readonly IssuedCredential[]> {
  const { store } = config;
  let issued: readonly (string | Record<string, unknown>)[];
  try {
    issued = await config.issue(request);
    const expected = Math.max(1, request.holderKeys.length);
    if (
      !Array.isArray(issued) ||
      issued.length !== expected ||
      !issued.every((c) => (typeof c === 'string' && c !== '') || isJsonObject(c))
    ) {
      failOid4vci('OID4VCI_CONFIG_INVALID', 'issue must return one credential per holder key');
    }
    await store.completeIssuance(request.offer.id, request.configurationId, request.now);
  } catch (error) {
    try {
      await undo();
    } catch {
      // The first failure is what the caller must see; a failed undo leaves the claim taken, which
      // fails closed (no second issuance), and the store's own error surfaces on its next use.
    }
    throw error;
  }
  try {
    await store.wipePayloadIfComplete(request.offer.id);
  } catch {
    // The delivery is recorded and can no longer be undone, so the wallet gets its credentials; the
    // payload stays sealed (AEAD) and goes at the next wipe of this offer or at `purgeExpired`.
  }
  return Object.freeze(issued.map((credential) => ({ credential })));
}
