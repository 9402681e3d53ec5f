import { isJsonObject, peekJwsHeader } from '@haven/core';
import { isLegacyVcJwt } from '@haven/w3c';

/** The credential formats `havenVerifyCredential` tells apart. */
export type HavenCredentialFormat = 'dc+sd-jwt' | 'vc+jwt' | 'vc1+jwt' | 'data-integrity';

function typOf(token: string): string | undefined {
  try {
    const typ = peekJwsHeader(token).typ;
    return typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : undefined;
  } catch {
    return undefined;
  }
}

function hasDataIntegrityProof(value: Record<string, unknown>): boolean {
  const proofs = Array.isArray(value.proof) ? value.proof : [value.proof];
  return proofs.length > 0 && proofs.every((p) => isJsonObject(p) && p.type === 'DataIntegrityProof');
}

/**
 * Which format a credential is in, from its shape alone (nothing is verified): `~`-separated SD-JWT →
 * `dc+sd-jwt`; a compact JWS with `typ: vc+jwt` → `vc+jwt` (VC-JOSE, VCDM 2.0); a compact JWS whose payload
 * has a `vc` object → `vc1+jwt` (VCDM 1.1, e.g. from Veramo); a JSON object with `DataIntegrityProof`
 * proofs → `data-integrity`; anything else `undefined`.
 *
 * @example
 * ```ts
 * detectCredentialFormat(veramoJwt) // 'vc1+jwt'
 * ```
 */
export function detectCredentialFormat(input: unknown): HavenCredentialFormat | undefined {
  if (typeof input === 'string') {
    if (input.includes('~')) return 'dc+sd-jwt';
    if (typOf(input) === 'vc+jwt') return 'vc+jwt';
    if (isLegacyVcJwt(input)) return 'vc1+jwt';
    return undefined;
  }
  if (isJsonObject(input) && hasDataIntegrityProof(input)) return 'data-integrity';
  return undefined;
}
