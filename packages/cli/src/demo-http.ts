import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBase64Url, systemClock } from '@haven/core';
import {
  type CredentialTypeId,
  checkRequestAgainstPurpose,
  claimsTemplate,
  getPurpose,
} from '@haven/credentials';
import { type AuthorizationResponseBody, createAuthorizationRequest } from '@haven/oid4vp';
import { type ClaimPath, decodeHeldSdJwt } from '@haven/sd-jwt';
import { adminClient } from './admin-commands.js';
import { formatClaimPathArg } from './claim-path-arg.js';
import { CliError } from './cli-error.js';
import type { DemoResult, DemoStep } from './demo.js';
import type { CliIo } from './io.js';
import { type RequestVerdict, requestPresentation } from './verifier-commands.js';
import { receiveCommand, respondCommand } from './wallet-commands.js';

/** Options of {@link runHttpDemo}. */
export interface HttpDemoOptions {
  /** Keep the server data and the wallet here (default: a fresh temporary directory). */
  readonly dataDir?: string;
  /** Progress lines as the demo goes (default: none). */
  readonly progress?: (line: string) => void;
}

/** One step of the HTTP demo: a {@link DemoStep} plus the protocol steps it went through. */
export interface HttpDemoStep extends DemoStep {
  /** The protocol steps, in order, each with whether it went as it should. */
  readonly trace: readonly { readonly step: string; readonly ok: boolean }[];
}

/** What {@link runHttpDemo} returns: a `DemoResult` whose steps carry their protocol trace. */
export interface HttpDemoResult extends DemoResult {
  readonly steps: readonly HttpDemoStep[];
  /** Where the server listened (loopback, now stopped). */
  readonly serverUrl: string;
}

/** Swallows the sub-commands' output: the demo tells its own story. */
const quiet: CliIo = { stdout: () => undefined, stderr: () => undefined, readStdin: async () => '' };

function disclosable(credential: string): string[] {
  return decodeHeldSdJwt(credential).processed.disclosed.map((p) => formatClaimPathArg(p));
}

function disclosedOf(verdict: RequestVerdict): string[] {
  const paths: string[] = [];
  for (const credential of verdict.credentials ?? []) {
    if (!Array.isArray(credential.disclosed)) continue;
    for (const path of credential.disclosed) paths.push(formatClaimPathArg(path as ClaimPath));
  }
  return paths.sort();
}

/** Flips one character of the first disclosure of the first presentation (a change in transit). */
function tamper(body: AuthorizationResponseBody): AuthorizationResponseBody {
  if (!('vp_token' in body)) throw new CliError('the tampering story needs a direct_post response');
  const token = JSON.parse(body.vp_token) as Record<string, string[]>;
  const [queryId] = Object.keys(token);
  const presentation = token[queryId as string]?.[0];
  if (queryId === undefined || presentation === undefined) throw new CliError('no presentation to alter');
  const parts = presentation.split('~');
  const target = parts[1] as string;
  parts[1] = `${target.slice(0, 10)}${target[10] === 'A' ? 'B' : 'A'}${target.slice(11)}`;
  return { ...body, vp_token: JSON.stringify({ ...token, [queryId]: [parts.join('~')] }) };
}

