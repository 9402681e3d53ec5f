import { isJsonObject, type PublicJwk } from '@haven/core';
import { checkRequestAgainstPurpose, credentialTypeForVct } from '@haven/credentials';
import { decodeHeldSdJwt, failSdJwt, presentSdJwt } from '@haven/sd-jwt';
import { type HavenPresentSdJwtVcArgs, parseArgs, zPresentSdJwtVcArgs } from './args.js';
import { failVeramo } from './errors.js';
import { createHolderSigner, type HavenAgentContext } from './issuer-signer.js';
import type { HavenPluginConfig } from './plugin-config.js';

function sameKey(a: Record<string, unknown>, b: PublicJwk): boolean {
  return a.kty === b.kty && a.crv === b.crv && a.x === b.x && a.y === b.y;
}

/**
 * `havenPresentSdJwtVc`: the holder side (RFC 9901 §7.2). Discloses only the given claim paths, checks
 * them against a registered `purpose` if one is named (over-asking → `OVER_ASKING`), and signs a KB-JWT
 * over the verifier's nonce and audience with the agent's key — which must be the credential's `cnf.jwk`
 * (→ else `VERAMO_HOLDER_KEY_MISMATCH`, before anything is signed).
 *
 * @example
 * ```ts
 * const vp = await agent.havenPresentSdJwtVc({
 *   credential, disclose: [['wage']], holder: 'worker', nonce, audience: 'https://inspection.example',
 *   purpose: 'inspector.contract-validity',
 * });
 * ```
 */
export async function presentSdJwtVcWithAgent(
  args: HavenPresentSdJwtVcArgs,
  context: HavenAgentContext,
  config: HavenPluginConfig,
): Promise<string> {
  const a = parseArgs(zPresentSdJwtVcArgs, args);
  const held = decodeHeldSdJwt(a.credential);
  const { cnf, vct } = held.processed.claims;
  if (a.purpose !== undefined) {
    const type =
      typeof vct === 'string'
        ? credentialTypeForVct(vct, config.vctBase === undefined ? {} : { vctBase: config.vctBase })
        : undefined;
    checkRequestAgainstPurpose(a.purpose, [{ credentialType: type?.id ?? String(vct), claims: a.disclose }]);
  }
  if (!isJsonObject(cnf) || !isJsonObject(cnf.jwk)) {
    failSdJwt('SDJWT_CNF_MISSING', 'the credential is not bound to a holder key (cnf.jwk)');
  }
  const holder = await createHolderSigner(context, a.holder, a.keyRef);
  if (!sameKey(cnf.jwk, holder.publicJwk)) {
    failVeramo('VERAMO_HOLDER_KEY_MISMATCH', "the holder key is not the credential's cnf key");
  }
  return presentSdJwt(a.credential, {
    disclose: a.disclose,
    keyBinding: { signer: holder.signer, nonce: a.nonce, aud: a.audience, clock: config.clock },
  });
}
