import type { VerifyResult } from '@haven/core';
import { type VcJwtVerification, verifyVcJwt, type W3cStatusPolicy } from '@haven/w3c';
import { type HavenVerifyVcJwtArgs, parseArgs, zVerifyVcJwtArgs } from './args.js';
import type { HavenPluginConfig } from './plugin-config.js';

/**
 * `havenVerifyVcJwt`: verifies a VC-JOSE `vc+jwt` with `@haven/w3c` `verifyVcJwt`, issuer keys from
 * Haven's DID resolver, `status` explicit.
 *
 * @example
 * ```ts
 * const result = await agent.havenVerifyVcJwt({ credential: jwt, trustedIssuers: [did], status: 'unchecked' });
 * ```
 */
export function verifyVcJwtWithAgent(
  args: HavenVerifyVcJwtArgs,
  config: HavenPluginConfig,
): Promise<VerifyResult<VcJwtVerification>> {
  const a = parseArgs(zVerifyVcJwtArgs, args);
  return verifyVcJwt(a.credential, {
    trustedIssuers: a.trustedIssuers,
    dids: config.dids,
    clock: config.clock,
    status: a.status as W3cStatusPolicy,
  });
}