/** An `openid4vp://` URL carrying the request by value (object parameters JSON-encoded, §5). */
function requestUrl(parameters: Readonly<Record<string, unknown>>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    query.set(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return `openid4vp://?${query.toString()}`;
}

/**
 * The three stories over real HTTP, with zero setup: a Haven server (issuer and verifier, embedded
 * SQLite in the data directory) on a random 127.0.0.1 port, and a wallet directory. Each story: an admin
 * offer with a tx_code → the wallet receives (OpenID4VCI) → the verifier requests a presentation for its
 * purpose → the wallet shows it and consents → the response is posted (OpenID4VP) → the verdict.
 * Then three refusals: a presentation altered in transit (the verifier rejects it), the labour contract
 * presented again after the employer revoked it (its status list says so), and a verifier asking beyond
 * its registered purpose (the wallet refuses before anything is shared).
 *
 * @example
 * ```ts
 * const result = await runHttpDemo();
 * process.stdout.write(formatHttpDemo(result));
 * ```
 */
export async function runHttpDemo(options: HttpDemoOptions = {}): Promise<HttpDemoResult> {
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'haven-demo-'));
  if (existsSync(dataDir) && !statSync(dataDir).isDirectory()) {
    throw new CliError('--data-dir is not a directory');
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    return await playStories(dataDir, temporary, options);
  } catch (error) {
    // A temporary directory the caller never learnt about is not left behind.
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function playStories(
  dataDir: string,
  temporary: boolean,
  options: HttpDemoOptions,
): Promise<HttpDemoResult> {
  const progress = options.progress ?? (() => undefined);
  const adminToken = `haven_admin_demo-${randomBase64Url(32)}`;
  // Loaded on demand, as `haven serve` does: the server is heavy for every other command.
  const { createServerLogger, startServer } = await import('@haven/server');
  const running = await startServer({
    host: '127.0.0.1',
    port: 0,
    workers: 1,
    dataDir: join(dataDir, 'server'),
    adminToken,
    // A legal minimum wage lets the issuer attest `wage_meets_legal_minimum` (the inspector's purpose).
    issuerConfig: { legalMinimumWage: { amount: '1801.80', currency: 'EUR', period: 'month' } },
    verifier: {
      legalName: 'Specimen Verification Service (fictional)',
      deletionContact: 'privacy@verifier.example',
    },
    env: {},
    handleSignals: false,
    logger: createServerLogger({ destination: { write: () => undefined } }),
  });
  const server = running.url;
  progress(`Haven server (issuer and verifier) listening on ${server}`);
  const wallet = join(dataDir, 'wallet');
  const client = adminClient({ server, adminToken }, {});
  const admin = (path: string, body?: unknown, method: 'GET' | 'POST' = 'POST') =>
    client.call(method, path, body);
  const steps: HttpDemoStep[] = [];

  const receive = async (type: CredentialTypeId, trace: HttpDemoStep['trace'][number][]) => {
    const offer = await admin('/admin/offers', {
      credentialType: type,
      claims: claimsTemplate(type),
      formats: ['dc+sd-jwt'],
    });
    trace.push({ step: 'offer created with a tx_code', ok: typeof offer.txCode === 'string' });
    const summary = await receiveCommand(
      String(offer.offerUri),
      { wallet, txCode: String(offer.txCode), allowHttpLoopback: true },
      quiet,
    );
    const stored = summary.stored[0];
    trace.push({ step: 'wallet received and verified the credential', ok: stored !== undefined });
    if (stored === undefined) throw new CliError('the wallet received no credential', 1);
    return { credential: stored.credential, offerId: String(offer.offerId) };
  };

  const story = async (title: string, type: CredentialTypeId, purpose: string) => {
    const trace: HttpDemoStep['trace'][number][] = [];
    const { credential, offerId } = await receive(type, trace);
    let respondError: string | undefined;
    const { verdict } = await requestPresentation(
      // The wallet answers before the first poll; the timeout only bounds a failed story.
      { server, adminToken, purpose, responseMode: 'direct_post.jwt', timeout: '5', json: true },
      quiet,
      {
        env: {},
        onCreated: async (created) => {
          trace.push({ step: 'verifier created the request', ok: true });
          try {
            await respondCommand(
              created.authorizationRequestUri,
              { wallet, yes: true, allowHttpLoopback: true },
              quiet,
            );
            trace.push({ step: 'wallet showed the request, consented and answered', ok: true });
          } catch (error) {
            respondError = error instanceof CliError ? (error.code ?? error.message) : 'UNEXPECTED';
            trace.push({ step: 'wallet answered', ok: false });
          }
        },
      },
    );
    const disclosed = verdict.status === 'accepted' ? disclosedOf(verdict) : [];
    // The point of the story: the verifier got what its purpose allows, and nothing else.
    let exact = verdict.status === 'accepted' && disclosed.length > 0;
    if (exact) {
      try {
        checkRequestAgainstPurpose(purpose, [
          {
            credentialType: type,
            claims: (verdict.credentials ?? []).flatMap((c) => c.disclosed as ClaimPath[]),
          },
        ]);
      } catch {
        exact = false;
      }
    }
    trace.push({ step: `verdict ${verdict.status}`, ok: exact });
    const code = verdict.code ?? respondError;
    steps.push({
      title,
      issuer: server,
      verifier: purpose,
      expected: 'verified',
      outcome: verdict.status === 'accepted' ? 'verified' : 'refused',
      ...(verdict.status === 'accepted' || code === undefined ? {} : { code }),
      disclosed,
      hidden: disclosable(credential)
        .filter((p) => !disclosed.includes(p))
        .sort(),
      ok: exact,
      trace,
    });
    progress(`${exact ? '✔' : '✘'} ${title}`);
    return offerId;
  };

  try {
    await story(
      'A civil registry restores a survivor’s identity; an age check learns only that they are over 18',
      'identity-restoration',
      'age-check',
    );
    const contractOffer = await story(
      'An employer issues a labour contract; an inspector checks it is valid, with wage and hours',
      'labour-contract',
      'inspector.contract-validity',
    );
    await story(
      'An agency registers a refugee; a humanitarian service checks the registration',
      'refugee-registration',
      'refugee-services.registration-check',
    );

    // Refusal 1: one character of a disclosure changed in transit; the verifier must reject it.
    {
      const trace: HttpDemoStep['trace'][number][] = [];
      let walletSaw: string | undefined;
      const { verdict } = await requestPresentation(
        {
          server,
          adminToken,
          purpose: 'clinic.identity-minimal',
          responseMode: 'direct_post',
          timeout: '5',
          json: true,
        },
        quiet,
        {
          env: {},
          onCreated: async (created) => {
            try {
              await respondCommand(
                created.authorizationRequestUri,
                { wallet, yes: true, allowHttpLoopback: true },
                quiet,
                { beforePost: tamper },
              );
            } catch (error) {
              walletSaw = error instanceof CliError ? error.code : 'UNEXPECTED';
            }
            trace.push({ step: 'a disclosure was altered after the wallet signed', ok: true });
          },
        },
      );
      const ok = verdict.status === 'rejected';
      trace.push({ step: `verdict ${verdict.status}`, ok });
      const code = verdict.code ?? walletSaw;
      steps.push({
        title: 'A presentation altered in transit',
        verifier: 'clinic.identity-minimal',
        expected: 'refused',
        outcome: verdict.status === 'accepted' ? 'verified' : 'refused',
        ...(code === undefined ? {} : { code }),
        disclosed: [],
        hidden: [],
        ok,
        trace,
      });
      progress(`${ok ? '✔' : '✘'} A presentation altered in transit`);
    }

    // Refusal 3: the employer revokes the contract (its status list entry flips); the inspector's next
    // check of the same credential fails on its status.
    {
      const trace: HttpDemoStep['trace'][number][] = [];
      const found = await admin(
        `/admin/credentials?offer=${encodeURIComponent(contractOffer)}`,
        undefined,
        'GET',
      );
      const items = Array.isArray(found.items) ? (found.items as { id?: unknown }[]) : [];
      const id = items[0]?.id;
      if (typeof id !== 'string') throw new CliError('the demo server lists no issued contract', 1);
      await admin(`/admin/credentials/${encodeURIComponent(id)}/revoke`);
      trace.push({ step: 'the employer revoked the contract', ok: true });
      const purpose = 'inspector.contract-validity';
      const { verdict } = await requestPresentation(
        { server, adminToken, purpose, responseMode: 'direct_post.jwt', timeout: '5', json: true },
        quiet,
        {
          env: {},
          onCreated: async (created) => {
            try {
              await respondCommand(
                created.authorizationRequestUri,
                { wallet, yes: true, allowHttpLoopback: true },
                quiet,
              );
            } catch {
              // The verifier's refusal reaches the wallet as an error; the verdict below is what counts.
            }
            trace.push({ step: 'the wallet presented the revoked contract', ok: true });
          },
        },
      );
      const ok = verdict.status === 'rejected';
      trace.push({ step: `verdict ${verdict.status}`, ok });
      steps.push({
        title: 'The employer revokes the contract; the inspector checks it again',
        verifier: purpose,
        expected: 'refused',
        outcome: verdict.status === 'accepted' ? 'verified' : 'refused',
        ...(verdict.code === undefined ? {} : { code: verdict.code }),
        disclosed: [],
        hidden: [],
        ok,
        trace,
      });
      progress(`${ok ? '✔' : '✘'} The employer revokes the contract`);
    }

    // Refusal 2: a clinic whose request asks for nationalities, beyond its registered purpose. Haven's
    // server refuses to create such a request, so this verifier builds it itself; the wallet must refuse.
    {
      const trace: HttpDemoStep['trace'][number][] = [];
      const purpose = 'clinic.identity-minimal';
      const created = await createAuthorizationRequest({
        purpose,
        // Never reached: the wallet must refuse before posting anything.
        clientId: 'redirect_uri:https://clinic.example/oid4vp/response',
        responseUri: 'https://clinic.example/oid4vp/response',
        responseMode: 'direct_post',
        verifier: {
          legalName: 'Specimen Clinic (fictional)',
          deletionContact: 'privacy@clinic.example',
        },
        clock: systemClock(),
      });
      const dcql = structuredClone(created.dcqlQuery) as {
        credentials: { claims?: { id?: string; path: unknown[] }[] }[];
      };
      for (const query of dcql.credentials) {
        query.claims?.push({ id: 'nationalities', path: ['nationalities'] });
      }
      trace.push({ step: 'the clinic asks for nationalities too', ok: true });
      let refusal: string | undefined;
      try {
        await respondCommand(
          requestUrl({ ...created.parameters, dcql_query: dcql }),
          { wallet, yes: true, allowHttpLoopback: true },
          quiet,
        );
      } catch (error) {
        refusal = error instanceof CliError ? (error.code ?? 'REFUSED') : 'UNEXPECTED';
      }
      const ok = refusal === 'OVER_ASKING';
      trace.push({ step: `wallet ${refusal === undefined ? 'shared' : 'refused'}`, ok });
      steps.push({
        title: `A clinic asking for nationalities (${getPurpose(purpose).id} does not allow them)`,
        verifier: purpose,
        expected: 'refused',
        outcome: refusal === undefined ? 'verified' : 'refused',
        ...(refusal === undefined ? {} : { code: refusal }),
        disclosed: [],
        hidden: [],
        ok,
        trace,
      });
      progress(`${ok ? '✔' : '✘'} A clinic asking for nationalities`);
    }
  } finally {
    await running.stop();
  }
  return { ok: steps.every((s) => s.ok), dataDir, temporary, steps, serverUrl: server };
}

/**
 * The HTTP demo as a readable account: per story its protocol steps (✔/✘), what was disclosed and what
 * stayed hidden (claim names, never values) and the verdict.
 *
 * @example
 * ```ts
 * process.stdout.write(formatHttpDemo(await runHttpDemo()));
 * ```
 */
export function formatHttpDemo(result: HttpDemoResult): string {
  const lines = [
    'Haven demo over HTTP — an issuer and verifier server, a wallet, and only what each verifier may see',
    '',
  ];
  for (const [i, step] of result.steps.entries()) {
    lines.push(`${i + 1}. ${step.title}`);
    if (step.issuer) lines.push(`   issued by: ${step.issuer}`);
    lines.push(`   verifier: ${step.verifier}`);
    for (const t of step.trace) lines.push(`   ${t.ok ? '✔' : '✘'} ${t.step}`);
    if (step.expected === 'verified') {
      lines.push(`   disclosed: ${step.disclosed.join(', ') || '(nothing)'}`);
      lines.push(`   stayed hidden: ${step.hidden.join(', ') || '(nothing)'}`);
    }
    const verdict = step.outcome === 'verified' ? 'VERIFIED' : `REFUSED (${step.code ?? 'no code'})`;
    lines.push(
      `   ${step.ok ? '✔' : '✘'} verdict: ${verdict} ${step.ok ? '— as expected' : '— NOT what should have happened'}`,
    );
    lines.push('');
  }
  lines.push(result.ok ? 'Every verdict was the expected one.' : 'Some verdicts were not the expected ones.');
  lines.push(
    result.temporary
      ? 'The server data and the wallet went to a temporary directory, removed now (keep them with --data-dir DIR).'
      : `The server data and the wallet are in ${result.dataDir}`,
  );
  return `${lines.join('\n')}\n`;
}
