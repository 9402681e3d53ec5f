import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createSigner,
  fixedClock,
  type GuardedFetch,
  generateKeyPair,
  isHavenError,
  randomBase64Url,
  toPublicJwk,
} from '@haven/core';
import {
  type CredentialTypeId,
  checkRequestAgainstPurpose,
  claimsForPurpose,
  claimsTemplate,
  getPurpose,
  prepareIssuance,
} from '@haven/credentials';
import { createDidJwk, createDidResolver } from '@haven/did';
import {
  type ClaimPath,
  createIssuerKeySource,
  decodeHeldSdJwt,
  issueSdJwtVcSync,
  presentSdJwtSync,
  selectClaimValues,
  verifySdJwtVc,
} from '@haven/sd-jwt';
import {
  allocateStatusIndex,
  createTokenStatusListChecker,
  MemoryStatusListStore,
  STATUS_TYPE,
  StatusList,
  signStatusListToken,
} from '@haven/status';
import { formatClaimPathArg } from './claim-path-arg.js';
import { CliError } from './cli-error.js';
import { writeSecretFile } from './io.js';
import { staticResponse } from './status-data.js';

/** One step of the demo: what happened, and whether it is what should have happened. */
export interface DemoStep {
  readonly title: string;
  readonly issuer?: string;
  readonly verifier: string;
  readonly expected: 'verified' | 'refused';
  readonly outcome: 'verified' | 'refused';
  readonly code?: string;
  readonly disclosed: readonly string[];
  readonly hidden: readonly string[];
  readonly ok: boolean;
}

export interface DemoResult {
  readonly ok: boolean;
  readonly dataDir: string;
  /** True when the data dir is a temporary one the caller should remove. */
  readonly temporary: boolean;
  readonly steps: readonly DemoStep[];
}

// The demo's frozen "now" (2026-06-01T09:00:00Z) keeps its output the same on every run.
const NOW = 1_780_304_400;
const clock = fixedClock(NOW);

interface Party {
  name: string;
  did: string;
  signer: ReturnType<typeof createSigner>;
}

function party(name: string, dataDir: string): Party {
  const keys = generateKeyPair('ES256');
  const did = createDidJwk(keys.publicJwk);
  // Files under the data dir, as a deployment would keep them (keys 0600).
  writeSecretFile(join(dataDir, `${name}.key.json`), `${JSON.stringify(keys.privateJwk, null, 2)}\n`);
  return { name, did, signer: createSigner(keys.privateJwk, { kid: `${did}#0` }) };
}

function issue(
  issuer: Party,
  type: CredentialTypeId,
  holderPublicJwk: ReturnType<typeof toPublicJwk>,
  status?: { status_list: { idx: number; uri: string } },
): string {
  const prepared = prepareIssuance(type, claimsTemplate(type), { now: NOW });
  return issueSdJwtVcSync(
    {
      iss: issuer.did,
      vct: prepared.vct,
      iat: NOW,
      exp: NOW + 365 * 86_400,
      ...prepared.claims,
      ...(status ? { status } : {}),
    },
    { signer: issuer.signer, frame: prepared.disclosureFrame, holderPublicJwk },
  );
}

/**
 * The employer's status lists: a random index per contract, and the list published as a signed Status
 * List Token. A real deployment serves it over HTTPS at its URI; the demo serves the published tokens
 * from memory (and writes them to the data dir), so it stays offline.
 */
function employerStatus(employer: Party, dataDir: string) {
  const store = new MemoryStatusListStore();
  const published = new Map<string, string>();
  const uriOf = (listId: string) => `https://employer.example/status/${listId}`;
  const fetch: GuardedFetch = async (request) => {
    const url = typeof request === 'string' ? request : request.url;
    const token = published.get(url);
    return token === undefined
      ? staticResponse(url, 404, new Uint8Array(), 'text/plain')
      : staticResponse(url, 200, new TextEncoder().encode(token), 'application/statuslist+jwt');
  };
  return {
    fetch,
    async allocate() {
      const { listId, index } = await allocateStatusIndex(store, { mechanism: 'token-status-list' });
      return { listId, index, claim: { status_list: { idx: index, uri: uriOf(listId) } } };
    },
    async publish(listId: string) {
      const { record, values } = await store.readList(listId);
      const list = new StatusList(record.size, record.bits);
      for (let i = 0; i < values.length; i++) if (values[i] !== 0) list.set(i, values[i] as number);
      const token = await signStatusListToken(list, {
        signer: employer.signer,
        sub: uriOf(listId),
        iss: employer.did,
        iat: NOW,
        exp: NOW + 86_400,
        ttl: 3600,
      });
      published.set(uriOf(listId), token);
      writeFileSync(join(dataDir, `status-list-${listId}.jwt`), `${token}\n`, { mode: 0o600 });
    },
    setStatus: (listId: string, index: number, value: number) => store.setStatus(listId, index, value),
  };
}

