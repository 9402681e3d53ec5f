import type { IDIDManager, IIdentifier, IKey, TAgent } from '@veramo/core-types';
import { failVeramo } from './errors.js';
import { VERAMO_KEY_ALGORITHMS } from './veramo-key.js';

/** The part of an agent the identifier lookup needs. */
export type DidManagerAgent = Pick<TAgent<IDIDManager>, 'didManagerGet' | 'didManagerGetByAlias'>;

/**
 * An identifier of this agent's DID manager, by DID (`did:…`) or by alias. Unknown →
 * `VERAMO_IDENTIFIER_NOT_FOUND`, without the DID or alias in the message.
 *
 * @example
 * ```ts
 * const employer = await getManagedIdentifier(context.agent, 'employer');
 * ```
 */
export async function getManagedIdentifier(agent: DidManagerAgent, didOrAlias: string): Promise<IIdentifier> {
  try {
    return didOrAlias.startsWith('did:')
      ? await agent.didManagerGet({ did: didOrAlias })
      : await agent.didManagerGetByAlias({ alias: didOrAlias });
  } catch {
    // Veramo's error quotes the DID or alias, so neither it nor its message is passed on.
    failVeramo('VERAMO_IDENTIFIER_NOT_FOUND', 'the identifier is not managed by this agent');
  }
}

/**
 * The key of `identifier` to sign with: `keyRef` if given (it must be one of the identifier's keys), else
 * the one key Haven can sign with (Ed25519 or Secp256r1). None or several → `VERAMO_KEY_NOT_FOUND`;
 * a `keyRef` of an unsupported type → `VERAMO_KEY_UNSUPPORTED`.
 *
 * @example
 * ```ts
 * const key = pickSigningKey(identifier); // did:key / did:jwk identifiers have exactly one key
 * ```
 */
export function pickSigningKey(identifier: Pick<IIdentifier, 'keys'>, keyRef?: string): IKey {
  if (keyRef !== undefined) {
    const key = identifier.keys.find((k) => k.kid === keyRef);
    if (key === undefined) failVeramo('VERAMO_KEY_NOT_FOUND', 'keyRef is not a key of this identifier');
    if (!Object.hasOwn(VERAMO_KEY_ALGORITHMS, key.type)) {
      failVeramo('VERAMO_KEY_UNSUPPORTED', 'Haven signs with Ed25519 and Secp256r1 (P-256) keys only', {
        details: { keyType: String(key.type).slice(0, 32) },
      });
    }
    return key;
  }
  const usable = identifier.keys.filter((k) => Object.hasOwn(VERAMO_KEY_ALGORITHMS, k.type));
  if (usable.length === 1) return usable[0] as IKey;
  if (usable.length === 0) {
    failVeramo('VERAMO_KEY_UNSUPPORTED', 'the identifier has no Ed25519 or Secp256r1 (P-256) key', {
      details: { keyTypes: identifier.keys.map((k) => String(k.type).slice(0, 32)) },
    });
  }
  failVeramo('VERAMO_KEY_NOT_FOUND', 'the identifier has several usable keys: pass keyRef');
}
