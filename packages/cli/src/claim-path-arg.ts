import type { ClaimPath } from '@haven/sd-jwt';
import { CliError } from './cli-error.js';

/**
 * Parses a claim path written on the command line: names separated by dots, a number for an array
 * position, `*` for every element (`place_of_birth.country`, `nationalities.*`, `nationalities.0`).
 *
 * @example
 * ```ts
 * parseClaimPathArg('nationalities.*') // ['nationalities', null]
 * ```
 */
export function parseClaimPathArg(text: string): ClaimPath {
  const segments = text.trim().split('.');
  if (
    segments.length === 0 ||
    segments.length > 16 ||
    segments.some((s) => s.length === 0 || s.length > 128)
  ) {
    throw new CliError('a claim path looks like given_name, place_of_birth.country or nationalities.*');
  }
  return segments.map((s) => (s === '*' ? null : /^(0|[1-9][0-9]{0,5})$/.test(s) ? Number(s) : s));
}

/** Formats a claim path the way {@link parseClaimPathArg} reads it. */
export function formatClaimPathArg(path: readonly (string | number | null)[]): string {
  return path.map((s) => (s === null ? '*' : String(s))).join('.');
}

/** Parses `a,b.c,d.*` into claim paths. */
export function parseClaimPathList(text: string): ClaimPath[] {
  const paths = text
    .split(',')
    .filter((p) => p.trim().length > 0)
    .map(parseClaimPathArg);
  if (paths.length === 0) throw new CliError('give at least one claim path to disclose');
  return paths;
}
