import {
  CREDENTIAL_OFFER_SCHEME,
  DEFAULT_ENDPOINT_PATHS,
  PRE_AUTHORIZED_CODE_GRANT_TYPE,
} from '../constants.js';
import { failOid4vci } from '../errors.js';
import { resolveEndpointUrl } from '../metadata/check-credential-issuer.js';
import type { OfferRecord, TxCodeDescription } from '../store.js';
import { generateTxCode, TX_CODE_MAX_LENGTH, TX_CODE_MIN_LENGTH } from './generate-tx-code.js';
import { hashSecret } from './hash-secret.js';
import {
  randomBase64UrlFrom,
  randomBytesFrom,
  readNow,
  resolveIssuerConfig,
} from './resolve-issuer-config.js';
import type { Oid4vciIssuerConfig } from './types.js';

/** The shape of the tx_code the wallet asks the person for. */
export interface TxCodeOptions {
  /** Digits (4–10, default 6). */
  readonly length?: number;
  /** Where the person finds the code, shown next to the input (§4.1.1): printable ASCII, ≤ 300 characters. */
  readonly description?: string;
}

/** Input of {@link createCredentialOffer}. */
export interface CreateCredentialOfferOptions {
  /** Configuration ids offered: non-empty, unique, each in the issuer's `configurations`. */
  readonly configurationIds: readonly string[];
  /**
   * The claims to issue, already sealed by the application; may come later through `decideOffer`. A
   * function is called once with the offer id drawn here, so the application can bind its seal to that
   * id (e.g. as AEAD associated data) and a payload moved into another offer no longer opens.
   */
  readonly payload?: string | ((offerId: string) => string);
  /** Require a numeric tx_code (default `true`): `false`, `true` (6 digits) or its shape. */
  readonly txCode?: boolean | TxCodeOptions;
  /** Wait for a caseworker's decision (`decideOffer`) before issuing; the wallet gets a deferred answer. */
  readonly deferred?: boolean;
  /** Path (or URL) under which the server serves offers by reference (default `/offers`). */
  readonly offersPath?: string;
}

/** The pre-authorized code grant of a Credential Offer (§4.1.1). */
export interface PreAuthorizedCodeGrant {
  readonly 'pre-authorized_code': string;
  readonly tx_code?: TxCodeDescription;
}

/** A Credential Offer object (§4.1.1) as Haven makes it. */
export interface CredentialOfferObject {
  readonly credential_issuer: string;
  readonly credential_configuration_ids: readonly string[];
  readonly grants: { readonly [PRE_AUTHORIZED_CODE_GRANT_TYPE]: PreAuthorizedCodeGrant };
}

/** Everything needed to hand an offer to the person — once: the code and tx_code are not kept in the clear. */
export interface CreatedCredentialOffer {
  readonly offerId: string;
  readonly offer: CredentialOfferObject;
  /** The https URL serving the offer object (`<issuer>/offers/<offerId>`). */
  readonly offerUrl: string;
  /** `openid-credential-offer://?credential_offer_uri=…`: short enough for a QR code (§4.1.3). */
  readonly offerUri: string;
  /** `openid-credential-offer://?credential_offer=…` (§4.1.2). */
  readonly offerByValueUri: string;
  readonly preAuthorizedCode: string;
  /** The tx_code to give out of band (never inside the offer); absent when none is required. */
  readonly txCode?: string;
  /** End of the pre-authorized code's life, epoch seconds. */
  readonly expiresAt: number;
}

const TX_CODE_DESCRIPTION = /^[\x20-\x7e]{1,300}$/;

/**
 * Creates a Credential Offer with a pre-authorized code (OpenID4VCI §4.1, §3.5): a 256-bit code and
 * a 128-bit offer id from the CSPRNG, a numeric tx_code (default 6 uniform digits) unless disabled,
 * a lifetime of `limits.offerSeconds`. Only HMACs of the code and tx_code are stored; the offer object
 * (which holds the code) is stored sealed by `config.sealOffer`. `payload` may be a function of the offer
 * id, to seal the claims bound to the offer they belong to. A deferred offer waits for
 * {@link decideOffer}. Throws `OID4VCI_OFFER_INVALID` for unknown, duplicate or no configuration ids or a
 * bad tx_code shape, `OID4VCI_CONFIG_INVALID` for a bad config.
 *
 * @example
 * ```ts
 * const { offerUri, txCode } = await createCredentialOffer(config, {
 *   configurationIds: ['labour-contract-sd-jwt'],
 *   payload: (offerId) => sealClaims(claims, offerId),
 *   txCode: { description: 'Sent to you by SMS' },
 * });
 * ```
 */
