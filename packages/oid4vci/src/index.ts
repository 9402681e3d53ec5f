export { failOid4vci, OID4VCI_ERROR_CODES, type Oid4vciErrorCode } from './errors.js';
export type {
  CredentialConfiguration,
  HandlerResult,
  IssueRequest,
  Oid4vciIssuerConfig,
  Oid4vciLimits,
} from './issuer/types.js';
export type {
  AccessTokenRecord,
  DeferredRecord,
  OfferDecision,
  OfferRecord,
  Oid4vciIssuerStore,
  TxCodeDescription,
} from './store.js';
