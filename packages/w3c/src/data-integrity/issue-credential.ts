import { type Clock, readClock, type Signer } from '@haven/core';
import type { DocumentLoader } from '../contexts/document-loader.js';
import { failW3c } from '../errors.js';
import { type Credential, issuerIdOf, parseCredential } from '../model/credential.js';
import { formatDateTimeStamp } from '../model/date-time-stamp.js';
import { type DataIntegrityCryptosuite, isDataIntegrityCryptosuite } from './cryptosuite-name.js';
import { assertContextsLoadable, bundledContextsLoader } from './document-loading.js';
import { checkDocumentShape } from './document-shape.js';
import { checkJsonPointers } from './json-pointers.js';
import { LibraryDataIntegrityProof, vcLibrary } from './library.js';
import { signingCryptosuite } from './library-cryptosuites.js';
import { throwLibraryFailure } from './library-errors.js';
import { type DataIntegrityProof, didOf } from './proof.js';
import { type DataIntegrityKeyOptions, librarySigner, signerOf } from './signer.js';

/** A credential secured with one Data Integrity proof. */
export type SecuredCredential = Credential & { proof: DataIntegrityProof };

/** Options of {@link issueDataIntegrityCredential}. */
export interface IssueDataIntegrityOptions extends DataIntegrityKeyOptions {
  cryptosuite: DataIntegrityCryptosuite;
  /** The DID URL of the issuer's key (`did:…#fragment`); its DID must be the credential's `issuer`. */
  verificationMethod: string;
  /** Source of the proof's `created` (written to the second, UTC). */
  clock: Clock;
  /**
   * ecdsa-sd-2023 only: JSON pointers to what every derived proof must disclose (vc-di-ecdsa §3.5.1),
   * e.g. `['/credentialSubject/employer_name']`. `/issuer`, `/validFrom`, `/validUntil` and
   * `/credentialStatus` are always added when present.
   */
  mandatoryPointers?: readonly string[];
  /** Defaults to the bundled contexts. */
  documentLoader?: DocumentLoader;
}

const ALWAYS_MANDATORY = ['/issuer', '/validFrom', '/validUntil', '/credentialStatus'] as const;

const VERIFICATION_METHOD = /^did:[a-z0-9]+:[A-Za-z0-9._:%-]+#[A-Za-z0-9._~:%!$&'()*+,;=@/?-]+$/;

/**
 * Issues a VCDM 2.0 credential with a Data Integrity proof (vc-data-integrity §4.2 "Add Proof"):
 * eddsa-rdfc-2022 (vc-di-eddsa §3.3) or an ecdsa-sd-2023 base proof (vc-di-ecdsa §3.5.1), through
 * @digitalbazaar/vc with Haven's signer. The credential is validated first (VCDM 2.0 model, bundled
 * contexts, no JSON-LD keywords or embedded contexts, size); it must not carry a proof already, and its
 * issuer must be the DID of `verificationMethod` (`W3C_ISSUER_MISMATCH`). Undefined terms fail
 * (`W3C_JSONLD_UNSAFE`) instead of being dropped from what is signed. The input is not modified.
 *
 * @example
 * ```ts
 * const vc = await issueDataIntegrityCredential(credential, {
 *   cryptosuite: 'eddsa-rdfc-2022', verificationMethod: `${did}#${did.slice(8)}`,
 *   privateKey: ed25519Jwk, clock: systemClock(),
 * });
 * ```
 */
export async function issueDataIntegrityCredential(
  credential: unknown,
  options: IssueDataIntegrityOptions,
): Promise<SecuredCredential> {
  const { cryptosuite, verificationMethod } = options;
  if (!isDataIntegrityCryptosuite(cryptosuite))
    failW3c('W3C_CRYPTOSUITE_NOT_ALLOWED', 'unsupported cryptosuite');
  checkDocumentShape(credential);
  const parsed = parseCredential(credential);
  if (parsed.proof !== undefined) failW3c('W3C_MALFORMED', 'the credential already carries a proof');
  if (typeof verificationMethod !== 'string' || !VERIFICATION_METHOD.test(verificationMethod)) {
    failW3c('W3C_VERIFICATION_METHOD_INVALID', 'the verification method must be a DID URL with a fragment');
  }
  if (issuerIdOf(parsed) !== didOf(verificationMethod)) {
    failW3c('W3C_ISSUER_MISMATCH', 'the issuer must be the DID of the verification method');
  }
  let mandatoryPointers: string[] = [];
  if (cryptosuite === 'ecdsa-sd-2023') {
    mandatoryPointers = checkJsonPointers(parsed, options.mandatoryPointers ?? [], 'W3C_POLICY_INVALID');
    // vc-di-ecdsa §3.5.1 leaves mandatory disclosure to the issuer. Haven always makes the issuer, the
    // validity period and the status mandatory: a holder must not be able to hide an expiry or a
    // revocation entry, and a verifier cannot check a credential without its issuer.
    for (const pointer of ALWAYS_MANDATORY) {
      const name = pointer.slice(1);
      if (Object.hasOwn(parsed, name) && !mandatoryPointers.includes(pointer))
        mandatoryPointers.push(pointer);
    }
  } else if (options.mandatoryPointers !== undefined) {
    failW3c('W3C_POLICY_INVALID', 'mandatoryPointers apply to ecdsa-sd-2023 only');
  }
  const signer = signerOf(options, cryptosuite);
  return addDataIntegrityProof(parsed, { ...options, signer, mandatoryPointers });
}

/**
 * The signing step of {@link issueDataIntegrityCredential}, without its issuer checks: for the spec
 * vectors, whose issuer is not a DID. Not exported from the package.
 */
export async function addDataIntegrityProof(
  parsed: Credential,
  options: {
    cryptosuite: DataIntegrityCryptosuite;
    verificationMethod: string;
    signer: Signer;
    clock: Clock;
    mandatoryPointers: readonly string[];
    documentLoader?: DocumentLoader | undefined;
  },
): Promise<SecuredCredential> {
  const { cryptosuite, verificationMethod, signer } = options;
  const documentLoader = options.documentLoader ?? bundledContextsLoader();
  await assertContextsLoadable(parsed['@context'] as string[], documentLoader);
  const { now } = readClock(options.clock);
  // vc-data-integrity §2.1 `created`: an XML Schema dateTimeStamp; Haven writes whole seconds in UTC.
  const created = formatDateTimeStamp(now);
  const suite = new LibraryDataIntegrityProof({
    signer: librarySigner(signer, verificationMethod, cryptosuite),
    date: created,
    cryptosuite: signingCryptosuite(cryptosuite, options.mandatoryPointers),
  });
  try {
    // The library adds the proof to the object it is given: give it a copy.
    const signed = await vcLibrary.issue({
      credential: structuredClone(parsed),
      suite,
      documentLoader,
      now: new Date(Math.floor(now) * 1000),
    });
    return signed as SecuredCredential;
  } catch (error) {
    throwLibraryFailure(error, 'W3C_SIGN_FAILED', 'the credential could not be signed');
  }
}
