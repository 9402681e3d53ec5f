import type { VerifyResult } from '@haven/core';
import { createIssuerKeySource, type SdJwtVcVerification, verifySdJwtVc } from '@haven/sd-jwt';
import { type HavenVerifySdJwtVcArgs, parseArgs, zVerifySdJwtVcArgs } from './args.js';
import type { HavenPluginConfig } from './plugin-config.js';

/**
 * `havenVerifySdJwtVc`: Haven's SD-JWT VC verification with issuer keys from Haven's DID resolver (the
 * `kid` must be a DID URL of a trusted `iss` under `assertionMethod`). Holder binding is required unless
 * `holderBinding: false`; `status` must be given (a checker, or `'unchecked'`); `exp` is required unless
 * `requireExp: false`. Returns Haven's report; argument errors throw `VERAMO_ARGUMENT_INVALID`.
 *
 * @example
 * ```ts
 * const result = await agent.havenVerifySdJwtVc({
 *   presentation, trustedIssuers: [employerDid], nonce, audience, status: 'unchecked',
 * });
 * ```
 */
export function verifySdJwtVcWithAgent(
  args: HavenVerifySdJwtVcArgs,
  config: HavenPluginConfig,
): Promise<VerifyResult<SdJwtVcVerification>> {
  const a = parseArgs(zVerifySdJwtVcArgs, args);
  const issuerKey = createIssuerKeySource({ issuers: a.trustedIssuers, dids: config.dids });
  return verifySdJwtVc(a.presentation, {
    issuerKey,
    clock: config.clock,
    holderBinding:
      a.holderBinding === false
        ? { required: false }
        : { required: true, nonce: a.nonce as string, aud: a.audience as string },
    status: a.status,
    requireExp: a.requireExp ?? true,
    ...(a.expectedVct === undefined ? {} : { expectedVct: a.expectedVct }),
  });
}
