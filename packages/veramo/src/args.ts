import { CREDENTIAL_TYPE_IDS } from '@haven/credentials';
import { z } from 'zod';
import { failVeramo } from './errors.js';

// Agent methods can be called over Veramo's remote API, so every argument is validated here, at the
// boundary. Values never reach an error: only the paths of the members that failed.

const zDidOrAlias = z.string().min(1).max(4096);
const zKeyRef = z.string().min(1).max(1024);
const zJwkObject = z.record(z.string(), z.unknown());
// Read-only, so a purpose's `ClaimPath[]` (readonly tuples) can be passed as they are.
const zClaimPath = z
  .array(z.union([z.string(), z.number().int().nonnegative(), z.null()]))
  .min(1)
  .max(32)
  .readonly();
const zFunction = <T>() => z.custom<T>((value) => typeof value === 'function', 'expected a function');

/** A status check: `'unchecked'` by explicit policy, or a checker called with the status claim/entry. */
export type StatusChecker = (status: unknown, credential: Record<string, unknown>) => void | Promise<void>;
const zStatusPolicy = z.union([z.literal('unchecked'), zFunction<StatusChecker>()]);

/** Arguments of `havenIssueSdJwtVc`. */
export const zIssueSdJwtVcArgs = z.strictObject({
  /** The issuing identifier of this agent: a DID or its alias. */
  issuer: zDidOrAlias,
  /** Which of the identifier's keys signs (default: its one Ed25519 or Secp256r1 key). */
  keyRef: zKeyRef.optional(),
  type: z.enum(CREDENTIAL_TYPE_IDS),
  /** The credential type's claims, validated by `@haven/credentials`. */
  claims: z.record(z.string(), z.unknown()),
  /** The holder's public key, for key binding (`cnf.jwk`). */
  holderJwk: zJwkObject.optional(),
  /** Or the holder's DID: its one `authentication` key becomes `cnf.jwk`. */
  holderDid: z.string().min(1).max(4096).optional(),
  /** `exp`, epoch seconds; must be in the future. */
  expiresAt: z.number().int().positive(),
  /** Labour contracts: the legal minimum `wage_meets_legal_minimum` is derived against. */
  legalMinimumWage: z.unknown().optional(),
  /** A `status` claim (e.g. a Token Status List reference), kept plain. */
  status: z.record(z.string(), z.unknown()).optional(),
});
export type HavenIssueSdJwtVcArgs = z.input<typeof zIssueSdJwtVcArgs>;

/** Arguments of `havenPresentSdJwtVc`. */
export const zPresentSdJwtVcArgs = z.strictObject({
  /** The SD-JWT VC as issued (no KB-JWT). */
  credential: z.string().min(1),
  /** Claim paths to disclose, e.g. `[['wage'], ['employer_name']]`. */
  disclose: z.array(zClaimPath).max(1024).readonly(),
  /** The holder identifier of this agent (DID or alias) whose key is the credential's `cnf`. */
  holder: zDidOrAlias,
  keyRef: zKeyRef.optional(),
  /** The verifier's nonce and identifier, bound into the KB-JWT. */
  nonce: z.string().min(1).max(1024),
  audience: z.string().min(1).max(4096),
  /** A registered purpose: disclosing more than it allows is refused with `OVER_ASKING`. */
  purpose: z.string().min(1).max(128).optional(),
});
export type HavenPresentSdJwtVcArgs = z.input<typeof zPresentSdJwtVcArgs>;

/** Arguments of `havenVerifySdJwtVc`. */
export const zVerifySdJwtVcArgs = z
  .strictObject({
    presentation: z.string().min(1),
    /** Issuer DIDs accepted, compared exactly. */
    trustedIssuers: z.array(z.string().min(1)).min(1).readonly(),
    /** Holder binding is required unless `false`; then `nonce` and `audience` are needed. */
    holderBinding: z.boolean().optional(),
    nonce: z.string().min(1).optional(),
    audience: z.string().min(1).optional(),
    /** Required: how a `status` claim is checked, or `'unchecked'` by explicit policy. */
    status: zStatusPolicy,
    /** Accept only these `vct` values. */
    expectedVct: z.array(z.string().min(1)).min(1).readonly().optional(),
    /** Require `exp` (default true). */
    requireExp: z.boolean().optional(),
  })
  .refine((a) => a.holderBinding === false || (a.nonce !== undefined && a.audience !== undefined), {
    message: 'holder binding needs nonce and audience',
    path: ['nonce'],
  });
