import { assertPublicJwk, type PublicJwk, readClock } from '@haven/core';
import { type CredentialTypeId, prepareIssuance, type Wage } from '@haven/credentials';
import { issueSdJwtVc } from '@haven/sd-jwt';
import { type HavenIssueSdJwtVcArgs, parseArgs, zIssueSdJwtVcArgs } from './args.js';
import { failVeramo } from './errors.js';
import { createIssuerSigner, type HavenAgentContext } from './issuer-signer.js';
import type { HavenPluginConfig } from './plugin-config.js';

/** What `havenIssueSdJwtVc` returns. */
export interface HavenIssuedSdJwtVc {
  /** The SD-JWT VC (`typ: dc+sd-jwt`), to hand to the holder. */
  readonly credential: string;
  readonly credentialType: CredentialTypeId;
  readonly vct: string;
  /** The issuer DID (`iss`). */
  readonly issuer: string;
}

async function holderKey(
  a: { holderJwk?: Record<string, unknown> | undefined; holderDid?: string | undefined },
  config: HavenPluginConfig,
): Promise<PublicJwk | undefined> {
  if (a.holderJwk !== undefined && a.holderDid !== undefined) {
    failVeramo('VERAMO_ARGUMENT_INVALID', 'give holderJwk or holderDid, not both', {
      details: { paths: ['holderJwk', 'holderDid'] },
    });
  }
  if (a.holderJwk !== undefined) {
    const jwk: unknown = a.holderJwk;
    assertPublicJwk(jwk);
    return jwk;
  }
  if (a.holderDid !== undefined) {
    // The key the holder proves possession with (DID Core §5.3.1 authentication).
    return (await config.dids.resolveKey(a.holderDid, { relationship: 'authentication' })).publicJwk;
  }
  return undefined;
}

/**
 * `havenIssueSdJwtVc`: validates the claims of a Haven credential type (`@haven/credentials`
 * `prepareIssuance`: schema, derived claims, disclosure frame), adds `iss` (the agent's DID), `vct`,
 * `iat`, `exp`, `cnf` and `status` in the clear, and signs an SD-JWT VC with the agent's key.
 *
 * @example
 * ```ts
 * const { credential } = await agent.havenIssueSdJwtVc({
 *   issuer: 'employer', type: 'labour-contract', claims, holderJwk, expiresAt: now + 365 * 86_400,
 * });
 * ```
 */
export async function issueSdJwtVcWithAgent(
  args: HavenIssueSdJwtVcArgs,
  context: HavenAgentContext,
  config: HavenPluginConfig,
): Promise<HavenIssuedSdJwtVc> {
  const a = parseArgs(zIssueSdJwtVcArgs, args);
  const { now } = readClock(config.clock);
  if (!(a.expiresAt > now)) {
    failVeramo('VERAMO_ARGUMENT_INVALID', 'expiresAt must be in the future', {
      details: { paths: ['expiresAt'] },
    });
  }
  const prepared = prepareIssuance(a.type, a.claims, {
    now,
    ...(config.vctBase === undefined ? {} : { vctBase: config.vctBase }),
    ...(a.legalMinimumWage === undefined ? {} : { legalMinimumWage: a.legalMinimumWage as Wage }),
  });
  const holderPublicJwk = await holderKey(a, config);
  const issuer = await createIssuerSigner(context, config.dids, a.issuer, a.keyRef);
  // Registered claims last: nothing in the type's claims can replace them (SD-JWT VC §3.2.2).
  const payload: Record<string, unknown> = {
    ...prepared.claims,
    iss: issuer.did,
    vct: prepared.vct,
    iat: Math.floor(now),
    exp: a.expiresAt,
    ...(a.status === undefined ? {} : { status: a.status }),
  };
  const credential = await issueSdJwtVc(payload, {
    signer: issuer.signer,
    frame: prepared.disclosureFrame,
    ...(holderPublicJwk === undefined ? {} : { holderPublicJwk }),
  });
  return { credential, credentialType: prepared.credentialType, vct: prepared.vct, issuer: issuer.did };
}
