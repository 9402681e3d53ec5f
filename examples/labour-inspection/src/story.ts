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

export interface LabourInspectionResult {
  /** True when every verdict was the expected one. */
  readonly ok: boolean;
  readonly purpose: string;
  /** Claim paths the inspector received (JSON text, e.g. `["wage"]`). */
  readonly disclosed: readonly string[];
  /** Claims in the worker's contract that the inspector never saw (names only). */
  readonly hidden: readonly string[];
  /** The inspector's yes/no findings, read from the verified claims (the fictional template's values). */
  readonly findings: {
    readonly wageMeetsLegalMinimum: boolean | undefined;
    readonly noRecruitmentFeesPaid: boolean | undefined;
    readonly workerKeepsIdentityDocuments: boolean | undefined;
  };
  /** The paths an over-asking request was refused for (field names, never values). */
  readonly overAsked: readonly string[];
  readonly verdicts: readonly Verdict[];
}

// 2026-06-01T09:00:00Z. A frozen clock keeps the story's output the same on every run; a real service
// passes `systemClock()`.
const NOW = 1_780_304_400;
const PURPOSE = 'inspector.contract-validity';
const CREDENTIAL_TYPE = 'labour-contract';
const INSPECTOR_ID = 'https://inspection.labour.example';
// The legal minimum the employer derives `wage_meets_legal_minimum` against. Same currency and period as
// the wage, or the claim is left out. An illustrative figure, not any country's current minimum.
const LEGAL_MINIMUM_WAGE = { amount: '1801.80', currency: 'EUR', period: 'month' } as const;
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

const asBoolean = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined);

/**
 * An employer issues a labour contract to a worker's wallet. A labour inspector checks it under
 * `inspector.contract-validity` — employer, job, place, dates, wage, hours and the forced-labour
 * indicators — and learns nothing about who the worker is. An inspector asking for more is refused.
 */
export async function runLabourInspectionStory(): Promise<LabourInspectionResult> {
  const clock = fixedClock(NOW);
  const verdicts: Verdict[] = [];

  // --- Keys. did:jwk keeps the example offline; an employer in production would publish did:web or
  // jwt-vc-issuer metadata so inspectors can find its key from a name they already know.
  const employerKeys = generateKeyPair('ES256');
  const employerDid = createDidJwk(employerKeys.publicJwk);
  const employer = createSigner(employerKeys.privateJwk, { kid: `${employerDid}#0` });
  const workerKeys = generateKeyPair('EdDSA');
  const worker = createSigner(workerKeys.privateJwk);

  // --- Issue. The legal minimum is passed in so the credential can carry a yes/no answer
  // (`wage_meets_legal_minimum`); `no_recruitment_fees_paid` is derived from the fee amount. Booleans let
  // a verifier ask for less than the figures behind them.
  const prepared = prepareIssuance(CREDENTIAL_TYPE, claimsTemplate(CREDENTIAL_TYPE), {
    now: NOW,
    legalMinimumWage: LEGAL_MINIMUM_WAGE,
  });
  const contract = issueSdJwtVcSync(
    { iss: employerDid, vct: prepared.vct, iat: NOW, exp: NOW + 400 * 86_400, ...prepared.claims },
    { signer: employer, frame: prepared.disclosureFrame, holderPublicJwk: workerKeys.publicJwk },
  );

  // The inspector (and the worker's wallet) trust this employer's DID. In practice the inspector would
  // trust employers through a register it keeps, not one DID hard-wired.
  const trustEmployer = createIssuerKeySource({ issuers: [employerDid], dids: createDidResolver() });

  // --- The worker's wallet checks the contract on receipt, and learns which claims it holds.
  let held: readonly string[] = [];
  await attempt(
    verdicts,
    "worker's wallet checks the contract from the employer",
    { accept: true },
    async () => {
      const received = verified(
        await verifySdJwtVc(contract, {
          issuerKey: trustEmployer,
          clock,
          holderBinding: { required: false, rejectKeyBinding: true },
        }),
      );
      held = Object.keys(received.claims).filter((name) => !ALWAYS_PLAIN.has(name));
    },
  );

  // --- The inspector's request: what its registered purpose allows, checked before it is sent.
  const allowed = claimsForPurpose(PURPOSE, CREDENTIAL_TYPE);
  await attempt(verdicts, `the inspector's request stays within ${PURPOSE}`, { accept: true }, () =>
    checkRequestAgainstPurpose(PURPOSE, [{ credentialType: CREDENTIAL_TYPE, claims: allowed }]),
  );
  const nonce = randomBase64Url(16);

  // --- Present. Optional claims (end_date, wage_meets_legal_minimum) may be absent from a contract, and
  // presenting a path the credential lacks is an error, so the wallet discloses what it actually holds.
  const disclose = allowed.filter((path) => held.includes(String(path[0])));
  const presentation = presentSdJwtSync(contract, {
    disclose,
    keyBinding: { signer: worker, nonce, aud: INSPECTOR_ID, clock },
  });

  // --- Verify, holder binding required: the inspector is talking to the worker who holds the contract,
  // not to someone who copied it.
  let disclosed: readonly string[] = [];
  let hidden: readonly string[] = [];
  let findings: LabourInspectionResult['findings'] = {
    wageMeetsLegalMinimum: undefined,
    noRecruitmentFeesPaid: undefined,
    workerKeepsIdentityDocuments: undefined,
  };
  await attempt(verdicts, 'the inspector verifies the contract', { accept: true }, async () => {
    const result = verified(
      await verifySdJwtVc(presentation, {
        issuerKey: trustEmployer,
        clock,
        holderBinding: { required: true, nonce, aud: INSPECTOR_ID },
        requireExp: true,
      }),
    );
    disclosed = result.disclosed.map(formatClaimPath).sort();
    hidden = held.filter((name) => !Object.hasOwn(result.claims, name)).sort();
    findings = {
      wageMeetsLegalMinimum: asBoolean(result.claims.wage_meets_legal_minimum),
      noRecruitmentFeesPaid: asBoolean(result.claims.no_recruitment_fees_paid),
      workerKeepsIdentityDocuments: asBoolean(result.claims.worker_keeps_identity_documents),
    };
    // The story's own check: nothing identifying the worker reached the inspector. A labour contract
    // carries no birth date or nationality at all; the worker reference and the fee amount stay hidden.
    const identifying = ['birthdate', 'nationalities', 'worker_reference', 'recruitment_fees_paid_by_worker'];
    if (identifying.some((name) => Object.hasOwn(result.claims, name))) {
      throw new Error('the inspector received a claim outside its purpose');
    }
  });

  // --- Over-asking. An inspector's request that also asks for the worker reference and the fee amount
  // goes beyond the purpose. The same check runs in the wallet, so such a request never reaches consent.
  let overAsked: readonly string[] = [];
  await attempt(
    verdicts,
    'an inspector asking for the worker reference and the fee amount is refused',
    { refuseWith: 'OVER_ASKING' },
    () => {
      try {
        checkRequestAgainstPurpose(PURPOSE, [
          {
            credentialType: CREDENTIAL_TYPE,
            claims: [...allowed, ['worker_reference'], ['recruitment_fees_paid_by_worker']],
          },
        ]);
      } catch (error) {
        // details.paths lists the field names asked for beyond the purpose — safe to log, never values.
        if (isHavenError(error, 'OVER_ASKING')) overAsked = (error.details?.paths as string[]) ?? [];
        throw error;
      }
    },
  );

  return {
    ok: verdicts.every((v) => v.ok),
    purpose: PURPOSE,
    disclosed,
    hidden,
    findings,
    overAsked,
    verdicts,
  };
}
