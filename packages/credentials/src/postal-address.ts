import { z } from 'zod';
import { LABEL_MAX_LENGTH, zClaimText } from './claim-text.js';
import { zCountryCode } from './country-codes.js';

/**
 * Zod schema of a postal address, with the member names of the PID rulebook's SD-JWT VC encoding (which
 * follow OpenID Connect's `address` claim): `street_address`, `locality`, `region`, `postal_code`,
 * `country` (ISO 3166-1 alpha-2). `locality` and `country` are required: without them a workplace cannot
 * be inspected.
 *
 * @example
 * ```ts
 * zPostalAddress.parse({ locality: 'Lyon', country: 'FR' });
 * ```
 */
export const zPostalAddress = z.strictObject({
  street_address: zClaimText(LABEL_MAX_LENGTH).optional(),
  locality: zClaimText(LABEL_MAX_LENGTH),
  region: zClaimText(LABEL_MAX_LENGTH).optional(),
  postal_code: zClaimText(16).optional(),
  country: zCountryCode,
});

/** A postal address as validated by {@link zPostalAddress}. */
export type PostalAddress = z.infer<typeof zPostalAddress>;

/** The members of a postal address, in display order. */
export const POSTAL_ADDRESS_MEMBERS = [
  'street_address',
  'locality',
  'region',
  'postal_code',
  'country',
] as const;
