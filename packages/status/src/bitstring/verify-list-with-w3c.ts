import type { Clock, JwsAlgorithm, VerifyFailure } from '@haven/core';
import {
  type Credential,
  type DataIntegrityCryptosuite,
  type DocumentLoader,
  verifyDataIntegrityCredential,
  verifyVcJwt,
  type W3cIssuerTrust,
} from '@haven/w3c';
import { failStatus } from '../errors.js';

/**
 * A list credential whose proof has been verified, and the issuer that proof belongs to.
 *
 * @example
 * ```ts
 * const { credential, issuer }: VerifiedListCredential = await verifyList(body);
 * ```
 */
export interface VerifiedListCredential {
  readonly credential: Readonly<Record<string, unknown>> | Credential;
  readonly issuer: string;
}

/**
 * Verifies a fetched list credential: a compact JWS string (`application/vc+jwt`) or a JSON object
 * secured with Data Integrity. Throws a `HavenError` when it does not verify.
 *
 * @example
 * ```ts
 * const verifyList: VerifyBitstringList = verifyListWithW3c({ trustedIssuers: [did], dids, clock });
 * ```
 */
export type VerifyBitstringList = (listCredential: string | object) => Promise<VerifiedListCredential>;

/**
 * Options of {@link verifyListWithW3c}: whom to trust for list credentials, and the clock.
 *
 * @example
 * ```ts
 * const options: VerifyListWithW3cOptions = { trustedIssuers: [did], dids, clock: systemClock() };
 * ```
 */
export interface VerifyListWithW3cOptions extends W3cIssuerTrust {
  clock: Clock;
  /** VC-JOSE algorithms accepted (default: `@haven/w3c`'s). */
  algorithms?: readonly JwsAlgorithm[];
  /** Data Integrity cryptosuites accepted (default: `@haven/w3c`'s). */
  cryptosuites?: readonly DataIntegrityCryptosuite[];
  /** Data Integrity document loader (default: bundled contexts and `dids`). */
  documentLoader?: DocumentLoader;
}

const SIGNATURE_CODES = new Set([
  'JWS_SIGNATURE_INVALID',
  'W3C_SIGNATURE_INVALID',
  'W3C_PROOF_INVALID',
  'W3C_PROOF_MISSING',
]);

function failFrom(failure: VerifyFailure): never {
  const reason = failure.error.code;
  const details = { reason };
  // An expired list is not forged: the checker's stale-list policy decides about it.
  if (reason === 'W3C_EXPIRED') failStatus('STATUS_LIST_EXPIRED', 'the status list has expired', { details });
  if (SIGNATURE_CODES.has(reason)) {
    failStatus('STATUS_LIST_SIGNATURE_INVALID', 'the status list signature does not verify', { details });
  }
  failStatus('STATUS_LIST_TOKEN_INVALID', 'the status list credential does not verify', { details });
}

/**
 * A {@link VerifyBitstringList} over `@haven/w3c`: a string goes to `verifyVcJwt`, an object to
 * `verifyDataIntegrityCredential`, each with the given trust and clock. A list credential that itself
 * carries `credentialStatus` is refused (no status policy is passed, so `@haven/w3c` fails closed).
 * Failures become `STATUS_LIST_EXPIRED`, `STATUS_LIST_SIGNATURE_INVALID` or `STATUS_LIST_TOKEN_INVALID`
 * with the `@haven/w3c` code in `details.reason`.
 *
 * @example
 * ```ts
 * const checker = createBitstringStatusChecker({
 *   fetch, clock, verifyList: verifyListWithW3c({ trustedIssuers: [issuerDid], dids, clock }),
 * });
 * ```
 */
export function verifyListWithW3c(options: VerifyListWithW3cOptions): VerifyBitstringList {
  const { clock, trustedIssuers, keys, dids } = options;
  return async (listCredential) => {
    if (typeof listCredential === 'string') {
      const result = await verifyVcJwt(listCredential, {
        trustedIssuers,
        ...(keys === undefined ? {} : { keys }),
        ...(dids === undefined ? {} : { dids }),
        ...(options.algorithms === undefined ? {} : { algorithms: options.algorithms }),
        clock,
      });
      if (!result.verified) failFrom(result);
      return { credential: result.credential, issuer: result.issuer };
    }
    if (dids === undefined) {
      failStatus('STATUS_LIST_TOKEN_INVALID', 'Data Integrity list credentials need a DID resolver');
    }
    const result = await verifyDataIntegrityCredential(listCredential, {
      trustedIssuers,
      dids,
      clock,
      ...(options.cryptosuites === undefined ? {} : { cryptosuites: options.cryptosuites }),
      ...(options.documentLoader === undefined ? {} : { documentLoader: options.documentLoader }),
    });
    if (!result.verified) failFrom(result);
    return { credential: result.credential, issuer: result.issuer };
  };
}
