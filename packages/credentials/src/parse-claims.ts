import { HavenError } from '@haven/core';
import type { ClaimPath } from '@haven/sd-jwt';
import type { z } from 'zod';
import { formatClaimPath } from './claim-path.js';
import { failCredentials } from './errors.js';

/** At most this many offending paths are reported: enough to fix a form, bounded for hostile input. */
export const REPORTED_PATHS_MAX = 50;

// An unknown key is named in the report (it is a field name the caller chose, useful to fix a typo)
// only when it looks like a field name; any other key could be data pasted into the wrong place.
const SAFE_KEY = /^[A-Za-z0-9_-]{1,64}$/;

function issuePaths(issue: z.core.$ZodIssue): ClaimPath[] {
  const base = issue.path.filter((c): c is string | number => typeof c !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => [...base, SAFE_KEY.test(key) ? key : '(unrecognized key)']);
  }
  return [base.length === 0 ? ['(claims)'] : base];
}

/**
 * Validates `input` with `schema` and returns the parsed (trimmed, normalised) claims. On failure throws
 * `CREDENTIAL_CLAIMS_INVALID` whose `details.paths` lists each offending field as a JSON claim path
 * (`["wage","amount"]`) and `details.issues` pairs it with zod's issue code. Zod's own messages are not
 * passed on: the rule is that no claim value leaves this function, and only paths and codes are
 * guaranteed never to hold one.
 *
 * @example
 * ```ts
 * const claims = parseClaims(zLabourContractClaims, body, 'labour-contract');
 * ```
 */
export function parseClaims<S extends z.ZodType>(schema: S, input: unknown, typeId: string): z.output<S> {
  let result: z.ZodSafeParseResult<z.output<S>>;
  try {
    result = schema.safeParse(input);
  } catch {
    // A refinement that throws is our bug, and its error text may quote the input: drop it, keep no cause.
    throw new HavenError('INTERNAL_ERROR', `claims validation failed unexpectedly for ${typeId}`);
  }
  if (result.success) return result.data;
  const paths: string[] = [];
  const issues: string[] = [];
  for (const issue of result.error.issues) {
    for (const path of issuePaths(issue)) {
      const text = formatClaimPath(path);
      if (!paths.includes(text)) paths.push(text);
      issues.push(`${text} ${issue.code}`);
    }
  }
  failCredentials('CREDENTIAL_CLAIMS_INVALID', `claims do not match the ${typeId} schema`, {
    details: {
      credentialType: typeId,
      paths: paths.slice(0, REPORTED_PATHS_MAX),
      issues: issues.slice(0, REPORTED_PATHS_MAX),
    },
  });
}
