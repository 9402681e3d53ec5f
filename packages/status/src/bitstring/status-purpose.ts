/**
 * The purposes Haven supports (Bitstring Status List §2.1 `statusPurpose`): `revocation` (permanent) and
 * `suspension` (reversible), one bit each. `refresh` and `message` exist in the spec but need no status
 * check (refresh) or multi-bit entries (message), so a verifier meeting them refuses the entry.
 *
 * @example
 * ```ts
 * const purpose: BitstringStatusPurpose = 'suspension';
 * ```
 */
export type BitstringStatusPurpose = 'revocation' | 'suspension';

/**
 * Whether `value` is a supported {@link BitstringStatusPurpose}.
 *
 * @example
 * ```ts
 * isBitstringStatusPurpose('revocation'); // true
 * ```
 */
export function isBitstringStatusPurpose(value: unknown): value is BitstringStatusPurpose {
  return value === 'revocation' || value === 'suspension';
}
