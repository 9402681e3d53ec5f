import { type Clock, systemClock, type VerifyResult } from '@haven/core';
import { createDidResolver, type DidResolver } from '@haven/did';
import type { SdJwtVcVerification } from '@haven/sd-jwt';
import type { SecuredCredential, VcJwtVerification } from '@haven/w3c';
import type { IAgentPlugin, IPluginMethodMap } from '@veramo/core-types';
import type {
  HavenIssueDataIntegrityArgs,
  HavenIssueSdJwtVcArgs,
  HavenIssueVcJwtArgs,
  HavenPresentSdJwtVcArgs,
  HavenVerifyCredentialArgs,
  HavenVerifySdJwtVcArgs,
  HavenVerifyVcJwtArgs,
} from './args.js';
import { issueDataIntegrityWithAgent } from './issue-data-integrity.js';
import { type HavenIssuedSdJwtVc, issueSdJwtVcWithAgent } from './issue-sd-jwt-vc.js';
import { issueVcJwtWithAgent } from './issue-vc-jwt.js';
import type { HavenAgentContext } from './issuer-signer.js';
import type { HavenPluginConfig } from './plugin-config.js';
import { presentSdJwtVcWithAgent } from './present-sd-jwt-vc.js';
import { type HavenVerifiedCredential, verifyCredentialWithAgent } from './verify-credential.js';
import { verifySdJwtVcWithAgent } from './verify-sd-jwt-vc.js';
import { verifyVcJwtWithAgent } from './verify-vc-jwt.js';

/** The methods `HavenPlugin` adds to a Veramo agent (`TAgent<IHavenPlugin>`). */
export interface IHavenPlugin extends IPluginMethodMap {
  havenIssueSdJwtVc(args: HavenIssueSdJwtVcArgs, context: HavenAgentContext): Promise<HavenIssuedSdJwtVc>;
  havenPresentSdJwtVc(args: HavenPresentSdJwtVcArgs, context: HavenAgentContext): Promise<string>;
  havenVerifySdJwtVc(
    args: HavenVerifySdJwtVcArgs,
    context: HavenAgentContext,
  ): Promise<VerifyResult<SdJwtVcVerification>>;
  havenIssueVcJwt(args: HavenIssueVcJwtArgs, context: HavenAgentContext): Promise<string>;
  havenVerifyVcJwt(
    args: HavenVerifyVcJwtArgs,
    context: HavenAgentContext,
  ): Promise<VerifyResult<VcJwtVerification>>;
  havenIssueDataIntegrity(
    args: HavenIssueDataIntegrityArgs,
    context: HavenAgentContext,
  ): Promise<SecuredCredential>;
  havenVerifyCredential(
    args: HavenVerifyCredentialArgs,
    context: HavenAgentContext,
  ): Promise<VerifyResult<HavenVerifiedCredential>>;
}

/** Options of {@link HavenPlugin}. */
export interface HavenPluginOptions {
  /** Haven's DID resolver (default: did:key and did:jwk; pass one with a guarded fetcher for did:web). */
  dids?: DidResolver;
  /** Time source (default: the system clock, 60 s skew). Tests pass `fixedClock(…)`. */
  clock?: Clock;
  /** Publish credentials under another `vct` base. */
  vctBase?: string;
}

/**
 * A Veramo 7 agent plugin giving an existing agent Haven's formats: SD-JWT VC for Haven's three credential
 * types, VC-JOSE `vc+jwt`, Data Integrity, and verification of VCDM 1.1 JWTs. Keys stay in the agent's key manager
 * (Ed25519 → EdDSA, Secp256r1 → ES256; Secp256k1 is refused) and identifiers come from its DID manager;
 * DIDs are resolved with Haven's stricter resolver, never the agent's. Methods take plain arguments
 * (validated; no schema is published) and throw `HavenError`s; verify methods return Haven's reports.
 *
 * @example
 * ```ts
 * const agent = createAgent<IKeyManager & IDIDManager & IResolver & IHavenPlugin>({
 *   plugins: [keyManager, didManager, resolverPlugin, new HavenPlugin()],
 * });
 * const { credential } = await agent.havenIssueSdJwtVc({ issuer: 'employer', type: 'labour-contract', … });
 * ```
 */
export class HavenPlugin implements IAgentPlugin {
  readonly methods: IHavenPlugin;
  readonly #config: HavenPluginConfig;

  constructor(options: HavenPluginOptions = {}) {
    this.#config = Object.freeze({
      dids: options.dids ?? createDidResolver(),
      clock: options.clock ?? systemClock(),
      ...(options.vctBase === undefined ? {} : { vctBase: options.vctBase }),
    });
    const config = this.#config;
    this.methods = {
      havenIssueSdJwtVc: (args, context) => issueSdJwtVcWithAgent(args, context, config),
      havenPresentSdJwtVc: (args, context) => presentSdJwtVcWithAgent(args, context, config),
      havenVerifySdJwtVc: async (args) => verifySdJwtVcWithAgent(args, config),
      havenIssueVcJwt: (args, context) => issueVcJwtWithAgent(args, context, config),
      havenVerifyVcJwt: async (args) => verifyVcJwtWithAgent(args, config),
      havenIssueDataIntegrity: (args, context) => issueDataIntegrityWithAgent(args, context, config),
      havenVerifyCredential: (args) => verifyCredentialWithAgent(args, config),
    };
  }
}
