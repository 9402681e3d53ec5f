import { decodeBase64Url, isHavenError, type Signer } from '@haven/core';
import type { IKey, IKeyManager, TAgent } from '@veramo/core-types';
import { failVeramo } from './errors.js';
import { algorithmForVeramoKey } from './veramo-key.js';

/** The part of an agent a KMS signer needs. */
export type KeyManagerAgent = Pick<TAgent<IKeyManager>, 'keyManagerSign'>;

/**
 * A Haven `Signer` whose private key stays in the agent's key manager: `sign(bytes)` calls
 * `keyManagerSign` with the bytes in hex (so any byte string survives, not only UTF-8) and the key's one
 * algorithm, and decodes the base64url `r‖s` (ES256, IEEE P1363) or EdDSA signature it returns.
 * Secp256k1 and other key types → `VERAMO_KEY_UNSUPPORTED`; a KMS failure → `VERAMO_SIGN_FAILED`
 * (its error is dropped: it may name the key). Core checks the signature length per algorithm.
 *
 * @example
 * ```ts
 * const signer = createKmsSigner(context.agent, key, { kid: `${did}#0` });
 * const jws = await signJws({ iss: did }, { signer, typ: 'JWT' });
 * ```
 */
export function createKmsSigner(
  agent: KeyManagerAgent,
  key: Pick<IKey, 'kid' | 'type'>,
  options: { kid?: string } = {},
): Signer {
  const alg = algorithmForVeramoKey(key);
  const keyRef = key.kid;
  const signer: Signer = {
    alg,
    async sign(data: Uint8Array): Promise<Uint8Array> {
      let signature: unknown;
      try {
        signature = await agent.keyManagerSign({
          keyRef,
          algorithm: alg,
          data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('hex'),
          encoding: 'hex',
        });
      } catch {
        // Not attached as a cause: a KMS error quotes the key id, which can name the person.
        failVeramo('VERAMO_SIGN_FAILED', 'the key manager could not sign');
      }
      try {
        return decodeBase64Url(signature as string, 'KMS signature');
      } catch (cause) {
        if (isHavenError(cause))
          failVeramo('VERAMO_SIGN_FAILED', 'the key manager returned a signature that is not base64url');
        throw cause;
      }
    },
  };
  return options.kid === undefined ? signer : { ...signer, kid: options.kid };
}
