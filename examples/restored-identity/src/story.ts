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

export interface RestoredIdentityResult {
  /** True when every verdict was the expected one. */
  readonly ok: boolean;
  /** The registry's DID (an institution's public identifier, not personal data). */
  readonly issuer: string;
  readonly purpose: string;
  /** Claim paths the clinic asked for (JSON text, e.g. `["birthdate"]`). */
  readonly requested: readonly string[];
  /** Claim paths the clinic received. */
  readonly disclosed: readonly string[];
  /** Claims in the survivor's credential that the clinic never saw (names only). */
  readonly hidden: readonly string[];
  readonly verdicts: readonly Verdict[];
}

// 2026-06-01T09:00:00Z. A frozen clock keeps the story's output the same on every run; a real service
// passes `systemClock()`.
const NOW = 1_780_304_400;
const PURPOSE = 'clinic.identity-minimal';
const CREDENTIAL_TYPE = 'identity-restoration';
// The clinic's identifier, as the audience of the holder's proof. In OpenID4VP this is its client_id.
const CLINIC_ID = 'https://clinic.example';
// Claims every SD-JWT VC carries in the clear: who issued it, its type, its validity, the holder key.
const ALWAYS_PLAIN = new Set(['iss', 'vct', 'iat', 'exp', 'nbf', 'cnf', 'status']);

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

/**
 * A civil registry restores a survivor's identity and issues an identity-restoration credential bound to
 * the survivor's wallet key. A clinic registering a patient asks for `clinic.identity-minimal`; the
 * wallet discloses exactly that, and the clinic verifies the presentation, holder binding included.
 */
export async function runRestoredIdentityStory(): Promise<RestoredIdentityResult> {
  const clock = fixedClock(NOW);
  const verdicts: Verdict[] = [];

  // --- Keys. The registry's key is its identity: did:jwk needs no server, so the example runs offline.
  // A registry in production would publish did:web or jwt-vc-issuer metadata and keep the key in an HSM.
  const registryKeys = generateKeyPair('ES256');
  const registryDid = createDidJwk(registryKeys.publicJwk);
  // The kid names the key inside the issuer's DID document; the verifier resolves it under
  // assertionMethod, so only a key the registry itself published can sign its credentials.
  const registry = createSigner(registryKeys.privateJwk, { kid: `${registryDid}#0` });
  // The survivor's wallet key never leaves the wallet; only its public half goes into the credential.
  const walletKeys = generateKeyPair('EdDSA');
  const wallet = createSigner(walletKeys.privateJwk);

  // --- Issue. prepareIssuance validates the registry's claims against the type's schema, derives the
  // age_over_NN flags and builds the frame that makes every personal claim selectively disclosable.
  // The template's values are fictional ("Specimen"); a registry fills in its own record.
  const prepared = prepareIssuance(CREDENTIAL_TYPE, claimsTemplate(CREDENTIAL_TYPE), { now: NOW });
  const credential = issueSdJwtVcSync(
    { iss: registryDid, vct: prepared.vct, iat: NOW, exp: NOW + 365 * 86_400, ...prepared.claims },
    // holderPublicJwk becomes cnf.jwk, so a verifier that requires holder binding refuses a copy of the
    // credential presented without the wallet's key.
    { signer: registry, frame: prepared.disclosureFrame, holderPublicJwk: walletKeys.publicJwk },
  );

  // Both the wallet and the clinic trust this registry by its DID, and find its key through the DID
  // resolver. A key carried in the token's header is never used.
  const trustRegistry = createIssuerKeySource({ issuers: [registryDid], dids: createDidResolver() });

  // --- The wallet checks the credential on receipt (RFC 9901 §7.2): signature, digests, validity.
  // A credential that arrives with a holder proof attached is refused: none is expected at this point.
  let held: readonly string[] = [];
  await attempt(
    verdicts,
    'wallet checks the new credential from the registry',
    { accept: true },
    async () => {
      const received = verified(
        await verifySdJwtVc(credential, {
          issuerKey: trustRegistry,
          clock,
          holderBinding: { required: false, rejectKeyBinding: true },
        }),
      );
      held = Object.keys(received.claims).filter((name) => !ALWAYS_PLAIN.has(name));
    },
  );

  // --- The clinic's request. Its registered purpose lists the only claims it may ask for; checking the
  // request against it before sending keeps the clinic from over-asking (the wallet checks it too).
  const requested = claimsForPurpose(PURPOSE, CREDENTIAL_TYPE);
  await attempt(verdicts, `the clinic's request stays within ${PURPOSE}`, { accept: true }, () =>
    checkRequestAgainstPurpose(PURPOSE, [{ credentialType: CREDENTIAL_TYPE, claims: requested }]),
  );
  // A fresh nonce per transaction: a presentation made for this request cannot be replayed later.
  const nonce = randomBase64Url(16);

  // --- Present. The wallet discloses exactly the requested paths and signs a key-binding JWT over the
  // presentation, the clinic's nonce and the clinic's identifier.
  const presentation = presentSdJwtSync(credential, {
    disclose: requested,
    keyBinding: { signer: wallet, nonce, aud: CLINIC_ID, clock },
  });

  // --- Verify. Holder binding is the clinic's policy, not the presentation's choice: it is required
  // here, so a presentation without a valid key-binding JWT for this nonce and audience is refused.
  let disclosed: readonly string[] = [];
  let hidden: readonly string[] = [];
  await attempt(verdicts, 'the clinic verifies the presentation', { accept: true }, async () => {
    const result = verified(
      await verifySdJwtVc(presentation, {
        issuerKey: trustRegistry,
        clock,
        holderBinding: { required: true, nonce, aud: CLINIC_ID },
        requireExp: true,
      }),
    );
    disclosed = result.disclosed.map(formatClaimPath).sort();
    hidden = held.filter((name) => !Object.hasOwn(result.claims, name)).sort();
    // The story's own check: the clinic received exactly what it asked for, nothing more.
    const asked = requested.map(formatClaimPath);
    if (disclosed.length !== asked.length || !asked.every((path) => disclosed.includes(path))) {
      throw new Error('the disclosed claims are not the requested ones');
    }
  });

  // --- Replay. Someone who copied the presentation tries it in a later session with a new nonce. The
  // key-binding JWT names the old nonce, so the clinic refuses it.
  await attempt(
    verdicts,
    'the same presentation replayed in another session is refused',
    { refuseWith: 'SDJWT_KB_NONCE_MISMATCH' },
    async () => {
      verified(
        await verifySdJwtVc(presentation, {
          issuerKey: trustRegistry,
          clock,
          holderBinding: { required: true, nonce: randomBase64Url(16), aud: CLINIC_ID },
        }),
      );
    },
  );

  return {
    ok: verdicts.every((v) => v.ok),
    issuer: registryDid,
    purpose: PURPOSE,
    requested: requested.map(formatClaimPath),
    disclosed,
    hidden,
    verdicts,
  };
}
