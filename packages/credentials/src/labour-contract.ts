import type { DisclosureFrame } from '@haven/sd-jwt';
import { z } from 'zod';
import { datesInOrder, zCalendarDate } from './calendar-date.js';
import { ADDRESS_MEMBER_TEXT } from './claim-display-text.js';
import { IDENTIFIER_MAX_LENGTH, LABEL_MAX_LENGTH, zClaimText } from './claim-text.js';
import { zCurrencyCode } from './country-codes.js';
import { type CredentialType, type DeriveClaimsOptions, vctFor } from './credential-type.js';
import {
  compareDecimalAmounts,
  isZeroAmount,
  zDecimalAmount,
  zPositiveDecimalAmount,
} from './decimal-amount.js';
import { buildDisclosureFrame, type FrameLayout } from './disclosure-frame.js';
import { failCredentials } from './errors.js';
import { parseClaims } from './parse-claims.js';
import { POSTAL_ADDRESS_MEMBERS, zPostalAddress } from './postal-address.js';
import { claimMetadata, type LocalizedText, type TypeMetadata, typeDisplay } from './type-metadata.js';

/**
 * ISIC Rev. 4 section letters (UN Statistics Division, 2008): `A` agriculture … `C` manufacturing … `F`
 * construction … `I` accommodation and food … `T` households as employers (domestic work) … `U`
 * extraterritorial bodies. A section letter, not free text: an inspector filters on it in any language,
 * it is coarse enough not to single out a small employer, and the sectors with most forced labour
 * (A, C, F, I, T) are each one letter. Rev. 4 rather than Rev. 5 (2024) because that is what ILOSTAT and
 * most labour statistics still use.
 */
export const ISIC_SECTIONS = [
  'A',
  'B',
  'C',
  'D',
  'E',
  'F',
  'G',
  'H',
  'I',
  'J',
  'K',
  'L',
  'M',
  'N',
  'O',
  'P',
  'Q',
  'R',
  'S',
  'T',
  'U',
] as const;

/** Pay periods a wage may be quoted for. */
export const WAGE_PERIODS = ['hour', 'day', 'week', 'month', 'year'] as const;

/**
 * A wage: a positive decimal-string amount (see `zDecimalAmount`: no float rounding), an ISO 4217
 * currency and the period it is paid for. Gross pay, as agreed in the contract.
 *
 * @example
 * ```ts
 * zWage.parse({ amount: '1850.00', currency: 'EUR', period: 'month' });
 * ```
 */
export const zWage = z.strictObject({
  amount: zPositiveDecimalAmount,
  currency: zCurrencyCode,
  period: z.enum(WAGE_PERIODS),
});

/** A wage as validated by {@link zWage}. */
export type Wage = z.output<typeof zWage>;

/**
 * Money the worker paid to be recruited (fees and related costs, ILO General principles and operational
 * guidelines for fair recruitment, 2019): zero is the lawful answer, and must be stated, not omitted.
 */
export const zMoneyAmount = z.strictObject({ amount: zDecimalAmount, currency: zCurrencyCode });

/**
 * Digest of the full signed contract document, so an inspector can check a paper or PDF contract
 * against the credential without the credential carrying the contract. SHA-256 only (32 bytes, unpadded
 * base64url — 43 characters).
 */
export const zContractDocumentDigest = z.strictObject({
  alg: z.literal('sha-256'),
  value: z.string().regex(/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/),
});

/**
 * Claims an employer or labour authority provides for a labour-contract credential. The worker is not
 * named: the credential is bound to the holder's key, and `worker_reference` is the employer's own file
 * number. `end_date` (fixed-term only) is not before `start_date`; `hours_per_week` is in (0, 168].
 *
 * @example
 * ```ts
 * const claims = zLabourContractClaims.parse(LABOUR_CONTRACT.template());
 * ```
 */
