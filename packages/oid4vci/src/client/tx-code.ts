import { z } from 'zod';
import { failOid4vci } from '../errors.js';

/** Longest tx_code `description`, in characters (OpenID4VCI §4.1.1). */
export const TX_CODE_DESCRIPTION_MAX = 300;
/** Longest tx_code `length` this client will render an input for. */
export const TX_CODE_LENGTH_MAX = 256;

/** The `tx_code` object of a pre-authorized code grant (OpenID4VCI §4.1.1); present, even empty, means required. */
export const zTxCode = z
  .object({
    input_mode: z.enum(['numeric', 'text']).optional(),
    length: z.number().int().min(1).max(TX_CODE_LENGTH_MAX).optional(),
    description: z
      .string()
      .refine((d) => Array.from(d).length <= TX_CODE_DESCRIPTION_MAX, 'at most 300 characters')
      .optional(),
  })
  .loose();

/** The `tx_code` object as offered. */
export type TxCode = z.infer<typeof zTxCode>;

/** What a wallet UI needs to ask for a tx_code, defaults applied. */
export interface TxCodePrompt {
  /** `numeric`: digits only (the default, §4.1.1); `text`: any characters. */
  readonly inputMode: 'numeric' | 'text';
  /** Expected number of characters, when the issuer said. */
  readonly length?: number;
  /**
   * The issuer's hint on where to find the code, as it sent it (≤ 300 characters). Issuer-controlled
   * text: render it as plain text, never as markup, and make clear who says it.
   */
  readonly description?: string;
}

/**
 * Turns an offer's `tx_code` object into what a UI shows next to the input field (§4.1.1). `undefined`
 * when the offer asks for no tx_code.
 *
 * @example
 * ```ts
 * const prompt = parseTxCodeDescription(grant.tx_code);
 * if (prompt) askUser({ digitsOnly: prompt.inputMode === 'numeric', size: prompt.length, hint: prompt.description });
 * ```
 */
export function parseTxCodeDescription(txCode: TxCode | undefined): TxCodePrompt | undefined {
  if (txCode === undefined) return undefined;
  return {
    inputMode: txCode.input_mode ?? 'numeric',
    ...(txCode.length === undefined ? {} : { length: txCode.length }),
    ...(txCode.description === undefined ? {} : { description: txCode.description }),
  };
}

const DIGITS = /^[0-9]+$/;

/**
 * Checks the tx_code the user typed against what the offer announced, before it is sent: a code that
 * cannot be right would only spend one of the few attempts the issuer allows (§13.6.3). Throws
 * `OID4VCI_CLIENT_TX_CODE_REQUIRED` with `details.reason` `missing`, `input_mode` or `length`; the code
 * itself never appears in the error.
 */
export function checkTxCode(txCode: string | undefined, expected: TxCode): string {
  if (typeof txCode !== 'string' || txCode.length === 0) {
    failOid4vci('OID4VCI_CLIENT_TX_CODE_REQUIRED', 'the offer requires a transaction code', {
      details: { reason: 'missing' },
    });
  }
  const prompt = parseTxCodeDescription(expected) as TxCodePrompt;
  if (prompt.inputMode === 'numeric' && !DIGITS.test(txCode)) {
    failOid4vci('OID4VCI_CLIENT_TX_CODE_REQUIRED', 'the transaction code must be digits only', {
      details: { reason: 'input_mode' },
    });
  }
  if (prompt.length !== undefined && Array.from(txCode).length !== prompt.length) {
    failOid4vci(
      'OID4VCI_CLIENT_TX_CODE_REQUIRED',
      'the transaction code does not have the announced length',
      {
        details: { reason: 'length', length: prompt.length },
      },
    );
  }
  return txCode;
}
