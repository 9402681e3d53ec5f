import { AGE_THRESHOLDS, type AgeThreshold } from './age.js';
import type { LocalizedText } from './type-metadata.js';

// Display text shared by several credential types. Written to be neutral: a wallet shows these labels to
// the holder and a verifier's screen may show them to staff, so nothing here says how or why an identity
// was re-established.

/** Given names (PID `given_name`). */
export const GIVEN_NAME_TEXT: LocalizedText = {
  en: ['Given names', 'First name(s) as recorded by the issuer'],
  fr: ['Prénoms', "Prénom(s) tel(s) qu'enregistré(s) par l'émetteur"],
  ar: ['الاسم الأول', 'الاسم أو الأسماء الأولى كما سجّلتها الجهة المُصدِرة'],
};

/** Family name (PID `family_name`). */
export const FAMILY_NAME_TEXT: LocalizedText = {
  en: ['Family name', 'Surname(s) as recorded by the issuer'],
  fr: ['Nom de famille', "Nom(s) de famille tel(s) qu'enregistré(s) par l'émetteur"],
  ar: ['اسم العائلة', 'اسم أو أسماء العائلة كما سجّلتها الجهة المُصدِرة'],
};

/** Date of birth (PID `birthdate`). */
export const BIRTHDATE_TEXT: LocalizedText = {
  en: ['Date of birth', 'Day, month and year of birth'],
  fr: ['Date de naissance', 'Jour, mois et année de naissance'],
  ar: ['تاريخ الميلاد', 'يوم الميلاد وشهره وسنته'],
};

/** Display text of `age_over_NN`. */
export function ageOverText(age: AgeThreshold): LocalizedText {
  return {
    en: [`Aged ${age} or over`, `Whether the holder was at least ${age} years old on the date of issue`],
    fr: [`${age} ans ou plus`, `Indique si le titulaire avait au moins ${age} ans à la date de délivrance`],
    ar: [`بلغ ${age} سنة أو أكثر`, `يبيّن ما إذا كان عمر صاحب الوثيقة ${age} سنة على الأقل في تاريخ الإصدار`],
  };
}

/** The `age_over_NN` thresholds with their text, in order. */
export const AGE_OVER_TEXTS: readonly (readonly [AgeThreshold, LocalizedText])[] = AGE_THRESHOLDS.map(
  (age) => [age, ageOverText(age)] as const,
);

/** Members of a postal address (PID / OpenID Connect names). */
export const ADDRESS_MEMBER_TEXT: Readonly<Record<string, LocalizedText>> = {
  street_address: {
    en: ['Street address', 'Street, number and building'],
    fr: ['Adresse', 'Rue, numéro et bâtiment'],
    ar: ['عنوان الشارع', 'الشارع والرقم والمبنى'],
  },
  locality: {
    en: ['Town or city', 'Town, city or village'],
    fr: ['Commune', 'Ville, commune ou village'],
    ar: ['المدينة أو البلدة', 'المدينة أو البلدة أو القرية'],
  },
  region: {
    en: ['Region', 'State, province or region'],
    fr: ['Région', 'État, province ou région'],
    ar: ['المنطقة', 'الولاية أو المحافظة أو المنطقة'],
  },
  postal_code: {
    en: ['Postal code', 'Postal or ZIP code'],
    fr: ['Code postal', 'Code postal'],
    ar: ['الرمز البريدي', 'الرمز البريدي'],
  },
  country: {
    en: ['Country', 'Country (ISO 3166-1 code)'],
    fr: ['Pays', 'Pays (code ISO 3166-1)'],
    ar: ['البلد', 'البلد (رمز ISO 3166-1)'],
  },
};
