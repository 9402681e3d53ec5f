import {
  type DataIntegrityCryptosuite,
  issueDataIntegrityCredential,
  type SecuredCredential,
} from '@haven/w3c';
import { type HavenIssueDataIntegrityArgs, parseArgs, zIssueDataIntegrityArgs } from './args.js';
import { withIssuer } from './credential-issuer.js';
import { failVeramo } from './errors.js';
import { createIssuerSigner, type HavenAgentContext } from './issuer-signer.js';
import type { HavenPluginConfig } from './plugin-config.js';

// The cryptosuite each key algorithm signs (vc-di-eddsa §3.3, vc-di-ecdsa §3.5).
const SUITE_FOR_ALG: Readonly<Record<string, DataIntegrityCryptosuite>> = {
  EdDSA: 'eddsa-rdfc-2022',
  ES256: 'ecdsa-sd-2023',
};

/**
 * `havenIssueDataIntegrity`: adds a Data Integrity proof (`@haven/w3c` `issueDataIntegrityCredential`)
 * signed in the agent's key manager. The proof's `verificationMethod` is the DID URL of that key under
 * `assertionMethod`; the cryptosuite follows the key (Ed25519 → eddsa-rdfc-2022, P-256 → an
 * ecdsa-sd-2023 base proof) and a mismatching choice is `VERAMO_ARGUMENT_INVALID`.
 *
 * @example
 * ```ts
 * const vc = await agent.havenIssueDataIntegrity({ issuer: 'employer', credential });
 * ```
 */
export async function issueDataIntegrityWithAgent(
  args: HavenIssueDataIntegrityArgs,
  context: HavenAgentContext,
  config: HavenPluginConfig,
): Promise<SecuredCredential> {
  const a = parseArgs(zIssueDataIntegrityArgs, args);
  const issuer = await createIssuerSigner(context, config.dids, a.issuer, a.keyRef);
  const suite = SUITE_FOR_ALG[issuer.signer.alg];
  if (suite === undefined || (a.cryptosuite !== undefined && a.cryptosuite !== suite)) {
    failVeramo('VERAMO_ARGUMENT_INVALID', 'the cryptosuite does not match the key type', {
      details: { paths: ['cryptosuite'] },
    });
  }
  return issueDataIntegrityCredential(withIssuer(a.credential, issuer.did), {
    cryptosuite: suite,
    signer: issuer.signer,
    verificationMethod: issuer.signer.kid as string,
    clock: config.clock,
    ...(a.mandatoryPointers === undefined ? {} : { mandatoryPointers: a.mandatoryPointers }),
  });
}
