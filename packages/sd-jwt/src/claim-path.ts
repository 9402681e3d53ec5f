import type { ClaimPath } from './types.js';

/**
 * The values a claim path selects in a processed payload (DCQL / SD-JWT VC §Claim Path): a name selects
 * an object member, an index an array element, `null` every element of an array. Nothing selected is an
 * empty list.
 *
 * @example
 * ```ts
 * selectClaimValues({ nationalities: ['FR', 'SY'] }, ['nationalities', null]) // ['FR', 'SY']
 * ```
 */
export function selectClaimValues(claims: unknown, path: ClaimPath): unknown[] {
  let nodes: unknown[] = [claims];
  for (const step of path) {
    const next: unknown[] = [];
    for (const node of nodes) {
      if (step === null) {
        if (Array.isArray(node)) next.push(...node);
      } else if (typeof step === 'number') {
        if (Array.isArray(node) && step >= 0 && step < node.length) next.push(node[step]);
      } else if (
        node !== null &&
        typeof node === 'object' &&
        !Array.isArray(node) &&
        Object.hasOwn(node, step)
      ) {
        next.push((node as Record<string, unknown>)[step]);
      }
    }
    if (next.length === 0) return [];
    nodes = next;
  }
  return nodes;
}
