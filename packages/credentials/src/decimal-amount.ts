import { z } from 'zod';

/** Decimal places kept by amounts (ISO 4217 minor units go to 3; 4 leaves room for hourly rates). */
export const AMOUNT_MAX_DECIMALS = 4;
const SCALE = 10n ** BigInt(AMOUNT_MAX_DECIMALS);

/**
 * Zod schema of a money amount as a decimal string (`"1850.00"`, `"0"`): no sign, no exponent, no
 * leading zeros, at most 12 integer digits and 4 decimals. A string, not a JSON number, so the amount the
 * issuer signed is the amount every verifier reads: no binary floating point, no `1e3`, and
 * `"1850.00"` keeps its written precision.
 *
 * @example
 * ```ts
 * zDecimalAmount.parse('12.50') // '12.50'
 * zDecimalAmount.safeParse('1e3').success // false
 * ```
 */
// `abort`: refinements built on this schema (e.g. "not zero") must only ever see a well-formed amount.
export const zDecimalAmount = z.string().regex(/^(?:0|[1-9][0-9]{0,11})(?:\.[0-9]{1,4})?$/, { abort: true });

function toScaled(amount: string): bigint {
  const [whole = '0', fraction = ''] = amount.split('.');
  return BigInt(whole) * SCALE + BigInt(fraction.padEnd(AMOUNT_MAX_DECIMALS, '0'));
}

/**
 * Compares two amounts accepted by {@link zDecimalAmount} exactly (as scaled integers).
 *
 * @example
 * ```ts
 * compareDecimalAmounts('12.5', '12.50') // 0
 * compareDecimalAmounts('9.99', '10') // -1
 * ```
 */
export function compareDecimalAmounts(a: string, b: string): -1 | 0 | 1 {
  const x = toScaled(a);
  const y = toScaled(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Is the amount zero (`"0"`, `"0.00"` …)?
 *
 * @example
 * ```ts
 * isZeroAmount('0.00') // true
 * ```
 */
export function isZeroAmount(amount: string): boolean {
  return toScaled(amount) === 0n;
}

/**
 * Zod schema of a strictly positive amount (a wage).
 *
 * @example
 * ```ts
 * zPositiveDecimalAmount.safeParse('0').success // false
 * ```
 */
export const zPositiveDecimalAmount = zDecimalAmount.refine((a) => !isZeroAmount(a), {
  message: 'must be greater than zero',
});
