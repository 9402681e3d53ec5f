import { canonizeRdfc } from './canonize.js';
import type { DataIntegrityCryptosuite } from './cryptosuite-name.js';
import { ed25519Verifier } from './ed25519-verifier.js';
import {
  createSignCryptosuite,
  createVerifyCryptosuite,
  type LibraryCryptosuite,
  type LibraryVerifier,
} from './library.js';
import type { AuthorizedVerificationMethod } from './verification-method.js';

/** Whether the cryptosuite reached the signature check, and its answer: tells a bad signature from the rest. */
export interface SignatureTrace {
  checked: boolean;
  valid: boolean;
}

function refuse(): never {
  throw new Error('this cryptosuite object only signs');
}

/**
 * The library cryptosuite that signs: eddsa-rdfc-2022 with Haven's canonicalization (see
 * `canonizeRdfc`), or ecdsa-sd-2023's base-proof suite with `mandatoryPointers` (vc-di-ecdsa §3.5.1).
 *
 * @example
 * ```ts
 * new LibraryDataIntegrityProof({ signer, date, cryptosuite: signingCryptosuite('eddsa-rdfc-2022', []) });
 * ```
 */
export function signingCryptosuite(
  cryptosuite: DataIntegrityCryptosuite,
  mandatoryPointers: readonly string[],
): LibraryCryptosuite {
  if (cryptosuite === 'ecdsa-sd-2023')
    return createSignCryptosuite({ mandatoryPointers: [...mandatoryPointers] });
  return {
    name: 'eddsa-rdfc-2022',
    requiredAlgorithm: 'Ed25519',
    canonize: canonizeRdfc,
    createVerifier: refuse,
  };
}

function traced(verifier: LibraryVerifier, trace: SignatureTrace): LibraryVerifier {
  return {
    ...(verifier.id === undefined ? {} : { id: verifier.id }),
    algorithm: verifier.algorithm,
    async verify(input) {
      trace.checked = true;
      const valid = await verifier.verify(input);
      trace.valid = valid === true;
      return valid;
    },
  };
}

/**
 * The library cryptosuite that verifies with the key Haven authorized: for eddsa-rdfc-2022 Haven's
 * canonicalization and an Ed25519 verifier over core's cached KeyObject; for ecdsa-sd-2023 the library's
 * derived-proof suite, reading the Multikey document Haven built. Either way `trace` records the
 * signature check. A verification method other than the authorized one gets a verifier that says no.
 *
 * @example
 * ```ts
 * const trace = { checked: false, valid: false };
 * const suite = new LibraryDataIntegrityProof({ cryptosuite: verifyingCryptosuite('eddsa-rdfc-2022', vm, trace) });
 * ```
 */
export function verifyingCryptosuite(
  cryptosuite: DataIntegrityCryptosuite,
  method: AuthorizedVerificationMethod,
  trace: SignatureTrace,
): LibraryCryptosuite {
  const never: LibraryVerifier = {
    algorithm: cryptosuite === 'ecdsa-sd-2023' ? 'P-256' : 'Ed25519',
    verify: () => false,
  };
  if (cryptosuite === 'eddsa-rdfc-2022') {
    return {
      name: 'eddsa-rdfc-2022',
      requiredAlgorithm: 'Ed25519',
      canonize: canonizeRdfc,
      createVerifier: async ({ verificationMethod }) =>
        verificationMethod.id === method.id ? traced(ed25519Verifier(method.key, method.id), trace) : never,
    };
  }
  const library = createVerifyCryptosuite();
  return {
    ...library,
    createVerifier: async (input) =>
      input.verificationMethod.id === method.id ? traced(await library.createVerifier(input), trace) : never,
  };
}