export const zLabourContractClaims = z
  .strictObject({
    employer_name: zClaimText(LABEL_MAX_LENGTH),
    employer_id: zClaimText(IDENTIFIER_MAX_LENGTH),
    worker_reference: zClaimText(IDENTIFIER_MAX_LENGTH),
    job_title: zClaimText(LABEL_MAX_LENGTH),
    sector: z.enum(ISIC_SECTIONS),
    workplace: zPostalAddress,
    start_date: zCalendarDate,
    end_date: zCalendarDate.optional(),
    wage: zWage,
    hours_per_week: z.number().gt(0).lte(168),
    contract_document_digest: zContractDocumentDigest,
    recruitment_fees_paid_by_worker: zMoneyAmount,
    worker_keeps_identity_documents: z.boolean(),
  })
  .superRefine((claims, ctx) => {
    if (claims.end_date !== undefined && !datesInOrder(claims.start_date, claims.end_date)) {
      ctx.addIssue({ code: 'custom', path: ['end_date'], message: 'end_date is before start_date' });
    }
  });

/** Claims an issuer provides for a labour-contract credential. */
export type LabourContractClaims = z.output<typeof zLabourContractClaims>;

/** Derived claims of a labour-contract credential. */
export interface LabourContractDerivedClaims {
  /** True when `recruitment_fees_paid_by_worker.amount` is zero. */
  no_recruitment_fees_paid: boolean;
  /** Present only when the issuer gave a legal minimum in the same currency and period as the wage. */
  wage_meets_legal_minimum?: boolean;
}

/** The claims of an issued labour-contract credential. */
export type LabourContractIssuedClaims = LabourContractClaims & LabourContractDerivedClaims;

/** Options of `LABOUR_CONTRACT.deriveClaims`. */
export interface LabourContractDeriveOptions extends DeriveClaimsOptions {
  /**
   * The legal minimum wage that applies to this contract, as the issuer determined it (country, sector,
   * age and hours are the issuer's to weigh). `wage_meets_legal_minimum` is derived only when its
   * currency and period equal the wage's: converting an hourly minimum to a monthly one depends on
   * national rules on hours and overtime, so Haven does not guess; the claim is then left out.
   */
  readonly legalMinimumWage?: Wage;
}

const LAYOUT: FrameLayout = {
  claims: [
    'employer_name',
    'employer_id',
    'worker_reference',
    'job_title',
    'sector',
    'workplace',
    'start_date',
    'end_date',
    'wage',
    'hours_per_week',
    'contract_document_digest',
    'recruitment_fees_paid_by_worker',
    'worker_keeps_identity_documents',
    'no_recruitment_fees_paid',
    'wage_meets_legal_minimum',
  ],
  // The workplace members are disclosable one by one: some checks need only the country or the town.
  // wage, the digest and the fee are atomic (an amount means nothing without its currency).
  recursive: { workplace: POSTAL_ADDRESS_MEMBERS },
};

const AMOUNT_TEXT: LocalizedText = {
  en: ['Amount', 'Decimal amount'],
  fr: ['Montant', 'Montant décimal'],
  ar: ['المبلغ', 'المبلغ بالأرقام العشرية'],
};
const CURRENCY_TEXT: LocalizedText = {
  en: ['Currency', 'Currency (ISO 4217 code)'],
  fr: ['Devise', 'Devise (code ISO 4217)'],
  ar: ['العملة', 'العملة (رمز ISO 4217)'],
};

