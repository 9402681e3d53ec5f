/**
 * Status Type values of the Token Status List (draft-ietf-oauth-status-list §7.1). 0x03 and 0x0C–0x0F
 * are application-specific; every other value is reserved. Only `VALID` lets a credential through.
 *
 * @example
 * ```ts
 * list.set(index, STATUS_TYPE.INVALID); // revoke
 * ```
 */
export const STATUS_TYPE = Object.freeze({ VALID: 0, INVALID: 1, SUSPENDED: 2 } as const);

/** A registered status name, or the raw number of an application-specific or reserved one. */
export type StatusTypeName = 'VALID' | 'INVALID' | 'SUSPENDED' | number;

/**
 * Names a status value for a report: the three registered types by name, anything else as its number.
 *
 * @example
 * ```ts
 * statusTypeName(2); // 'SUSPENDED'
 * statusTypeName(3); // 3 (application-specific, §7.1)
 * ```
 */
export function statusTypeName(value: number): StatusTypeName {
  if (value === STATUS_TYPE.VALID) return 'VALID';
  if (value === STATUS_TYPE.INVALID) return 'INVALID';
  if (value === STATUS_TYPE.SUSPENDED) return 'SUSPENDED';
  return value;
}
