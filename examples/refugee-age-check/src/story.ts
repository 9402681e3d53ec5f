import {
  createSigner,
  fixedClock,
  generateKeyPair,
  isHavenError,
  randomBase64Url,
  type VerifyResult,
  type VerifySuccess,
} from '@haven/core';
import {
  checkRequestAgainstPurpose,
  claimsForPurpose,
  claimsTemplate,
  formatClaimPath,
  prepareIssuance,
} from '@haven/credentials';
import { createDidJwk, createDidResolver } from '@haven/did';
import { createIssuerKeySource, issueSdJwtVcSync, presentSdJwtSync, verifySdJwtVc } from '@haven/sd-jwt';

/** One thing the story tries, what it expected, and what happened. */
export interface Verdict {
  readonly step: string;
  readonly expected: 'accepted' | 'refused';
  readonly expectedCode?: string;
  readonly outcome: 'accepted' | 'refused';
  readonly code?: string;
  readonly ok: boolean;
}

export interface RefugeeAgeCheckResult {
  /** True when every verdict was the expected one. */
  readonly ok: boolean;
  readonly purpose: string;
  /** Claim paths the verifier received (JSON text). */
  readonly disclosed: readonly string[];
  /** The answer the verifier got (a yes/no, from the fictional template's birth date). */
  readonly ageOver18: boolean | undefined;
  /** Claims in the registration that the verifier never saw (names only). */
  readonly hidden: readonly string[];
  readonly verdicts: readonly Verdict[];
}

// 2026-06-01T09:00:00Z. A frozen clock keeps the story's output the same on every run; a real service
// passes `systemClock()`.
const NOW = 1_780_304_400;
const PURPOSE = 'age-check';
const CREDENTIAL_TYPE = 'refugee-registration';
const VERIFIER_ID = 'https://age-check.example';
// Claims every SD-JWT VC carries in the clear: who issued it, its type, its validity, the holder key.
const ALWAYS_PLAIN = new Set(['iss', 'vct', 'iat', 'exp', 'nbf', 'cnf', 'status']);

/** A verification that reported a failure: verify functions return reports, they do not throw. */
class Refused extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

function verified<T extends object>(result: VerifyResult<T>): VerifySuccess<T> {
  if (!result.verified) throw new Refused(result.error.code);
  return result;
}

async function attempt(
  verdicts: Verdict[],
  step: string,
  expected: { accept: true } | { refuseWith: string },
  run: () => Promise<void> | void,
): Promise<void> {
  let code: string | undefined;
  try {
    await run();
  } catch (error) {
    // Only the stable code is kept: switch on codes, never on messages.
    code = error instanceof Refused || isHavenError(error) ? error.code : 'UNEXPECTED';
  }
  const outcome = code === undefined ? 'accepted' : 'refused';
  const ok = 'accept' in expected ? outcome === 'accepted' : code === expected.refuseWith;
  verdicts.push({
    step,
    expected: 'accept' in expected ? 'accepted' : 'refused',
    ...('refuseWith' in expected ? { expectedCode: expected.refuseWith } : {}),
    outcome,
    ...(code === undefined ? {} : { code }),
    ok,
  });
}

/**
 * Changes one byte inside the first disclosure of a presentation, the way a holder trying to alter a
 * claim (or a corrupted transfer) would. The result is still well-formed: only its digest differs.
 */
export function tamperWithFirstDisclosure(presentation: string): string {
  const parts = presentation.split('~');
  const disclosure = parts[1];
  if (disclosure === undefined || disclosure === '') throw new Error('the presentation has no disclosure');
  const bytes = Buffer.from(disclosure, 'base64url');
  // Byte 2 is the first character of the salt (the JSON text starts with `["`). Flipping its lowest bit
  // keeps the JSON valid, so the refusal below comes from the digest check, not from a parse error.
  bytes[2] = (bytes[2] as number) ^ 0x01;
  parts[1] = bytes.toString('base64url');
  return parts.join('~');
}

/**
 * An agency registers a refugee and issues a refugee-registration credential to their wallet. A service
 * that must check the person is an adult asks under `age-check` and learns `age_over_18` — not the birth
 * date, the name, the country of origin or the registration number. A tampered presentation is refused.
 */
