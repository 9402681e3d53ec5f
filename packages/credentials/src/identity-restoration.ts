import { decodeBase64Url, isBase64Url } from '@haven/core';
import type { DisclosureFrame } from '@haven/sd-jwt';
import { z } from 'zod';
import { AGE_THRESHOLDS, type AgeOverClaims, assertBornBy, deriveAgeOverClaims } from './age.js';
import { datesInOrder, zCalendarDate } from './calendar-date.js';
import { AGE_OVER_TEXTS, BIRTHDATE_TEXT, FAMILY_NAME_TEXT, GIVEN_NAME_TEXT } from './claim-display-text.js';
import { IDENTIFIER_MAX_LENGTH, LABEL_MAX_LENGTH, NAME_MAX_LENGTH, zClaimText } from './claim-text.js';
import { zCountryCode } from './country-codes.js';
import { type CredentialType, type DeriveClaimsOptions, vctFor } from './credential-type.js';
import { buildDisclosureFrame, type FrameLayout } from './disclosure-frame.js';
import { parseClaims } from './parse-claims.js';
import { claimMetadata, type TypeMetadata, typeDisplay } from './type-metadata.js';

/** Largest portrait accepted, in decoded bytes: an ICAO 9303 portrait is 15–20 KB; this leaves room. */
export const PORTRAIT_MAX_BYTES = 64 * 1024;
const PORTRAIT_MAX_CHARS = Math.ceil((PORTRAIT_MAX_BYTES * 4) / 3);

