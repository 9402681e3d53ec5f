import { describe, expect, test } from 'vitest';
import { OID4VCI_ERROR_RESPONSES } from './error-responses.js';
import { OID4VCI_ERROR_CODES } from './errors.js';

describe('OID4VCI_ERROR_RESPONSES', () => {
  test('every issuer-side code has an error and a status; client-side codes have none', () => {
    for (const c of OID4VCI_ERROR_CODES) {
      const mapped = OID4VCI_ERROR_RESPONSES[c];
      if (c.startsWith('OID4VCI_CLIENT_')) expect(mapped).toBeUndefined();
      else expect(mapped).toEqual({ error: expect.stringMatching(/^[a-z_]+$/), status: expect.any(Number) });
    }
    expect(Object.keys(OID4VCI_ERROR_RESPONSES).sort()).toEqual([...OID4VCI_ERROR_CODES].sort());
  });

  test.each([
    ['OID4VCI_INVALID_REQUEST', 'invalid_request', 400],
    ['OID4VCI_UNSUPPORTED_GRANT_TYPE', 'unsupported_grant_type', 400],
    ['OID4VCI_INVALID_GRANT', 'invalid_grant', 400],
    ['OID4VCI_INVALID_CLIENT', 'invalid_client', 401],
    ['OID4VCI_INVALID_TOKEN', 'invalid_token', 401],
    ['OID4VCI_INVALID_CREDENTIAL_REQUEST', 'invalid_credential_request', 400],
    ['OID4VCI_UNKNOWN_CREDENTIAL_CONFIGURATION', 'unknown_credential_configuration', 400],
    ['OID4VCI_UNKNOWN_CREDENTIAL_IDENTIFIER', 'unknown_credential_identifier', 400],
    ['OID4VCI_INVALID_PROOF', 'invalid_proof', 400],
    ['OID4VCI_INVALID_NONCE', 'invalid_nonce', 400],
    ['OID4VCI_INVALID_ENCRYPTION_PARAMETERS', 'invalid_encryption_parameters', 400],
    ['OID4VCI_CREDENTIAL_REQUEST_DENIED', 'credential_request_denied', 400],
    ['OID4VCI_INVALID_TRANSACTION_ID', 'invalid_transaction_id', 400],
    ['OID4VCI_OFFER_NOT_FOUND', 'not_found', 404],
  ] as const)(
    'rfc6749 §5.2 / rfc6750 §3.1 / openid4vci §6.3, §8.3.1.2, §9.3: %s → %s %i',
    (c, error, status) => {
      expect(OID4VCI_ERROR_RESPONSES[c]).toEqual({ error, status });
    },
  );
});
