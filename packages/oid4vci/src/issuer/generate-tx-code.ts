import { failOid4vci } from '../errors.js';

/**
 * Shortest numeric tx_code Haven hands out: with three attempts, a guess succeeds with odds of 3 in 10,000.
 *
 * @example
 * ```ts
 * createCredentialOffer(config, { configurationIds, txCode: { length: TX_CODE_MIN_LENGTH } });
 * ```
 */
export const TX_CODE_MIN_LENGTH = 4;

/**
 * Longest numeric tx_code Haven hands out (people type it by hand).
 *
 * @example
 * ```ts
 * createCredentialOffer(config, { configurationIds, txCode: { length: TX_CODE_MAX_LENGTH } });
 * ```
 */
export const TX_CODE_MAX_LENGTH = 10;

/**
 * A numeric tx_code of `length` digits, each uniform over 0–9: bytes from `random` are drawn and those
 * of 250 or more thrown away (rejection sampling), because `byte % 10` over all 256 values would make
 * 0–5 more likely than 6–9 and shorten a brute force. Throws `OID4VCI_OFFER_INVALID` for a length
 * outside 4–10.
 *
 * @example
 * ```ts
 * generateTxCode(6, randomBytes) // e.g. '493536'
 * ```
 */
export function generateTxCode(length: number, random: (byteLength: number) => Uint8Array): string {
  if (!Number.isSafeInteger(length) || length < TX_CODE_MIN_LENGTH || length > TX_CODE_MAX_LENGTH) {
    failOid4vci(
      'OID4VCI_OFFER_INVALID',
      `tx_code length must be from ${TX_CODE_MIN_LENGTH} to ${TX_CODE_MAX_LENGTH} digits`,
    );
  }
  let digits = '';
  // Each byte is kept with probability 250/256, so a round rarely needs a second draw; the bound only
  // stops a broken random source from looping forever.
  for (let round = 0; round < 64 && digits.length < length; round++) {
    const bytes = random(length);
    if (!(bytes instanceof Uint8Array) || bytes.byteLength !== length) {
      failOid4vci('OID4VCI_CONFIG_INVALID', 'the random source returned the wrong number of bytes');
    }
    for (const byte of bytes) {
      if (byte < 250 && digits.length < length) digits += String(byte % 10);
    }
  }
  if (digits.length < length) failOid4vci('OID4VCI_CONFIG_INVALID', 'the random source is not random');
  return digits;
}
