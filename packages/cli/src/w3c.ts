import {
  type Clock,
  createSigner,
  isHavenError,
  isJsonObject,
  jwkThumbprint,
  type PrivateJwk,
  type PublicJwk,
  parseStrictJsonObject,
  peekJwsHeader,
  toPublicJwk,
} from '@haven/core';
import {
  type CredentialTypeId,
  claimPathsToPointers,
  claimsForPurpose,
  credentialTypeForW3cTypes,
  prepareW3cCredential,
  w3cMandatoryPointers,
} from '@haven/credentials';
import { createDidJwk, type DidResolver } from '@haven/did';
import type { ClaimPath } from '@haven/sd-jwt';
import {
  type Credential,
  deriveSelectiveDisclosure,
  isLegacyVcJwt,
  issueDataIntegrityCredential,
  issueVcJwt,
  issueVpJwt,
  subjectsOf,
  VC_JWT_TYP,
  VP_JWT_TYP,
  verifyDataIntegrityCredential,
  verifyLegacyVcJwt,
  verifyVcJwt,
  verifyVpJwt,
} from '@haven/w3c';
import { formatClaimPathArg, parseClaimPathList } from './claim-path-arg.js';
import { CliError } from './cli-error.js';
import { purposeFailure } from './purpose-check.js';
import { expandClaimPaths, subjectLeafPaths } from './w3c-paths.js';

/** The W3C formats `haven issue --format` knows. */
export const W3C_ISSUE_FORMATS = ['vc+jwt', 'vc-di-eddsa', 'vc-di-ecdsa-sd'] as const;
export type W3cIssueFormat = (typeof W3C_ISSUE_FORMATS)[number];

/** What `haven verify` / `haven present` found in their input. */
export type DetectedFormat = 'dc+sd-jwt' | 'vc+jwt' | 'vp+jwt' | 'vc1+jwt' | 'vc-di';

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Tells the formats apart by their shape and, for JWTs, the header `typ` or the VCDM 1.1 `vc` claim. This
 * only routes the input: the verifier for the format then checks everything, `typ` included.
 */
export function detectFormat(text: string): DetectedFormat {
  if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+~/.test(text)) return 'dc+sd-jwt';
  if (COMPACT_JWS.test(text)) {
    let typ: unknown;
    try {
      typ = peekJwsHeader(text).typ;
    } catch {
      throw new CliError('the input looks like a JWT but its header cannot be read');
    }
    const t = typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : undefined;
    if (t === VC_JWT_TYP) return 'vc+jwt';
    if (t === VP_JWT_TYP) return 'vp+jwt';
    if (isLegacyVcJwt(text)) return 'vc1+jwt';
    throw new CliError('the input is a JWT of a type haven does not verify');
  }
  if (text.startsWith('{')) return 'vc-di';
  throw new CliError('the input is not a credential format haven knows (SD-JWT VC, VC-JOSE, Data Integrity)');
}

function keyCurve(jwk: PublicJwk): string | undefined {
  return (jwk as { crv?: string }).crv;
}

export interface IssueW3cInput {
  format: W3cIssueFormat;
  type: CredentialTypeId;
  claims: unknown;
  issuerKey: PrivateJwk;
  holderKey?: PublicJwk;
  issuer?: string;
  now: number;
  validFor?: number;
  clock: Clock;
}

/**
 * `haven issue --format vc+jwt|vc-di-eddsa|vc-di-ecdsa-sd`: the W3C form of a Haven type, signed. The
 * issuer is the did:jwk of the issuer key (Data Integrity needs a DID whose key signs); the holder key,
 * if given, becomes `credentialSubject.id` as its did:jwk.
 */
export async function issueW3c(input: IssueW3cInput): Promise<string> {
  const issuerDid = createDidJwk(toPublicJwk(input.issuerKey));
  const crv = keyCurve(input.issuerKey);
  if (input.format !== 'vc+jwt' && input.issuer !== undefined) {
    throw new CliError(
      'Data Integrity credentials are issued by the did:jwk of the issuer key; drop --issuer',
    );
  }
  if (input.format === 'vc-di-eddsa' && crv !== 'Ed25519')
    throw new CliError('vc-di-eddsa needs an Ed25519 (EdDSA) key');
  if (input.format === 'vc-di-ecdsa-sd' && crv !== 'P-256')
    throw new CliError('vc-di-ecdsa-sd needs a P-256 (ES256) key');
  const issuer = input.issuer ?? issuerDid;
  const unsigned = prepareW3cCredential(input.type, input.claims, {
    now: input.now,
    issuer,
    ...(input.holderKey ? { holder: createDidJwk(input.holderKey) } : {}),
    ...(input.validFor === undefined ? {} : { validUntil: input.now + input.validFor }),
  });
  if (input.format === 'vc+jwt') {
    // A DID issuer names its key by DID URL; a configured (non-DID) issuer by the key's thumbprint.
    const kid = input.issuer === undefined ? `${issuerDid}#0` : jwkThumbprint(toPublicJwk(input.issuerKey));
    return issueVcJwt(unsigned, { signer: createSigner(input.issuerKey), kid });
  }
  const signed = await issueDataIntegrityCredential(unsigned, {
    cryptosuite: input.format === 'vc-di-eddsa' ? 'eddsa-rdfc-2022' : 'ecdsa-sd-2023',
    signer: createSigner(input.issuerKey),
    verificationMethod: `${issuerDid}#0`,
    clock: input.clock,
    ...(input.format === 'vc-di-ecdsa-sd' ? { mandatoryPointers: w3cMandatoryPointers(unsigned) } : {}),
  });
  return JSON.stringify(signed);
}

