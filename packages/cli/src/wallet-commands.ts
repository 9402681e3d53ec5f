import {
  type Clock,
  createGuardedFetch,
  type GuardedFetch,
  isHavenError,
  isJsonObject,
  jwkThumbprint,
  type PublicJwk,
  systemClock,
} from '@haven/core';
import { receiveCredentials } from '@haven/oid4vci';
import {
  type AuthorizationResponseBody,
  createAuthorizationResponse,
  declineAuthorizationRequest,
  fetchAuthorizationRequest,
  type HeldCredential,
  type ParsedAuthorizationRequest,
  type PreparedPresentation,
  postAuthorizationResponse,
  preparePresentation,
  type VerifierAnswer,
} from '@haven/oid4vp';
import { createIssuerKeySource, verifySdJwtVc } from '@haven/sd-jwt';
import type { Command } from 'commander';
import { formatClaimPathArg } from './claim-path-arg.js';
import { CliError } from './cli-error.js';
import type { CliIo } from './io.js';
import { printable } from './printable.js';
import {
  appendPresentationLog,
  listCredentials,
  openWalletDir,
  type StoredCredential,
  storeCredential,
  type WalletDir,
} from './wallet-dir.js';

/** What the wallet commands talk to the network and the clock through (tests and the demo inject them). */
export interface WalletDeps {
  readonly fetch?: GuardedFetch;
  readonly clock?: Clock;
}

/** Flags of `haven receive`. */
export interface ReceiveFlags {
  readonly wallet: string;
  readonly txCode?: string;
  readonly allowHttpLoopback?: boolean;
}

/** What `haven receive` stored. */
export interface ReceiveSummary {
  readonly issuer: string;
  readonly stored: readonly StoredCredential[];
  /** Credentials received in formats this wallet does not keep (by format). */
  readonly skipped: readonly string[];
  readonly deferred: number;
}

function fetcherFor(allowHttpLoopback: boolean | undefined, deps: WalletDeps): GuardedFetch {
  return deps.fetch ?? createGuardedFetch({ allowHttpLoopback: allowHttpLoopback === true });
}

/** The issuer's signing keys from its JWT VC Issuer Metadata (fetched with the guarded fetcher). */
async function issuerKeys(fetch: GuardedFetch, issuer: string): Promise<readonly PublicJwk[]> {
  // SD-JWT VC §JWT VC Issuer Metadata: the well-known segment goes between host and path. Built here
  // (not with `jwtVcIssuerMetadataUrl`, https only) so a loopback test issuer works; the guarded fetcher
  // still refuses plain http anywhere but loopback, and only when allowed.
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
  const response = await fetch({
    url: `${url.origin}/.well-known/jwt-vc-issuer${path}`,
    headers: { accept: 'application/json' },
  });
  const metadata = response.status === 200 ? response.json() : undefined;
  const keys =
    isJsonObject(metadata) && metadata.issuer === issuer && isJsonObject(metadata.jwks)
      ? metadata.jwks.keys
      : undefined;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new CliError(
      "the issuer's metadata does not publish its signing keys",
      1,
      'ISSUER_METADATA_INVALID',
    );
  }
  return keys as PublicJwk[];
}

/** Verifies a received SD-JWT VC: the issuer's signature, `iss`, and the binding to the wallet's key. */
async function checkReceived(
  credential: string,
  issuer: string,
  keys: readonly PublicJwk[],
  wallet: WalletDir,
  clock: Clock,
): Promise<{ vct: string }> {
  const result = await verifySdJwtVc(credential, {
    issuerKey: createIssuerKeySource({ issuers: [issuer], keys: { [issuer]: keys } }),
    clock,
    // On receipt: no key binding JWT yet (the binding is checked below); status is the verifier's job.
    holderBinding: { required: false },
    status: 'unchecked',
  });
  if (!result.verified) {
    throw new CliError(`a received credential did not verify (${result.error.code})`, 1, result.error.code);
  }
  const cnf = result.claims.cnf;
  const jwk = isJsonObject(cnf) ? cnf.jwk : undefined;
  if (!isJsonObject(jwk) || jwkThumbprint(jwk as PublicJwk) !== jwkThumbprint(wallet.holderPublicJwk)) {
    throw new CliError('a received credential is not bound to this wallet’s key', 1, 'HOLDER_BINDING');
  }
  return { vct: result.vct };
}

