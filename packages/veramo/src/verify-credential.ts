import type { VerifyResult } from '@haven/core';
import {
  verifyDataIntegrityCredential,
  verifyLegacyVcJwt,
  verifyVcJwt,
  type W3cStatusPolicy,
} from '@haven/w3c';
import { type HavenVerifyCredentialArgs, parseArgs, zVerifyCredentialArgs } from './args.js';
import { detectCredentialFormat, type HavenCredentialFormat } from './detect-credential-format.js';
import { failVeramo } from './errors.js';
import type { HavenPluginConfig } from './plugin-config.js';
import { verifySdJwtVcWithAgent } from './verify-sd-jwt-vc.js';

/** What `havenVerifyCredential` yields, whatever the format. */
export interface HavenVerifiedCredential {
  readonly format: HavenCredentialFormat;
  readonly issuer: string | undefined;
  /** The verified credential: the W3C document, or an SD-JWT VC's processed (disclosed) claims. */
  readonly credential: Record<string, unknown>;
}

function normalize<T extends object>(
  result: VerifyResult<T>,
  format: HavenCredentialFormat,
  pick: (value: T) => Omit<HavenVerifiedCredential, 'format'>,
): VerifyResult<HavenVerifiedCredential> {
  if (!result.verified) return result;
  return { verified: true, checks: result.checks, format, ...pick(result) };
}

/**
 * `havenVerifyCredential`: detects the format (`detectCredentialFormat`) and runs Haven's verifier for
 * it — SD-JWT VC, VC-JOSE `vc+jwt`, Data Integrity (eddsa-rdfc-2022, ecdsa-sd-2023 derived proofs),
 * VCDM 1.1 JWT (`verifyLegacyVcJwt`, the migration path for credentials Veramo issued) — with the same trust list, Haven's DID resolver and an explicit `status`.
 * An input of no known format throws `VERAMO_FORMAT_UNKNOWN`.
 *
 * @example
 * ```ts
 * const result = await agent.havenVerifyCredential({ credential: veramoJwt, trustedIssuers: [did], status: 'unchecked' });
 * if (result.verified) console.log(result.format); // 'vc1+jwt'
 * ```
 */
export async function verifyCredentialWithAgent(
  args: HavenVerifyCredentialArgs,
  config: HavenPluginConfig,
): Promise<VerifyResult<HavenVerifiedCredential>> {
  const a = parseArgs(zVerifyCredentialArgs, args);
  const format = detectCredentialFormat(a.credential);
  const trust = {
    trustedIssuers: a.trustedIssuers,
    dids: config.dids,
    clock: config.clock,
    ...(a.audience === undefined ? {} : { audience: a.audience }),
  };
  // Holder binding is the verifier's policy, never the credential's choice (hostile-inputs): the bearer
  // formats cannot prove who presents them, so they are refused unless binding is explicitly off.
  if (format !== 'dc+sd-jwt' && format !== undefined && a.holderBinding !== false) {
    failVeramo(
      'VERAMO_HOLDER_BINDING_UNAVAILABLE',
      'this credential format carries no holder binding; pass holderBinding: false to accept a bearer credential',
    );
  }
  switch (format) {
    case 'dc+sd-jwt': {
      const result = await verifySdJwtVcWithAgent(
        {
          presentation: a.credential as string,
          trustedIssuers: a.trustedIssuers,
          status: a.status,
          ...(a.holderBinding === undefined ? {} : { holderBinding: a.holderBinding }),
          ...(a.nonce === undefined ? {} : { nonce: a.nonce }),
          ...(a.audience === undefined ? {} : { audience: a.audience }),
          ...(a.requireExp === undefined ? {} : { requireExp: a.requireExp }),
        },
        config,
      );
      return normalize(result, format, (r) => ({ issuer: r.issuer, credential: r.claims }));
    }
    case 'vc+jwt': {
      const result = await verifyVcJwt(a.credential, { ...trust, status: a.status as W3cStatusPolicy });
      return normalize(result, format, (r) => ({ issuer: r.issuer, credential: r.credential }));
    }
    case 'vc1+jwt': {
      const result = await verifyLegacyVcJwt(a.credential, { ...trust, status: a.status });
      return normalize(result, format, (r) => ({ issuer: r.issuer, credential: r.credential }));
    }
    case 'data-integrity': {
      const result = await verifyDataIntegrityCredential(a.credential, {
        ...trust,
        status: a.status as W3cStatusPolicy,
      });
      return normalize(result, format, (r) => ({ issuer: r.issuer, credential: r.credential }));
    }
    default:
      failVeramo('VERAMO_FORMAT_UNKNOWN', 'the credential is in no format Haven verifies');
  }
}
