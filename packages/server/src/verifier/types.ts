import type { Purpose } from '@haven/credentials';
import type {
  CreatedPresentationTransaction,
  HandlerResponse,
  Oid4vpVerifierConfig,
  PresentationResult,
  ResponseMode,
} from '@haven/oid4vp';
import type { Actor } from '../issuer/types.js';

/** A purpose as the admin API lists it: Haven's built-in ones are read-only. */
export interface ListedPurpose {
  readonly purpose: Purpose;
  /** `true` for Haven's `PURPOSES` (their ids are reserved), `false` for the operator's own. */
  readonly builtIn: boolean;
}

/** Input of {@link HavenVerifier.createPresentation}, as the admin API receives it (schema-checked). */
export interface CreatePresentationInput {
  /** A built-in or registered purpose id. */
  readonly purpose: string;
  readonly responseMode?: ResponseMode;
  /** Same-device flow: where the wallet sends the user back (with `#response_code=`). */
  readonly redirectUri?: string;
  /** An explicit DCQL query; refused with `OVER_ASKING` when it goes beyond the purpose. */
  readonly dcqlQuery?: unknown;
}

/** Metadata of a presentation transaction (never claims, nonces or secrets). */
export interface PresentationStatus {
  readonly id: string;
  readonly purposeId: string;
  readonly responseMode: ResponseMode;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** `pending`, `expired`, or the wallet's answer: `accepted`, `rejected`, `declined`. */
  readonly state: 'pending' | 'expired' | 'accepted' | 'rejected' | 'declined';
  readonly respondedAt?: number;
  /** The stable error code of a rejected response. */
  readonly errorCode?: string;
  readonly collected: boolean;
}

/**
 * The verifier as the HTTP layer sees it (OpenID4VP 1.0, the §13.3 reference design for
 * `direct_post`): one instance per process; every instance over the same database behaves as one.
 */
export interface HavenVerifier {
  /** The public URL the verifier's endpoints are under. */
  readonly publicUrl: string;
  /** The full `client_id` (prefix included) every KB-JWT `aud` must equal. */
  readonly clientId: string;
  /** What the `@haven/oid4vp` verifier handlers need. */
  readonly oid4vp: Oid4vpVerifierConfig;
  /** Built-in purposes first, then the registered ones, by id. */
  listPurposes(): Promise<readonly ListedPurpose[]>;
  getPurpose(id: string): Promise<ListedPurpose | undefined>;
  /** Registers or replaces a purpose (checked with `parsePurpose`); a built-in id is refused. */
  putPurpose(id: string, value: unknown, actor: Actor): Promise<'created' | 'updated'>;
  /** Deletes a registered purpose; `false` when there was none. A built-in id is refused. */
  deletePurpose(id: string, actor: Actor): Promise<boolean>;
  /** Starts a transaction for the front end: the session secret is returned once, never stored. */
  createPresentation(input: CreatePresentationInput, actor: Actor): Promise<CreatedPresentationTransaction>;
  presentationStatus(id: string): Promise<PresentationStatus | undefined>;
  /**
   * The authorization request URI of a transaction that can still be answered, from its sealed request
   * (any process), for the admin QR code; `undefined` otherwise.
   */
  authorizationRequestUri(id: string): Promise<string | undefined>;
  /** `GET /oid4vp/requests/:requestId` (§5.10). */
  requestObject(requestId: string): Promise<HandlerResponse>;
  /** `POST /oid4vp/response` (§8.2): the form parameters as posted. */
  authorizationResponse(form: Readonly<Record<string, string>>): Promise<HandlerResponse>;
  /** The front end collects the result once, with its session secret (and response code, if any). */
  collectResult(transactionId: string, session: string, responseCode?: string): Promise<PresentationResult>;
  /** Deletes expired transactions (and any uncollected results); returns how many. */
  purgeExpired(): Promise<number>;
  close(): Promise<void>;
}