/**
 * `haven receive OFFER_URI --wallet DIR`: receives the credentials of an OpenID4VCI offer (pre-authorized
 * code, `--tx-code` when the offer asks for one), bound to the wallet's holder key, verifies each one
 * against the issuer's published keys and stores it. Prints the issuer, types and count, never claims.
 *
 * @example
 * ```ts
 * await receiveCommand(offerUri, { wallet: './wallet', txCode: '493536' }, io);
 * ```
 */
export async function receiveCommand(
  offerUri: string,
  flags: ReceiveFlags,
  io: CliIo,
  deps: WalletDeps = {},
): Promise<ReceiveSummary> {
  if (flags.txCode !== undefined && !/^[\x21-\x7e]{1,64}$/.test(flags.txCode)) {
    throw new CliError('--tx-code must be printable characters without spaces');
  }
  const wallet = openWalletDir(flags.wallet);
  const fetch = fetcherFor(flags.allowHttpLoopback, deps);
  const clock = deps.clock ?? systemClock();
  const result = await receiveCredentials({
    offerUri,
    ...(flags.txCode === undefined ? {} : { txCode: flags.txCode }),
    holderKeys: [{ signer: wallet.signer, publicJwk: wallet.holderPublicJwk }],
    now: () => clock.now(),
    fetch,
    allowHttpLoopback: flags.allowHttpLoopback === true,
  });
  const issuer = result.credentialIssuer;
  const checked: { credential: string; vct: string }[] = [];
  const skipped: string[] = [];
  let deferred = 0;
  let keys: readonly PublicJwk[] | undefined;
  for (const received of result.received) {
    if (received.deferred !== undefined) deferred++;
    for (const credential of received.credentials) {
      if (received.format !== 'dc+sd-jwt' || typeof credential !== 'string') {
        skipped.push(received.format);
        continue;
      }
      keys ??= await issuerKeys(fetch, issuer);
      // Every credential is checked before any is stored: all or nothing.
      checked.push({ credential, ...(await checkReceived(credential, issuer, keys, wallet, clock)) });
    }
  }
  const stored = checked.map((c) => storeCredential(wallet, { ...c, issuer }));
  const byType = new Map<string, number>();
  for (const s of stored) byType.set(s.vct, (byType.get(s.vct) ?? 0) + 1);
  io.stdout(
    `Received ${stored.length} credential${stored.length === 1 ? '' : 's'} from ${printable(issuer)}\n`,
  );
  for (const [vct, count] of byType) io.stdout(`  ${printable(vct)} ×${count}\n`);
  if (skipped.length > 0) {
    io.stderr(
      `note: ${skipped.length} credential(s) in other formats were not kept (${printable([...new Set(skipped)].join(', '))})\n`,
    );
  }
  if (deferred > 0)
    io.stderr(`note: the issuer deferred ${deferred} credential request(s); not supported here yet\n`);
  return { issuer, stored, skipped, deferred };
}

/** Flags of `haven respond`. */
export interface RespondFlags {
  readonly wallet: string;
  readonly yes?: boolean;
  readonly decline?: boolean;
  readonly acceptOverAsking?: boolean;
  readonly allowHttpLoopback?: boolean;
}

/** Options of {@link respondCommand} beyond its flags. */
export interface RespondDeps extends WalletDeps {
  /** Whether standard input is a terminal one can ask (default: `process.stdin.isTTY`). */
  readonly terminal?: boolean;
  /** Asks a yes/no question on the terminal; the answer line. */
  readonly prompt?: (question: string) => Promise<string>;
  /** The demo's hook to alter the response before it is posted (a tampering story). */
  readonly beforePost?: (body: AuthorizationResponseBody) => AuthorizationResponseBody;
}

/**
 * How `haven respond` ended, as recorded in `log.jsonl`: `shared` (the verifier answered 200),
 * `refused-by-verifier` (it answered with an error), `not-sent` (a failure before anything was posted),
 * `delivery-unknown` (the post failed on the way, e.g. a timeout: the verifier may have received it),
 * or the holder's or wallet's own refusal.
 */
export type RespondOutcome =
  | 'shared'
  | 'refused-by-verifier'
  | 'not-sent'
  | 'delivery-unknown'
  | 'declined'
  | 'refused-over-asking'
  | 'refused-no-consent';

