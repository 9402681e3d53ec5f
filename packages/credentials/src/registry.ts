import { z } from 'zod';
import {
  type AnyCredentialType,
  CREDENTIAL_TYPE_IDS,
  isCredentialTypeId,
  vctFor,
  withVctBase,
} from './credential-type.js';
import { failCredentials } from './errors.js';
import { IDENTITY_RESTORATION } from './identity-restoration.js';
import { LABOUR_CONTRACT } from './labour-contract.js';
import { parseClaims } from './parse-claims.js';
import { REFUGEE_REGISTRATION } from './refugee-registration.js';

/**
 * Haven's credential types by id.
 *
 * @example
 * ```ts
 * CREDENTIAL_TYPES['labour-contract'].vct // 'https://haven.example/vct/labour-contract/v1'
 * ```
 */
export const CREDENTIAL_TYPES = Object.freeze({
  'identity-restoration': IDENTITY_RESTORATION,
  'labour-contract': LABOUR_CONTRACT,
  'refugee-registration': REFUGEE_REGISTRATION,
});

/**
 * The credential type with this id, optionally under another `vct` base. Throws
 * `CREDENTIAL_TYPE_UNKNOWN` for any other id.
 *
 * @example
 * ```ts
 * getCredentialType('refugee-registration').typeMetadata.display
 * getCredentialType('labour-contract', { vctBase: 'https://labour.gov.example/vct' }).vct
 * ```
 */
export function getCredentialType(id: string, options: { vctBase?: string } = {}): AnyCredentialType {
  if (!isCredentialTypeId(id)) {
    failCredentials('CREDENTIAL_TYPE_UNKNOWN', 'unknown credential type', {
      details: { knownTypes: [...CREDENTIAL_TYPE_IDS] },
    });
  }
  const type: AnyCredentialType = CREDENTIAL_TYPES[id];
  return options.vctBase === undefined ? type : withVctBase(type, options.vctBase);
}

/**
 * The credential type whose `vct` (under `vctBase`, default Haven's) is `vct`, or `undefined`.
 *
 * @example
 * ```ts
 * credentialTypeForVct('https://haven.example/vct/labour-contract/v1')?.id // 'labour-contract'
 * credentialTypeForVct('https://other.example/vct/x') // undefined
 * ```
 */
export function credentialTypeForVct(
  vct: string,
  options: { vctBase?: string } = {},
): AnyCredentialType | undefined {
  const id = CREDENTIAL_TYPE_IDS.find((candidate) => vctFor(candidate, options.vctBase) === vct);
  return id === undefined ? undefined : getCredentialType(id, options);
}

/**
 * Validates claims an issuer provides for a credential type and returns them parsed (trimmed, NFC);
 * derived claims are not added (see `deriveClaims`). Throws `CREDENTIAL_TYPE_UNKNOWN` or
 * `CREDENTIAL_CLAIMS_INVALID` with `details.paths` (never values).
 *
 * @example
 * ```ts
 * const claims = validateClaims('labour-contract', JSON.parse(body));
 * ```
 */
export function validateClaims(typeId: string, input: unknown): Record<string, unknown> {
  const type = getCredentialType(typeId);
  return parseClaims(type.schema, input, type.id) as Record<string, unknown>;
}

/**
 * The JSON Schema (draft 2020-12) of the claims an issuer provides for a type, from the zod schema, for
 * forms and the CLI. It describes the input: the trimming, calendar, ISO list and cross-field checks
 * (dates in order, portrait is a JPEG) are enforced by `validateClaims`, not expressible here.
 *
 * @example
 * ```ts
 * console.log(JSON.stringify(claimsJsonSchema('refugee-registration'), null, 2));
 * ```
 */
export function claimsJsonSchema(typeId: string): Record<string, unknown> {
  const type = getCredentialType(typeId);
  return {
    ...z.toJSONSchema(type.schema, { io: 'input' }),
    title: `${type.id} claims`,
    description: `Claims an issuer provides for a ${type.id} credential (vct ${type.vct}).`,
  };
}

/**
 * A valid claims object for a type, with clearly fictional values ("Specimen", "(fictional)"), fresh on
 * each call.
 *
 * @example
 * ```ts
 * const claims = claimsTemplate('identity-restoration');
 * claims.family_name // 'Specimen'
 * ```
 */
export function claimsTemplate(typeId: string): Record<string, unknown> {
  return getCredentialType(typeId).template() as Record<string, unknown>;
}