function isJpeg(text: string): boolean {
  if (!isBase64Url(text)) return false;
  const bytes = decodeBase64Url(text);
  // JPEG SOI marker followed by the start of a segment marker (ISO/IEC 10918-1 §B.1.1.3).
  return bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/**
 * The eIDAS levels of assurance (Regulation (EU) No 910/2014 Art. 8, Implementing Regulation 2015/1502)
 * of the identity proofing behind the credential.
 */
export const ASSURANCE_LEVELS = ['low', 'substantial', 'high'] as const;

/**
 * Place of birth as in the PID rulebook's SD-JWT VC encoding: at least one of `country` (ISO 3166-1
 * alpha-2), `region`, `locality`.
 */
export const zPlaceOfBirth = z
  .strictObject({
    country: zCountryCode.optional(),
    region: zClaimText(LABEL_MAX_LENGTH).optional(),
    locality: zClaimText(LABEL_MAX_LENGTH).optional(),
  })
  .refine((p) => p.country !== undefined || p.region !== undefined || p.locality !== undefined, {
    message: 'place_of_birth needs at least one of country, region, locality',
  });

/**
 * Claims a civil registry provides for an identity-restoration credential. Names follow the EU PID
 * rulebook's SD-JWT VC encoding (`given_name`, `family_name`, `birthdate`, `place_of_birth`,
 * `nationalities`, `issuing_authority`, `issuing_country`). Omit what is not known (a stateless person
 * has no `nationalities`; an unknown place of birth is left out), never fill in a placeholder.
 *
 * - `portrait`: optional JPEG, unpadded base64url (no `data:` prefix), at most {@link PORTRAIT_MAX_BYTES}.
 * - `restoration_date`: the day the registry established the identity; not before `birthdate`.
 * - `assurance_level`: eIDAS level of the identity proofing.
 *
 * @example
 * ```ts
 * const claims = zIdentityRestorationClaims.parse(IDENTITY_RESTORATION.template());
 * ```
 */
export const zIdentityRestorationClaims = z
  .strictObject({
    given_name: zClaimText(NAME_MAX_LENGTH),
    family_name: zClaimText(NAME_MAX_LENGTH),
    birthdate: zCalendarDate,
    place_of_birth: zPlaceOfBirth.optional(),
    nationalities: z
      .array(zCountryCode)
      .min(1)
      .max(8)
      .refine((list) => new Set(list).size === list.length, { message: 'nationalities repeat' })
      .optional(),
    portrait: z
      .string()
      // Abort on size before the JPEG check decodes anything.
      .max(PORTRAIT_MAX_CHARS, { abort: true })
      .refine(isJpeg, { message: 'portrait must be a base64url-encoded JPEG' })
      .optional(),
    restored_document_number: zClaimText(IDENTIFIER_MAX_LENGTH),
    issuing_authority: zClaimText(LABEL_MAX_LENGTH),
    issuing_country: zCountryCode,
    restoration_date: zCalendarDate,
    assurance_level: z.enum(ASSURANCE_LEVELS),
  })
  .superRefine((claims, ctx) => {
    if (!datesInOrder(claims.birthdate, claims.restoration_date)) {
      ctx.addIssue({
        code: 'custom',
        path: ['restoration_date'],
        message: 'restoration_date is before birthdate',
      });
    }
  });

/** Claims an issuer provides for an identity-restoration credential. */
export type IdentityRestorationClaims = z.output<typeof zIdentityRestorationClaims>;

/** The claims of an issued identity-restoration credential: provided plus derived `age_over_NN`. */
export type IdentityRestorationIssuedClaims = IdentityRestorationClaims & AgeOverClaims;

const AGE_OVER_CLAIMS = AGE_THRESHOLDS.map((age) => `age_over_${age}` as const);

const LAYOUT: FrameLayout = {
  claims: [
    'given_name',
    'family_name',
    'birthdate',
    'place_of_birth',
    'nationalities',
    'portrait',
    'restored_document_number',
    'issuing_authority',
    'issuing_country',
    'restoration_date',
    'assurance_level',
    ...AGE_OVER_CLAIMS,
  ],
  recursive: { place_of_birth: ['country', 'region', 'locality'] },
  arrays: ['nationalities'],
};

function buildTypeMetadata(vct: string): TypeMetadata {
  const always = { sd: 'always' } as const;
  const required = { sd: 'always', mandatory: true } as const;
  return {
    vct,
    // Public with the vct (anyone can fetch it): as neutral as the vct itself.
    name: 'Haven civil identity',
    description: 'Identity attested by a civil registry or ministry, PID-aligned claim names.',
    display: typeDisplay({
      en: ['Civil identity', 'Identity attested by a civil registry or a ministry'],
      fr: ['Identité civile', "Identité attestée par un service d'état civil ou un ministère"],
      ar: ['الهوية المدنية', 'هوية يشهد بها سجلّ مدني أو وزارة'],
    }),
    claims: [
      claimMetadata(['given_name'], GIVEN_NAME_TEXT, required),
      claimMetadata(['family_name'], FAMILY_NAME_TEXT, required),
      claimMetadata(['birthdate'], BIRTHDATE_TEXT, required),
      claimMetadata(
        ['place_of_birth'],
        {
          en: ['Place of birth', 'Where the holder was born'],
          fr: ['Lieu de naissance', 'Lieu où le titulaire est né'],
          ar: ['مكان الميلاد', 'المكان الذي وُلد فيه صاحب الوثيقة'],
        },
        always,
      ),
      claimMetadata(
        ['place_of_birth', 'country'],
        {
          en: ['Country of birth', 'Country of birth (ISO 3166-1 code)'],
          fr: ['Pays de naissance', 'Pays de naissance (code ISO 3166-1)'],
          ar: ['بلد الميلاد', 'بلد الميلاد (رمز ISO 3166-1)'],
        },
        always,
      ),
      claimMetadata(
        ['place_of_birth', 'region'],
        {
          en: ['Region of birth', 'State, province or region of birth'],
          fr: ['Région de naissance', 'État, province ou région de naissance'],
          ar: ['منطقة الميلاد', 'الولاية أو المحافظة أو المنطقة التي وُلد فيها صاحب الوثيقة'],
        },
        always,
      ),
      claimMetadata(
        ['place_of_birth', 'locality'],
        {
          en: ['Town or city of birth', 'Town, city or village of birth'],
          fr: ['Commune de naissance', 'Ville, commune ou village de naissance'],
          ar: ['مدينة أو بلدة الميلاد', 'المدينة أو البلدة أو القرية التي وُلد فيها صاحب الوثيقة'],
        },
        always,
      ),
      claimMetadata(
        ['nationalities'],
        {
          en: ['Nationalities', 'Countries of nationality (ISO 3166-1 codes)'],
          fr: ['Nationalités', 'Pays dont le titulaire a la nationalité (codes ISO 3166-1)'],
          ar: ['الجنسيات', 'البلدان التي يحمل صاحب الوثيقة جنسيتها (رموز ISO 3166-1)'],
        },
        always,
      ),
      claimMetadata(
        ['nationalities', null],
        {
          en: ['Nationality', 'One country of nationality (ISO 3166-1 code)'],
          fr: ['Nationalité', 'Un pays de nationalité (code ISO 3166-1)'],
          ar: ['الجنسية', 'بلد جنسية واحد (رمز ISO 3166-1)'],
        },
        always,
      ),
      claimMetadata(
        ['portrait'],
        {
          en: ['Portrait', 'Photograph of the holder’s face (JPEG)'],
          fr: ['Photographie', 'Photographie du visage du titulaire (JPEG)'],
          ar: ['الصورة الشخصية', 'صورة وجه صاحب الوثيقة (JPEG)'],
        },
        // A face image is biometric data (GDPR Art. 9): wallets hide it by default and warn before
        // disclosing it.
        { sd: 'always', sensitive: true },
      ),
      claimMetadata(
        ['restored_document_number'],
        {
          en: ['Document number', 'Number of the identity document issued or renewed'],
          fr: ['Numéro du document', "Numéro de la pièce d'identité délivrée ou renouvelée"],
          ar: ['رقم الوثيقة', 'رقم وثيقة الهوية الصادرة أو المُجدَّدة'],
        },
        required,
      ),
      claimMetadata(
        ['issuing_authority'],
        {
          en: ['Issuing authority', 'Civil registry or ministry that attests this identity'],
          fr: ['Autorité de délivrance', "Service d'état civil ou ministère qui atteste cette identité"],
          ar: ['الجهة المُصدِرة', 'السجلّ المدني أو الوزارة التي تشهد بهذه الهوية'],
        },
        required,
      ),
      claimMetadata(
        ['issuing_country'],
        {
          en: ['Issuing country', 'Country of the issuing authority (ISO 3166-1 code)'],
          fr: ['Pays de délivrance', "Pays de l'autorité de délivrance (code ISO 3166-1)"],
          ar: ['بلد الإصدار', 'بلد الجهة المُصدِرة (رمز ISO 3166-1)'],
        },
        required,
      ),
      claimMetadata(
        ['restoration_date'],
        {
          en: ['Date established', 'Date on which the issuer established this identity'],
          fr: ["Date d'établissement", "Date à laquelle l'émetteur a établi cette identité"],
          ar: ['تاريخ الإثبات', 'التاريخ الذي أثبتت فيه الجهة المُصدِرة هذه الهوية'],
        },
        required,
      ),
      claimMetadata(
        ['assurance_level'],
        {
          en: [
            'Level of assurance',
            'eIDAS level of assurance of the identity proofing: low, substantial or high',
          ],
          fr: [
            'Niveau de garantie',
            "Niveau de garantie eIDAS de la vérification d'identité : faible, substantiel ou élevé",
          ],
          ar: ['مستوى الضمان', 'مستوى الضمان وفق لائحة eIDAS للتحقق من الهوية: منخفض أو جوهري أو عالٍ'],
        },
        required,
      ),
      ...AGE_OVER_TEXTS.map(([age, text]) => claimMetadata([`age_over_${age}`], text, required)),
    ],
  };
}

/** Options of `IDENTITY_RESTORATION.deriveClaims`. */
export type IdentityRestorationDeriveOptions = DeriveClaimsOptions;

/**
 * The identity-restoration credential type (`vct` `https://haven.example/vct/civil-identity/v1`, neutral on
 * purpose: the vct is visible to every verifier).
 * Derived claims: `age_over_14`, `_16`, `_18`, `_21`, `_65` at `now`. No `age_in_years` or
 * `age_birth_year`: they reveal nearly as much as the birth date and go stale within a year.
 *
 * @example
 * ```ts
 * const claims = IDENTITY_RESTORATION.deriveClaims(input, { now: new Date() });
 * claims.age_over_18; // boolean
 * const frame = IDENTITY_RESTORATION.disclosureFrame(claims);
 * ```
 */
export const IDENTITY_RESTORATION: CredentialType<
  'identity-restoration',
  IdentityRestorationClaims,
  IdentityRestorationIssuedClaims,
  IdentityRestorationDeriveOptions
> = {
  id: 'identity-restoration',
  vct: vctFor('identity-restoration'),
  schema: zIdentityRestorationClaims,
  derivedClaimNames: AGE_OVER_CLAIMS,
  typeMetadata: buildTypeMetadata(vctFor('identity-restoration')),
  deriveClaims(input, { now }) {
    const claims = parseClaims(zIdentityRestorationClaims, input, 'identity-restoration');
    assertBornBy(claims.birthdate, now);
    return { ...claims, ...deriveAgeOverClaims(claims.birthdate, now) };
  },
  disclosureFrame(claims): DisclosureFrame {
    return buildDisclosureFrame(claims as Record<string, unknown>, LAYOUT);
  },
  template() {
    return {
      given_name: 'Amal',
      family_name: 'Specimen',
      birthdate: '1990-04-12',
      place_of_birth: { country: 'SN', locality: 'Specimen Town (fictional)' },
      nationalities: ['SN'],
      restored_document_number: 'SPECIMEN-ID-0001',
      issuing_authority: 'Specimen Civil Registry (fictional)',
      issuing_country: 'SN',
      restoration_date: '2026-01-15',
      assurance_level: 'substantial',
    };
  },
};
