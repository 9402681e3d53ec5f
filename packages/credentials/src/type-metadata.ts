import type { ClaimPath } from '@haven/sd-jwt';

/** The locales every Haven type and claim is displayed in (BCP 47 tags, RFC 5646). */
export const METADATA_LOCALES = ['en', 'fr', 'ar'] as const;

/** One of {@link METADATA_LOCALES}. */
export type MetadataLocale = (typeof METADATA_LOCALES)[number];

/** A label (or name) and a description, in every locale. */
export type LocalizedText = Readonly<Record<MetadataLocale, readonly [label: string, description: string]>>;

/** SD-JWT VC Type Metadata §"Display Metadata": one entry per locale. */
export interface TypeDisplayMetadata {
  readonly locale: string;
  readonly name: string;
  readonly description?: string;
}

/** SD-JWT VC Type Metadata §"Claim Display Metadata". */
export interface ClaimDisplayMetadata {
  readonly locale: string;
  readonly label: string;
  readonly description?: string;
}

/** SD-JWT VC Type Metadata §"Claim Selective Disclosure Metadata". */
export type ClaimSdMetadata = 'always' | 'allowed' | 'never';

/**
 * SD-JWT VC Type Metadata §"Claim Metadata", plus one Haven extension: `sensitive: true` marks a claim a
 * wallet should hide by default and warn about before disclosing (a portrait is biometric data, GDPR
 * Art. 9). The draft lets documents carry extra members and tells consumers to ignore unknown ones.
 */
export interface ClaimMetadata {
  readonly path: ClaimPath;
  readonly display?: readonly ClaimDisplayMetadata[];
  readonly mandatory?: boolean;
  readonly sd?: ClaimSdMetadata;
  readonly sensitive?: boolean;
}

/** SD-JWT VC Type Metadata §"Type Metadata Format" (the members Haven uses). */
export interface TypeMetadata {
  readonly vct: string;
  readonly name?: string;
  readonly description?: string;
  readonly display?: readonly TypeDisplayMetadata[];
  readonly claims?: readonly ClaimMetadata[];
}

/**
 * The type-level `display` array, one entry per locale.
 *
 * @example
 * ```ts
 * typeDisplay({ en: ['Pass', 'A pass'], fr: ['Laissez-passer', 'Un laissez-passer'], ar: ['تصريح', 'تصريح مرور'] });
 * ```
 */
export function typeDisplay(text: LocalizedText): TypeDisplayMetadata[] {
  return METADATA_LOCALES.map((locale) => ({ locale, name: text[locale][0], description: text[locale][1] }));
}

/**
 * One claim metadata entry with display text in every locale. `sd` is always given: the draft
 * recommends `always` or `never` over the ambiguous default.
 *
 * @example
 * ```ts
 * claimMetadata(['job_title'], JOB_TITLE_TEXT, { sd: 'always', mandatory: true });
 * ```
 */
export function claimMetadata(
  path: ClaimPath,
  text: LocalizedText,
  options: { sd: ClaimSdMetadata; mandatory?: boolean; sensitive?: boolean },
): ClaimMetadata {
  return {
    path,
    display: METADATA_LOCALES.map((locale) => ({
      locale,
      label: text[locale][0],
      description: text[locale][1],
    })),
    ...(options.mandatory === true ? { mandatory: true } : {}),
    sd: options.sd,
    ...(options.sensitive === true ? { sensitive: true } : {}),
  };
}
