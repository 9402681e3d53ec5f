import type { JwsAlgorithm, PrivateJwk } from '@haven/core';

/** Fixed keys for the cross-package suites, one per algorithm Haven signs with. */
export const FIXED_KEYS: Readonly<Record<JwsAlgorithm, PrivateJwk>> = {
  ES256: {
    kty: 'EC',
    crv: 'P-256',
    x: 'nY0Kqqzs2Tie1xKt-RY_0MHbeB6-9EIGkrt32Ghsj3c',
    y: 'KjvmGA80jUE8R6UybVVacKqbDbflm4Px7dziL1DnZ9A',
    d: 'uwv1TABmBm5b3iHFXIdBHakZkgjWYSHlqm7UXX68jyk',
  },
  ES384: {
    kty: 'EC',
    crv: 'P-384',
    x: '5sEVMEIIkte_ZnThH4zUe-8FmucacYDvhO0w5Odg2DiAjFyTO_cbRgDboHlzY8gF',
    y: 'tgSg6c7ILtiQlZ2xGgPDYN6HlURXrnusqPFBqG4pVFFtKYWUpwrAnX7uObB9stnI',
    d: '5r2gkCfAaMXD3SrYBXIOOQILYwSB-jYf990QeUIFBSWDI9JXzn8h0NcmC3JBsA5O',
  },
  EdDSA: {
    kty: 'OKP',
    crv: 'Ed25519',
    x: 'UAq6OCQXCDuwm6rW_unDXyP60C6cQbbOnvBm--kH0eE',
    d: 'iO4tU1i39x79lg0KO_PPohfZA9XX7BrF2jz41x7gf9c',
  },
};

export const ALGORITHMS = Object.keys(FIXED_KEYS) as JwsAlgorithm[];

/** The code of the HavenError a promise rejects with (or of a thrown error), for assertions. */
export async function rejectionCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (e) {
    return (e as { code?: string }).code ?? 'NOT_HAVEN_ERROR';
  }
  return undefined;
}
