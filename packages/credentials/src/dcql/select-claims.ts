import type { ClaimPath } from '@haven/sd-jwt';

/** Most elements a claims path pointer may select before it counts as not matching (nested `null`s). */
export const SELECTED_ELEMENTS_MAX = 1024;

/** One element a claims path pointer selected, with the concrete path (no `null`) that reaches it. */
export interface SelectedClaim {
  path: ClaimPath;
  value: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Applies a claims path pointer to a JSON credential (OpenID4VP §7.1). Returns the selected elements,
 * each with its concrete path, or `undefined` where §7.1 says to abort with an error (a key asked of a
 * non-object, an index or `null` asked of a non-array, an empty selection) or the selection grows past
 * {@link SELECTED_ELEMENTS_MAX}. Only own members count: `__proto__` or `constructor` never resolve
 * through the prototype chain.
 *
 * @example
 * ```ts
 * selectClaims({ nationalities: ['UA', 'MD'] }, ['nationalities', null]);
 * // [{ path: ['nationalities', 0], value: 'UA' }, { path: ['nationalities', 1], value: 'MD' }]
 * ```
 */
export function selectClaims(root: Record<string, unknown>, pointer: ClaimPath): SelectedClaim[] | undefined {
  let selection: SelectedClaim[] = [{ path: [], value: root }];
  for (const component of pointer) {
    const next: SelectedClaim[] = [];
    for (const { path, value } of selection) {
      if (typeof component === 'string') {
        if (!isPlainObject(value)) return undefined;
        if (Object.hasOwn(value, component))
          next.push({ path: [...path, component], value: value[component] });
      } else {
        if (!Array.isArray(value)) return undefined;
        if (component === null) {
          if (next.length + value.length > SELECTED_ELEMENTS_MAX) return undefined;
          value.forEach((element: unknown, index) => {
            next.push({ path: [...path, index], value: element });
          });
        } else if (Number.isSafeInteger(component) && component >= 0) {
          if (component < value.length) next.push({ path: [...path, component], value: value[component] });
        } else {
          return undefined;
        }
      }
      if (next.length > SELECTED_ELEMENTS_MAX) return undefined;
    }
    selection = next;
  }
  return selection.length === 0 ? undefined : selection;
}
