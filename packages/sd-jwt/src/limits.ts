/** Caps applied before any hashing or processing (hostile inputs: 50,000 disclosures, 1,000-deep nesting). */
export const SD_JWT_LIMITS = Object.freeze({
  /** Longest compact SD-JWT or SD-JWT+KB accepted (characters). */
  maxLength: 512 * 1024,
  /** Most disclosures in one SD-JWT. */
  maxDisclosures: 512,
  /** Longest single disclosure (characters of base64url). */
  maxDisclosureLength: 64 * 1024,
  /** Deepest nesting of the payload and of disclosed values, and of recursive disclosures. */
  maxDepth: 32,
});

export interface SdJwtLimits {
  maxLength?: number;
  maxDisclosures?: number;
  maxDisclosureLength?: number;
  maxDepth?: number;
}
