import { createSigner, type PrivateJwk, toPublicJwk } from '@haven/core';

/** Fixed keys for the sd-jwt tests. */
export const ISSUER_KEY: PrivateJwk = {
  kty: 'EC',
  crv: 'P-256',
  x: 'nY0Kqqzs2Tie1xKt-RY_0MHbeB6-9EIGkrt32Ghsj3c',
  y: 'KjvmGA80jUE8R6UybVVacKqbDbflm4Px7dziL1DnZ9A',
  d: 'uwv1TABmBm5b3iHFXIdBHakZkgjWYSHlqm7UXX68jyk',
};
export const HOLDER_KEY: PrivateJwk = {
  kty: 'OKP',
  crv: 'Ed25519',
  x: 'UAq6OCQXCDuwm6rW_unDXyP60C6cQbbOnvBm--kH0eE',
  d: 'iO4tU1i39x79lg0KO_PPohfZA9XX7BrF2jz41x7gf9c',
};
export const OTHER_KEY: PrivateJwk = {
  kty: 'EC',
  crv: 'P-256',
  x: 'BXoHvjNpJVZS597ZiU9JWxGMU5UEdPlo8TbFOemFaDY',
  y: 'w1MZmqRYZQc4yvDflHAPpzc1fMMMapZbwbAhjS567kI',
  d: 'Vp-NbOoA4OVo0p69DpLoZnWIS-uKZeJuSb1n22UF8-o',
};
export const issuerSigner = createSigner(ISSUER_KEY, { kid: 'issuer-key-1' });
export const holderSigner = createSigner(HOLDER_KEY);
export const ISSUER_PUBLIC = toPublicJwk(ISSUER_KEY);
export const HOLDER_PUBLIC = toPublicJwk(HOLDER_KEY);
