import { existsSync, readFileSync } from 'node:fs';
import {
  type Clock,
  createGuardedFetch,
  createSigner,
  fixedClock,
  generateKeyPair,
  type JwsAlgorithm,
  type JwsHeader,
  jwkThumbprint,
  type KeyInput,
  type PublicJwk,
  systemClock,
  toPublicJwk,
} from '@haven/core';
import {
  CREDENTIAL_TYPE_IDS,
  type CredentialTypeId,
  claimsForPurpose,
  claimsJsonSchema,
  claimsTemplate,
  credentialTypeForVct,
  isCredentialTypeId,
  PURPOSES,
  prepareIssuance,
} from '@haven/credentials';
import { createDidJwk, createDidResolver } from '@haven/did';
import {
  type ClaimPath,
  createIssuerKeySource,
  decodeHeldSdJwt,
  failSdJwt,
  issueSdJwtVcSync,
  presentSdJwtSync,
  SD_JWT_VC_TYP,
  selectClaimValues,
  verifySdJwtVc,
} from '@haven/sd-jwt';
import { createTokenStatusListChecker } from '@haven/status';
import { formatClaimPathArg, parseClaimPathList } from './claim-path-arg.js';
import { CliError } from './cli-error.js';
import { parseDuration } from './duration.js';
import { type CliIo, readInput, readJsonFile, writeSecretFile } from './io.js';
import { readPrivateKey, readPublicKey } from './keys.js';
import { purposeFailure } from './purpose-check.js';
import { allocateStatusClaim } from './status-commands.js';
import { publishedListsFetch } from './status-data.js';
import {
  type DetectedFormat,
  detectFormat,
  issueW3c,
  presentW3c,
  verifyW3c,
  W3C_ISSUE_FORMATS,
  type W3cIssueFormat,
} from './w3c.js';

