import type { PrivateJwk } from '@haven/core';

/** Fixed test keys (generated once for these tests; never used anywhere else). */
export const ISSUER_A_PRIVATE_JWK: PrivateJwk = {
  kty: 'EC',
  crv: 'P-256',
  x: '2X3DPiAHCKlThzsm1Enhomb0tCJ5JWNHARCNxm5gmwI',
  y: 'LsP6OxrhCKrdZM5BMuSlpJ7jOk5CeGAZoBDviN156PY',
  d: 'iV_Y7pTR3dIX6xxnexF9xhXmcWuXclwzGdPmrWhiW0w',
};

/** A second issuer, for "a list signed by another issuer" cases. */
export const ISSUER_B_PRIVATE_JWK: PrivateJwk = {
  kty: 'EC',
  crv: 'P-256',
  x: 'R-bVps5RBs89TmoyVWo_a2V8_OT8tz72qJGRt7Xu_uQ',
  y: 'CpnTId8ExNcopU8erAoLz4HjWYRW7h-sG6i1AsqiBf0',
  d: 'qko7brct3ZFhhaZIqocJZeG0C1vQ_cqlmagXIKNQWe4',
};

/** The P-256 public key of the draft's examples (src/util.py), for `status_list_jwt_raw.txt`. */
export const DRAFT_EXAMPLE_PUBLIC_JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'I3HWm_0Ds1dPMI-IWmf4mBmH-YaeAVbPVu7vB27CxXo',
  y: '6N_d5Elj9bs1htgV3okJKIdbHEpkgTmAluYKJemzn1M',
} as const;

/** The draft's Status List Token example (examples/status_list_jwt_raw), verifiable at 1686920170. */
export const DRAFT_EXAMPLE_TOKEN =
  'eyJhbGciOiJFUzI1NiIsImtpZCI6IjEyIiwidHlwIjoic3RhdHVzbGlzdCtqd3QifQ.eyJleHAiOjIyOTE3MjAxNzAsImlhdCI6MTY4NjkyMDE3MCwiaXNzIjoiaHR0cHM6Ly9leGFtcGxlLmNvbSIsInN0YXR1c19saXN0Ijp7ImJpdHMiOjEsImxzdCI6ImVOcmJ1UmdBQWhjQlhRIn0sInN1YiI6Imh0dHBzOi8vZXhhbXBsZS5jb20vc3RhdHVzbGlzdHMvMSIsInR0bCI6NDMyMDB9.2lKUUNG503R9htu4aHAYi7vjmr3sgApbfoDvPrl65N3URUO1EYqqQl45Jfzd-Av4QzlKa3oVALpLwOEUOq-U_g';