function buildTypeMetadata(vct: string): TypeMetadata {
  const always = { sd: 'always' } as const;
  const required = { sd: 'always', mandatory: true } as const;
  // Members of atomic objects travel inside their parent's disclosure: not separately disclosable.
  const inside = { sd: 'never', mandatory: true } as const;
  return {
    vct,
    name: 'Haven labour contract',
    description: 'Main terms of an employment contract, attested by the employer or a labour authority.',
    display: typeDisplay({
      en: [
        'Employment contract',
        'Main terms of an employment contract, attested by the employer or a labour authority',
      ],
      fr: [
        'Contrat de travail',
        "Principales conditions d'un contrat de travail, attestées par l'employeur ou une autorité du travail",
      ],
      ar: ['عقد العمل', 'الشروط الأساسية لعقد عمل، يشهد بها صاحب العمل أو سلطة العمل'],
    }),
    claims: [
      claimMetadata(
        ['employer_name'],
        {
          en: ['Employer', 'Legal name of the employer'],
          fr: ['Employeur', "Raison sociale de l'employeur"],
          ar: ['صاحب العمل', 'الاسم القانوني لصاحب العمل'],
        },
        required,
      ),
      claimMetadata(
        ['employer_id'],
        {
          en: ['Employer identifier', 'Company registration or tax number of the employer'],
          fr: [
            "Identifiant de l'employeur",
            "Numéro d'immatriculation ou d'identification fiscale de l'employeur",
          ],
          ar: ['رقم تعريف صاحب العمل', 'رقم السجل التجاري أو الرقم الضريبي لصاحب العمل'],
        },
        required,
      ),
      claimMetadata(
        ['worker_reference'],
        {
          en: ['Worker reference', 'The employer’s reference for the worker (staff or file number)'],
          fr: [
            'Référence du salarié',
            'Référence du salarié chez l’employeur (matricule ou numéro de dossier)',
          ],
          ar: ['الرقم المرجعي للعامل', 'رقم العامل لدى صاحب العمل (الرقم الوظيفي أو رقم الملف)'],
        },
        required,
      ),
      claimMetadata(
        ['job_title'],
        {
          en: ['Job title', 'Position held under the contract'],
          fr: ['Intitulé du poste', 'Poste occupé en vertu du contrat'],
          ar: ['المسمّى الوظيفي', 'الوظيفة التي يشغلها العامل بموجب العقد'],
        },
        required,
      ),
      claimMetadata(
        ['sector'],
        {
          en: ['Sector', 'Economic activity, as an ISIC Rev. 4 section letter'],
          fr: [
            'Secteur d’activité',
            'Activité économique, sous forme de lettre de section de la CITI rév. 4',
          ],
          ar: ['القطاع', 'النشاط الاقتصادي، بحرف القسم في التصنيف الصناعي الدولي الموحّد (التنقيح الرابع)'],
        },
        required,
      ),
      claimMetadata(
        ['workplace'],
        {
          en: ['Workplace', 'Address where the work is performed'],
          fr: ['Lieu de travail', 'Adresse où le travail est effectué'],
          ar: ['مكان العمل', 'العنوان الذي يُؤدّى فيه العمل'],
        },
        required,
      ),
      ...POSTAL_ADDRESS_MEMBERS.map((member) =>
        claimMetadata(['workplace', member], ADDRESS_MEMBER_TEXT[member] as LocalizedText, {
          sd: 'always',
          mandatory: member === 'locality' || member === 'country',
        }),
      ),
      claimMetadata(
        ['start_date'],
        {
          en: ['Start date', 'First day of employment'],
          fr: ['Date de début', "Premier jour d'emploi"],
          ar: ['تاريخ البدء', 'أول يوم عمل'],
        },
        required,
      ),
      claimMetadata(
        ['end_date'],
        {
          en: ['End date', 'Last day of employment, for a fixed-term contract'],
          fr: ['Date de fin', "Dernier jour d'emploi, pour un contrat à durée déterminée"],
          ar: ['تاريخ الانتهاء', 'آخر يوم عمل، في العقد محدّد المدة'],
        },
        always,
      ),
      claimMetadata(
        ['wage'],
        {
          en: ['Wage', 'Agreed gross pay: amount, currency and period'],
          fr: ['Salaire', 'Rémunération brute convenue : montant, devise et période'],
          ar: ['الأجر', 'الأجر الإجمالي المتفق عليه: المبلغ والعملة والفترة'],
        },
        required,
      ),
      claimMetadata(['wage', 'amount'], AMOUNT_TEXT, inside),
      claimMetadata(['wage', 'currency'], CURRENCY_TEXT, inside),
      claimMetadata(
        ['wage', 'period'],
        {
          en: ['Pay period', 'hour, day, week, month or year'],
          fr: ['Période de paie', 'heure, jour, semaine, mois ou année'],
          ar: ['فترة الأجر', 'ساعة أو يوم أو أسبوع أو شهر أو سنة'],
        },
        inside,
      ),
      claimMetadata(
        ['hours_per_week'],
        {
          en: ['Hours per week', 'Agreed normal working hours per week'],
          fr: ['Heures par semaine', 'Durée normale de travail hebdomadaire convenue'],
          ar: ['ساعات العمل الأسبوعية', 'ساعات العمل العادية المتفق عليها في الأسبوع'],
        },
        required,
      ),
      claimMetadata(
        ['contract_document_digest'],
        {
          en: ['Contract fingerprint', 'SHA-256 digest of the full signed contract document'],
          fr: ['Empreinte du contrat', 'Condensat SHA-256 du contrat signé complet'],
          ar: ['البصمة الرقمية للعقد', 'ملخّص SHA-256 لوثيقة العقد الموقّعة كاملةً'],
        },
        required,
      ),
      claimMetadata(
        ['contract_document_digest', 'alg'],
        {
          en: ['Algorithm', 'Digest algorithm (sha-256)'],
          fr: ['Algorithme', 'Algorithme de condensation (sha-256)'],
          ar: ['الخوارزمية', 'خوارزمية الملخّص (sha-256)'],
        },
        inside,
      ),
      claimMetadata(
        ['contract_document_digest', 'value'],
        {
          en: ['Digest value', 'Digest, base64url-encoded'],
          fr: ['Valeur du condensat', 'Condensat encodé en base64url'],
          ar: ['قيمة الملخّص', 'الملخّص بترميز base64url'],
        },
        inside,
      ),
      claimMetadata(
        ['recruitment_fees_paid_by_worker'],
        {
          en: [
            'Recruitment fees paid by the worker',
            'Fees or costs the worker paid to be recruited (ILO: none)',
          ],
          fr: [
            'Frais de recrutement payés par le travailleur',
            "Frais ou coûts payés par le travailleur pour être recruté (OIT : aucun ne devrait l'être)",
          ],
          ar: [
            'رسوم التوظيف التي دفعها العامل',
            'الرسوم أو التكاليف التي دفعها العامل مقابل توظيفه (منظمة العمل الدولية: لا يجوز تحميله أيًّا منها)',
          ],
        },
        required,
      ),
      claimMetadata(['recruitment_fees_paid_by_worker', 'amount'], AMOUNT_TEXT, inside),
      claimMetadata(['recruitment_fees_paid_by_worker', 'currency'], CURRENCY_TEXT, inside),
      claimMetadata(
        ['worker_keeps_identity_documents'],
        {
          en: [
            'Worker keeps own identity documents',
            'Whether the worker, not the employer, keeps their passport and identity documents',
          ],
          fr: [
            "Le travailleur conserve ses pièces d'identité",
            "Indique si le travailleur, et non l'employeur, garde son passeport et ses pièces d'identité",
          ],
          ar: [
            'يحتفظ العامل بوثائق هويته',
            'يبيّن ما إذا كان العامل، لا صاحب العمل، هو من يحتفظ بجواز سفره ووثائق هويته',
          ],
        },
        required,
      ),
      claimMetadata(
        ['no_recruitment_fees_paid'],
        {
          en: ['No recruitment fees paid', 'True when the worker paid no recruitment fees or costs'],
          fr: [
            'Aucuns frais de recrutement payés',
            "Vrai si le travailleur n'a payé aucuns frais ni coûts de recrutement",
          ],
          ar: ['لم تُدفع رسوم توظيف', 'صحيح إذا لم يدفع العامل أي رسوم أو تكاليف توظيف'],
        },
        required,
      ),
      claimMetadata(
        ['wage_meets_legal_minimum'],
        {
          en: [
            'Wage at or above the legal minimum',
            'Whether the wage is at least the legal minimum the issuer applied, in the same currency and period',
          ],
          fr: [
            'Salaire au moins égal au minimum légal',
            "Indique si le salaire atteint au moins le minimum légal appliqué par l'émetteur, pour la même devise et la même période",
          ],
          ar: [
            'الأجر لا يقل عن الحد الأدنى القانوني',
            'يبيّن ما إذا كان الأجر يساوي على الأقل الحد الأدنى القانوني الذي طبّقته الجهة المُصدِرة، بالعملة نفسها وللفترة نفسها',
          ],
        },
        always,
      ),
    ],
  };
}

