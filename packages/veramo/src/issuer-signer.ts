import { isHavenError, type PublicJwk, type Signer } from '@haven/core';
import type { DidResolver } from '@haven/did';
import type { IAgentContext, IDIDManager, IKeyManager } from '@veramo/core-types';
import { failVeramo } from './errors.js';
import { createKmsSigner } from './kms-signer.js';
import { getManagedIdentifier, pickSigningKey } from './managed-identifier.js';
import { publicJwkFromVeramoKey } from './veramo-key.js';

/** The Veramo context Haven's methods run in: a key manager and a DID manager. */
export type HavenAgentContext = IAgentContext<IKeyManager & IDIDManager>;

/** An identifier of this agent ready to sign credentials. */
export interface ManagedSigner {
  readonly did: string;
  /** Signs with the agent's key; its `kid` is the DID URL of that key under `assertionMethod`. */
  readonly signer: Signer;
  readonly publicJwk: PublicJwk;
}

function sameKey(a: PublicJwk, b: PublicJwk): boolean {
  return a.kty === b.kty && a.crv === b.crv && a.x === b.x && a.y === b.y;
}

/**
 * A signer for credentials issued by one of the agent's identifiers. The `kid` is found the way a
 * verifier will look for it: the DID is resolved with Haven's resolver (not the agent's) and the key must
 * be one of its `assertionMethod` keys; otherwise `VERAMO_KEY_NOT_IN_DID_DOCUMENT`, before anything is
 * signed — a credential no verifier can check is worse than none. A DID method Haven does not resolve
 * fails with the resolver's code (e.g. `DID_METHOD_NOT_SUPPORTED`).
 *
 * @example
 * ```ts
 * const { did, signer } = await createIssuerSigner(context, dids, 'employer');
 * ```
 */
export async function createIssuerSigner(
  context: HavenAgentContext,
  dids: DidResolver,
  didOrAlias: string,
  keyRef?: string,
): Promise<ManagedSigner> {
  const identifier = await getManagedIdentifier(context.agent, didOrAlias);
  const key = pickSigningKey(identifier, keyRef);
  const publicJwk = publicJwkFromVeramoKey(key);
  const did = identifier.did;
  const document = await dids.resolve(did);
  let kid: string | undefined;
  for (const entry of document.assertionMethod ?? []) {
    const raw = typeof entry === 'string' ? entry : entry.id;
    const id = raw.startsWith('#') ? `${did}${raw}` : raw;
    try {
      const resolved = await dids.resolveKey(id, { relationship: 'assertionMethod' });
      if (sameKey(resolved.publicJwk, publicJwk)) {
        kid = id;
        break;
      }
    } catch (error) {
      // A method Haven cannot read (another DID's, an unsupported type) is simply not this key.
      if (!isHavenError(error)) throw error;
    }
  }
  if (kid === undefined) {
    failVeramo(
      'VERAMO_KEY_NOT_IN_DID_DOCUMENT',
      'the key is not an assertionMethod key of the DID as Haven resolves it',
    );
  }
  return { did, signer: createKmsSigner(context.agent, key, { kid }), publicJwk };
}

/**
 * A signer for a holder's proofs (KB-JWT), from one of the agent's identifiers. No `kid`: the verifier
 * takes the holder key from the credential's `cnf`.
 *
 * @example
 * ```ts
 * const holder = await createHolderSigner(context, 'worker');
 * ```
 */
export async function createHolderSigner(
  context: HavenAgentContext,
  didOrAlias: string,
  keyRef?: string,
): Promise<{ signer: Signer; publicJwk: PublicJwk }> {
  const identifier = await getManagedIdentifier(context.agent, didOrAlias);
  const key = pickSigningKey(identifier, keyRef);
  return { signer: createKmsSigner(context.agent, key), publicJwk: publicJwkFromVeramoKey(key) };
}
