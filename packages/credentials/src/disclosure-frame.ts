import type { DisclosureFrame } from '@haven/sd-jwt';
import { formatClaimPath } from './claim-path.js';
import { failCredentials } from './errors.js';

/** How a credential type's claims are concealed. */
export interface FrameLayout {
  /** Every top-level claim the type may carry (provided and derived), in a stable order. */
  readonly claims: readonly string[];
  /** Object claims whose members are each selectively disclosable too, with all their possible members. */
  readonly recursive?: Readonly<Record<string, readonly string[]>>;
  /** Array claims whose elements are each selectively disclosable. */
  readonly arrays?: readonly string[];
}

/** Arrays of selectively disclosable elements are padded with decoys to at least this many digests. */
export const ARRAY_PADDING = 4;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function concealObject(
  value: Record<string, unknown>,
  members: readonly string[],
  parent: readonly string[],
): DisclosureFrame {
  const present: string[] = [];
  for (const key of Object.keys(value)) {
    if (!members.includes(key)) {
      // A claim the layout does not know would be signed in the clear; refuse rather than leak it.
      failCredentials(
        'CREDENTIAL_CLAIMS_INVALID',
        'claims hold a member the disclosure frame does not know',
        {
          details: { paths: [formatClaimPath([...parent, '(unknown member)'])] },
        },
      );
    }
  }
  for (const key of members) if (Object.hasOwn(value, key) && value[key] !== undefined) present.push(key);
  const frame: DisclosureFrame = { _sd: present };
  // Decoys (RFC 9901 §4.2.5) fill the places of absent optional members, so the number of digests is the
  // same for every credential of the type and does not reveal, e.g., whether a portrait was included.
  const decoys = members.length - present.length;
  return decoys > 0 ? { ...frame, _sd_decoy: decoys } : frame;
}

/**
 * The default disclosure frame for `claims` under `layout`: every present claim is selectively
 * disclosable; objects listed in `recursive` have each member concealed first (a verifier may ask for
 * `["workplace","country"]` alone), arrays listed in `arrays` have each element concealed (one nationality
 * can be shown without the others) and padded with decoys to {@link ARRAY_PADDING} digests. Absent claims
 * are replaced by decoy digests. Claims outside the
 * layout are refused with `CREDENTIAL_CLAIMS_INVALID`, never passed through in the clear.
 *
 * @example
 * ```ts
 * buildDisclosureFrame({ given_name: 'Amina', nationalities: ['SN'] }, {
 *   claims: ['given_name', 'nationalities', 'portrait'],
 *   arrays: ['nationalities'],
 * });
 * // { _sd: ['given_name', 'nationalities'], _sd_decoy: 1, nationalities: { _sd: [0], _sd_decoy: 3 } }
 * ```
 */
export function buildDisclosureFrame(claims: Record<string, unknown>, layout: FrameLayout): DisclosureFrame {
  if (!isPlainObject(claims)) {
    failCredentials('CREDENTIAL_CLAIMS_INVALID', 'claims must be an object', { details: { paths: ['[]'] } });
  }
  const top = concealObject(claims, layout.claims, []);
  const frame: Record<string, DisclosureFrame[string]> = { ...top };
  for (const [name, members] of Object.entries(layout.recursive ?? {})) {
    const value = claims[name];
    if (value === undefined) continue;
    if (!isPlainObject(value)) {
      failCredentials('CREDENTIAL_CLAIMS_INVALID', 'an object claim is not an object', {
        details: { paths: [formatClaimPath([name])] },
      });
    }
    frame[name] = concealObject(value, members, [name]);
  }
  for (const name of layout.arrays ?? []) {
    const value = claims[name];
    if (value === undefined) continue;
    if (!Array.isArray(value)) {
      failCredentials('CREDENTIAL_CLAIMS_INVALID', 'an array claim is not an array', {
        details: { paths: [formatClaimPath([name])] },
      });
    }
    // The array of digests travels with its parent disclosure, so its length would tell a verifier how
    // many nationalities the holder has: pad short arrays with decoy elements (RFC 9901 §4.2.5).
    const decoys = Math.max(0, ARRAY_PADDING - value.length);
    frame[name] =
      decoys > 0 ? { _sd: value.map((_, i) => i), _sd_decoy: decoys } : { _sd: value.map((_, i) => i) };
  }
  return frame as DisclosureFrame;
}