function parseJsonCredential(text: string): Record<string, unknown> {
  try {
    return parseStrictJsonObject(text, { what: 'credential' });
  } catch (error) {
    throw new CliError(`the credential is not valid JSON${isHavenError(error) ? ` (${error.code})` : ''}`);
  }
}

function cryptosuiteOf(credential: Record<string, unknown>): string | undefined {
  const proof = credential.proof;
  return isJsonObject(proof) && typeof proof.cryptosuite === 'string' ? proof.cryptosuite : undefined;
}

function typeOf(credential: Record<string, unknown>): CredentialTypeId {
  const type = credential.type;
  const id =
    typeof type === 'string' || Array.isArray(type) ? credentialTypeForW3cTypes(type as string[]) : undefined;
  if (id === undefined)
    throw new CliError('the credential is not of a Haven credential type, so --purpose cannot apply');
  return id;
}

function subjectOf(credential: Record<string, unknown>): Record<string, unknown> {
  const subject = credential.credentialSubject;
  if (!isJsonObject(subject)) throw new CliError('the credential has no single credentialSubject');
  return subject;
}

export interface PresentW3cInput {
  text: string;
  format: 'vc+jwt' | 'vc-di';
  disclose?: string;
  purpose?: string;
  holderKey?: PrivateJwk;
  nonce?: string;
  aud?: string;
  clock: Clock;
}

/**
 * `haven present` for W3C credentials. ecdsa-sd-2023 credentials are derived to the claims asked for;
 * `vc+jwt` and eddsa-rdfc-2022 cannot hide anything, so asking them to (`--disclose`/`--purpose`) is refused
 * unless the answer would be the whole credential anyway. With `--holder-key --nonce --aud` the result is
 * wrapped in a holder-signed `vp+jwt`.
 */
export async function presentW3c(input: PresentW3cInput): Promise<string> {
  const binding = [input.holderKey, input.nonce, input.aud];
  if (binding.some((v) => v !== undefined) && binding.some((v) => v === undefined)) {
    throw new CliError('holder binding needs all of --holder-key, --nonce and --aud');
  }
  if (input.disclose !== undefined && input.purpose !== undefined) {
    throw new CliError('give at most one of --disclose and --purpose');
  }
  let presented: string | Record<string, unknown>;
  let credential: Record<string, unknown>;
  if (input.format === 'vc+jwt') {
    credential = parseStrictJsonObject(Buffer.from(input.text.split('.')[1] as string, 'base64url'), {
      what: 'credential',
    });
    presented = input.text;
  } else {
    credential = parseJsonCredential(input.text);
    presented = credential;
  }
  const subject = subjectOf(credential);
  const wanted: ClaimPath[] | undefined =
    input.purpose !== undefined
      ? claimsForPurpose(input.purpose, typeOf(credential))
      : input.disclose !== undefined
        ? parseClaimPathList(input.disclose)
        : undefined;
  if (wanted !== undefined) {
    const selected = expandClaimPaths(subject, wanted);
    if (input.disclose !== undefined) {
      const missing = wanted.find((path) => expandClaimPaths(subject, [path]).length === 0);
      if (missing !== undefined)
        throw new CliError(`the credential has no claim ${formatClaimPathArg(missing)}`);
    }
    // Every leaf shown must lie under a selected path, or presenting it over-discloses.
    const isPrefix = (prefix: ClaimPath, path: ClaimPath) =>
      prefix.every((segment, i) => path[i] === segment);
    const covered = (shown: Record<string, unknown>) =>
      subjectLeafPaths(shown).every((leaf) => selected.some((chosen) => isPrefix(chosen, leaf)));
    if (cryptosuiteOf(credential) === 'ecdsa-sd-2023') {
      const derived = await deriveSelectiveDisclosure(credential, {
        selectivePointers: claimPathsToPointers(selected),
      });
      // The issuer may have made subject claims mandatory; those go out whatever is asked, so what the
      // derived credential actually shows is checked before it is handed over.
      if (!covered(subjectOf(derived as Record<string, unknown>))) {
        throw new CliError(
          'the issuer made claims mandatory that this request does not ask for; presenting would disclose more than asked',
        );
      }
      presented = derived;
    } else if (!covered(subject)) {
      throw new CliError(
        'this credential format cannot hide claims, and presenting it would disclose more than asked; use a dc+sd-jwt or vc-di-ecdsa-sd credential',
      );
    }
  } else if (cryptosuiteOf(credential) === 'ecdsa-sd-2023') {
    throw new CliError(
      'give --disclose or --purpose: an ecdsa-sd-2023 credential is derived to what is asked',
    );
  }
  if (input.holderKey === undefined) {
    return typeof presented === 'string' ? presented : JSON.stringify(presented);
  }
  const holderDid = createDidJwk(toPublicJwk(input.holderKey));
  const subjects = subjectsOf(credential as Credential);
  if (!subjects.every((s) => s.id === holderDid)) {
    throw new CliError('the --holder-key is not the key this credential is about (credentialSubject.id)');
  }
  return issueVpJwt([presented], {
    signer: createSigner(input.holderKey),
    holder: holderDid,
    kid: `${holderDid}#0`,
    nonce: input.nonce as string,
    audience: input.aud as string,
    clock: input.clock,
  });
}

