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

/**
 * Registration statuses, after UNHCR's population categories:
 * - `asylum_seeker`: has applied for international protection, not yet decided;
 * - `refugee`: recognised individually (1951 Convention, regional instruments or UNHCR mandate);
 * - `prima_facie_refugee`: recognised as part of a group, on the readily apparent circumstances of flight;
 * - `temporary_protection`: under a temporary protection regime (e.g. EU Directive 2001/55/EC);
 * - `stateless`: registered as a stateless person (1954 Convention);
 * - `other`: another category the agency registers (e.g. others of concern), named in its own records.
 */
export const REFUGEE_STATUSES = [
  'asylum_seeker',
  'refugee',
  'prima_facie_refugee',
  'temporary_protection',
  'stateless',
  'other',
] as const;

/** Largest household a registration may record (far above real households; catches typos). */
export const HOUSEHOLD_SIZE_MAX = 50;

/**
 * Claims a registration agency provides for a refugee-registration credential. `country_of_origin` is the
 * country of nationality, or for a stateless person of former habitual residence (ISO 3166-1 alpha-2).
 * Registries often record an unknown birth day as 1 January; that is the registry's fact to sign.
 * `birthdate` ≤ `registration_date` ≤ `valid_until`.
 *
 * @example
 * ```ts
 * const claims = zRefugeeRegistrationClaims.parse(REFUGEE_REGISTRATION.template());
 * ```
 */
export const zRefugeeRegistrationClaims = z
  .strictObject({
    registration_number: zClaimText(IDENTIFIER_MAX_LENGTH),
    given_name: zClaimText(NAME_MAX_LENGTH),
    family_name: zClaimText(NAME_MAX_LENGTH),
    birthdate: zCalendarDate,
    country_of_origin: zCountryCode,
    registration_date: zCalendarDate,
    // Not `status`: that name is the registered JWT claim for the credential's status-list entry
    // (SD-JWT VC §"Registered JWT Claims", Token Status List §"Referenced Token"), never selectively
    // disclosable: a claim of ours under that name would collide with it.
    protection_status: z.enum(REFUGEE_STATUSES),
    registering_office: zClaimText(LABEL_MAX_LENGTH),
    household_size: z.int().min(1).max(HOUSEHOLD_SIZE_MAX),
    valid_until: zCalendarDate,
  })
  .superRefine((claims, ctx) => {
    if (!datesInOrder(claims.birthdate, claims.registration_date)) {
      ctx.addIssue({
        code: 'custom',
        path: ['registration_date'],
        message: 'registration_date is before birthdate',
      });
    }
    if (!datesInOrder(claims.registration_date, claims.valid_until)) {
      ctx.addIssue({
        code: 'custom',
        path: ['valid_until'],
        message: 'valid_until is before registration_date',
      });
    }
  });

/** Claims an issuer provides for a refugee-registration credential. */
export type RefugeeRegistrationClaims = z.output<typeof zRefugeeRegistrationClaims>;

/** The claims of an issued refugee-registration credential: provided plus derived `age_over_NN`. */
export type RefugeeRegistrationIssuedClaims = RefugeeRegistrationClaims & AgeOverClaims;

/** Options of `REFUGEE_REGISTRATION.deriveClaims`. */
export type RefugeeRegistrationDeriveOptions = DeriveClaimsOptions;

const AGE_OVER_CLAIMS = AGE_THRESHOLDS.map((age) => `age_over_${age}` as const);

const LAYOUT: FrameLayout = {
  claims: [
    'registration_number',
    'given_name',
    'family_name',
    'birthdate',
    'country_of_origin',
    'registration_date',
    'protection_status',
    'registering_office',
    'household_size',
    'valid_until',
    ...AGE_OVER_CLAIMS,
  ],
};

