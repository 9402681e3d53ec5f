import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Clock,
  createSigner,
  isHavenError,
  JWS_ALGORITHMS,
  randomBase64Url,
  toPublicJwk,
  verifyJws,
} from '@haven/core';
import { createDidJwk } from '@haven/did';
import { LEGACY_SD_JWT_VC_TYP, SD_JWT_VC_TYP } from '@haven/sd-jwt';
import {
  allocateStatusIndex,
  MIN_STATUS_LIST_SIZE,
  STATUS_TYPE,
  StatusList,
  signStatusListToken,
  statusTypeName,
} from '@haven/status';
import { CliError } from './cli-error.js';
import { parseDuration } from './duration.js';
import { type CliIo, readInput } from './io.js';
import { readPrivateKey } from './keys.js';
import { listIdForUri, type StatusData, statusListUri, withStatusData } from './status-data.js';

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** `haven status create --data DIR [--uri-base URL]`: a new, empty Token Status List (2-bit, 131,072 entries). */
export async function statusCreateCommand(
  options: { data: string; uriBase?: string },
  io: CliIo,
): Promise<void> {
  const created = await withStatusData(
    options.data,
    async (data) => {
      const record = await data.store.createList({
        id: randomBase64Url(16),
        mechanism: 'token-status-list',
        size: MIN_STATUS_LIST_SIZE,
        bits: 2,
      });
      return { listId: record.id, uri: statusListUri(data, record.id), size: record.size, bits: record.bits };
    },
    options.uriBase === undefined ? undefined : { uriBase: options.uriBase },
  );
  io.stdout(json(created));
}

/**
 * Allocates a random free index for a new credential and returns its `status` claim (Token Status List
 * §6.1 `status_list { idx, uri }`); a new list is opened when the lists are full.
 */
export async function allocateStatusClaim(
  dir: string,
): Promise<{ status_list: { idx: number; uri: string } }> {
  return withStatusData(dir, async (data) => {
    const { listId, index } = await allocateStatusIndex(data.store, {
      mechanism: 'token-status-list',
      bits: 2,
    });
    return { status_list: { idx: index, uri: statusListUri(data, listId) } };
  });
}

/**
 * The list and index of a credential this issuer signed. The signature is checked with the issuer key
 * first: an edited copy pointing at another index must never make the operator revoke (or reinstate)
 * somebody else's credential. Expiry is not checked — an expired credential may still be revoked.
 */
async function referenceOf(
  file: string,
  issuerKeyFile: string,
  io: CliIo,
  data: StatusData,
): Promise<{ listId: string; index: number }> {
  const text = (await readInput(file, io, 'credential')).trim();
  const publicJwk = toPublicJwk(await readPrivateKey(issuerKeyFile, io, 'issuer key'));
  let payload: Record<string, unknown>;
  try {
    payload = verifyJws(text.split('~')[0], {
      algorithms: JWS_ALGORITHMS,
      typ: [SD_JWT_VC_TYP, LEGACY_SD_JWT_VC_TYP],
      key: publicJwk,
    }).payload;
  } catch (error) {
    throw new CliError(
      `the credential is not one signed by this issuer key${isHavenError(error) ? ` (${error.code})` : ''}`,
    );
  }
  // `status` is never selectively disclosable (SD-JWT VC), so the signed payload carries it plainly.
  const ref = (payload.status as { status_list?: { idx?: unknown; uri?: unknown } } | undefined)?.status_list;
  if (ref === undefined || typeof ref.idx !== 'number')
    throw new CliError('the credential has no status list entry');
  return { listId: listIdForUri(data, ref.uri), index: ref.idx };
}

const STATUS_NAMES: Record<string, number> = {
  valid: STATUS_TYPE.VALID,
  revoked: STATUS_TYPE.INVALID,
  suspended: STATUS_TYPE.SUSPENDED,
};

/** `haven status set --data DIR --credential FILE --issuer-key KEY --status valid|revoked|suspended` */
export async function statusSetCommand(
  options: { data: string; credential: string; issuerKey: string; status: string },
  io: CliIo,
): Promise<void> {
  const value = Object.hasOwn(STATUS_NAMES, options.status) ? STATUS_NAMES[options.status] : undefined;
  if (value === undefined) throw new CliError('--status must be valid, revoked or suspended');
  await withStatusData(options.data, async (data) => {
    const { listId, index } = await referenceOf(options.credential, options.issuerKey, io, data);
    await data.store.setStatus(listId, index, value);
  });
  io.stderr('status changed; verifiers see it once the list is published again (haven status publish)\n');
  io.stdout(json({ status: statusTypeName(value) }));
}

/** `haven status get --data DIR --credential FILE --issuer-key KEY` */
export async function statusGetCommand(
  options: { data: string; credential: string; issuerKey: string },
  io: CliIo,
): Promise<void> {
  const status = await withStatusData(options.data, async (data) => {
    const { listId, index } = await referenceOf(options.credential, options.issuerKey, io, data);
    return statusTypeName(await data.store.getStatus(listId, index));
  });
  io.stdout(json({ status }));
}

/**
 * `haven status publish --data DIR --issuer-key KEY --out DIR [--ttl D] [--valid-for D]`: signs every list
 * as a Status List Token (`statuslist+jwt`, §5.1) by the credentials' issuer (the did:jwk of the key) and
 * writes `<listId>.jwt` files plus `index.json` (URI → file), ready to be served at the URIs.
 */
export async function statusPublishCommand(
  options: { data: string; issuerKey: string; out: string; ttl?: string; validFor?: string },
  io: CliIo,
  clock: Clock,
): Promise<void> {
  const privateJwk = await readPrivateKey(options.issuerKey, io, 'issuer key');
  // Read under the lock, so a list is never published half-way through another process's change.
  const data = await withStatusData(options.data, async (d) => d);
  const did = createDidJwk(toPublicJwk(privateJwk));
  const signer = createSigner(privateJwk, { kid: `${did}#0` });
  const now = Math.floor(clock.now());
  const ttl = options.ttl === undefined ? 3600 : parseDuration(options.ttl);
  const validFor = options.validFor === undefined ? 86_400 : parseDuration(options.validFor);
  mkdirSync(options.out, { recursive: true });
  const index: Record<string, string> = {};
  for (const { record } of data.store.snapshot()) {
    if (record.mechanism !== 'token-status-list') continue;
    const { values } = await data.store.readList(record.id);
    const list = new StatusList(record.size, record.bits);
    for (let i = 0; i < values.length; i++) if (values[i] !== 0) list.set(i, values[i] as number);
    const uri = statusListUri(data, record.id);
    const token = await signStatusListToken(list, {
      signer,
      sub: uri,
      iss: did,
      iat: now,
      exp: now + validFor,
      ttl,
    });
    const file = `${record.id}.jwt`;
    writeFileSync(join(options.out, file), `${token}\n`);
    index[uri] = file;
  }
  writeFileSync(join(options.out, 'index.json'), json(index));
  io.stdout(
    json({ published: Object.keys(index), out: options.out, files: readdirSync(options.out).length }),
  );
}