export type HavenVerifySdJwtVcArgs = z.input<typeof zVerifySdJwtVcArgs>;

/**
 * Validates method arguments; a failure is `VERAMO_ARGUMENT_INVALID` with `details.paths` (member names).
 *
 * @example
 * ```ts
 * const a = parseArgs(zPresentSdJwtVcArgs, args);
 * ```
 */
export function parseArgs<S extends z.ZodType>(schema: S, args: unknown): z.output<S> {
  const result = schema.safeParse(args);
  if (!result.success) {
    const paths = [...new Set(result.error.issues.map((i) => i.path.map(String).join('.') || '(arguments)'))];
    failVeramo('VERAMO_ARGUMENT_INVALID', 'the method arguments are not valid', {
      details: { paths: paths.slice(0, 20) },
    });
  }
  return result.data;
}

/** Arguments of `havenIssueVcJwt`. */
export const zIssueVcJwtArgs = z.strictObject({
  /** The issuing identifier of this agent (DID or alias). */
  issuer: zDidOrAlias,
  keyRef: zKeyRef.optional(),
  /**
   * A VCDM 2.0 credential without proof. Its `issuer` (string or `{ id }`) must be absent — it is then
   * set to the agent's DID — or already that DID.
   */
  credential: z.record(z.string(), z.unknown()),
});
export type HavenIssueVcJwtArgs = z.input<typeof zIssueVcJwtArgs>;

const zW3cVerifyMembers = {
  /** Issuer DIDs accepted, compared exactly. */
  trustedIssuers: z.array(z.string().min(1)).min(1).readonly(),
  /** Required: how `credentialStatus` is checked, or `'unchecked'` by explicit policy. */
  status: zStatusPolicy,
};

/** Arguments of `havenVerifyVcJwt`. */
export const zVerifyVcJwtArgs = z.strictObject({ credential: z.string().min(1), ...zW3cVerifyMembers });
export type HavenVerifyVcJwtArgs = z.input<typeof zVerifyVcJwtArgs>;

/** Arguments of `havenVerifyCredential`: the union of what each format needs. */
export const zVerifyCredentialArgs = z.strictObject({
  /** A compact token (SD-JWT VC, vc+jwt, VCDM 1.1 JWT) or a JSON credential (Data Integrity). */
  credential: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
  ...zW3cVerifyMembers,
  /**
   * Required holder binding (default true). Only SD-JWT VC proves it (KB-JWT); for the bearer formats
   * (vc+jwt, VCDM 1.1 JWT, Data Integrity) the call fails unless this is explicitly `false`.
   */
  holderBinding: z.boolean().optional(),
  nonce: z.string().min(1).optional(),
  audience: z.string().min(1).optional(),
  requireExp: z.boolean().optional(),
});
export type HavenVerifyCredentialArgs = z.input<typeof zVerifyCredentialArgs>;

/** Arguments of `havenIssueDataIntegrity`. */
export const zIssueDataIntegrityArgs = z.strictObject({
  /** The issuing identifier of this agent (DID or alias). */
  issuer: zDidOrAlias,
  keyRef: zKeyRef.optional(),
  /** A VCDM 2.0 credential without proof; `issuer` absent (then set to the DID) or that DID. */
  credential: z.record(z.string(), z.unknown()),
  /** Default by key type: Ed25519 → `eddsa-rdfc-2022`, Secp256r1 → `ecdsa-sd-2023` (base proof). */
  cryptosuite: z.enum(['eddsa-rdfc-2022', 'ecdsa-sd-2023']).optional(),
  /** ecdsa-sd-2023 only: JSON pointers every derived proof must disclose. */
  mandatoryPointers: z.array(z.string().max(1024)).max(256).optional(),
});
export type HavenIssueDataIntegrityArgs = z.input<typeof zIssueDataIntegrityArgs>;