export interface VerifyW3cInput {
  text: string;
  format: Exclude<DetectedFormat, 'dc+sd-jwt'>;
  trustedIssuers: readonly string[];
  keys: Readonly<Record<string, readonly PublicJwk[]>>;
  dids: DidResolver;
  clock: Clock;
  nonce?: string;
  aud?: string;
  purpose?: string;
}

export type W3cOutcome =
  | { verified: true; format: string; issuer: string; claims: unknown; disclosed: string[]; checks: unknown }
  | { verified: false; error: { code: string; message: string }; checks: unknown };

/** `haven verify` for VC-JOSE, VC-JOSE presentations, VCDM 1.1 JWTs and Data Integrity credentials. */
export async function verifyW3c(input: VerifyW3cInput): Promise<W3cOutcome> {
  const trust = {
    trustedIssuers: input.trustedIssuers,
    keys: input.keys,
    dids: input.dids,
    clock: input.clock,
  };
  const embedded = (credential: Record<string, unknown>) =>
    verifyDataIntegrityCredential(credential, {
      trustedIssuers: input.trustedIssuers,
      dids: input.dids,
      clock: input.clock,
    });
  if (input.format === 'vp+jwt' && (input.nonce === undefined || input.aud === undefined)) {
    throw new CliError('a vp+jwt presentation is verified with the --nonce and --aud you gave the holder');
  }
  let result:
    | { verified: true; checks: unknown; credential: Credential | Record<string, unknown>; issuer: string }
    | { verified: false; error: { code: string; message: string }; checks: unknown };
  switch (input.format) {
    case 'vc+jwt':
      result = await verifyVcJwt(input.text, trust);
      break;
    case 'vc1+jwt':
      result = await verifyLegacyVcJwt(input.text, trust);
      break;
    case 'vc-di':
      result = await embedded(parseJsonCredential(input.text));
      break;
    case 'vp+jwt': {
      const vp = await verifyVpJwt(input.text, {
        ...trust,
        nonce: input.nonce as string,
        audience: input.aud as string,
        embedded,
      });
      if (!vp.verified) {
        result = vp;
      } else if (vp.credentials.length !== 1) {
        return {
          verified: false,
          error: {
            code: 'W3C_PRESENTATION_INVALID',
            message: 'haven verify reads one credential per presentation',
          },
          checks: vp.checks,
        };
      } else {
        const [only] = vp.credentials;
        result = {
          verified: true,
          checks: vp.checks,
          credential: only?.credential as Credential,
          issuer: only?.issuer as string,
        };
      }
      break;
    }
  }
  if (!result.verified) return { verified: false, error: result.error, checks: result.checks };
  const subject = subjectOf(result.credential as Record<string, unknown>);
  const disclosedPaths = subjectLeafPaths(subject);
  const outcome: W3cOutcome = {
    verified: true,
    format: input.format,
    issuer: result.issuer,
    claims: subject,
    disclosed: disclosedPaths.map((p) => formatClaimPathArg(p)),
    checks: result.checks,
  };
  if (input.purpose === undefined) return outcome;
  return (
    purposeFailure(
      input.purpose,
      typeOf(result.credential as Record<string, unknown>),
      disclosedPaths,
      result.checks as unknown[],
    ) ?? outcome
  );
}
