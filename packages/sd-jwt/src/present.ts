import { type Clock, readClock, type Signer, type SyncSigner, signJws, signJwsSync } from '@haven/core';
import { selectClaimValues } from './claim-path.js';
import { checkLimit, joinSdJwt, splitSdJwt } from './compact.js';
import { type Disclosure, decodeDisclosure } from './disclosure.js';
import { failSdJwt } from './errors.js';
import { hashToBase64Url, readHashAlgorithm } from './hash-algorithm.js';
import { SD_JWT_LIMITS, type SdJwtLimits } from './limits.js';
import { decodeJwtPayloadUnverified, type ProcessedPayload, processPayload } from './process.js';
import type { ClaimPath, SdHashAlgorithm } from './types.js';

/** The `typ` of a key-binding JWT (RFC 9901 §4.3). */
export const KB_JWT_TYP = 'kb+jwt';

export interface KeyBindingInput<S extends Signer = Signer> {
  /** The holder key bound in the credential's `cnf`. */
  signer: S;
  /** The verifier's nonce for this transaction. */
  nonce: string;
  /** The verifier (its client_id). */
  aud: string;
  /** Time of the proof (`iat`). */
  clock: Clock;
}

export interface PresentSdJwtOptions<S extends Signer = Signer> {
  /**
   * The claims to disclose. A path discloses that claim with everything inside it, and the disclosures
   * of its parents (RFC 9901 §7.2 step 2: a nested disclosure is only meaningful with its parent).
   * `null` matches every element of an array. Plain (never concealed) claims need no path.
   */
  disclose: readonly ClaimPath[];
  /** Adds a KB-JWT (RFC 9901 §4.3); without it the result is an SD-JWT without key binding. */
  keyBinding?: KeyBindingInput<S>;
  limits?: SdJwtLimits;
}

/** An SD-JWT as a holder keeps it: decoded, not verified here (the holder verified it on receipt). */
export interface HeldSdJwt {
  readonly jwt: string;
  /** The disclosures in their original order, decoded. */
  readonly disclosures: readonly Disclosure[];
  readonly hashAlg: SdHashAlgorithm;
  readonly processed: ProcessedPayload;
}

/**
 * Decodes an SD-JWT the holder holds, with all of RFC 9901 §7.1's structural checks but without the
 * signature (use `verifySdJwt` for that on receipt). An SD-JWT+KB is refused (§7.2).
 */
export function decodeHeldSdJwt(sdJwt: string, limits: SdJwtLimits = {}): HeldSdJwt {
  const parts = splitSdJwt(sdJwt, limits);
  if (parts.kbJwt !== undefined)
    failSdJwt('SDJWT_KB_UNEXPECTED', 'a holder receives an SD-JWT, not an SD-JWT+KB');
  const maxDepth = checkLimit(limits.maxDepth, SD_JWT_LIMITS.maxDepth);
  const payload = decodeJwtPayloadUnverified(parts.jwt);
  const hashAlg = readHashAlgorithm(payload);
  const disclosures = parts.disclosures.map((d) => decodeDisclosure(d, hashAlg, maxDepth));
  return {
    jwt: parts.jwt,
    disclosures,
    hashAlg,
    processed: processPayload(payload, disclosures, maxDepth),
  };
}

function matches(pattern: ClaimPath, path: readonly (string | number)[], length: number): boolean {
  for (let i = 0; i < length; i++) {
    const want = pattern[i];
    const got = path[i];
    if (want === null) {
      if (typeof got !== 'number') return false;
    } else if (want !== got) {
      return false;
    }
  }
  return true;
}

/** The disclosures (in their original order) that reveal exactly the requested paths. */
/** Most claim paths in one presentation request. */
const MAX_PATHS = 1024;

export function selectDisclosures(held: HeldSdJwt, disclose: readonly ClaimPath[]): string[] {
  const { placements, claims } = held.processed;
  if (!Array.isArray(disclose) || disclose.length > MAX_PATHS) {
    failSdJwt('SDJWT_TOO_LARGE', `a presentation takes at most ${MAX_PATHS} claim paths`);
  }
  const selected = new Set<string>();
  for (const pattern of disclose) {
    if (!Array.isArray(pattern) || pattern.length === 0)
      failSdJwt('SDJWT_CLAIM_PATH_NOT_FOUND', 'a claim path must be a non-empty array');
    if (selectClaimValues(claims, pattern).length === 0)
      failSdJwt('SDJWT_CLAIM_PATH_NOT_FOUND', 'a requested claim is not in the credential');
    for (const [digest, { path }] of placements) {
      // The disclosure reveals an ancestor of (or the) requested claim, or lies inside it.
      const ancestor = path.length <= pattern.length && matches(pattern, path, path.length);
      const inside = path.length > pattern.length && matches(pattern, path, pattern.length);
      if (ancestor || inside) selected.add(digest);
    }
  }
  // Parents of everything selected: a nested digest is only reachable through its parent's disclosure.
  for (const digest of [...selected]) {
    let parent = placements.get(digest)?.parentDigest;
    while (parent !== undefined && !selected.has(parent)) {
      selected.add(parent);
      parent = placements.get(parent)?.parentDigest;
    }
  }
  return held.disclosures.filter((d) => selected.has(d.digest)).map((d) => d.encoded);
}

function keyBindingPayload(
  presented: string,
  hashAlg: SdHashAlgorithm,
  kb: KeyBindingInput,
): Record<string, unknown> {
  if (typeof kb.nonce !== 'string' || kb.nonce.length === 0)
    failSdJwt('SDJWT_KB_INVALID', 'key binding needs a nonce');
  if (typeof kb.aud !== 'string' || kb.aud.length === 0)
    failSdJwt('SDJWT_KB_INVALID', 'key binding needs an audience');
  const { now } = readClock(kb.clock);
  // RFC 9901 §4.3.1: sd_hash covers the exact SD-JWT presented, issuer JWT and disclosures, final "~" included.
  return { iat: Math.floor(now), aud: kb.aud, nonce: kb.nonce, sd_hash: hashToBase64Url(hashAlg, presented) };
}

/**
 * Builds a presentation (RFC 9901 §7.2): only the disclosures the paths need, then a KB-JWT if asked.
 *
 * @example
 * ```ts
 * const vp = presentSdJwtSync(credential, {
 *   disclose: [['age_over_18']],
 *   keyBinding: { signer: holderSigner, nonce, aud: 'x509_san_dns:clinic.example', clock: systemClock() },
 * });
 * ```
 */
export function presentSdJwtSync(sdJwt: string, options: PresentSdJwtOptions<SyncSigner>): string {
  const held = decodeHeldSdJwt(sdJwt, options.limits);
  const presented = joinSdJwt(held.jwt, selectDisclosures(held, options.disclose));
  if (!options.keyBinding) return presented;
  const kb = signJwsSync(keyBindingPayload(presented, held.hashAlg, options.keyBinding), {
    signer: options.keyBinding.signer,
    typ: KB_JWT_TYP,
  });
  return presented + kb;
}

/** {@link presentSdJwtSync} with any signer (a hardware-backed holder key, for instance). */
export async function presentSdJwt(sdJwt: string, options: PresentSdJwtOptions): Promise<string> {
  const held = decodeHeldSdJwt(sdJwt, options.limits);
  const presented = joinSdJwt(held.jwt, selectDisclosures(held, options.disclose));
  if (!options.keyBinding) return presented;
  const kb = await signJws(keyBindingPayload(presented, held.hashAlg, options.keyBinding), {
    signer: options.keyBinding.signer,
    typ: KB_JWT_TYP,
  });
  return presented + kb;
}
