/**
 * Which claims of a payload become selectively disclosable (RFC 9901 §4.2). A frame mirrors the shape of
 * the payload: at each object or array level, `_sd` lists the property names (objects) or indices
 * (arrays) to conceal behind digests, `_sd_decoy` how many decoy digests to add there (§4.2.5), and a
 * nested frame under a name or index applies to that value. A value that is both listed in `_sd` and
 * given a nested frame becomes a recursive disclosure (§4.2.6): its own members are concealed first,
 * then the whole value.
 *
 * @example
 * ```ts
 * const frame: DisclosureFrame = {
 *   _sd: ['given_name', 'family_name', 'address', 'nationalities'],
 *   address: { _sd: ['street_address', 'locality'] },
 *   nationalities: { _sd: [0, 1] },
 *   _sd_decoy: 2,
 * };
 * ```
 */
export interface DisclosureFrame {
  _sd?: readonly (string | number)[];
  _sd_decoy?: number;
  [member: string]: DisclosureFrame | readonly (string | number)[] | number | undefined;
}

/**
 * A path to a claim in the processed payload, as in DCQL (OpenID4VP §7): property names for objects,
 * indices for arrays, `null` for every element of an array.
 *
 * @example
 * ```ts
 * const path: ClaimPath = ['address', 'locality'];
 * const allNationalities: ClaimPath = ['nationalities', null];
 * ```
 */
export type ClaimPath = readonly (string | number | null)[];

/** The hash algorithms Haven uses for disclosure digests (`_sd_alg`, IANA Named Information names). */
export type SdHashAlgorithm = 'sha-256' | 'sha-384' | 'sha-512';
