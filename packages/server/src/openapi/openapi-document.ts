import { z } from 'zod';
import {
  zAuditEntry,
  zAuditQuery,
  zCreatedOffer,
  zCreateOfferBody,
  zCredentialRecord,
  zErrorBody,
  zIssueBatchBody,
  zIssuedBatch,
  zListOffersQuery,
  zOfferDecisionBody,
  zOfferSummary,
  zSearchCredentialsQuery,
} from '../http/admin-schemas.js';
import {
  zCollectResultBody,
  zCreatedPresentation,
  zCreatePresentationBody,
  zListedPurpose,
  zPresentationStatus,
  zPurpose,
} from '../http/admin-verifier-schemas.js';

type Json = Record<string, unknown>;

/** JSON Schema (2020-12, what OpenAPI 3.1 uses) of a zod schema, as the client sends it. */
function schemaOf(schema: z.ZodType): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  return rest;
}

function ref(name: string): Json {
  return { $ref: `#/components/schemas/${name}` };
}

function jsonContent(schema: Json): Json {
  return { 'application/json': { schema } };
}

function queryParameters(schema: z.ZodObject): Json[] {
  const json = schemaOf(schema) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: property,
  }));
}

const ID_PARAMETER: Json = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' },
};

const ERRORS = (...statuses: number[]): Json =>
  Object.fromEntries(
    statuses.map((status) => [
      String(status),
      { description: ERROR_TEXT[status] ?? 'Error', content: jsonContent(ref('Error')) },
    ]),
  );

const ERROR_TEXT: Readonly<Record<number, string>> = {
  400: 'invalid_request (or the OpenID4VCI error of the endpoint)',
  401: 'invalid_token: missing or wrong bearer token',
  404: 'not_found',
  409: 'conflict: the record is in a state that does not allow this',
  413: 'the body is too large',
  415: 'wrong content type or a compressed body',
  429: 'slow_down: rate limited; see Retry-After',
};

function adminOperation(operation: Json): Json {
  return { tags: ['admin'], security: [{ adminToken: [] }], ...operation };
}

function walletOperation(operation: Json): Json {
  return { tags: ['wallet'], ...operation };
}

const OK_JSON = (description: string, schema: Json = { type: 'object' }): Json => ({
  description,
  content: jsonContent(schema),
});

/** Options of {@link buildOpenApiDocument}. */
export interface OpenApiDocumentOptions {
  /** The server's public URL (the Credential Issuer Identifier). */
  readonly serverUrl?: string;
  /** Document the issuer's routes (default true). */
  readonly issuer?: boolean;
  /** Document the verifier's routes (default true). */
  readonly verifier?: boolean;
}

const PURPOSE_ID_PARAMETER: Json = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[a-z0-9](?:[a-z0-9.-]{0,62}[a-z0-9])?$' },
};

const TRANSACTION_ID_PARAMETER: Json = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,128}$' },
};

