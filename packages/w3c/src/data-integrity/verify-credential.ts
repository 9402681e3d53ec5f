import {
  type CheckLog,
  type Clock,
  readClock,
  systemClock,
  type VerifyResult,
  verifyWithReport,
} from '@haven/core';
import type { DidResolver } from '@haven/did';
import { createDocumentLoader, type DocumentLoader } from '../contexts/document-loader.js';
import { failW3c } from '../errors.js';
import { checkCredentialStatus, type W3cStatusPolicy } from '../jose/vc-jwt.js';
import { checkCredentialValidity, issuerIdOf, parseCredential } from '../model/credential.js';
import { DATA_INTEGRITY_CRYPTOSUITES, type DataIntegrityCryptosuite } from './cryptosuite-name.js';
import { assertContextsLoadable } from './document-loading.js';
import { checkDocumentShape } from './document-shape.js';
import type { SecuredCredential } from './issue-credential.js';
import { readSingleProof } from './proof.js';
import { authorizeVerificationMethod } from './verification-method.js';
import { verifyDataIntegrityProof } from './verify-proof.js';

/** Options of {@link verifyDataIntegrityCredential}. */
export interface VerifyDataIntegrityOptions {
  /** Issuer ids accepted, compared exactly. */
  trustedIssuers: readonly string[];
  /** Resolves the issuer DID and its keys (`@haven/did`); the only network a verification may use. */
  dids: DidResolver;
  /** Cryptosuites accepted (default: both). */
  cryptosuites?: readonly DataIntegrityCryptosuite[];
  /** Default: the system clock. */
  clock?: Clock;
  /** Default: `createDocumentLoader({ dids })` (bundled contexts and DIDs). */
  documentLoader?: DocumentLoader;
  /**
   * Required when the credential has `credentialStatus` (fail closed → `W3C_STATUS_UNCHECKED`): a checker,
   * or `'unchecked'` when the verifier's policy accepts not checking.
   */
  status?: W3cStatusPolicy;
  /**
   * Verification methods the verifier vouches for, per issuer id, for issuers that are not DIDs (e.g. the
   * vc-di-eddsa test vectors' `https://vc.example/issuers/5678`). Without an entry, the verification
   * method's DID must be the issuer.
   */
  issuerVerificationMethods?: Readonly<Record<string, readonly string[]>>;
}

/** What a verified Data Integrity credential yields. */
export interface DataIntegrityVerification {
  readonly credential: SecuredCredential;
  readonly issuer: string;
  readonly cryptosuite: DataIntegrityCryptosuite;
  readonly verificationMethod: string;
  /** `checked`, `unchecked` (by policy) or `none` (the credential has no status). */
  readonly status: 'checked' | 'unchecked' | 'none';
  /** What the status checker reported for each entry, when it reported something. */
  readonly statusFound: readonly unknown[];
}

async function verifyBody(
  input: unknown,
  options: VerifyDataIntegrityOptions,
  log: CheckLog,
): Promise<DataIntegrityVerification> {
  const clock = options.clock ?? systemClock();
  const loader = options.documentLoader ?? createDocumentLoader({ dids: options.dids });
  const credential = log.run('model', () => {
    checkDocumentShape(input);
    return parseCredential(input);
  });
  await log.runAsync('context', () => assertContextsLoadable(credential['@context'] as string[], loader));
  const time = readClock(clock);
  const proof = log.run('proof', () =>
    readSingleProof(credential.proof, {
      cryptosuites: options.cryptosuites ?? DATA_INTEGRITY_CRYPTOSUITES,
      proofPurpose: 'assertionMethod',
      sdMode: 'derived',
      time,
    }),
  );
  // Before any resolution: an untrusted issuer's did:web is never fetched.
  const issuer = log.run('issuer', () => {
    const id = issuerIdOf(credential);
    if (!options.trustedIssuers.includes(id)) failW3c('W3C_ISSUER_UNTRUSTED', 'the issuer is not trusted');
    return id;
  });
  const method = await log.runAsync('verification-method', () =>
    authorizeVerificationMethod(proof.verificationMethod, issuer, 'assertionMethod', proof.cryptosuite, {
      dids: options.dids,
      delegated: options.issuerVerificationMethods,
    }),
  );
  // Validity before the signature: cheap, and a credential out of its period is refused whatever its proof.
  log.run('validity', () => checkCredentialValidity(credential, { clock }));
  await log.runAsync('signature', () => verifyDataIntegrityProof(credential, proof, method, loader));
  const statusFound: unknown[] = [];
  const status = await log.runAsync('status', () =>
    checkCredentialStatus(credential, options.status, statusFound),
  );
  return {
    credential: credential as SecuredCredential,
    issuer,
    cryptosuite: proof.cryptosuite,
    verificationMethod: proof.verificationMethod,
    status,
    statusFound,
  };
}

/**
 * Verifies a credential secured with Data Integrity (vc-data-integrity §4.4 "Verify Proof"; vc-di-eddsa
 * §3.3; vc-di-ecdsa §3.5.8), with a report of named checks: `model` (VCDM 2.0 shape, size, no JSON-LD
 * keywords or embedded contexts), `context` (every context bundled), `proof` (exactly one proof, allowed
 * cryptosuite, `assertionMethod`, multibase, an ecdsa-sd-2023 proof must be derived), `issuer` (trusted),
 * `verification-method` (the issuer's own `assertionMethod` key, resolved by `@haven/did`), `validity`
 * (`validFrom`/`validUntil`), `signature` (the cryptosuite via @digitalbazaar/data-integrity, JSON-LD safe mode on),
 * `status` (fail closed). Never throws for a bad credential; codes are stable, messages hold no data.
 *
 * @example
 * ```ts
 * const result = await verifyDataIntegrityCredential(vc, { trustedIssuers: [issuerDid], dids, status: 'unchecked' });
 * if (result.verified) use(result.credential.credentialSubject);
 * ```
 */
export function verifyDataIntegrityCredential(
  credential: unknown,
  options: VerifyDataIntegrityOptions,
): Promise<VerifyResult<DataIntegrityVerification>> {
  return verifyWithReport((log) => verifyBody(credential, options, log));
}