/** The claims of a credential that the holder could disclose, as printable paths. */
function disclosable(credential: string): string[] {
  return decodeHeldSdJwt(credential).processed.disclosed.map((p) => formatClaimPathArg(p));
}

function available(credential: string, paths: ClaimPath[]): ClaimPath[] {
  const claims = decodeHeldSdJwt(credential).processed.claims;
  return paths.filter((path) => selectClaimValues(claims, path).length > 0);
}

/**
 * The three stories end to end — restore an identity and show a clinic the minimum, check a labour
 * contract (and its status), check a refugee's age — then three refusals (tampering, revocation, over-asking). Everything is written to `dataDir` (a fresh temp
 * directory unless given), the way the embedded default keeps files.
 */
export async function runDemo(options: { dataDir?: string } = {}): Promise<DemoResult> {
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'haven-demo-'));
  if (existsSync(dataDir) && !statSync(dataDir).isDirectory())
    throw new CliError('--data-dir is not a directory');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const holderKeys = generateKeyPair('EdDSA');
  writeSecretFile(join(dataDir, 'wallet.key.json'), `${JSON.stringify(holderKeys.privateJwk, null, 2)}\n`);
  const holder = createSigner(holderKeys.privateJwk);
  const holderPublic = toPublicJwk(holderKeys.publicJwk);
  const registry = party('civil-registry', dataDir);
  const employer = party('employer', dataDir);
  const agency = party('refugee-agency', dataDir);
  const dids = createDidResolver();
  const steps: DemoStep[] = [];

  const status = employerStatus(employer, dataDir);
  // An inspector's status checker: the list must be signed by the contract's own issuer.
  const statusChecker = () =>
    createTokenStatusListChecker({
      fetch: status.fetch,
      issuerKey: (header, _list, claims) =>
        createIssuerKeySource({ issuers: [employer.did], dids })(header, { iss: claims.iss }),
      clock,
    });

  const story = async (
    title: string,
    issuer: Party,
    type: CredentialTypeId,
    purpose: string,
    statusClaim?: { status_list: { idx: number; uri: string } },
  ) => {
    const credential = issue(issuer, type, holderPublic, statusClaim);
    writeFileSync(join(dataDir, `${type}.sd-jwt`), `${credential}\n`, { mode: 0o600 });
    const nonce = randomBase64Url(16);
    const aud = `x509_san_dns:${purpose}.verifier.example`;
    // The verifier asks for its purpose; the wallet checks the request against it, then discloses.
    const request = claimsForPurpose(purpose, type);
    checkRequestAgainstPurpose(purpose, [{ credentialType: type, claims: request }]);
    const presentation = presentSdJwtSync(credential, {
      disclose: available(credential, request),
      keyBinding: { signer: holder, nonce, aud, clock },
    });
    writeFileSync(join(dataDir, `${type}.presentation`), `${presentation}\n`, { mode: 0o600 });
    const result = await verifySdJwtVc(presentation, {
      issuerKey: createIssuerKeySource({ issuers: [issuer.did], dids }),
      clock,
      holderBinding: { required: true, nonce, aud },
      ...(statusClaim ? { status: statusChecker() } : {}),
    });
    const all = disclosable(credential);
    const disclosed = result.verified ? result.disclosed.map((p) => formatClaimPathArg(p)) : [];
    // The point of the story: the verifier got what its purpose allows (all of it the credential holds)
    // and nothing else. Verifying is not enough.
    let exact = result.verified;
    if (result.verified) {
      try {
        checkRequestAgainstPurpose(purpose, [
          { credentialType: type, claims: [...result.disclosed] as ClaimPath[] },
        ]);
      } catch {
        exact = false;
      }
      const wanted = available(credential, request).map((p) => formatClaimPathArg(p));
      if (!wanted.every((p) => disclosed.includes(p))) exact = false;
    }
    steps.push({
      title,
      issuer: issuer.name,
      verifier: purpose,
      expected: 'verified',
      outcome: result.verified ? 'verified' : 'refused',
      ...(result.verified ? {} : { code: result.error.code }),
      disclosed: [...disclosed].sort(),
      hidden: all.filter((p) => !disclosed.includes(p)).sort(),
      ok: exact,
    });
    return { presentation, nonce, aud, issuer, credential };
  };

  const first = await story(
    'A civil registry restores a survivor’s identity; a clinic checks the minimum',
    registry,
    'identity-restoration',
    'clinic.identity-minimal',
  );
  const contractStatus = await status.allocate();
  await status.publish(contractStatus.listId);
  const contract = await story(
    'An employer issues a labour contract; an inspector checks it is valid (and not revoked), with wage and hours',
    employer,
    'labour-contract',
    'inspector.contract-validity',
    contractStatus.claim,
  );
  await story(
    'An agency registers a refugee; an age check learns only that they are over 18',
    agency,
    'refugee-registration',
    'age-check',
  );

  // Refusal 1: one character of a disclosure changed in transit.
  const parts = first.presentation.split('~');
  const target = parts[1] as string;
  parts[1] = `${target.slice(0, 10)}${target[10] === 'A' ? 'B' : 'A'}${target.slice(11)}`;
  const tampered = await verifySdJwtVc(parts.join('~'), {
    issuerKey: createIssuerKeySource({ issuers: [registry.did], dids }),
    clock,
    holderBinding: { required: true, nonce: first.nonce, aud: first.aud },
  });
  steps.push({
    title: 'A presentation altered in transit',
    verifier: 'clinic.identity-minimal',
    expected: 'refused',
    outcome: tampered.verified ? 'verified' : 'refused',
    ...(tampered.verified ? {} : { code: tampered.error.code }),
    disclosed: [],
    hidden: [],
    // Refused for the right reason: the altered disclosure, not anything else.
    ok:
      !tampered.verified &&
      ['SDJWT_DISCLOSURE_MALFORMED', 'SDJWT_UNREFERENCED_DISCLOSURE'].includes(tampered.error.code),
  });

  // Refusal 2: the contract ends; the employer revokes it and publishes the list again. The inspector's
  // next check (a fresh presentation, the list fetched anew once its cached copy expired) is refused.
  await status.setStatus(contractStatus.listId, contractStatus.index, STATUS_TYPE.INVALID);
  await status.publish(contractStatus.listId);
  const recheckNonce = randomBase64Url(16);
  const recheck = await verifySdJwtVc(
    presentSdJwtSync(contract.credential, {
      disclose: available(
        contract.credential,
        claimsForPurpose('inspector.contract-validity', 'labour-contract'),
      ),
      keyBinding: { signer: holder, nonce: recheckNonce, aud: contract.aud, clock },
    }),
    {
      issuerKey: createIssuerKeySource({ issuers: [employer.did], dids }),
      clock,
      holderBinding: { required: true, nonce: recheckNonce, aud: contract.aud },
      status: statusChecker(),
    },
  );
  steps.push({
    title: 'The employer revokes the contract; the inspector checks it again',
    verifier: 'inspector.contract-validity',
    expected: 'refused',
    outcome: recheck.verified ? 'verified' : 'refused',
    ...(recheck.verified ? {} : { code: recheck.error.code }),
    disclosed: [],
    hidden: [],
    ok: !recheck.verified && recheck.error.code === 'STATUS_INVALID',
  });

  // Refusal 3: a clinic asking for nationalities, beyond what its registered purpose allows.
  let overAsking: string | undefined;
  try {
    checkRequestAgainstPurpose('clinic.identity-minimal', [
      {
        credentialType: 'identity-restoration',
        claims: [
          ...claimsForPurpose('clinic.identity-minimal', 'identity-restoration'),
          ['nationalities', null],
        ],
      },
    ]);
  } catch (error) {
    overAsking = isHavenError(error) ? error.code : 'UNEXPECTED';
  }
  steps.push({
    title: `A clinic asking for nationalities (${getPurpose('clinic.identity-minimal').id} does not allow them)`,
    verifier: 'clinic.identity-minimal',
    expected: 'refused',
    outcome: overAsking === undefined ? 'verified' : 'refused',
    ...(overAsking === undefined ? {} : { code: overAsking }),
    disclosed: [],
    hidden: [],
    ok: overAsking === 'OVER_ASKING',
  });

  return { ok: steps.every((s) => s.ok), dataDir, temporary, steps };
}

