export { decodeBase64Url, encodeBase64Url, isBase64Url } from './base64url.js';
export { BoundedCache } from './cache.js';
export { type Clock, type ClockOptions, createClock, fixedClock, readClock, systemClock } from './clock.js';
export { type DigestAlgorithm, digest, digestBase64Url } from './digest.js';
export { compressEcPoint, decompressEcPoint, type EcCurve } from './ec-point.js';
export {
  CORE_ERROR_CODES,
  type CoreErrorCode,
  HavenError,
  type HavenErrorCode,
  type HavenErrorCodes,
  type HavenErrorDetails,
  type HavenErrorOptions,
  isHavenError,
} from './errors.js';
export {
  createGuardedFetch,
  type GuardedFetch,
  type GuardedFetchOptions,
  type GuardedRequest,
  type GuardedResponse,
  type ResolvedAddress,
} from './fetch/guarded-fetch.js';
export { type AddressClass, classifyAddress } from './fetch/ip-ranges.js';
export { isJsonObject, parseStrictJson, parseStrictJsonObject, type StrictJsonOptions } from './json.js';
export {
  type DecryptedJwe,
  type DecryptJweOptions,
  decryptJweEcdhEs,
  type EncryptJweOptions,
  encryptJweEcdhEs,
  JWE_ENC_VALUES,
  JWE_MAX_LENGTH,
  type JweEnc,
  type JweHeader,
} from './jwe.js';
export {
  ALGORITHM_FOR_CURVE,
  algorithmForKey,
  assertJwkUsableFor,
  assertPrivateJwk,
  assertPublicJwk,
  exportPrivateJwk,
  exportPublicJwk,
  importPrivateJwk,
  importPublicJwk,
  JWS_ALGORITHMS,
  type JwkCurve,
  type JwsAlgorithm,
  jwkThumbprint,
  jwkThumbprintUri,
  type PrivateJwk,
  type PublicJwk,
  publicKeyBytes,
  toPublicJwk,
} from './jwk.js';
export {
  type AsyncKeySource,
  type JwsHeader,
  type JwsPolicy,
  type KeyInput,
  type KeySource,
  type ParsedJws,
  parseJws,
  peekJwsHeader,
  type SignJwsOptions,
  signJws,
  signJwsSync,
  type VerifiedJws,
  type VerifyJwsAsyncOptions,
  type VerifyJwsOptions,
  verifyJws,
  verifyJwsAsync,
  verifyParsedJws,
} from './jws.js';
export {
  checkJwtTimes,
  type JwtTimeOptions,
  type VerifyJwtAsyncOptions,
  type VerifyJwtOptions,
  verifyJwt,
  verifyJwtAsync,
} from './jwt.js';
export { LIMITS } from './limits.js';
export { randomBase64Url, randomBytes } from './random.js';
export {
  CheckLog,
  type ReportValue,
  toVerifyFailure,
  type VerifyCheck,
  type VerifyFailure,
  type VerifyResult,
  type VerifySuccess,
  verifyWithReport,
  verifyWithReportSync,
} from './report.js';
export {
  DEFAULT_SCRYPT_PARAMS,
  deriveKeyScrypt,
  hmacSha256Base64Url,
  openAead,
  type ScryptParams,
  sealAead,
  timingSafeEqualStrings,
} from './secret.js';
export {
  type CreateSignerOptions,
  createSigner,
  type GeneratedKeyPair,
  generateKeyPair,
  hashForAlgorithm,
  SIGNATURE_LENGTH,
  type Signer,
  type SyncSigner,
  verifySignature,
} from './signer.js';
export {
  assertKeyMatchesCertificate,
  type CertificateChain,
  importPrivateKeyPem,
  readCertificateChainPem,
  sanDnsNamesOfDer,
  X509_CHAIN_MAX_CERTIFICATES,
  X509_PEM_MAX_LENGTH,
} from './x509.js';