export async function runRefugeeAgeCheckStory(): Promise<RefugeeAgeCheckResult> {
  const clock = fixedClock(NOW);
  const verdicts: Verdict[] = [];

  const agencyKeys = generateKeyPair('ES256');
  const agencyDid = createDidJwk(agencyKeys.publicJwk);
  const agency = createSigner(agencyKeys.privateJwk, { kid: `${agencyDid}#0` });
  const walletKeys = generateKeyPair('EdDSA');
  const wallet = createSigner(walletKeys.privateJwk);

  // --- Issue. prepareIssuance derives age_over_14 … age_over_65 from the birth date at `now`, so a
  // verifier can ask a yes/no question instead of receiving the date. A `false` flag becomes stale on a
  // later birthday; `nextAgeFlagChange` from @haven/credentials gives the date to bound `exp` by.
  const prepared = prepareIssuance(CREDENTIAL_TYPE, claimsTemplate(CREDENTIAL_TYPE), { now: NOW });
  const registration = issueSdJwtVcSync(
    { iss: agencyDid, vct: prepared.vct, iat: NOW, exp: NOW + 365 * 86_400, ...prepared.claims },
    { signer: agency, frame: prepared.disclosureFrame, holderPublicJwk: walletKeys.publicJwk },
  );
  const trustAgency = createIssuerKeySource({ issuers: [agencyDid], dids: createDidResolver() });

  let held: readonly string[] = [];
  await attempt(verdicts, 'wallet checks the registration from the agency', { accept: true }, async () => {
    const received = verified(
      await verifySdJwtVc(registration, {
        issuerKey: trustAgency,
        clock,
        holderBinding: { required: false, rejectKeyBinding: true },
      }),
    );
    held = Object.keys(received.claims).filter((name) => !ALWAYS_PLAIN.has(name));
  });

  // --- The verifier's request: `age-check` allows exactly one claim.
  const requested = claimsForPurpose(PURPOSE, CREDENTIAL_TYPE);
  await attempt(verdicts, `the verifier's request stays within ${PURPOSE}`, { accept: true }, () =>
    checkRequestAgainstPurpose(PURPOSE, [{ credentialType: CREDENTIAL_TYPE, claims: requested }]),
  );
  const nonce = randomBase64Url(16);
  const presentation = presentSdJwtSync(registration, {
    disclose: requested,
    keyBinding: { signer: wallet, nonce, aud: VERIFIER_ID, clock },
  });
  const policy = {
    issuerKey: trustAgency,
    clock,
    holderBinding: { required: true, nonce, aud: VERIFIER_ID },
    requireExp: true,
  } as const;

  let disclosed: readonly string[] = [];
  let hidden: readonly string[] = [];
  let ageOver18: boolean | undefined;
  await attempt(verdicts, 'the verifier checks the age', { accept: true }, async () => {
    const result = verified(await verifySdJwtVc(presentation, policy));
    disclosed = result.disclosed.map(formatClaimPath).sort();
    hidden = held.filter((name) => !Object.hasOwn(result.claims, name)).sort();
    const value = result.claims.age_over_18;
    ageOver18 = typeof value === 'boolean' ? value : undefined;
    // The story's own check: apart from the always-plain claims, age_over_18 is all that arrived.
    const personal = Object.keys(result.claims).filter((name) => !ALWAYS_PLAIN.has(name));
    if (personal.length !== 1 || personal[0] !== 'age_over_18') {
      throw new Error('the verifier received more than age_over_18');
    }
  });

  // --- Tampering. One byte of the disclosure changed: its digest no longer matches any digest the
  // agency signed, so the verifier refuses the whole presentation rather than dropping the claim.
  await attempt(
    verdicts,
    'a presentation with one byte of its disclosure changed is refused',
    { refuseWith: 'SDJWT_UNREFERENCED_DISCLOSURE' },
    async () => {
      verified(await verifySdJwtVc(tamperWithFirstDisclosure(presentation), policy));
    },
  );

  return { ok: verdicts.every((v) => v.ok), purpose: PURPOSE, disclosed, ageOver18, hidden, verdicts };
}