/**
 * The labour-contract credential type (`vct` `https://haven.example/vct/labour-contract/v1`). Derived
 * claims: `no_recruitment_fees_paid` (always) and `wage_meets_legal_minimum` (only with a comparable
 * `legalMinimumWage`), so an inspector can check both without learning the amounts.
 *
 * @example
 * ```ts
 * const claims = LABOUR_CONTRACT.deriveClaims(input, {
 *   now: new Date(),
 *   legalMinimumWage: { amount: '1801.80', currency: 'EUR', period: 'month' },
 * });
 * claims.wage_meets_legal_minimum; // true | false
 * ```
 */
export const LABOUR_CONTRACT: CredentialType<
  'labour-contract',
  LabourContractClaims,
  LabourContractIssuedClaims,
  LabourContractDeriveOptions
> = {
  id: 'labour-contract',
  vct: vctFor('labour-contract'),
  schema: zLabourContractClaims,
  derivedClaimNames: ['no_recruitment_fees_paid', 'wage_meets_legal_minimum'],
  typeMetadata: buildTypeMetadata(vctFor('labour-contract')),
  deriveClaims(input, options) {
    const claims = parseClaims(zLabourContractClaims, input, 'labour-contract');
    let minimum: Wage | undefined;
    if (options.legalMinimumWage !== undefined) {
      const parsed = zWage.safeParse(options.legalMinimumWage);
      if (!parsed.success) {
        failCredentials('CREDENTIAL_OPTIONS_INVALID', 'legalMinimumWage is not a valid wage');
      }
      minimum = parsed.data;
    }
    const derived: LabourContractDerivedClaims = {
      no_recruitment_fees_paid: isZeroAmount(claims.recruitment_fees_paid_by_worker.amount),
    };
    if (
      minimum !== undefined &&
      minimum.currency === claims.wage.currency &&
      minimum.period === claims.wage.period
    ) {
      derived.wage_meets_legal_minimum = compareDecimalAmounts(claims.wage.amount, minimum.amount) >= 0;
    }
    return { ...claims, ...derived };
  },
  disclosureFrame(claims): DisclosureFrame {
    return buildDisclosureFrame(claims as Record<string, unknown>, LAYOUT);
  },
  template() {
    return {
      employer_name: 'Specimen Textiles Ltd (fictional)',
      employer_id: 'SPECIMEN-REG-0001',
      worker_reference: 'SPECIMEN-W-0001',
      job_title: 'Sewing machine operator',
      sector: 'C',
      workplace: {
        street_address: '1 Specimen Street',
        locality: 'Specimen Town (fictional)',
        postal_code: '00000',
        country: 'FR',
      },
      start_date: '2026-02-01',
      end_date: '2027-01-31',
      wage: { amount: '1850.00', currency: 'EUR', period: 'month' },
      hours_per_week: 35,
      // SHA-256 of the text 'Haven specimen labour contract (fictional)'.
      contract_document_digest: { alg: 'sha-256', value: 'n1Hz3slP2OeddQe4tYf9xk2QDF8Of7gErbWX4tXBrSc' },
      recruitment_fees_paid_by_worker: { amount: '0', currency: 'EUR' },
      worker_keeps_identity_documents: true,
    };
  },
};
