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
} from '@haven/oid4vp';
import { createIssuerKeySource, verifySdJwtVc } from '@haven/sd-jwt';
import type { Command } from 'commander';
import { formatClaimPathArg } from './claim-path-arg.js';
import { CliError } from './cli-error.js';
import type { CliIo } from './io.js';
import { printable } from './verifier-commands.js';
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
      `note: ${skipped.length} credential(s) in other formats were not kept (${[...new Set(skipped)].join(', ')})\n`,
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

/** How `haven respond` ended. */
export type RespondOutcome =
  | 'shared'
  | 'refused-by-verifier'
  | 'declined'
  | 'refused-over-asking'
  | 'refused-no-consent';

/** The held credentials of a wallet directory, as the responder needs them. */
export function heldCredentials(wallet: WalletDir): HeldCredential[] {
  return listCredentials(wallet).map((c) => ({
    id: c.id,
    format: c.format,
    credential: c.credential,
    signer: wallet.signer,
  }));
}

/** The consent screen: who asks, why, whom to ask for deletion, and exactly the claims per credential. */
export function describeRequest(
  request: ParsedAuthorizationRequest,
  prepared?: PreparedPresentation,
): string {
  const r = request.registration;
  const lines = [
    `Verifier: ${printable(r.legal_name)}`,
    `Purpose: ${printable(r.purpose)} — ${printable(r.purpose_description, 2048)}`,
    `To have the data deleted: ${printable(r.deletion_contact)}`,
  ];
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

/**
 * `haven respond REQUEST_URI --wallet DIR`: fetches and checks an OpenID4VP authorization request, shows
 * the verifier's legal name, purpose, deletion contact and exactly the claims to be disclosed, refuses a
 * request that asks beyond its registered purpose (unless `--accept-over-asking`), asks for consent
 * (`--yes`, or y/N on a terminal), posts the response and prints the verifier's answer. `--decline`
 * answers `access_denied`. Every presentation is logged to `DIR/log.jsonl`, names only.
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
  const log = (outcome: RespondOutcome, prepared?: PreparedPresentation) =>
    appendPresentationLog(wallet, {
      time: new Date(clock.now() * 1000).toISOString(),
      verifier: request.registration.legal_name,
      purpose: request.registration.purpose,
      queryIds,
      claims: outcome === 'shared' || outcome === 'refused-by-verifier' ? logClaims(prepared) : {},
      outcome,
    });

  if (flags.decline) {
    io.stdout(describeRequest(request));
    await declineAuthorizationRequest(request, network);
    log('declined');
    io.stdout('Declined: the verifier was told access_denied; nothing was shared.\n');
    return 'declined';
  }

  const held = heldCredentials(wallet);
  const prepared = preparePresentation(request, held);
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
  let body = await createAuthorizationResponse(prepared, { held, clock });
  if (deps.beforePost !== undefined) body = deps.beforePost(body);
  try {
    const answer = await postAuthorizationResponse(request, body, network);
    log('shared', prepared);
    io.stdout('Shared: the verifier received the response.\n');
    if (answer.redirectUri !== undefined) io.stdout(`Continue at: ${answer.redirectUri}\n`);
    return 'shared';
  } catch (error) {
    log('refused-by-verifier', prepared);
    if (!isHavenError(error)) throw error;
    // The verifier's own error code, when it sent a well-formed one (never its description).
    const said = error.details?.error;
    const code = typeof said === 'string' && /^[a-z0-9_]{1,64}$/.test(said) ? said : error.code;
    throw new CliError(`the verifier did not accept the response (${code})`, 1, code);
  }
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
      `\nEvery answer is recorded in DIR/log.jsonl (time, verifier, purpose, claim names; never values).\n${WALLET_NOTE}\n\nExample:\n  haven respond 'openid4vp://?client_id=…&request_uri=…' --wallet ./wallet`,
    )
    .action(async (requestUri: string, options: RespondFlags) => {
      await respondCommand(requestUri, options, io);
      setExitCode(0);
    });
}
