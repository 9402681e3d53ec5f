import { issueVcJwt } from '@haven/w3c';
import { type HavenIssueVcJwtArgs, parseArgs, zIssueVcJwtArgs } from './args.js';
import { withIssuer } from './credential-issuer.js';
import { createIssuerSigner, type HavenAgentContext } from './issuer-signer.js';
import type { HavenPluginConfig } from './plugin-config.js';

/**
 * `havenIssueVcJwt`: secures a VCDM 2.0 credential as a VC-JOSE `vc+jwt` (`@haven/w3c` `issueVcJwt`)
 * with the agent's key; the header `kid` is the DID URL of that key under `assertionMethod`.
 *
 * @example
 * ```ts
 * const jwt = await agent.havenIssueVcJwt({ issuer: 'employer', credential: { '@context': […], type: […], credentialSubject } });
 * ```
 */
export async function issueVcJwtWithAgent(
  args: HavenIssueVcJwtArgs,
  context: HavenAgentContext,
  config: HavenPluginConfig,
): Promise<string> {
  const a = parseArgs(zIssueVcJwtArgs, args);
  const issuer = await createIssuerSigner(context, config.dids, a.issuer, a.keyRef);
  return issueVcJwt(withIssuer(a.credential, issuer.did), { signer: issuer.signer });
}