/** The verifier's paths: its admin API and the OpenID4VP endpoints for wallets and front ends. */
function verifierPaths(): Json {
  return {
    '/admin/purposes': {
      get: adminOperation({
        operationId: 'listPurposes',
        summary: "List purposes: Haven's built-in ones (builtIn: true, read-only) and the registered ones",
        responses: {
          200: OK_JSON('Every purpose', {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: ref('ListedPurpose') } },
          }),
          ...ERRORS(400, 401, 429),
        },
      }),
    },
    '/admin/purposes/{id}': {
      get: adminOperation({
        operationId: 'getPurpose',
        summary: 'Read one purpose',
        parameters: [PURPOSE_ID_PARAMETER],
        responses: { 200: OK_JSON('The purpose', ref('ListedPurpose')), ...ERRORS(401, 404, 429) },
      }),
      put: adminOperation({
        operationId: 'putPurpose',
        summary:
          'Register or replace a purpose (relying-party registration). Its id must equal the path; a ' +
          'built-in id is refused (409); an invalid purpose is 400 (PURPOSE_INVALID, with paths)',
        parameters: [PURPOSE_ID_PARAMETER],
        requestBody: { required: true, content: jsonContent(ref('Purpose')) },
        responses: {
          200: OK_JSON('Replaced', ref('ListedPurpose')),
          201: OK_JSON('Registered', ref('ListedPurpose')),
          ...ERRORS(400, 401, 404, 409, 413, 415, 429),
        },
      }),
      delete: adminOperation({
        operationId: 'deletePurpose',
        summary: 'Delete a registered purpose (transactions already started keep their copy)',
        parameters: [PURPOSE_ID_PARAMETER],
        responses: { 204: { description: 'Deleted' }, ...ERRORS(401, 404, 409, 429) },
      }),
    },
    '/admin/presentations': {
      post: adminOperation({
        operationId: 'createPresentation',
        summary:
          'Start a presentation request (OpenID4VP §13.3) for a purpose; the session secret is shown once ' +
          'and is what the front end collects the result with. A dcql_query beyond the purpose is 400 (OVER_ASKING)',
        requestBody: { required: true, content: jsonContent(ref('CreatePresentationRequest')) },
        responses: {
          201: OK_JSON('The transaction', ref('CreatedPresentation')),
          ...ERRORS(400, 401, 413, 415, 429),
        },
      }),
    },
    '/admin/presentations/{id}': {
      get: adminOperation({
        operationId: 'getPresentation',
        summary: "A presentation transaction's status (metadata only, never claims)",
        parameters: [TRANSACTION_ID_PARAMETER],
        responses: { 200: OK_JSON('The status', ref('PresentationStatus')), ...ERRORS(401, 404, 429) },
      }),
    },
    '/admin/presentations/{id}/qr': {
      get: adminOperation({
        operationId: 'presentationQrCode',
        summary:
          'The authorization request URI as a QR code (SVG) while the transaction is pending; 409 when ' +
          'it was started by another server process',
        parameters: [TRANSACTION_ID_PARAMETER],
        responses: {
          200: {
            description: 'An SVG QR code of openid4vp://?…',
            content: { 'image/svg+xml': { schema: { type: 'string' } } },
          },
          ...ERRORS(401, 404, 409, 429),
        },
      }),
    },
    '/oid4vp/requests/{requestId}': {
      get: walletOperation({
        operationId: 'presentationRequestObject',
        summary:
          'The signed request object behind a request_uri (OpenID4VP §5.10), while the request is open',
        parameters: [{ ...TRANSACTION_ID_PARAMETER, name: 'requestId' }],
        responses: {
          200: {
            description: 'The request object',
            content: { 'application/oauth-authz-req+jwt': { schema: { type: 'string' } } },
          },
          ...ERRORS(404, 429),
        },
      }),
    },
    '/oid4vp/response': {
      post: walletOperation({
        operationId: 'presentationResponse',
        summary:
          'The wallet posts its Authorization Response here (direct_post: vp_token and state; ' +
          'direct_post.jwt: response). Body limit 256 KiB by default',
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: {
                type: 'object',
                properties: {
                  vp_token: { type: 'string', description: 'JSON object of query ids to presentations' },
                  state: { type: 'string' },
                  response: { type: 'string', description: 'The encrypted response (direct_post.jwt)' },
                  error: { type: 'string' },
                  error_description: { type: 'string' },
                },
              },
            },
          },
        },
        responses: {
          200: OK_JSON('Accepted; may carry redirect_uri (same-device flow)'),
          ...ERRORS(400, 413, 415, 429),
        },
      }),
    },
    '/oid4vp/results/{transactionId}': {
      post: walletOperation({
        operationId: 'presentationResult',
        summary:
          'The front end collects the result once with its session secret (Authorization: Bearer ' +
          '<session>) and the response code of a same-device redirect, if any',
        security: [{ presentationSession: [] }],
        parameters: [{ ...TRANSACTION_ID_PARAMETER, name: 'transactionId' }],
        requestBody: { required: false, content: jsonContent(ref('CollectPresentationResult')) },
        responses: {
          200: OK_JSON(
            'pending, expired, collected, accepted (purpose and the verified credentials), rejected (code) or declined',
          ),
          ...ERRORS(400, 401, 404, 413, 415, 429),
        },
      }),
    },
  };
}