function credentialType(type: string): CredentialTypeId {
  if (!isCredentialTypeId(type))
    throw new CliError(`--type must be one of: ${CREDENTIAL_TYPE_IDS.join(', ')}`);
  return type;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function parseNow(now: string | undefined): Clock {
  if (now === undefined) return systemClock();
  if (!/^[0-9]{1,12}$/.test(now)) throw new CliError('--now takes a time in UNIX seconds');
  return fixedClock(Number(now));
}

/** `haven claims template|schema --type TYPE` */
export function claimsCommand(kind: 'template' | 'schema', options: { type: string }, io: CliIo): void {
  const type = credentialType(options.type);
  io.stdout(json(kind === 'template' ? claimsTemplate(type) : claimsJsonSchema(type)));
}

/** `haven keys generate [--alg] [--out FILE]` */
export function keysGenerateCommand(options: { alg: string; out?: string }, io: CliIo): void {
  if (!['ES256', 'ES384', 'EdDSA'].includes(options.alg))
    throw new CliError('--alg must be ES256, ES384 or EdDSA');
  const { privateJwk, publicJwk } = generateKeyPair(options.alg as JwsAlgorithm);
  const did = createDidJwk(publicJwk);
  if (options.out !== undefined) {
    if (existsSync(options.out)) throw new CliError('the --out file exists already; it is never overwritten');
    writeSecretFile(options.out, json(privateJwk));
    io.stdout(json({ publicJwk, did }));
  } else {
    io.stderr('warning: no --out given, so the private key is printed; keep it secret\n');
    io.stdout(json({ privateJwk, publicJwk, did }));
  }
}

/** `haven did resolve DID [--json] [--allow-http-loopback]` */
export async function didResolveCommand(
  did: string,
  options: { json?: boolean; allowHttpLoopback?: boolean; ca?: string },
  io: CliIo,
): Promise<void> {
  warnLoopback(options.allowHttpLoopback, io);
  const resolver = createDidResolver({ fetch: fetcher(options) });
  const document = await resolver.resolve(did);
  io.stdout(options.json ? `${JSON.stringify({ did, didDocument: document })}\n` : json(document));
}

function warnLoopback(allowHttpLoopback: boolean | undefined, io: CliIo): void {
  if (allowHttpLoopback) {
    io.stderr(
      'WARNING: --allow-http-loopback is on: fetches may reach loopback addresses (127.0.0.1, ::1), over https or plain http (local testing only)\n',
    );
  }
}

function fetcher(options: { allowHttpLoopback?: boolean; ca?: string }) {
  let ca: string | undefined;
  if (options.ca !== undefined) {
    try {
      ca = readFileSync(options.ca, 'utf8');
    } catch {
      throw new CliError('cannot read the --ca file');
    }
  }
  return createGuardedFetch({ allowHttpLoopback: options.allowHttpLoopback === true, ...(ca ? { ca } : {}) });
}

export interface IssueOptions {
  type: string;
  claims: string;
  issuerKey: string;
  holderKey?: string;
  format: string;
  validFor?: string;
  issuer?: string;
  now?: string;
  statusData?: string;
}

/** `haven issue --type T --claims FILE --issuer-key JWKFILE [--holder-key FILE] [--valid-for D]` */
export async function issueCommand(options: IssueOptions, io: CliIo): Promise<void> {
  const type = credentialType(options.type);
  const w3c = (W3C_ISSUE_FORMATS as readonly string[]).includes(options.format);
  if (options.format !== SD_JWT_VC_TYP && !w3c)
    throw new CliError(`--format must be one of ${[SD_JWT_VC_TYP, ...W3C_ISSUE_FORMATS].join(', ')}`);
  const clock = parseNow(options.now);
  const now = Math.floor(clock.now());
  const privateJwk = await readPrivateKey(options.issuerKey, io, 'issuer key');
  const holderPublicJwk =
    options.holderKey === undefined ? undefined : await readPublicKey(options.holderKey, io, 'holder key');
  const input = await readJsonFile(options.claims, io, 'claims');
  const validFor = options.validFor === undefined ? undefined : parseDuration(options.validFor);
  if (w3c) {
    if (options.statusData !== undefined) {
      throw new CliError(
        '--status-data is for dc+sd-jwt (Token Status List); W3C status lists are not in the CLI yet',
      );
    }
    const issued = await issueW3c({
      format: options.format as W3cIssueFormat,
      type,
      claims: input,
      issuerKey: privateJwk,
      ...(holderPublicJwk ? { holderKey: holderPublicJwk } : {}),
      ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
      now,
      ...(validFor === undefined ? {} : { validFor }),
      clock,
    });
    io.stdout(`${issued}\n`);
    return;
  }
  const prepared = prepareIssuance(type, input, { now });
  const issuerDid = createDidJwk(toPublicJwk(privateJwk));
  const iss = options.issuer ?? issuerDid;
  const kid = options.issuer === undefined ? `${issuerDid}#0` : undefined;
  const claims: Record<string, unknown> = { iss, vct: prepared.vct, iat: now, ...prepared.claims };
  if (validFor !== undefined) claims.exp = now + validFor;
  // Allocated last, after every input was checked: a refused issuance must not use up an index.
  if (options.statusData !== undefined) claims.status = await allocateStatusClaim(options.statusData);
  const credential = issueSdJwtVcSync(claims, {
    signer: createSigner(privateJwk, kid === undefined ? {} : { kid }),
    frame: prepared.disclosureFrame,
    ...(holderPublicJwk ? { holderPublicJwk } : {}),
  });
  io.stdout(`${credential}\n`);
}

function typeOfCredential(vct: unknown): CredentialTypeId {
  const type = typeof vct === 'string' ? credentialTypeForVct(vct) : undefined;
  if (type === undefined)
    throw new CliError('the credential is not of a Haven credential type, so --purpose cannot apply');
  return type.id;
}

export interface PresentOptions {
  disclose?: string;
  purpose?: string;
  holderKey?: string;
  nonce?: string;
  aud?: string;
  now?: string;
}

/** `haven present CREDENTIAL_FILE (--disclose P,P | --purpose NAME) [--holder-key F --nonce N --aud A]` */
export async function presentCommand(file: string, options: PresentOptions, io: CliIo): Promise<void> {
  const credential = (await readInput(file, io, 'credential')).trim();
  const format = detectFormat(credential);
  if (format === 'vc+jwt' || format === 'vc-di') {
    io.stdout(
      `${await presentW3c({
        text: credential,
        format,
        ...(options.disclose === undefined ? {} : { disclose: options.disclose }),
        ...(options.purpose === undefined ? {} : { purpose: options.purpose }),
        ...(options.holderKey === undefined
          ? {}
          : { holderKey: await readPrivateKey(options.holderKey, io, 'holder key') }),
        ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
        ...(options.aud === undefined ? {} : { aud: options.aud }),
        clock: parseNow(options.now),
      })}\n`,
    );
    return;
  }
  if (format !== 'dc+sd-jwt') {
    throw new CliError(
      format === 'vp+jwt'
        ? 'this is already a presentation; present the credential itself'
        : 'haven presents dc+sd-jwt, vc+jwt and Data Integrity credentials; a VCDM 1.1 JWT can only be verified',
    );
  }
  if ((options.disclose === undefined) === (options.purpose === undefined)) {
    throw new CliError('give exactly one of --disclose and --purpose');
  }
  const held = decodeHeldSdJwt(credential).processed.claims;
  const holds = (path: ClaimPath) => selectClaimValues(held, path).length > 0;
  let disclose: ClaimPath[];
  if (options.purpose !== undefined) {
    // What the purpose allows and this credential holds (optional claims may be absent).
    disclose = claimsForPurpose(options.purpose, typeOfCredential(held.vct)).filter(holds);
  } else {
    disclose = parseClaimPathList(options.disclose as string);
    // Name the path that is not there: it is the user's own argument, not a claim value.
    const missing = disclose.find((path) => !holds(path));
    if (missing !== undefined)
      throw new CliError(`the credential has no claim ${formatClaimPathArg(missing)}`);
  }
  const binding = [options.holderKey, options.nonce, options.aud];
  if (binding.some((v) => v !== undefined) && binding.some((v) => v === undefined)) {
    throw new CliError('key binding needs all of --holder-key, --nonce and --aud');
  }
  let holderSigner: ReturnType<typeof createSigner> | undefined;
  if (options.holderKey !== undefined) {
    const holderKey = await readPrivateKey(options.holderKey, io, 'holder key');
    // The key must be the one the credential is bound to; otherwise the presentation could never verify.
    const cnf = decodeHeldSdJwt(credential).processed.claims.cnf as { jwk?: PublicJwk } | undefined;
    if (cnf?.jwk === undefined)
      throw new CliError('the credential has no holder key, so it cannot be key-bound');
    if (jwkThumbprint(toPublicJwk(holderKey)) !== jwkThumbprint(toPublicJwk(cnf.jwk))) {
      throw new CliError('the --holder-key is not the key this credential is bound to');
    }
    holderSigner = createSigner(holderKey);
  }
  const keyBinding =
    holderSigner === undefined
      ? undefined
      : {
          signer: holderSigner,
          nonce: options.nonce as string,
          aud: options.aud as string,
          clock: parseNow(options.now),
        };
  io.stdout(`${presentSdJwtSync(credential, { disclose, ...(keyBinding ? { keyBinding } : {}) })}\n`);
}

export interface VerifyOptions {
  trust?: string[];
  nonce?: string;
  aud?: string;
  requireHolderBinding?: boolean;
  purpose?: string;
  now?: string;
  allowHttpLoopback?: boolean;
  ca?: string;
  json?: boolean;
  statusDir?: string;
}

/**
 * Trust from `--trust`. A DID trusts that DID's `assertionMethod` keys for credentials whose `iss` is the
 * DID. A key file trusts that key for credentials whose `iss` is the key's own `did:jwk`, or, written
 * `ISSUER=FILE`, for credentials whose `iss` is ISSUER: a key never lends its trust to whatever issuer
 * name a credential chooses to carry.
 */
async function parseTrust(
  trust: readonly string[],
  io: CliIo,
  fetchOptions: { allowHttpLoopback?: boolean; ca?: string },
) {
  const dids: string[] = [];
  const keys = new Map<string, PublicJwk[]>();
  const resolver = createDidResolver(
    trust.some((t) => t.startsWith('did:web:')) ? { fetch: fetcher(fetchOptions) } : {},
  );
  for (const entry of trust) {
    const pair = /^((?:https:\/\/|did:)[^=]+)=(.+)$/.exec(entry);
    if (entry.startsWith('did:') && pair === null) {
      if (!/^did:(jwk|key|web):[A-Za-z0-9._%:-]+$/.test(entry))
        throw new CliError('a --trust DID must be a did:jwk, did:key or did:web');
      // Local DIDs are checked now, so a typo is a usage error rather than "untrusted" later.
      if (!entry.startsWith('did:web:')) {
        try {
          await resolver.resolve(entry);
        } catch (error) {
          throw new CliError(
            `a --trust DID is not valid (${(error as { code?: string }).code ?? 'invalid'})`,
          );
        }
      }
      dids.push(entry);
      continue;
    }
    const key = await readPublicKey(pair ? (pair[2] as string) : entry, io, 'trusted key');
    const issuer = pair ? (pair[1] as string) : createDidJwk(key);
    keys.set(issuer, [...(keys.get(issuer) ?? []), key]);
  }
  return { dids, keys, resolver };
}

function trustedIssuerKey({ dids, keys, resolver }: Awaited<ReturnType<typeof parseTrust>>) {
  const fromDids = createIssuerKeySource({ issuers: dids, dids: resolver });

  return async (header: JwsHeader, payload: Record<string, unknown>): Promise<KeyInput> => {
    if (typeof payload.iss === 'string' && dids.includes(payload.iss)) return fromDids(header, payload);
    const candidates = typeof payload.iss === 'string' ? keys.get(payload.iss) : undefined;
    if (candidates !== undefined) {
      // One trusted key for this issuer: that key. Several: the one the credential names by kid.
      const chosen =
        candidates.length === 1
          ? candidates[0]
          : candidates.find((k) => k.kid !== undefined && k.kid === header.kid);
      if (chosen === undefined)
        failSdJwt(
          'SDJWT_ISSUER_KEY_NOT_FOUND',
          'several keys are trusted for this issuer and none matches the kid',
        );
      return chosen;
    }
    failSdJwt('SDJWT_ISSUER_UNTRUSTED', 'the issuer is not among --trust');
  };
}

/** `haven verify FILE|- --trust …` — exit 0 verified, 1 not verified, 2 usage or unreadable input. */
export async function verifyCommand(file: string, options: VerifyOptions, io: CliIo): Promise<number> {
  warnLoopback(options.allowHttpLoopback, io);
  const text = (await readInput(file, io, 'presentation')).trim();
  const format = detectFormat(text);
  const trust = options.trust ?? [];
  if (trust.length === 0) throw new CliError('give the issuers you trust with --trust DID|JWKFILE');
  if (format !== 'dc+sd-jwt') return verifyW3cCommand(text, format, trust, options, io);
  if (options.purpose !== undefined && !Object.hasOwn(PURPOSES, options.purpose)) {
    throw new CliError(`unknown --purpose (known: ${Object.keys(PURPOSES).join(', ')})`);
  }
  const requireBinding =
    options.requireHolderBinding === true || options.nonce !== undefined || options.aud !== undefined;
  if (requireBinding && (options.nonce === undefined || options.aud === undefined)) {
    throw new CliError('holder binding needs both --nonce and --aud');
  }
  const issuerKey = trustedIssuerKey(await parseTrust(trust, io, options));
  const clock = parseNow(options.now);
  // Status lists are checked against the published files given; without them a credential with a
  // status is refused (fail closed), never assumed valid.
  const status =
    options.statusDir === undefined
      ? undefined
      : createTokenStatusListChecker({
          fetch: publishedListsFetch(options.statusDir),
          // The list must be signed by the credential's own issuer, found through the same trust.
          issuerKey: (header, _list, claims) => issuerKey(header, { iss: claims.iss }),
          clock,
        });
  const result = await verifySdJwtVc(text, {
    issuerKey,
    clock,
    ...(status === undefined ? {} : { status }),
    holderBinding: requireBinding
      ? { required: true, nonce: options.nonce as string, aud: options.aud as string }
      : { required: false },
  });
  let outcome:
    | {
        verified: true;
        format: string;
        issuer: unknown;
        claims: unknown;
        disclosed: string[];
        checks: unknown;
      }
    | { verified: false; error: { code: string; message: string }; checks: unknown };
  if (result.verified) {
    const disclosed = result.disclosed.map((p) => formatClaimPathArg(p));
    outcome = {
      verified: true,
      format,
      issuer: result.issuer,
      claims: result.claims,
      disclosed,
      checks: result.checks,
      ...(result.statusFound === undefined ? {} : { statusFound: result.statusFound }),
    };
    if (options.purpose !== undefined) {
      outcome =
        purposeFailure(
          options.purpose,
          typeOfCredential(result.vct),
          result.disclosed as ClaimPath[],
          result.checks,
        ) ?? outcome;
    }
  } else {
    outcome = { verified: false, error: result.error, checks: result.checks };
  }
  return printOutcome(outcome, options, io);
}

function printOutcome(
  outcome:
    | { verified: true; format: string; issuer: unknown; claims: unknown; disclosed: string[] }
    | { verified: false; error: { code: string; message: string } },
  options: { json?: boolean },
  io: CliIo,
): number {
  if (options.json) {
    io.stdout(`${JSON.stringify(outcome)}\n`);
  } else if (outcome.verified) {
    io.stdout(`VERIFIED (${outcome.format}) — issuer ${String(outcome.issuer)}\n`);
    io.stdout(`disclosed: ${outcome.disclosed.join(', ') || '(nothing)'}\n`);
    io.stdout(json(outcome.claims));
  } else {
    io.stdout(`NOT VERIFIED — ${outcome.error.code}: ${outcome.error.message}\n`);
  }
  return outcome.verified ? 0 : 1;
}

async function verifyW3cCommand(
  text: string,
  format: Exclude<DetectedFormat, 'dc+sd-jwt'>,
  trust: readonly string[],
  options: VerifyOptions,
  io: CliIo,
): Promise<number> {
  if (options.purpose !== undefined && !Object.hasOwn(PURPOSES, options.purpose)) {
    throw new CliError(`unknown --purpose (known: ${Object.keys(PURPOSES).join(', ')})`);
  }
  // A verifier that gives a nonce expects a holder-bound answer: a bare credential (which anyone who saw
  // it can replay) is a usage error, never VERIFIED with the nonce silently unused.
  const wantsBinding =
    options.requireHolderBinding === true || options.nonce !== undefined || options.aud !== undefined;
  if (wantsBinding && format !== 'vp+jwt') {
    throw new CliError(
      'holder binding (--nonce, --aud, --require-holder-binding) needs a holder-signed presentation (vp+jwt); this input is a bare credential',
    );
  }
  if (options.statusDir !== undefined) {
    throw new CliError(
      '--status-dir checks Token Status Lists of dc+sd-jwt credentials; W3C status lists are not in the CLI yet',
    );
  }
  const { dids, keys, resolver } = await parseTrust(trust, io, options);
  const outcome = await verifyW3c({
    text,
    format,
    trustedIssuers: [...dids, ...keys.keys()],
    keys: Object.fromEntries(keys),
    dids: resolver,
    clock: parseNow(options.now),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    ...(options.aud === undefined ? {} : { aud: options.aud }),
    ...(options.purpose === undefined ? {} : { purpose: options.purpose }),
  });
  return printOutcome(outcome, options, io);
}