/** The demo as a readable account for people, not specialists. */
export function formatDemo(result: DemoResult): string {
  const lines = ['Haven demo — three people, three credentials, and only what each verifier may see', ''];
  for (const [i, step] of result.steps.entries()) {
    lines.push(`${i + 1}. ${step.title}`);
    if (step.issuer) lines.push(`   issued by: ${step.issuer}`);
    lines.push(`   verifier: ${step.verifier}`);
    if (step.expected === 'verified') {
      lines.push(`   disclosed: ${step.disclosed.join(', ') || '(nothing)'}`);
      lines.push(`   stayed hidden: ${step.hidden.join(', ') || '(nothing)'}`);
    }
    const verdict = step.outcome === 'verified' ? 'VERIFIED' : `REFUSED (${step.code ?? 'no code'})`;
    lines.push(`   verdict: ${verdict} ${step.ok ? '— as expected' : '— NOT what should have happened'}`);
    lines.push('');
  }
  lines.push(result.ok ? 'Every verdict was the expected one.' : 'Some verdicts were not the expected ones.');
  lines.push(
    result.temporary
      ? 'Keys, credentials and presentations went to a temporary directory, removed now (keep them with --data-dir DIR).'
      : `Keys, credentials and presentations are in ${result.dataDir}`,
  );
  return `${lines.join('\n')}\n`;
}

/** Removes a demo data directory the demo created itself. */
export function removeDemoData(dataDir: string): void {
  rmSync(dataDir, { recursive: true, force: true });
}