/**
 * The OpenAPI 3.1 document of the server: the admin API (schemas generated from the same zod schemas
 * that check the requests) and the wallet-facing OpenID4VCI endpoints. Served at `/openapi.json` and
 * read by the `/docs` page.
 *
 * @example
 * ```ts
 * const doc = buildOpenApiDocument({ serverUrl: 'https://issuer.example' });
 * doc.paths['/admin/offers'].post.requestBody
 * ```
 */
export function buildOpenApiDocument(options: OpenApiDocumentOptions = {}): Json {
  const document = buildFullDocument(options);
  const withIssuer = options.issuer ?? true;
  const withVerifier = options.verifier ?? true;
  const verifierOnly = new Set(Object.keys(verifierPaths()));
  const paths = Object.fromEntries(
    Object.entries(document.paths as Json).filter(([path]) =>
      path === '/healthz' ? true : verifierOnly.has(path) ? withVerifier : withIssuer,
    ),
  );
  return { ...document, paths };
}

function buildFullDocument(options: OpenApiDocumentOptions): Json {
  const limitedJson = (description: string, schema: Json) => OK_JSON(description, schema);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Haven issuer and verifier',
      version: '0.1.0',
      description:
        'OpenID4VCI issuer (pre-authorized code flow), OpenID4VP verifier (DCQL, SD-JWT VC) and their admin API. Admin calls need `Authorization: Bearer <admin token>`. Errors are `{error, error_description}`; rate-limited calls answer 429 `slow_down` with `Retry-After`.',
    },
    ...(options.serverUrl === undefined ? {} : { servers: [{ url: options.serverUrl }] }),
    tags: [
      { name: 'admin', description: 'Offers, issued credentials and the audit log (admin token)' },
      { name: 'wallet', description: 'OpenID4VCI and OpenID4VP endpoints and metadata for wallets (CORS *)' },
      { name: 'operations', description: 'Health and documentation' },
    ],
    components: {
      securitySchemes: {
        adminToken: { type: 'http', scheme: 'bearer', description: 'The admin token (never in the URL)' },
        accessToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'The OpenID4VCI access token from /token (Authorization header only)',
        },
        presentationSession: {
          type: 'http',
          scheme: 'bearer',
          description: 'The session secret POST /admin/presentations returned (Authorization header only)',
        },
      },
      schemas: {
        CreateOfferRequest: schemaOf(zCreateOfferBody),
        OfferDecisionRequest: schemaOf(zOfferDecisionBody),
        CreatedOffer: schemaOf(zCreatedOffer),
        OfferSummary: schemaOf(zOfferSummary),
        CredentialRecord: schemaOf(zCredentialRecord),
        IssueBatchRequest: schemaOf(zIssueBatchBody),
        IssuedBatch: schemaOf(zIssuedBatch),
        AuditEntry: schemaOf(zAuditEntry),
        Error: schemaOf(zErrorBody),
        Purpose: schemaOf(zPurpose),
        ListedPurpose: schemaOf(zListedPurpose),
        CreatePresentationRequest: schemaOf(zCreatePresentationBody),
        CreatedPresentation: schemaOf(zCreatedPresentation),
        PresentationStatus: schemaOf(zPresentationStatus),
        CollectPresentationResult: schemaOf(zCollectResultBody),
        TokenRequest: {
          type: 'object',
          required: ['grant_type', 'pre-authorized_code'],
          properties: {
            grant_type: { const: 'urn:ietf:params:oauth:grant-type:pre-authorized_code' },
            'pre-authorized_code': { type: 'string' },
            tx_code: { type: 'string' },
            authorization_details: { type: 'string', description: 'JSON array (RFC 9396)' },
          },
        },
      },
    },
    paths: {
      ...verifierPaths(),
      '/admin/offers': {
        post: adminOperation({
          operationId: 'createOffer',
          summary: 'Create a credential offer (pre-authorized code, optional tx_code, optional deferred)',
          requestBody: { required: true, content: jsonContent(ref('CreateOfferRequest')) },
          responses: {
            201: limitedJson(
              'The offer: hand offerUri (QR) and txCode (separately) to the person, once',
              ref('CreatedOffer'),
            ),
            ...ERRORS(400, 401, 413, 415, 429),
          },
        }),
        get: adminOperation({
          operationId: 'listOffers',
          summary: 'List offers (metadata only), newest first',
          parameters: queryParameters(zListOffersQuery),
          responses: {
            200: limitedJson('A page of offers', {
              type: 'object',
              required: ['items'],
              properties: {
                items: { type: 'array', items: ref('OfferSummary') },
                nextCursor: { type: 'string' },
              },
            }),
            ...ERRORS(400, 401, 429),
          },
        }),
      },
      '/admin/offers/{id}': {
        get: adminOperation({
          operationId: 'getOffer',
          summary: 'Read one offer',
          parameters: [ID_PARAMETER],
          responses: { 200: limitedJson('The offer', ref('OfferSummary')), ...ERRORS(401, 404, 429) },
        }),
      },
      '/admin/offers/{id}/qr': {
        get: adminOperation({
          operationId: 'offerQrCode',
          summary: 'The by-reference offer URI as a QR code (SVG), while the offer can still be redeemed',
          parameters: [ID_PARAMETER],
          responses: {
            200: {
              description: 'An SVG QR code of openid-credential-offer://?credential_offer_uri=…',
              content: { 'image/svg+xml': { schema: { type: 'string' } } },
            },
            ...ERRORS(401, 404, 409, 429),
          },
        }),
      },
      '/admin/offers/{id}/withdraw': {
        post: adminOperation({
          operationId: 'withdrawOffer',
          summary: 'Withdraw an offer: nothing more is issued from it',
          parameters: [ID_PARAMETER],
          responses: {
            200: limitedJson('The withdrawn offer', ref('OfferSummary')),
            ...ERRORS(401, 404, 409, 429),
          },
        }),
      },
      '/admin/offers/{id}/decision': {
        post: adminOperation({
          operationId: 'decideOffer',
          summary: 'Approve (with claims if the offer has none yet) or deny a deferred offer',
          parameters: [ID_PARAMETER],
          requestBody: { required: true, content: jsonContent(ref('OfferDecisionRequest')) },
          responses: {
            200: limitedJson('The decided offer', ref('OfferSummary')),
            ...ERRORS(400, 401, 404, 409, 413, 415, 429),
          },
        }),
      },
      '/admin/credentials': {
        get: adminOperation({
          operationId: 'searchCredentials',
          summary: 'Search issued credentials (allow-listed filters; unknown parameters are refused)',
          parameters: queryParameters(zSearchCredentialsQuery),
          responses: {
            200: limitedJson('A page of credentials', {
              type: 'object',
              required: ['items'],
              properties: {
                items: { type: 'array', items: ref('CredentialRecord') },
                nextCursor: { type: 'string' },
              },
            }),
            ...ERRORS(400, 401, 429),
          },
        }),
      },
      '/admin/credentials/batch': {
        post: adminOperation({
          operationId: 'issueBatch',
          summary:
            'Issue up to 1,000 credentials of one type and format to holder keys the wallets gave already; ' +
            'the credentials are returned (not delivered by OpenID4VCI). Any invalid item refuses the whole ' +
            'batch, with its paths (["items",i,...]). Body limit 2 MiB by default.',
          requestBody: { required: true, content: jsonContent(ref('IssueBatchRequest')) },
          responses: {
            201: limitedJson('The credentials, in the order of the items', ref('IssuedBatch')),
            ...ERRORS(400, 401, 413, 415, 429),
          },
        }),
      },
      '/admin/credentials/{id}': {
        get: adminOperation({
          operationId: 'getCredential',
          summary: 'Read one issued credential (metadata, no claim values)',
          parameters: [ID_PARAMETER],
          responses: {
            200: limitedJson('The credential', ref('CredentialRecord')),
            ...ERRORS(401, 404, 429),
          },
        }),
      },
      ...Object.fromEntries(
        (
          [
            ['revoke', 'revokeCredential', 'Revoke (final)'],
            ['suspend', 'suspendCredential', 'Suspend'],
            ['reinstate', 'reinstateCredential', 'Reinstate a suspended credential'],
          ] as const
        ).map(([action, operationId, summary]) => [
          `/admin/credentials/{id}/${action}`,
          {
            post: adminOperation({
              operationId,
              summary: `${summary}; committed before the answer, visible in the next status list`,
              parameters: [ID_PARAMETER],
              responses: {
                200: limitedJson('The credential after the change', ref('CredentialRecord')),
                ...ERRORS(401, 404, 409, 429),
              },
            }),
          },
        ]),
      ),
      '/admin/audit': {
        get: adminOperation({
          operationId: 'auditLog',
          summary: 'The audit log, newest first (who did what to which record; never values)',
          parameters: queryParameters(zAuditQuery),
          responses: {
            200: limitedJson('Audit entries', {
              type: 'object',
              required: ['items'],
              properties: { items: { type: 'array', items: ref('AuditEntry') } },
            }),
            ...ERRORS(400, 401, 429),
          },
        }),
      },
      '/.well-known/openid-credential-issuer': {
        get: walletOperation({
          operationId: 'credentialIssuerMetadata',
          summary: 'Credential Issuer Metadata (OpenID4VCI §12.2)',
          responses: { 200: OK_JSON('The metadata') },
        }),
      },
      '/.well-known/oauth-authorization-server': {
        get: walletOperation({
          operationId: 'authorizationServerMetadata',
          summary: 'OAuth 2.0 Authorization Server Metadata (RFC 8414)',
          responses: { 200: OK_JSON('The metadata') },
        }),
      },
      '/.well-known/jwt-vc-issuer': {
        get: walletOperation({
          operationId: 'jwtVcIssuerMetadata',
          summary: "SD-JWT VC issuer metadata: the issuer's public keys",
          responses: { 200: OK_JSON('The metadata') },
        }),
      },
      '/offers/{id}': {
        get: walletOperation({
          operationId: 'credentialOffer',
          summary: 'The Credential Offer behind a credential_offer_uri (OpenID4VCI §4.1.3)',
          parameters: [ID_PARAMETER],
          responses: { 200: OK_JSON('The Credential Offer object'), ...ERRORS(404, 429) },
        }),
      },
      '/token': {
        post: walletOperation({
          operationId: 'token',
          summary: 'Token endpoint: pre-authorized code (+ tx_code) for an access token (OpenID4VCI §6)',
          requestBody: {
            required: true,
            content: { 'application/x-www-form-urlencoded': { schema: ref('TokenRequest') } },
          },
          responses: { 200: OK_JSON('The token response'), ...ERRORS(400, 413, 415, 429) },
        }),
      },
      '/nonce': {
        post: walletOperation({
          operationId: 'nonce',
          summary: 'A fresh c_nonce for key proofs (OpenID4VCI §7)',
          responses: { 200: OK_JSON('{"c_nonce": "..."}'), ...ERRORS(429) },
        }),
      },
      '/credential': {
        post: walletOperation({
          operationId: 'credential',
          summary: 'Credential endpoint (OpenID4VCI §8); the access token in the Authorization header only',
          security: [{ accessToken: [] }],
          requestBody: { required: true, content: jsonContent({ type: 'object' }) },
          responses: {
            200: OK_JSON('The credentials'),
            202: OK_JSON('Deferred: a transaction_id and interval'),
            ...ERRORS(400, 401, 413, 415, 429),
          },
        }),
      },
      '/deferred_credential': {
        post: walletOperation({
          operationId: 'deferredCredential',
          summary: 'Deferred credential endpoint (OpenID4VCI §9)',
          security: [{ accessToken: [] }],
          requestBody: { required: true, content: jsonContent({ type: 'object' }) },
          responses: {
            200: OK_JSON('The credentials'),
            202: OK_JSON('Still pending'),
            ...ERRORS(400, 401, 413, 415, 429),
          },
        }),
      },
      '/status/{listId}': {
        get: walletOperation({
          operationId: 'statusList',
          summary: 'A Token Status List (statuslist+jwt), cacheable for its ttl',
          parameters: [{ ...ID_PARAMETER, name: 'listId' }],
          responses: {
            200: {
              description: 'The Status List Token',
              content: { 'application/statuslist+jwt': { schema: { type: 'string' } } },
            },
            ...ERRORS(404),
          },
        }),
      },
      '/healthz': {
        get: {
          tags: ['operations'],
          operationId: 'health',
          summary: 'Liveness and database reachability (no details)',
          responses: { 200: OK_JSON('{"status": "ok"}'), 503: OK_JSON('{"status": "unavailable"}') },
        },
      },
    },
  };
}
