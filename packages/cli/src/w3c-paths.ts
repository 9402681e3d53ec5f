import type { ClaimPath } from '@haven/sd-jwt';

/**
 * The claim paths of what a W3C credential subject shows: one path per leaf value (objects are walked,
 * array elements are `[name, index]`), `id` (the holder DID) left out. These are the paths compared with a
 * purpose, the W3C counterpart of an SD-JWT presentation's disclosed paths.
 */
export function subjectLeafPaths(subject: Record<string, unknown>): ClaimPath[] {
  const paths: ClaimPath[] = [];
  const walk = (value: unknown, path: (string | number)[]): void => {
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) walk(item, [...path, i]);
    } else if (value !== null && typeof value === 'object') {
      for (const [name, child] of Object.entries(value)) walk(child, [...path, name]);
    } else {
      paths.push(path);
    }
  };
  for (const [name, value] of Object.entries(subject)) {
    if (name !== 'id') walk(value, [name]);
  }
  return paths;
}

/**
 * Expands `null` wildcards of claim paths against a credential subject (array elements it holds) and drops
 * paths it does not hold, so every result names a member that exists (as ecdsa-sd-2023 pointers must).
 */
export function expandClaimPaths(subject: Record<string, unknown>, paths: readonly ClaimPath[]): ClaimPath[] {
  const out: ClaimPath[] = [];
  const expand = (value: unknown, rest: ClaimPath, prefix: (string | number)[]): void => {
    if (rest.length === 0) {
      out.push(prefix);
      return;
    }
    const head = rest[0] as string | number | null;
    const tail = rest.slice(1);
    if (head === null) {
      if (Array.isArray(value)) for (const [i, item] of value.entries()) expand(item, tail, [...prefix, i]);
    } else if (typeof head === 'number') {
      if (Array.isArray(value) && head < value.length) expand(value[head], tail, [...prefix, head]);
    } else if (
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      Object.hasOwn(value, head)
    ) {
      expand((value as Record<string, unknown>)[head], tail, [...prefix, head]);
    }
  };
  for (const path of paths) expand(subject, path, []);
  return out;
}
