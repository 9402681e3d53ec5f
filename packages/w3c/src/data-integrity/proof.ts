import { decodeBase64Url, isBase64Url } from '@haven/core';
import { decodeBase58Btc } from '@haven/did';
import { failW3c } from '../errors.js';
import { parseDateTimeStamp } from '../model/date-time-stamp.js';
import { type DataIntegrityCryptosuite, isDataIntegrityCryptosuite } from './cryptosuite-name.js';

/** A Data Integrity proof (vc-data-integrity §2.1) as Haven reads it. */
export interface DataIntegrityProof {
  type: 'DataIntegrityProof';
  cryptosuite: DataIntegrityCryptosuite;
  verificationMethod: string;
  proofPurpose: 'assertionMethod' | 'authentication';
  proofValue: string;
  created?: string;
  expires?: string;
  id?: string;
  challenge?: string;
  domain?: string;
  nonce?: string;
}

/** What {@link readSingleProof} expects of a proof. */
export interface ProofExpectations {
  /** Cryptosuites accepted. */
  cryptosuites: readonly DataIntegrityCryptosuite[];
  /** The proof purpose required (vc-data-integrity §2.1 `proofPurpose`; VCDM 2.0 §5.12). */
  proofPurpose: 'assertionMethod' | 'authentication';
  /** ecdsa-sd-2023 proof mode required: `derived` for verifiers, `base` for a holder deriving. */
  sdMode: 'base' | 'derived';
  /** Time for `created` and `expires`, in epoch seconds, and the tolerated skew; no time checks without. */
  time?: { now: number; skew: number };
}

// vc-data-integrity §2.1 members. `previousProof` (proof chains) is not among them: Haven verifies one
// proof per document, and a member it does not check must not ride along as if it had.
const CREDENTIAL_PROOF_MEMBERS = new Set([
  'type',
  'cryptosuite',
  'verificationMethod',
  'proofPurpose',
  'proofValue',
  'created',
  'expires',
  'id',
]);
const PRESENTATION_PROOF_MEMBERS = new Set([...CREDENTIAL_PROOF_MEMBERS, 'challenge', 'domain', 'nonce']);

/** did:key/did:jwk/did:web DID URL with a fragment (DID Core §3.2); path, query and parameters refused. */
const VERIFICATION_METHOD = /^did:[a-z0-9]+:[A-Za-z0-9._:%-]+#[A-Za-z0-9._~:%!$&'()*+,;=@/?-]+$/;

/** ecdsa-sd-2023 CBOR tag prefixes (vc-di-ecdsa §3.5.2, §3.5.7): base proof 0xd95d00, derived 0xd95d01. */
const SD_BASE = [0xd9, 0x5d, 0x00] as const;
const SD_DERIVED = [0xd9, 0x5d, 0x01] as const;
/** A derived proof grows with the disclosed statements; this is far above any credential Haven issues. */
const SD_PROOF_VALUE_MAX_LENGTH = 64 * 1024;

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

/**
 * Checks a `proofValue`'s multibase form before any library sees it (`W3C_MULTIBASE_INVALID`):
 * eddsa-rdfc-2022 — base58btc (`z`) of exactly 64 bytes (vc-di-eddsa §3.3.2); ecdsa-sd-2023 — base64url
 * without padding (`u`) of a CBOR value with the base or derived tag (vc-di-ecdsa §3.5). A base proof where
 * a derived one is required (or the reverse) is `W3C_SELECTIVE_DISCLOSURE_INVALID`.
 *
 * @example
 * ```ts
 * checkProofValue(proof.proofValue, 'eddsa-rdfc-2022', 'derived');
 * ```
 */