export async function createCredentialOffer(
  config: Oid4vciIssuerConfig,
  options: CreateCredentialOfferOptions,
): Promise<CreatedCredentialOffer> {
  const { limits } = resolveIssuerConfig(config);
  if (typeof options !== 'object' || options === null) {
    failOid4vci('OID4VCI_OFFER_INVALID', 'offer options must be an object');
  }
  const configurationIds = checkConfigurationIds(config, options.configurationIds);
  if (
    options.payload !== undefined &&
    typeof options.payload !== 'function' &&
    (typeof options.payload !== 'string' || options.payload === '')
  ) {
    failOid4vci('OID4VCI_OFFER_INVALID', 'the payload must be a sealed, non-empty string');
  }
  if (options.deferred !== undefined && typeof options.deferred !== 'boolean') {
    failOid4vci('OID4VCI_OFFER_INVALID', '"deferred" must be a boolean');
  }
  const txCodeShape = checkTxCodeOptions(options.txCode ?? true);
  const offersUrl = resolveEndpointUrl(
    config.credentialIssuer,
    options.offersPath ?? DEFAULT_ENDPOINT_PATHS.offers,
  );

  const now = readNow(config);
  const offerId = randomBase64UrlFrom(config, 16);
  const preAuthorizedCode = randomBase64UrlFrom(config, 32);
  const txCode =
    txCodeShape === undefined
      ? undefined
      : generateTxCode(txCodeShape.length, (n) => randomBytesFrom(config, n));

  const grant: PreAuthorizedCodeGrant =
    txCodeShape === undefined
      ? { 'pre-authorized_code': preAuthorizedCode }
      : { 'pre-authorized_code': preAuthorizedCode, tx_code: txCodeShape };
  const offer: CredentialOfferObject = {
    credential_issuer: config.credentialIssuer,
    credential_configuration_ids: configurationIds,
    grants: { [PRE_AUTHORIZED_CODE_GRANT_TYPE]: grant },
  };
  const offerJson = JSON.stringify(offer);
  const sealedOffer = config.sealOffer(offerId, offerJson);
  if (typeof sealedOffer !== 'string' || sealedOffer === '') {
    failOid4vci('OID4VCI_CONFIG_INVALID', 'sealOffer must return a non-empty string');
  }
  const payload: unknown = typeof options.payload === 'function' ? options.payload(offerId) : options.payload;
  if (typeof options.payload === 'function' && (typeof payload !== 'string' || payload === '')) {
    failOid4vci('OID4VCI_OFFER_INVALID', 'the payload function must return a sealed, non-empty string');
  }
  const expiresAt = now + limits.offerSeconds;
  const record: OfferRecord = {
    id: offerId,
    configurationIds,
    codeHash: hashSecret(config.secret, 'pre-authorized_code', preAuthorizedCode),
    ...(txCode === undefined || txCodeShape === undefined
      ? {}
      : { txCodeHash: hashSecret(config.secret, 'tx_code', txCode, offerId), txCode: txCodeShape }),
    txCodeFailures: 0,
    sealedOffer,
    ...(typeof payload === 'string' ? { payload } : {}),
    decision: options.deferred === true ? 'pending' : 'approved',
    createdAt: now,
    expiresAt,
    withdrawn: false,
  };
  await config.store.createOffer(record);

  const offerUrl = `${offersUrl.replace(/\/+$/, '')}/${offerId}`;
  return {
    offerId,
    offer,
    offerUrl,
    offerUri: `${CREDENTIAL_OFFER_SCHEME}?credential_offer_uri=${encodeURIComponent(offerUrl)}`,
    offerByValueUri: `${CREDENTIAL_OFFER_SCHEME}?credential_offer=${encodeURIComponent(offerJson)}`,
    preAuthorizedCode,
    ...(txCode === undefined ? {} : { txCode }),
    expiresAt,
  };
}

function checkConfigurationIds(config: Oid4vciIssuerConfig, ids: unknown): readonly string[] {
  if (!Array.isArray(ids) || ids.length === 0) {
    failOid4vci('OID4VCI_OFFER_INVALID', 'an offer needs at least one configuration id');
  }
  // §4.1.1: a non-empty array of unique strings, each a key of credential_configurations_supported.
  // Own keys only: "__proto__" or "constructor" are not configurations.
  for (const id of ids) {
    if (typeof id !== 'string' || !Object.hasOwn(config.configurations, id)) {
      failOid4vci('OID4VCI_OFFER_INVALID', 'an offered configuration id is unknown');
    }
  }
  if (new Set(ids).size !== ids.length) {
    failOid4vci('OID4VCI_OFFER_INVALID', 'offered configuration ids must be unique');
  }
  return Object.freeze([...(ids as string[])]);
}

function checkTxCodeOptions(option: unknown): TxCodeDescription | undefined {
  if (option === false) return undefined;
  if (option === true) return { input_mode: 'numeric', length: 6 };
  if (typeof option !== 'object' || option === null || Array.isArray(option)) {
    failOid4vci('OID4VCI_OFFER_INVALID', '"txCode" must be a boolean or an object');
  }
  const { length = 6, description } = option as TxCodeOptions;
  // Checked here too (generateTxCode checks again) so a bad shape fails before anything is drawn.
  if (!Number.isSafeInteger(length) || length < TX_CODE_MIN_LENGTH || length > TX_CODE_MAX_LENGTH) {
    failOid4vci(
      'OID4VCI_OFFER_INVALID',
      `tx_code length must be from ${TX_CODE_MIN_LENGTH} to ${TX_CODE_MAX_LENGTH} digits`,
    );
  }
  if (
    description !== undefined &&
    (typeof description !== 'string' || !TX_CODE_DESCRIPTION.test(description))
  ) {
    failOid4vci('OID4VCI_OFFER_INVALID', 'tx_code description must be 1 to 300 printable ASCII characters');
  }
  return description === undefined
    ? { input_mode: 'numeric', length }
    : { input_mode: 'numeric', length, description };
}
