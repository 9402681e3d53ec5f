import { type GuardedResponse, isHavenError, parseStrictJsonObject } from '@haven/core';
import type { z } from 'zod';
import { failOid4vci, type Oid4vciErrorCode } from '../errors.js';

/** Which issuer endpoint answered; carried in error `details.endpoint`. */
export type IssuerEndpoint =
  | 'credential_offer'
  | 'credential_issuer_metadata'
  | 'authorization_server_metadata'
  | 'token'
  | 'nonce'
  | 'credential'
  | 'deferred_credential';

// RFC 6749 §5.2 and OpenID4VCI §8.3.1.2: `error` and `error_description` use only %x20-21 / %x23-5B /
// %x5D-7E (printable ASCII without `"` and `\`).
const OAUTH_ERROR_CHARS = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;
const NOT_OAUTH_ERROR_CHAR = /[^\x20\x21\x23-\x5b\x5d-\x7e]/gu;
const MAX_ERROR_CODE_LENGTH = 64;
/** Longest `error_description` kept (after sanitizing), in characters. */
export const MAX_ERROR_DESCRIPTION_LENGTH = 200;

/**
 * The issuer's `error_description` made safe to show or log: every character outside the RFC 6749
 * §5.2 set (control characters, newlines, quotes, backslashes, anything beyond ASCII) becomes `?`, and
 * the text is cut to {@link MAX_ERROR_DESCRIPTION_LENGTH} characters. It is issuer-controlled text:
 * never interpret it, and show it only as a hint. `undefined` for anything that is not a string.
 *
 * @example
 * ```ts
 * sanitizeErrorDescription('bad\r\ncode é'); // 'bad??code ?'
 * ```
 */
export function sanitizeErrorDescription(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  // Cut before replacing: a huge description costs one bounded pass only. Array.from splits by code
  // point, so a surrogate pair at the cut becomes one `?`, not half a character. 2 × (max + 1) UTF-16
  // units always hold more than `max` code points, which tells whether anything was cut.
  const points = Array.from(value.slice(0, 2 * (MAX_ERROR_DESCRIPTION_LENGTH + 1)));
  const text = points.slice(0, MAX_ERROR_DESCRIPTION_LENGTH).join('').replace(NOT_OAUTH_ERROR_CHAR, '?');
  return points.length > MAX_ERROR_DESCRIPTION_LENGTH ? `${text}...` : text;
}

function oauthErrorCode(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= MAX_ERROR_CODE_LENGTH && OAUTH_ERROR_CHARS.test(value)
    ? value
    : undefined;
}

/** The `error` of an RFC 6750 §3 `WWW-Authenticate: Bearer error="…"` challenge. */
function bearerChallengeError(header: string | undefined): string | undefined {
  if (header === undefined || header.length > 4096) return undefined;
  const match = /(?:^|[\s,])error="([^"]*)"/i.exec(header);
  return oauthErrorCode(match?.[1]);
}

/** The media type of a response, lower-cased, without parameters (`''` when absent). */
export function mediaTypeOf(response: GuardedResponse): string {
  const value = response.headers['content-type'] ?? '';
  return (value.split(';')[0] ?? '').trim().toLowerCase();
}

function tryParseObject(response: GuardedResponse): Record<string, unknown> | undefined {
  if (mediaTypeOf(response) !== 'application/json') return undefined;
  try {
    return parseStrictJsonObject(response.body, { what: 'error response' });
  } catch {
    return undefined;
  }
}

/**
 * Throws `OID4VCI_CLIENT_ISSUER_ERROR` for an error answer (RFC 6749 §5.2, RFC 6750 §3, OpenID4VCI §6.3,
 * §8.3.1, §9.3). `details.error` is the OAuth error code when the issuer sent a well-formed one (from the
 * JSON body, or the `WWW-Authenticate` challenge), else `null`; `details.errorDescription` is the
 * sanitized description. The message never carries issuer text.
 */
export function failIssuerError(response: GuardedResponse, endpoint: IssuerEndpoint): never {
  const body = tryParseObject(response);
  const error = oauthErrorCode(body?.error) ?? bearerChallengeError(response.headers['www-authenticate']);
  const description = error === undefined ? undefined : sanitizeErrorDescription(body?.error_description);
  failOid4vci('OID4VCI_CLIENT_ISSUER_ERROR', `the issuer's ${endpoint} endpoint answered with an error`, {
    details: {
      endpoint,
      status: response.status,
      error: error ?? null,
      ...(description === undefined ? {} : { errorDescription: description }),
    },
  });
}

/**
 * Accepts the listed statuses; an error status (4xx, 5xx) becomes `OID4VCI_CLIENT_ISSUER_ERROR`, any
 * other unexpected one `OID4VCI_CLIENT_RESPONSE_INVALID`.
 */
export function expectStatus(
  response: GuardedResponse,
  allowed: readonly number[],
  endpoint: IssuerEndpoint,
): void {
  if (allowed.includes(response.status)) return;
  if (response.status >= 400) failIssuerError(response, endpoint);
  failOid4vci(
    'OID4VCI_CLIENT_RESPONSE_INVALID',
    `the issuer's ${endpoint} endpoint answered an unexpected status`,
    {
      details: { endpoint, status: response.status },
    },
  );
}

/**
 * The body of a successful answer as a JSON object: the media type must be `application/json` (an
 * `application/jwt` answer is signed or encrypted content this client never asked for), and the JSON is
 * parsed strictly (size and depth caps, no duplicate member names).
 */
export function readJsonObject(response: GuardedResponse, endpoint: IssuerEndpoint): Record<string, unknown> {
  if (mediaTypeOf(response) !== 'application/json') {
    failOid4vci(
      'OID4VCI_CLIENT_RESPONSE_INVALID',
      `the issuer's ${endpoint} endpoint did not answer with JSON`,
      {
        details: { endpoint, reason: 'content_type' },
      },
    );
  }
  try {
    return parseStrictJsonObject(response.body, { what: `${endpoint} response` });
  } catch (cause) {
    if (!isHavenError(cause)) throw cause;
    failOid4vci(
      'OID4VCI_CLIENT_RESPONSE_INVALID',
      `the issuer's ${endpoint} response is not a valid JSON object`,
      {
        cause,
        details: { endpoint, reason: 'json', jsonCode: cause.code },
      },
    );
  }
}

// Member names echoed in error details must be harmless: identifiers, not arbitrary issuer text.
const SAFE_PATH_SEGMENT = /^[A-Za-z0-9_.:-]{1,64}$/;

function describePath(path: readonly PropertyKey[]): string {
  return path
    .map((segment) =>
      typeof segment === 'number' || (typeof segment === 'string' && SAFE_PATH_SEGMENT.test(segment))
        ? String(segment)
        : '?',
    )
    .join('.');
}

/**
 * Validates `value` with a zod schema; on failure throws `code` with the path of the first problem in
 * `details.path` (member names only, never values).
 */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  code: Oid4vciErrorCode,
  what: string,
  endpoint?: IssuerEndpoint,
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  failOid4vci(code, `${what} is not valid`, {
    details: {
      ...(endpoint === undefined ? {} : { endpoint }),
      path: issue === undefined ? '' : describePath(issue.path),
    },
  });
}