export function checkProofValue(
  proofValue: unknown,
  cryptosuite: DataIntegrityCryptosuite,
  sdMode: 'base' | 'derived',
): void {
  if (typeof proofValue !== 'string' || proofValue.length < 2) {
    failW3c('W3C_MULTIBASE_INVALID', 'proofValue must be a multibase string');
  }
  if (cryptosuite === 'eddsa-rdfc-2022') {
    if (proofValue[0] !== 'z')
      failW3c('W3C_MULTIBASE_INVALID', 'eddsa-rdfc-2022 proofValue must be base58btc');
    let bytes: Uint8Array;
    try {
      bytes = decodeBase58Btc(proofValue.slice(1));
    } catch {
      failW3c('W3C_MULTIBASE_INVALID', 'proofValue is not base58btc');
    }
    if (bytes.length !== 64) failW3c('W3C_MULTIBASE_INVALID', 'an Ed25519 signature is 64 bytes');
    return;
  }
  const body = proofValue.slice(1);
  if (proofValue[0] !== 'u' || proofValue.length > SD_PROOF_VALUE_MAX_LENGTH || !isBase64Url(body)) {
    failW3c('W3C_MULTIBASE_INVALID', 'ecdsa-sd-2023 proofValue must be base64url without padding');
  }
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64Url(body);
  } catch {
    failW3c('W3C_MULTIBASE_INVALID', 'ecdsa-sd-2023 proofValue must be base64url without padding');
  }
  const isBase = startsWith(bytes, SD_BASE);
  const isDerived = startsWith(bytes, SD_DERIVED);
  if (!isBase && !isDerived)
    failW3c('W3C_MULTIBASE_INVALID', 'ecdsa-sd-2023 proofValue has an unknown header');
  if (sdMode === 'derived' && isBase) {
    // vc-di-ecdsa §3.5: a base proof carries the HMAC key and every statement's signature; only the holder
    // should hold it. Verifiers accept derived proofs only.
    failW3c(
      'W3C_SELECTIVE_DISCLOSURE_INVALID',
      'an ecdsa-sd-2023 base proof is not accepted; present a derived proof',
    );
  }
  if (sdMode === 'base' && isDerived) {
    failW3c('W3C_SELECTIVE_DISCLOSURE_INVALID', 'selective disclosure needs the ecdsa-sd-2023 base proof');
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the one Data Integrity proof of a document and checks everything about it that does not need the
 * key (vc-data-integrity §4.4 "Verify Proof" steps before the cryptosuite):
 *
 * - no proof → `W3C_PROOF_MISSING`; several (a proof set or chain) → `W3C_PROOF_INVALID`: jsonld-signatures
 *   accepts a document when *any* proof verifies, which is not what a reader of the others expects;
 * - members outside vc-data-integrity §2.1, or `type` other than `DataIntegrityProof` → `W3C_PROOF_INVALID`;
 * - `cryptosuite` not allowed → `W3C_CRYPTOSUITE_NOT_ALLOWED`;
 * - `proofPurpose` other than expected → `W3C_PROOF_PURPOSE_MISMATCH`;
 * - `verificationMethod` not a DID URL with a fragment → `W3C_VERIFICATION_METHOD_INVALID`;
 * - `created` not a dateTimeStamp → `W3C_DATE_INVALID`, after now (+ skew) → `W3C_PROOF_INVALID`;
 *   `expires` past → `W3C_EXPIRED`;
 * - `proofValue` (see {@link checkProofValue}).
 *
 * @example
 * ```ts
 * const proof = readSingleProof(credential.proof, { cryptosuites: ['eddsa-rdfc-2022'],
 *   proofPurpose: 'assertionMethod', sdMode: 'derived', time: readClock(clock) });
 * ```
 */
export function readSingleProof(value: unknown, expected: ProofExpectations): DataIntegrityProof {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) {
    failW3c('W3C_PROOF_MISSING', 'the document has no proof');
  }
  if (Array.isArray(value) && value.length > 1) {
    failW3c('W3C_PROOF_INVALID', 'proof sets and proof chains are not accepted: one proof per document');
  }
  const proof: unknown = Array.isArray(value) ? value[0] : value;
  if (!isPlainObject(proof)) failW3c('W3C_PROOF_INVALID', 'the proof must be an object');
  const members =
    expected.proofPurpose === 'authentication' ? PRESENTATION_PROOF_MEMBERS : CREDENTIAL_PROOF_MEMBERS;
  for (const key of Object.keys(proof)) {
    if (!members.has(key)) failW3c('W3C_PROOF_INVALID', 'the proof has a member Haven does not verify');
  }
  if (proof.type !== 'DataIntegrityProof')
    failW3c('W3C_PROOF_INVALID', 'the proof type must be DataIntegrityProof');
  const { cryptosuite } = proof;
  if (!isDataIntegrityCryptosuite(cryptosuite) || !expected.cryptosuites.includes(cryptosuite)) {
    failW3c('W3C_CRYPTOSUITE_NOT_ALLOWED', 'the proof cryptosuite is not allowed');
  }
  if (proof.proofPurpose !== expected.proofPurpose) {
    failW3c('W3C_PROOF_PURPOSE_MISMATCH', `the proof purpose must be ${expected.proofPurpose}`);
  }
  if (typeof proof.verificationMethod !== 'string' || !VERIFICATION_METHOD.test(proof.verificationMethod)) {
    failW3c('W3C_VERIFICATION_METHOD_INVALID', 'the verification method must be a DID URL with a fragment');
  }
  const { time } = expected;
  if (proof.created !== undefined) {
    const created = parseDateTimeStamp(proof.created, 'proof.created');
    if (time !== undefined && created > time.now + time.skew) {
      failW3c('W3C_PROOF_INVALID', 'the proof was created in the future');
    }
  }
  if (proof.expires !== undefined) {
    const expires = parseDateTimeStamp(proof.expires, 'proof.expires');
    if (time !== undefined && !(expires > time.now - time.skew))
      failW3c('W3C_EXPIRED', 'the proof has expired');
  }
  for (const name of ['id', 'challenge', 'nonce', 'domain'] as const) {
    if (proof[name] !== undefined && typeof proof[name] !== 'string') {
      failW3c('W3C_PROOF_INVALID', `the proof ${name} must be a string`);
    }
  }
  checkProofValue(proof.proofValue, cryptosuite, expected.sdMode);
  return proof as unknown as DataIntegrityProof;
}

/**
 * The DID of a verification method's DID URL (everything before `#`).
 *
 * @example
 * ```ts
 * didOf('did:key:z6Mk…#z6Mk…') // 'did:key:z6Mk…'
 * ```
 */
export function didOf(verificationMethod: string): string {
  const hash = verificationMethod.indexOf('#');
  return hash === -1 ? verificationMethod : verificationMethod.slice(0, hash);
}
