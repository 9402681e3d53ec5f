import { isJsonObject } from '@haven/core';
import { z } from 'zod';
import { failW3c } from '../errors.js';
import { checkContext, typesOf, VC_V2_CONTEXT, zVcUrl } from './credential.js';

/** How many credentials one presentation may carry: a wallet answering one request needs a few. */
export const PRESENTATION_MAX_CREDENTIALS = 16;

/** A VCDM 2.0 verifiable presentation (VCDM 2.0 §4.13), extension properties kept. */
export const zPresentation = z
  .object({
    '@context': z.array(z.string()),
    id: zVcUrl.optional(),
    type: z.union([z.string(), z.array(z.string())]),
    holder: z.union([zVcUrl, z.object({ id: zVcUrl }).loose()]).optional(),
    verifiableCredential: z
      .union([
        z.record(z.string(), z.unknown()),
        z.array(z.record(z.string(), z.unknown())).max(PRESENTATION_MAX_CREDENTIALS),
      ])
      .optional(),
    proof: z.unknown().optional(),
  })
  .loose();

/** A VCDM 2.0 presentation as parsed by {@link parsePresentation}. */
export type Presentation = z.infer<typeof zPresentation>;

/**
 * Validates a VCDM 2.0 presentation's shape: `@context`, `type` with `VerifiablePresentation`, `holder`
 * a URL (or object with one), `verifiableCredential` objects (each checked later by its own securing
 * mechanism). No proof or credential is verified here.
 *
 * @example
 * ```ts
 * const presentation = parsePresentation(payload);
 * ```
 */
export function parsePresentation(value: unknown): Presentation {
  if (!isJsonObject(value)) failW3c('W3C_PRESENTATION_INVALID', 'a presentation must be a JSON object');
  checkContext(value['@context']);
  const parsed = zPresentation.safeParse(value);
  if (!parsed.success) failW3c('W3C_PRESENTATION_INVALID', 'the presentation is malformed');
  const types = typesOf(parsed.data.type);
  if (!types.includes('VerifiablePresentation')) {
    failW3c('W3C_TYPE_INVALID', 'type must include VerifiablePresentation');
  }
  return parsed.data;
}

/** The holder's identifier, if the presentation names one. */
export function holderIdOf(presentation: Presentation): string | undefined {
  const holder = presentation.holder;
  return holder === undefined ? undefined : typeof holder === 'string' ? holder : holder.id;
}

/** The presentation's credentials as an array (empty when it carries none). */
export function credentialsOf(presentation: Presentation): readonly Record<string, unknown>[] {
  const vc = presentation.verifiableCredential;
  if (vc === undefined) return [];
  return Array.isArray(vc) ? vc : [vc];
}

/** The `data:` URL media type prefix of an enveloped VC-JOSE credential (VC-JOSE-COSE §3.1.1). */
export const ENVELOPED_VC_JWT_PREFIX = 'data:application/vc+jwt,';

/**
 * Wraps a `vc+jwt` in an `EnvelopedVerifiableCredential` (VCDM 2.0 §4.13.1) so that it can travel in a
 * presentation's `verifiableCredential`.
 *
 * @example
 * ```ts
 * const vp = { '@context': [VC_V2_CONTEXT], type: ['VerifiablePresentation'],
 *   verifiableCredential: [envelopeVcJwt(token)] };
 * ```
 */
export function envelopeVcJwt(token: string): {
  '@context': string[];
  id: string;
  type: 'EnvelopedVerifiableCredential';
} {
  return {
    '@context': [VC_V2_CONTEXT],
    id: `${ENVELOPED_VC_JWT_PREFIX}${token}`,
    type: 'EnvelopedVerifiableCredential',
  };
}

/**
 * Is this entry of `verifiableCredential` an enveloped credential? If so returns the enveloped `vc+jwt`;
 * an `EnvelopedVerifiableCredential` of another media type, or with other properties besides
 * `@context`/`id`/`type`, is `W3C_ENVELOPE_INVALID` (properties beside the envelope are unsigned and must
 * not be read as if they came from the issuer). Returns `undefined` for an embedded credential.
 *
 * @example
 * ```ts
 * const token = unwrapEnvelopedVcJwt(entry); // string | undefined
 * ```
 */
export function unwrapEnvelopedVcJwt(entry: Record<string, unknown>): string | undefined {
  const types = entry.type;
  const enveloped =
    types === 'EnvelopedVerifiableCredential' ||
    (Array.isArray(types) && types.includes('EnvelopedVerifiableCredential'));
  if (!enveloped) return undefined;
  const extra = Object.keys(entry).filter((k) => k !== '@context' && k !== 'id' && k !== 'type');
  if (extra.length > 0)
    failW3c('W3C_ENVELOPE_INVALID', 'an enveloped credential carries unsigned properties');
  if (typeof entry.id !== 'string' || !entry.id.startsWith(ENVELOPED_VC_JWT_PREFIX)) {
    failW3c('W3C_ENVELOPE_INVALID', 'only data:application/vc+jwt enveloped credentials are supported');
  }
  const token = entry.id.slice(ENVELOPED_VC_JWT_PREFIX.length);
  if (token.length === 0) failW3c('W3C_ENVELOPE_INVALID', 'the enveloped credential is empty');
  return token;
}
