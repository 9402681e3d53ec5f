/// <reference path="../types/digitalbazaar.d.ts" />
/**
 * The one module that imports the @digitalbazaar stack (untyped JavaScript; typings in `src/types`), so
 * every use of it is easy to find and the typings reach whoever compiles this package's sources.
 */
export {
  DataIntegrityProof as LibraryDataIntegrityProof,
  type LibraryCryptosuite,
  type LibrarySigner,
  type LibraryVerifier,
} from '@digitalbazaar/data-integrity';
export {
  createDiscloseCryptosuite,
  createSignCryptosuite,
  createVerifyCryptosuite,
} from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
export { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
export * as vcLibrary from '@digitalbazaar/vc';
