import { fixedClock } from '@haven/core';
import { describe, expect, test } from 'vitest';
import { loadSdJwtVector, SD_JWT_VECTOR_NAMES } from '../test/fixtures/index.js';
import { decodeDisclosure } from './disclosure.js';
import { verifySdJwtVc } from './sd-jwt-vc.js';
import { verifySdJwt } from './verify.js';

function clockFor(v: ReturnType<typeof loadSdJwtVector>) {
  // The examples are frozen in time: verify "as of" the proof's iat, or just after issuance.
  return fixedClock(v.iat ?? ((v.payload.iat as number | undefined) ?? 1_700_000_000) + 10);
}

describe('spec vectors (RFC 9901 §5, Appendix A; SD-JWT VC draft 18 §2.3, A.1)', () => {
  test.each(SD_JWT_VECTOR_NAMES)('%s verifies and yields the printed result', async (name) => {
    const v = loadSdJwtVector(name);
    const holderBinding =
      v.kbJwt !== undefined
        ? { required: true as const, nonce: v.nonce as string, aud: v.aud as string }
        : { required: false as const, rejectKeyBinding: v.kind === 'issuance' };
    const result = await verifySdJwt(v.compact, {
      issuerKey: () => v.issuerPublicJwk,
      typ: v.header.typ as string,
      clock: clockFor(v),
      holderBinding,
    });
    expect(result.verified ? 'verified' : result.error.code).toBe('verified');
    if (!result.verified) return;
    if (v.processed !== undefined) expect(result.claims).toEqual(v.processed);
    expect(result.holderBound).toBe(v.kbJwt !== undefined);
    // RFC 9901 §4.2.3: the digest is over the disclosure text as sent; the spec prints each one.
    expect(v.disclosures.map((d) => decodeDisclosure(d, 'sha-256').digest)).toEqual(v.digests);
  });

  test.each(SD_JWT_VECTOR_NAMES.filter((n) => loadSdJwtVector(n).header.typ === 'dc+sd-jwt'))(
    '%s verifies as an SD-JWT VC',
    async (name) => {
      const v = loadSdJwtVector(name);
      const result = await verifySdJwtVc(v.compact, {
        issuerKey: () => v.issuerPublicJwk,
        clock: clockFor(v),
        holderBinding:
          v.kbJwt !== undefined
            ? { required: true, nonce: v.nonce as string, aud: v.aud as string }
            : { required: false },
      });
      expect(result.verified ? 'verified' : result.error.code).toBe('verified');
      if (result.verified) expect(result.vct).toBe(v.payload.vct);
    },
  );
});