/**
 * The held credentials of a wallet directory, as the responder needs them. A malformed credential
 * file is skipped (and left on disk); `onMalformed` is told its file id.
 *
 * @example
 * ```ts
 * preparePresentation(request, heldCredentials(wallet, (id) => warn(id)));
 * ```
 */
export function heldCredentials(wallet: WalletDir, onMalformed?: (fileId: string) => void): HeldCredential[] {
  return listCredentials(wallet, onMalformed === undefined ? {} : { onMalformed }).map((c) => ({
    id: c.id,
    format: c.format,
    credential: c.credential,
    signer: wallet.signer,
  }));
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
}

/**
 * The consent screen: who receives the response (the `client_id` and the host of `response_uri`), a
 * warning when the request is unsigned (then nothing about the verifier is verified), what the
 * verifier says of itself (legal name, purpose, deletion contact) and exactly the claims per credential.
 *
 * @example
 * ```ts
 * io.stdout(describeRequest(request, preparePresentation(request, held)));
 * ```
 */
export function describeRequest(
  request: ParsedAuthorizationRequest,
  prepared?: PreparedPresentation,
): string {
  const r = request.registration;
  const lines = [
    `Verifier: ${printable(r.legal_name)}`,
    `Sends to: ${printable(request.client.clientId, 2048)} (response posted to ${printable(hostOf(request.responseUri))})`,
  ];
  if (!request.signed) {
    // OpenID4VP §5.9.3: a redirect_uri client_id proves nothing; the registration is the verifier's word.
    lines.push(
      `WARNING: unsigned request: the verifier's identity is not verified (${printable(request.client.prefix)}); name, purpose and contact below are its own claims`,
    );
  }
  lines.push(
    `Purpose: ${printable(r.purpose)} — ${printable(r.purpose_description, 2048)}`,
    `To have the data deleted: ${printable(r.deletion_contact)}`,
  );
  if (prepared !== undefined) {
    for (const item of prepared.consent) {
      const type = printable(item.credentialType ?? item.vct);
      lines.push(`Would share from ${type}${item.issuer ? ` (issued by ${printable(item.issuer)})` : ''}:`);
      for (const path of item.claims) lines.push(`  - ${printable(formatClaimPathArg(path))}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function logClaims(prepared: PreparedPresentation | undefined): Record<string, string[]> {
  const claims: Record<string, string[]> = {};
  for (const item of prepared?.consent ?? []) {
    claims[item.queryId] = [
      ...(claims[item.queryId] ?? []),
      ...item.claims.map((p) => formatClaimPathArg(p)),
    ];
  }
  return claims;
}

async function askConsent(deps: RespondDeps): Promise<boolean> {
  const terminal = deps.terminal ?? process.stdin.isTTY === true;
  if (!terminal) return false;
  const prompt =
    deps.prompt ??
    (async (question: string) => {
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    });
  const answer = await prompt('Share these claims with this verifier? [y/N] ');
  return /^\s*y(es)?\s*$/i.test(answer);
}

/** Failures of the guarded fetcher that happen before any byte is sent. */
const NOT_SENT_CODES = new Set([
  'OID4VP_OPTIONS_INVALID',
  'OID4VP_REQUEST_INVALID',
  'FETCH_URL_INVALID',
  'FETCH_SCHEME_NOT_ALLOWED',
  'FETCH_ADDRESS_BLOCKED',
]);

/** What a failed post means for the holder: was the response received, refused, or never sent? */
function postFailureOutcome(error: unknown): RespondOutcome {
  if (!isHavenError(error)) return 'delivery-unknown';
  if (error.code === 'OID4VP_VERIFIER_ERROR') {
    // §8.2: a 200 from the response_uri itself means it took the response, even if the rest of its
    // answer (the JSON object, its redirect_uri) is malformed.
    return error.details?.status === 200 && error.details?.redirected !== true
      ? 'shared'
      : 'refused-by-verifier';
  }
  // The verifier answered with a redirect (§14.8: an error).
  if (error.code === 'FETCH_REDIRECT_REFUSED') return 'refused-by-verifier';
  return NOT_SENT_CODES.has(error.code) ? 'not-sent' : 'delivery-unknown';
}

/**
 * `haven respond REQUEST_URI --wallet DIR`: fetches and checks an OpenID4VP authorization request, shows
 * who receives the response (`client_id`, response host; a warning when unsigned), the verifier's legal
 * name, purpose, deletion contact and exactly the claims to be disclosed, refuses a request that asks
 * beyond its registered purpose (unless `--accept-over-asking`), notes a purpose Haven does not know,
 * asks for consent (`--yes`, or y/N on a terminal), posts the response and prints the verifier's answer.
 * `--decline` answers `access_denied`. Every answer is logged once to `DIR/log.jsonl` with its true
 * outcome, names only.
 *
 * @example
 * ```ts
 * const outcome = await respondCommand(uri, { wallet: './wallet', yes: true }, io);
 * ```
 */
export async function respondCommand(
  requestUri: string,
  flags: RespondFlags,
  io: CliIo,
  deps: RespondDeps = {},
): Promise<RespondOutcome> {
  if (flags.yes && flags.decline) throw new CliError('--yes and --decline exclude each other');
  const wallet = openWalletDir(flags.wallet);
  const fetch = fetcherFor(flags.allowHttpLoopback, deps);
  const clock = deps.clock ?? systemClock();
  const network = { fetch, allowHttpLoopback: flags.allowHttpLoopback === true };
  const request = await fetchAuthorizationRequest(requestUri, { ...network, clock });
  const queryIds = request.dcqlQuery.credentials.map((c: { id: string }) => c.id);
  let logged = false;
  // Exactly one line per answer, written once its outcome is known. A failing log never changes what
  // the holder is told happened (a shared response stays shared), so it is a warning.
  const log = (outcome: RespondOutcome, prepared?: PreparedPresentation): void => {
    if (logged) return;
    logged = true;
    try {
      appendPresentationLog(wallet, {
        time: new Date(clock.now() * 1000).toISOString(),
        clientId: request.client.clientId,
        verifier: request.registration.legal_name,
        purpose: request.registration.purpose,
        queryIds,
        claims:
          outcome === 'shared' || outcome === 'refused-by-verifier' || outcome === 'delivery-unknown'
            ? logClaims(prepared)
            : {},
        outcome,
      });
    } catch {
      io.stderr(`warning: the presentation log could not be written (outcome: ${outcome})\n`);
    }
  };

  if (flags.decline) {
    io.stdout(describeRequest(request));
    try {
      await declineAuthorizationRequest(request, network);
    } finally {
      // The holder declined and nothing was shared, whether or not the verifier took the notice.
      log('declined');
    }
    io.stdout('Declined: the verifier was told access_denied; nothing was shared.\n');
    return 'declined';
  }

  let prepared: PreparedPresentation | undefined;
  let body: AuthorizationResponseBody;
  try {
    const held = heldCredentials(wallet, (id) =>
      io.stderr(`warning: skipped the unreadable or malformed credential file ${id}.json (left on disk)\n`),
    );
    prepared = preparePresentation(request, held);
    io.stdout(describeRequest(request, prepared));
    const check = request.purposeCheck;
    if (check.status === 'over-asking') {
      io.stderr(
        `WARNING: this verifier asks for more than its registered purpose "${printable(check.purpose)}" allows (${check.code}: ${printable(check.paths.join(', '))})\n`,
      );
      if (!flags.acceptOverAsking) {
        log('refused-over-asking');
        throw new CliError(
          'refused: the request asks beyond the verifier’s registered purpose (pass --accept-over-asking to decide anyway)',
          1,
          check.code,
        );
      }
    } else if (check.status === 'unknown-purpose') {
      io.stderr(
        `note: the purpose "${printable(check.purpose)}" is not one Haven knows; judge the request yourself\n`,
      );
    }
    if (check.status !== 'unknown-purpose' && check.basis === 'registration') {
      // The only yardstick is what the verifier declared about itself: it bounds the request, it does
      // not vouch for it. Consent is still asked (or given with --yes) after this note.
      io.stderr(
        `note: the purpose "${printable(check.purpose)}" is declared by the verifier itself, not one Haven knows; the request was checked only against the claims the verifier itself declared\n`,
      );
    }
    if (prepared.unsupported.length > 0) {
      io.stderr(
        `note: queries in formats this wallet cannot hold: ${printable(prepared.unsupported.join(', '))}\n`,
      );
    }
    if (!prepared.satisfied) {
      throw new CliError(
        'this wallet holds no credentials that answer the request',
        1,
        'NO_MATCHING_CREDENTIAL',
      );
    }
    const consented = flags.yes === true || (await askConsent(deps));
    if (!consented) {
      log('refused-no-consent');
      const terminal = deps.terminal ?? process.stdin.isTTY === true;
      throw new CliError(
        terminal
          ? 'nothing was shared (no consent)'
          : 'no consent: pass --yes to share, or run on a terminal to be asked (nothing was shared)',
        1,
        'NO_CONSENT',
      );
    }
    body = await createAuthorizationResponse(prepared, { held, clock });
    if (deps.beforePost !== undefined) body = deps.beforePost(body);
  } catch (error) {
    log('not-sent');
    throw error;
  }

  let answer: VerifierAnswer;
  try {
    answer = await postAuthorizationResponse(request, body, network);
  } catch (error) {
    const outcome = postFailureOutcome(error);
    log(outcome, prepared);
    if (outcome === 'shared') {
      io.stdout('Shared: the verifier received the response.\n');
      io.stderr('warning: the verifier’s answer was malformed; there is nowhere to continue\n');
      return 'shared';
    }
    if (outcome === 'not-sent' || !isHavenError(error)) throw error;
    if (outcome === 'delivery-unknown') {
      throw new CliError(
        `the response may or may not have reached the verifier (${error.code})`,
        1,
        error.code,
      );
    }
    // The verifier's own error code, when it sent a well-formed one (never its description).
    const said = error.details?.error;
    const code = typeof said === 'string' && /^[a-z0-9_]{1,64}$/.test(said) ? said : error.code;
    throw new CliError(`the verifier did not accept the response (${code})`, 1, code);
  }
  log('shared', prepared);
  io.stdout('Shared: the verifier received the response.\n');
  if (answer.redirectUri !== undefined) {
    io.stdout(`Continue at: ${printable(answer.redirectUri, 4096)}\n`);
  }
  return 'shared';
}

const WALLET_NOTE =
  'A wallet directory is a simple file store for the command line (holder-key.json, credentials/, log.jsonl; mode 0700/0600): NOT the encrypted wallet. Anyone who can read it can use the key and read the credentials.';

/**
 * Registers `haven receive` and `haven respond` on the program; `setExitCode` receives their exit code.
 *
 * @example
 * ```ts
 * registerWalletCommands(program, io, (code) => { exitCode = code; });
 * ```
 */
export function registerWalletCommands(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  program
    .command('receive')
    .argument('<offerUri>', 'the openid-credential-offer:// URI (as scanned or clicked)')
    .description('receive the credentials of an OpenID4VCI offer into a wallet directory')
    .requiredOption('--wallet <dir>', 'the wallet directory (created on first use)')
    .option('--tx-code <code>', 'the transaction code given to you separately, when the offer asks for one')
    .option('--allow-http-loopback', 'let the issuer be a plain-http loopback address (local testing only)')
    .addHelpText(
      'after',
      `\n${WALLET_NOTE}\n\nExample:\n  haven receive 'openid-credential-offer://?credential_offer_uri=…' --wallet ./wallet --tx-code 493536`,
    )
    .action(async (offerUri: string, options: ReceiveFlags) => {
      await receiveCommand(offerUri, options, io);
      setExitCode(0);
    });
  program
    .command('respond')
    .argument('<requestUri>', 'the openid4vp:// authorization request URI (as scanned or clicked)')
    .description(
      'answer an OpenID4VP request: shows who asks, why and exactly what would be shared, then asks for consent',
    )
    .requiredOption('--wallet <dir>', 'the wallet directory')
    .option('--yes', 'consent without asking (needed when not on a terminal)')
    .option('--decline', 'refuse: tell the verifier access_denied, share nothing')
    .option('--accept-over-asking', 'go on (still asking for consent) when the request exceeds its purpose')
    .option('--allow-http-loopback', 'let the verifier be a plain-http loopback address (local testing only)')
    .addHelpText(
      'after',
      `\nEvery answer is recorded once in DIR/log.jsonl with its outcome (time, client_id, verifier, purpose, claim names; never values).\n${WALLET_NOTE}\n\nExample:\n  haven respond 'openid4vp://?client_id=…&request_uri=…' --wallet ./wallet`,
    )
    .action(async (requestUri: string, options: RespondFlags) => {
      await respondCommand(requestUri, options, io);
      setExitCode(0);
    });
}
