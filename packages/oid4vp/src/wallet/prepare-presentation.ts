import {
  credentialTypeForVct,
  type DcqlCredentialMatch,
  type DcqlHeldCredential,
  evaluateDcqlQuery,
  HELD_CREDENTIALS_MAX,
} from '@haven/credentials';
import { decodeHeldSdJwt } from '@haven/sd-jwt';
import { failOid4vp } from '../errors.js';
import type { ConsentItem, HeldCredential, PreparedPresentation } from './contracts.js';
import type { ParsedAuthorizationRequest } from './parse-authorization-request.js';

const CREDENTIAL_ID_MAX = 256;

function heldInvalid(message: string, credentialId?: string, cause?: unknown): never {
  // The wallet's own id of a credential is not personal data; claim values never appear here.
  failOid4vp('OID4VP_OPTIONS_INVALID', message, {
    ...(cause === undefined ? {} : { cause }),
    details: credentialId === undefined ? {} : { credentialId },
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the held credentials and decodes each SD-JWT VC with every disclosure: the claim set DCQL
 * evaluation sees. A malformed credential is an error naming its id, never silently skipped.
 *
 * @example
 * ```ts
 * decodeHeldCredentials(wallet.credentials)[0]?.vct // 'https://haven.example/vct/civil-identity/v1'
 * ```
 */
export function decodeHeldCredentials(held: readonly HeldCredential[]): DcqlHeldCredential[] {
  if (!Array.isArray(held) || held.length > HELD_CREDENTIALS_MAX) {
    heldInvalid(`held credentials must be an array of at most ${HELD_CREDENTIALS_MAX}`);
  }
  const seen = new Set<string>();
  return held.map((entry: unknown) => {
    if (!isPlainObject(entry)) heldInvalid('a held credential must be an object');
    const id = entry.id;
    if (typeof id !== 'string' || id.length === 0 || id.length > CREDENTIAL_ID_MAX) {
      heldInvalid('a held credential needs an id');
    }
    if (seen.has(id)) heldInvalid('two held credentials share an id', id);
    seen.add(id);
    if (entry.format !== 'dc+sd-jwt') heldInvalid('a held credential must be a dc+sd-jwt', id);
    if (typeof entry.credential !== 'string') heldInvalid('a held credential must be an SD-JWT', id);
    const signer = entry.signer as { sign?: unknown } | null | undefined;
    if (!isPlainObject(signer) || typeof signer.sign !== 'function') {
      heldInvalid('a held credential needs its holder signer', id);
    }
    let claims: Record<string, unknown>;
    try {
      claims = decodeHeldSdJwt(entry.credential).processed.claims;
    } catch (cause) {
      heldInvalid('a held credential is not a well-formed SD-JWT', id, cause);
    }
    if (typeof claims.vct !== 'string' || claims.vct.length === 0) {
      heldInvalid('a held SD-JWT VC has no vct', id);
    }
    return { id, format: 'dc+sd-jwt', vct: claims.vct, claims };
  });
}

/**
 * Works out what the wallet would present for a checked authorization request (OpenID4VP §6.4): the
 * held SD-JWT VCs are decoded and the request's DCQL query evaluated over them (`claim_sets`,
 * `credential_sets`, `multiple`, `values`). `consent` lists, per chosen credential, exactly the claim
 * paths that would be disclosed, for the holder to approve before `createAuthorizationResponse`.
 * `satisfied: false` means the wallet must not answer (§6.4.2); `unsupported` names queries in formats
 * Haven cannot hold (mdoc). Throws `OID4VP_OPTIONS_INVALID` (with `details.credentialId`) for a
 * malformed held credential.
 *
 * @example
 * ```ts
 * const prepared = preparePresentation(request, wallet.credentials);
 * if (prepared.satisfied && (await askHolder(prepared.consent))) {
 *   const body = await createAuthorizationResponse(prepared, { held: wallet.credentials, clock });
 * }
 * ```
 */
export function preparePresentation(
  request: ParsedAuthorizationRequest,
  held: readonly HeldCredential[],
): PreparedPresentation {
  if (!isPlainObject(request) || !isPlainObject(request.dcqlQuery) || !isPlainObject(request.client)) {
    failOid4vp('OID4VP_OPTIONS_INVALID', 'preparePresentation needs a parsed authorization request');
  }
  const decoded = decodeHeldCredentials(held);
  const byId = new Map(decoded.map((c) => [c.id, c]));
  const evaluation = evaluateDcqlQuery(request.dcqlQuery, decoded);
  const consent: ConsentItem[] = [];
  for (const [queryId, matches] of Object.entries(evaluation.matches)) {
    for (const match of matches) {
      const credential = byId.get(match.credentialId);
      if (credential === undefined) continue;
      const vct = credential.vct as string;
      const type = credentialTypeForVct(vct);
      const issuer = credential.claims.iss;
      consent.push({
        queryId,
        credentialId: match.credentialId,
        ...(type === undefined ? {} : { credentialType: type.id }),
        vct,
        ...(typeof issuer === 'string' ? { issuer } : {}),
        claims: match.claimPaths.map((path) => [...path]),
      });
    }
  }
  const selection: Record<string, readonly DcqlCredentialMatch[]> = Object.fromEntries(
    Object.entries(evaluation.matches),
  );
  return {
    request,
    satisfied: evaluation.satisfied,
    selection,
    consent,
    unsupported: [...evaluation.unsupported],
  };
}
