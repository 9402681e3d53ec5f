// Ambient typings for the untyped @digitalbazaar packages and jsonld: only the members Haven (and its
// tests and benchmarks) call, typed as loosely as their JavaScript is. Nothing here is exported from the
// package; `data-integrity/library.ts` is the one module that imports them.

declare module '@digitalbazaar/vc' {
  type JsonObject = Record<string, unknown>;
  type Loader = (url: string) => Promise<{ contextUrl: null; documentUrl: string; document: unknown }>;
  export interface VcVerifyResult {
    verified: boolean;
    error?: unknown;
    results?: unknown[];
    statusResult?: unknown;
  }
  export class CredentialIssuancePurpose {
    constructor(options?: { controller?: JsonObject; date?: Date | string; maxTimestampDelta?: number });
    term: string;
  }
  export const defaultDocumentLoader: Loader;
  export function issue(options: {
    credential: JsonObject;
    suite: unknown;
    purpose?: unknown;
    documentLoader?: Loader;
    now?: Date | string;
    maxClockSkew?: number;
  }): Promise<JsonObject>;
  export function derive(options: {
    verifiableCredential: JsonObject;
    suite: unknown;
    documentLoader?: Loader;
  }): Promise<JsonObject>;
  export function verifyCredential(options: {
    credential: JsonObject;
    suite: unknown;
    purpose?: unknown;
    controller?: JsonObject;
    documentLoader?: Loader;
    checkStatus?: (options: unknown) => Promise<{ verified: boolean }>;
    now?: Date | string;
    maxClockSkew?: number;
  }): Promise<VcVerifyResult>;
  export function createPresentation(options: {
    verifiableCredential?: JsonObject | JsonObject[];
    id?: string;
    holder?: string;
    now?: Date | string;
    version?: number;
  }): JsonObject;
  export function signPresentation(options: {
    presentation: JsonObject;
    suite: unknown;
    purpose?: unknown;
    documentLoader?: Loader;
    challenge?: string;
    domain?: string;
  }): Promise<JsonObject>;
  export function verify(options: {
    presentation: JsonObject;
    suite: unknown;
    presentationPurpose?: unknown;
    purpose?: unknown;
    documentLoader?: Loader;
    challenge?: string;
    domain?: string;
    controller?: JsonObject;
    unsignedPresentation?: boolean;
    now?: Date | string;
  }): Promise<VcVerifyResult & { presentationResult?: VcVerifyResult; credentialResults?: VcVerifyResult[] }>;
}

declare module '@digitalbazaar/data-integrity' {
  /** The signer shape the suites call: `sign({ data })` returning the raw signature. */
  export interface LibrarySigner {
    id: string;
    algorithm: string;
    sign(input: { data: Uint8Array }): Promise<Uint8Array> | Uint8Array;
  }
  export interface LibraryVerifier {
    id?: string;
    algorithm: string;
    verify(input: { data: unknown; signature?: Uint8Array }): Promise<boolean> | boolean;
  }
  /** A cryptosuite object as data-integrity 2.x reads it (vc-data-integrity §3). */
  export interface LibraryCryptosuite {
    name: string;
    requiredAlgorithm: string | string[];
    canonize?: (input: Record<string, unknown>, options: Record<string, unknown>) => Promise<string>;
    createVerifier: (input: { verificationMethod: Record<string, unknown> }) => Promise<LibraryVerifier>;
    createVerifyData?: (...args: never[]) => unknown;
    createProofValue?: (...args: never[]) => unknown;
    derive?: (...args: never[]) => unknown;
    options?: Record<string, unknown>;
  }
  export class DataIntegrityProof {
    constructor(options: {
      signer?: LibrarySigner;
      date?: Date | string | null;
      cryptosuite: LibraryCryptosuite;
    });
    verificationMethod?: string;
    type: string;
    cryptosuite: string;
    /** Verifies one proof; `proof` carries the document's `@context`, `document` has no `proof`. */
    verifyProof(input: {
      proof: Record<string, unknown>;
      document: Record<string, unknown>;
      proofSet?: Record<string, unknown>[];
      documentLoader: (url: string) => Promise<unknown>;
      purpose?: unknown;
    }): Promise<{ verified: boolean; error?: unknown; verificationMethod?: unknown }>;
  }
}

declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  import type { LibraryCryptosuite } from '@digitalbazaar/data-integrity';
  export const cryptosuite: LibraryCryptosuite & {
    canonize: (input: Record<string, unknown>, options: Record<string, unknown>) => Promise<string>;
  };
}

declare module '@digitalbazaar/ecdsa-sd-2023-cryptosuite' {
  import type { LibraryCryptosuite } from '@digitalbazaar/data-integrity';
  export function createSignCryptosuite(options?: { mandatoryPointers?: string[] }): LibraryCryptosuite;
  export function createDiscloseCryptosuite(options?: {
    proofId?: string;
    selectivePointers?: string[];
  }): LibraryCryptosuite;
  export function createVerifyCryptosuite(): LibraryCryptosuite;
  export function createConfirmCryptosuite(): LibraryCryptosuite;
}

declare module '@digitalbazaar/ecdsa-multikey' {
  import type { LibrarySigner, LibraryVerifier } from '@digitalbazaar/data-integrity';
  export interface EcdsaKeyPair {
    id?: string;
    controller?: string;
    publicKeyMultibase: string;
    secretKeyMultibase?: string;
    signer(): LibrarySigner;
    verifier(): LibraryVerifier;
    export(options?: {
      publicKey?: boolean;
      secretKey?: boolean;
      includeContext?: boolean;
    }): Promise<Record<string, unknown>>;
  }
  export function generate(options: {
    curve: 'P-256' | 'P-384';
    id?: string;
    controller?: string;
  }): Promise<EcdsaKeyPair>;
  export function from(key: Record<string, unknown>): Promise<EcdsaKeyPair>;
  export function fromJwk(options: {
    jwk: Record<string, unknown>;
    secretKey?: boolean;
  }): Promise<EcdsaKeyPair>;
}

declare module '@digitalbazaar/ed25519-multikey' {
  import type { LibrarySigner, LibraryVerifier } from '@digitalbazaar/data-integrity';
  export interface Ed25519KeyPair {
    id?: string;
    controller?: string;
    publicKeyMultibase: string;
    secretKeyMultibase?: string;
    signer(): LibrarySigner;
    verifier(): LibraryVerifier;
    export(options?: {
      publicKey?: boolean;
      secretKey?: boolean;
      includeContext?: boolean;
    }): Promise<Record<string, unknown>>;
  }
  export function generate(options?: {
    id?: string;
    controller?: string;
    seed?: Uint8Array;
  }): Promise<Ed25519KeyPair>;
  export function from(key: Record<string, unknown>): Promise<Ed25519KeyPair>;
  export function fromJwk(options: {
    jwk: Record<string, unknown>;
    secretKey?: boolean;
  }): Promise<Ed25519KeyPair>;
}

declare module 'jsonld' {
  const jsonld: {
    toRDF(input: unknown, options: Record<string, unknown>): Promise<unknown>;
    expand(input: unknown, options: Record<string, unknown>): Promise<unknown[]>;
    canonize(input: unknown, options: Record<string, unknown>): Promise<string>;
  };
  export default jsonld;
}
