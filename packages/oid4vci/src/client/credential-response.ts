import type { GuardedResponse } from '@haven/core';
import { z } from 'zod';
import { failOid4vci } from '../errors.js';
import { expectStatus, type IssuerEndpoint, parseWith, readJsonObject } from './issuer-response.js';

/** One entry of `credentials` (OpenID4VCI §8.3): the credential is a string or an object, by format. */
export const zIssuedCredential = z
  .object({ credential: z.union([z.string().min(1), z.record(z.string(), z.unknown())]) })
  .loose();

/** An immediate Credential Response (§8.3, HTTP 200). */
export const zIssuedCredentialResponse = z
  .object({
    credentials: z.array(zIssuedCredential).min(1),
    notification_id: z.string().min(1).optional(),
    transaction_id: z.never().optional(),
    interval: z.never().optional(),
  })
  .loose();

/** A deferred Credential Response (§8.3, HTTP 202). */
export const zDeferredCredentialResponse = z
  .object({
    transaction_id: z.string().min(1),
    interval: z.number().positive(),
    credentials: z.never().optional(),
    notification_id: z.never().optional(),
  })
  .loose();

/** What a credential or deferred credential request returned. */
export type CredentialResult =
  | {
      readonly kind: 'issued';
      /** The credentials as issued (compact strings or JSON objects, by format). Not yet verified. */
      readonly credentials: readonly (string | Record<string, unknown>)[];
      readonly notificationId?: string;
    }
  | {
      readonly kind: 'deferred';
      /** Where the issuance stands; a secret for the Deferred Credential Endpoint. */
      readonly transactionId: string;
      /** Seconds to wait at least before asking the Deferred Credential Endpoint. */
      readonly interval: number;
    };

/**
 * Reads a Credential Response or Deferred Credential Response (§8.3, §9.2): 200 with `credentials`, or
 * 202 with `transaction_id` and `interval`, never both. `maxCredentials` is the number of proofs sent:
 * each key binds at most one credential, so more credentials than keys is an invalid answer.
 */
export function readCredentialResponse(
  response: GuardedResponse,
  endpoint: Extract<IssuerEndpoint, 'credential' | 'deferred_credential'>,
  maxCredentials: number | undefined,
): CredentialResult {
  expectStatus(response, [200, 202], endpoint);
  const body = readJsonObject(response, endpoint);
  if (response.status === 202) {
    const deferred = parseWith(
      zDeferredCredentialResponse,
      body,
      'OID4VCI_CLIENT_RESPONSE_INVALID',
      `the ${endpoint} response`,
      endpoint,
    );
    return { kind: 'deferred', transactionId: deferred.transaction_id, interval: deferred.interval };
  }
  const issued = parseWith(
    zIssuedCredentialResponse,
    body,
    'OID4VCI_CLIENT_RESPONSE_INVALID',
    `the ${endpoint} response`,
    endpoint,
  );
  if (maxCredentials !== undefined && issued.credentials.length > maxCredentials) {
    failOid4vci(
      'OID4VCI_CLIENT_RESPONSE_INVALID',
      'the issuer returned more credentials than keys were proven',
      {
        details: {
          endpoint,
          reason: 'count',
          credentials: issued.credentials.length,
          proofs: maxCredentials,
        },
      },
    );
  }
  return {
    kind: 'issued',
    credentials: issued.credentials.map((entry) => entry.credential),
    ...(issued.notification_id === undefined ? {} : { notificationId: issued.notification_id }),
  };
}