function buildTypeMetadata(vct: string): TypeMetadata {
  const required = { sd: 'always', mandatory: true } as const;
  return {
    vct,
    name: 'Haven refugee registration',
    description: 'Registration of a refugee, asylum seeker or stateless person by a registration agency.',
    display: typeDisplay({
      en: ['Refugee registration', 'Registration with a refugee or asylum agency'],
      fr: [
        'Enregistrement de réfugié',
        "Enregistrement auprès d'un organisme chargé des réfugiés ou de l'asile",
      ],
      ar: ['تسجيل اللاجئ', 'التسجيل لدى جهة معنية باللاجئين أو باللجوء'],
    }),
    claims: [
      claimMetadata(
        ['registration_number'],
        {
          en: ['Registration number', 'Individual registration number given by the agency'],
          fr: ["Numéro d'enregistrement", "Numéro d'enregistrement individuel attribué par l'organisme"],
          ar: ['رقم التسجيل', 'رقم التسجيل الفردي الذي منحته الجهة'],
        },
        required,
      ),
      claimMetadata(['given_name'], GIVEN_NAME_TEXT, required),
      claimMetadata(['family_name'], FAMILY_NAME_TEXT, required),
      claimMetadata(['birthdate'], BIRTHDATE_TEXT, required),
      claimMetadata(
        ['country_of_origin'],
        {
          en: [
            'Country of origin',
            'Country of nationality or, for a stateless person, of former habitual residence',
          ],
          fr: [
            "Pays d'origine",
            "Pays de nationalité ou, pour une personne apatride, de l'ancienne résidence habituelle",
          ],
          ar: ['بلد المنشأ', 'بلد الجنسية، أو بلد الإقامة المعتادة السابقة بالنسبة إلى عديم الجنسية'],
        },
        required,
      ),
      claimMetadata(
        ['registration_date'],
        {
          en: ['Registration date', 'Date the holder was registered'],
          fr: ["Date d'enregistrement", 'Date à laquelle le titulaire a été enregistré'],
          ar: ['تاريخ التسجيل', 'التاريخ الذي سُجّل فيه صاحب الوثيقة'],
        },
        required,
      ),
      claimMetadata(
        ['protection_status'],
        {
          en: [
            'Status',
            'Asylum seeker, refugee, prima facie refugee, temporary protection, stateless person or other',
          ],
          fr: [
            'Statut',
            "Demandeur d'asile, réfugié, réfugié prima facie, protection temporaire, personne apatride ou autre",
          ],
          ar: [
            'الوضع',
            'طالب لجوء، أو لاجئ، أو لاجئ على أساس الظاهر (prima facie)، أو مستفيد من الحماية المؤقتة، أو عديم الجنسية، أو غير ذلك',
          ],
        },
        required,
      ),
      claimMetadata(
        ['registering_office'],
        {
          en: ['Registering office', 'Office where the registration was made'],
          fr: ["Bureau d'enregistrement", "Bureau où l'enregistrement a été effectué"],
          ar: ['مكتب التسجيل', 'المكتب الذي جرى فيه التسجيل'],
        },
        required,
      ),
      claimMetadata(
        ['household_size'],
        {
          en: ['Household size', 'Number of people in the registered household, including the holder'],
          fr: ['Taille du ménage', 'Nombre de personnes du ménage enregistré, titulaire compris'],
          ar: ['عدد أفراد الأسرة', 'عدد الأشخاص في الأسرة المسجّلة، بمن فيهم صاحب الوثيقة'],
        },
        required,
      ),
      claimMetadata(
        ['valid_until'],
        {
          en: ['Valid until', 'Last day on which the registration is valid'],
          fr: ["Valable jusqu'au", "Dernier jour de validité de l'enregistrement"],
          ar: ['صالح حتى', 'آخر يوم يكون فيه التسجيل ساري المفعول'],
        },
        required,
      ),
      ...AGE_OVER_TEXTS.map(([age, text]) => claimMetadata([`age_over_${age}`], text, required)),
    ],
  };
}

/**
 * The refugee-registration credential type (`vct` `https://haven.example/vct/refugee-registration/v1`).
 * Derived claims: `age_over_14`, `_16`, `_18`, `_21`, `_65` at `now`, as for identity restoration.
 *
 * @example
 * ```ts
 * const claims = REFUGEE_REGISTRATION.deriveClaims(input, { now: new Date() });
 * const frame = REFUGEE_REGISTRATION.disclosureFrame(claims);
 * ```
 */
export const REFUGEE_REGISTRATION: CredentialType<
  'refugee-registration',
  RefugeeRegistrationClaims,
  RefugeeRegistrationIssuedClaims,
  RefugeeRegistrationDeriveOptions
> = {
  id: 'refugee-registration',
  vct: vctFor('refugee-registration'),
  schema: zRefugeeRegistrationClaims,
  derivedClaimNames: AGE_OVER_CLAIMS,
  typeMetadata: buildTypeMetadata(vctFor('refugee-registration')),
  deriveClaims(input, { now }) {
    const claims = parseClaims(zRefugeeRegistrationClaims, input, 'refugee-registration');
    assertBornBy(claims.birthdate, now);
    return { ...claims, ...deriveAgeOverClaims(claims.birthdate, now) };
  },
  disclosureFrame(claims): DisclosureFrame {
    return buildDisclosureFrame(claims as Record<string, unknown>, LAYOUT);
  },
  template() {
    return {
      registration_number: 'SPECIMEN-REG-0001',
      given_name: 'Yusuf',
      family_name: 'Specimen',
      birthdate: '1988-07-01',
      country_of_origin: 'SD',
      registration_date: '2026-01-20',
      protection_status: 'refugee',
      registering_office: 'Specimen Registration Office (fictional)',
      household_size: 3,
      valid_until: '2028-01-19',
    };
  },
};
