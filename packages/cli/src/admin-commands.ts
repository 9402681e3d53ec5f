import { createGuardedFetch, type GuardedResponse, isJsonObject } from '@haven/core';
import { CliError } from './cli-error.js';
import { type CliIo, readJsonFile } from './io.js';

const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;
/** Server error codes are shown as received only when they look like OAuth error codes. */
const ERROR_CODE = /^[a-z0-9_]{1,64}$/;
const FORMATS = new Set(['dc+sd-jwt', 'jwt_vc_json', 'ldp_vc']);

/** Flags every admin command shares. */
export interface AdminFlags {
  readonly server: string;
  readonly adminToken?: string;
}

/** An admin API client for one server: base URL, token and the guarded fetcher. */
export interface AdminClient {
  readonly base: string;
  /**
   * Calls `path` with the admin token, or with `bearer` instead (e.g. a verifier front end's session
   * secret); returns the JSON answer or throws a CliError with the server's `error` code.
   */
  call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    bearer?: string,
  ): Promise<Record<string, unknown>>;
}

/**
 * The admin API client of `--server` / `--admin-token` (or `HAVEN_ADMIN_TOKEN`): https only (plain http
 * for loopback hosts), through the guarded fetcher. Throws a CliError for a missing token or a bad URL.
 *
 * @example
 * ```ts
 * const created = await adminClient(flags, process.env).call('POST', '/admin/offers', body);
 * ```
 */
export function adminClient(
  flags: AdminFlags,
  env: Readonly<Record<string, string | undefined>>,
): AdminClient {
  const token = flags.adminToken ?? (env.HAVEN_ADMIN_TOKEN === '' ? undefined : env.HAVEN_ADMIN_TOKEN);
  if (token === undefined) {
    throw new CliError('the admin token is missing: set HAVEN_ADMIN_TOKEN (or pass --admin-token)');
  }
  let url: URL;
  try {
    url = new URL(flags.server);
  } catch {
    throw new CliError('--server must be a URL, e.g. https://haven.example');
  }
  const loopbackHttp = url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp) {
    throw new CliError('--server must be https (plain http only for 127.0.0.1 / localhost)');
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new CliError('--server must not carry user info, a query or a fragment');
  }
  const base = url.href.replace(/\/+$/, '');
  const fetcher = createGuardedFetch({ allowHttpLoopback: loopbackHttp, maxBytes: 1024 * 1024 });
  return {
    base,
    async call(method, path, body, bearer) {
      const response = await fetcher({
        url: `${base}${path}`,
        method,
        headers: {
          authorization: `Bearer ${bearer ?? token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return readAnswer(response);
    },
  };
}

/** The JSON answer, or a CliError carrying the server's `error` code (never its description). */
function readAnswer(response: GuardedResponse): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = response.json();
  } catch {
    parsed = undefined;
  }
  if (response.status >= 200 && response.status < 300 && isJsonObject(parsed)) return parsed;
  const error = isJsonObject(parsed) && typeof parsed.error === 'string' ? parsed.error : undefined;
  const code = error !== undefined && ERROR_CODE.test(error) ? error : `http_${response.status}`;
  const paths =
    isJsonObject(parsed) && isJsonObject(parsed.details) && Array.isArray(parsed.details.paths)
      ? parsed.details.paths.filter(
          (p): p is string => typeof p === 'string' && /^[\x20-\x7e]{1,200}$/.test(p),
        )
      : [];
  throw new CliError(
    `the server refused the request: ${code} (HTTP ${response.status})${paths.length > 0 ? ` at ${paths.slice(0, 10).join(', ')}` : ''}`,
    1,
    code,
  );
}

/** Flags of `haven offer`. */
export interface OfferFlags extends AdminFlags {
  readonly type: string;
  readonly claims: string;
  readonly format?: readonly string[];
  /** commander's negatable `--no-tx-code`: `false` when given. */
  readonly txCode?: boolean;
  readonly deferred?: boolean;
  readonly json?: boolean;
}

/**
 * `haven offer`: creates a credential offer through the admin API and prints the
 * `openid-credential-offer://` URI (and a QR code when standard output is a terminal) and the tx_code
 * to give to the person separately. Exit 1 with the server's `error` code when it refuses.
 *
 * @example
 * ```ts
 * await offerCommand({ server: 'https://issuer.example', type: 'labour-contract', claims: 'c.json' }, io);
 * ```
 */
export async function offerCommand(
  flags: OfferFlags,
  io: CliIo,
  env: Readonly<Record<string, string | undefined>> = process.env,
  terminal: boolean = process.stdout.isTTY === true,
): Promise<void> {
  const client = adminClient(flags, env);
  for (const format of flags.format ?? []) {
    if (!FORMATS.has(format)) throw new CliError('--format must be dc+sd-jwt, jwt_vc_json or ldp_vc');
  }
  const claims = await readJsonFile(flags.claims, io, 'claims');
  const created = await client.call('POST', '/admin/offers', {
    credentialType: flags.type,
    claims,
    ...(flags.format === undefined || flags.format.length === 0 ? {} : { formats: flags.format }),
    ...(flags.txCode === false ? { txCode: false } : {}),
    ...(flags.deferred ? { deferred: true } : {}),
  });
  if (flags.json) {
    io.stdout(`${JSON.stringify(created, null, 2)}\n`);
    return;
  }
  const uri = typeof created.offerUri === 'string' ? created.offerUri : '';
  if (terminal) {
    const { toString: toQrString } = await import('qrcode');
    io.stdout(await toQrString(uri, { type: 'terminal', small: true }));
  }
  io.stdout(`${uri}\n`);
  if (typeof created.txCode === 'string') {
    io.stdout(`tx_code: ${created.txCode}\n`);
    io.stderr('Give the tx_code to the person separately from the offer (another channel), once.\n');
  }
  if (typeof created.offerId === 'string') io.stderr(`offer id: ${created.offerId}\n`);
}

/** `revoke`, `suspend` or `reinstate`. */
export type StateAction = 'revoke' | 'suspend' | 'reinstate';

/**
 * `haven revoke|suspend|reinstate CREDENTIAL_ID`: changes an issued credential's status through the admin
 * API and prints `{id, state}`. Verifiers see the change in the next status list they fetch.
 *
 * @example
 * ```ts
 * await credentialStateCommand('revoke', 'Zk3…', { server: 'https://issuer.example' }, io);
 * ```
 */
export async function credentialStateCommand(
  action: StateAction,
  credentialId: string,
  flags: AdminFlags,
  io: CliIo,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<void> {
  const client = adminClient(flags, env);
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(credentialId)) throw new CliError('the credential id is not valid');
  const record = await client.call('POST', `/admin/credentials/${credentialId}/${action}`);
  io.stdout(`${JSON.stringify({ id: record.id, state: record.state }, null, 2)}\n`);
}
