import { HavenError, isHavenError } from '@haven/core';
import type { ClaimPath, DisclosureFrame } from '@haven/sd-jwt';
import { expect } from 'vitest';

/** Runs `fn`, which must throw a HavenError with `code`; returns it. */
export function catchHaven(fn: () => unknown, code: string): HavenError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a HavenError').toBeInstanceOf(HavenError);
  if (!isHavenError(caught)) throw new Error('unreachable');
  expect(caught.code).toBe(code);
  return caught;
}

/**
 * Expects CREDENTIAL_CLAIMS_INVALID naming exactly `paths` (as JSON claim paths), and that neither the
 * message nor any detail nor the serialised error echoes one of `secrets`.
 */
export function expectClaimsInvalid(
  fn: () => unknown,
  paths: ClaimPath[],
  secrets: string[] = [],
): HavenError {
  const err = catchHaven(fn, 'CREDENTIAL_CLAIMS_INVALID');
  expect([...((err.details?.paths as readonly string[] | undefined) ?? [])].sort()).toEqual(
    paths.map((p) => JSON.stringify(p)).sort(),
  );
  const text = `${err.message} ${JSON.stringify(err.toJSON())} ${JSON.stringify(err.details)}`;
  for (const secret of secrets) expect(text).not.toContain(secret);
  return err;
}

/**
 * The claim paths a frame makes selectively disclosable, with array indices written as `null` (the way
 * Type Metadata addresses array elements).
 */
export function sdPathsOfFrame(frame: DisclosureFrame, parent: (string | null)[] = []): ClaimPath[] {
  const out: ClaimPath[] = [];
  for (const item of frame._sd ?? []) {
    out.push([...parent, typeof item === 'number' ? null : item]);
  }
  for (const [key, value] of Object.entries(frame)) {
    if (key === '_sd' || key === '_sd_decoy') continue;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      out.push(...sdPathsOfFrame(value as DisclosureFrame, [...parent, /^\d+$/.test(key) ? null : key]));
    }
  }
  // De-duplicate: every element of an array maps to the same `null` path.
  return [...new Map(out.map((p) => [JSON.stringify(p), p])).values()];
}

/** Epoch seconds of an ISO instant. */
export function epoch(iso: string): number {
  return Date.parse(iso) / 1000;
}
