import { isHavenError, type VerifyCheck } from '@haven/core';
import { checkRequestAgainstPurpose } from '@haven/credentials';
import type { ClaimPath } from '@haven/sd-jwt';

/** A verification refused because it disclosed more than the verifier's purpose allows. */
export interface PurposeFailure {
  verified: false;
  error: { code: string; message: string };
  checks: unknown[];
}

/**
 * Checks what a verified credential disclosed against the verifier's registered purpose (`--purpose`).
 * Returns `undefined` when it fits, or the failure to report, with a `purpose` check appended to the
 * verification's checks. The same rule for SD-JWT VC and W3C credentials.
 */
export function purposeFailure(
  purpose: string,
  credentialType: string,
  disclosed: readonly ClaimPath[],
  checks: readonly (VerifyCheck | unknown)[],
): PurposeFailure | undefined {
  try {
    checkRequestAgainstPurpose(purpose, [{ credentialType, claims: [...disclosed] }]);
    return undefined;
  } catch (error) {
    if (!isHavenError(error)) throw error;
    return {
      verified: false,
      error: {
        code: error.code,
        message:
          error.code === 'OVER_ASKING'
            ? 'the presentation discloses more than the purpose allows'
            : error.message,
      },
      checks: [...checks, { name: 'purpose', ok: false, code: error.code }],
    };
  }
}
