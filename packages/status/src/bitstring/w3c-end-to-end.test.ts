import {
  createClock,
  createSigner,
  type GuardedFetch,
  HavenError,
  type PrivateJwk,
  toPublicJwk,
} from '@haven/core';
import { createDidJwk, createDidResolver } from '@haven/did';
import {
  issueDataIntegrityCredential,
  issueVcJwt,
  VC_V2_CONTEXT,
  verifyDataIntegrityCredential,
  verifyVcJwt,
} from '@haven/w3c';
import { describe, expect, it } from 'vitest';
import { Bitstring } from './bitstring.js';
import { createBitstringStatusListCredential } from './list-credential.js';
import { createBitstringStatusChecker } from './status-checker.js';
import { bitstringStatusEntry } from './status-entry.js';
import { verifyListWithW3c } from './verify-list-with-w3c.js';

// Fixed test keys, generated once with node:crypto for these tests only.
const ISSUER_KEY: PrivateJwk = {
  kty: 'OKP',
  crv: 'Ed25519',
  x: 'wTeS8hBObHqojeCWixZKppV7MB1FzET3Ltma2qGzjLY',
  d: 'ovNlv6w1N0gFE_6ARUuCKKHEh4kqoydrQfaG-2ShK3I',
};
const OTHER_KEY: PrivateJwk = {
  kty: 'OKP',
  crv: 'Ed25519',
  x: '47ICnSLnCzNKIkCOoqXwRMkKDM17SE-J6RAayMzv3Ss',
  d: '6_RzOh2MCSsH87lEDvtSwffBSp0LECPqelYk_5yB1gM',
};
const ISSUER = createDidJwk(toPublicJwk(ISSUER_KEY));
const OTHER = createDidJwk(toPublicJwk(OTHER_KEY));
const HOLDER = 'did:example:survivor';
const LIST_URL = 'https://registry.example/status/1';
const T0 = Date.UTC(2026, 5, 1) / 1000;
const INDEX = 94_567;
const dids = createDidResolver();

type Format = 'vc+jwt' | 'data-integrity';

async function sign(doc: object, format: Format, key = ISSUER_KEY, did = ISSUER, at = T0) {
  if (format === 'vc+jwt') return issueVcJwt(doc, { signer: createSigner(key, { kid: `${did}#0` }) });
  return issueDataIntegrityCredential(doc, {
    cryptosuite: 'eddsa-rdfc-2022',
    verificationMethod: `${did}#0`,
    privateKey: key,
    clock: createClock(() => at),
  });
}

/** An issuer's status host and a verifier over it, all in memory: no network. */
function world(format: Format, trusted: readonly string[] = [ISSUER]) {
  let now = T0;
  const clock = createClock(() => now);
  let served: { type: string; body: string } | undefined;
  const fetch: GuardedFetch = async (req) => {
    const url = typeof req === 'string' ? req : req.url;
    if (url !== LIST_URL || served === undefined) throw new HavenError('FETCH_NETWORK', 'not found');
    const { type, body } = served;
    return {
      status: 200,
      url,
      headers: { 'content-type': type },
      body: new TextEncoder().encode(body),
      text: () => body,
      json: () => JSON.parse(body),
    };
  };
  const status = createBitstringStatusChecker({
    fetch,
    clock,
    verifyList: verifyListWithW3c({ trustedIssuers: trusted, dids, clock }),
  });
  return {
    clock,
    status,
    advance: (s: number) => (now += s),
    async publish(list: Bitstring, options: { key?: PrivateJwk; issuer?: string; validUntil?: Date } = {}) {
      const issuer = options.issuer ?? ISSUER;
      const unsigned = createBitstringStatusListCredential({
        id: LIST_URL,
        issuer,
        statusPurpose: 'revocation',
        list,
        validFrom: new Date((now - 60) * 1000),
        ...(options.validUntil ? { validUntil: options.validUntil } : {}),
        ttl: 300_000,
      });
      const signed = await sign(unsigned, format, options.key, issuer, now);
      served =
        typeof signed === 'string'
          ? { type: 'application/vc+jwt', body: signed }
          : { type: 'application/vc', body: JSON.stringify(signed) };
      return signed;
    },
    tamper(edit: (body: string) => string) {
      if (served) served = { ...served, body: edit(served.body) };
    },
  };
}

function holderCredential() {
  return {
    '@context': [VC_V2_CONTEXT],
    type: ['VerifiableCredential'],
    issuer: ISSUER,
    name: 'Restored identity',
    validFrom: '2026-05-01T00:00:00Z',
    credentialSubject: { id: HOLDER },
    credentialStatus: bitstringStatusEntry({
      listCredential: LIST_URL,
      index: INDEX,
      statusPurpose: 'revocation',
    }),
  };
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code ?? 'NOT_HAVEN_ERROR';
  }
  return undefined;
}

describe.each(['vc+jwt', 'data-integrity'] as const)('list credentials secured as %s', (format) => {
  it('bitstring-status-list §2.2: the unsigned list credential signs and verifies with @haven/w3c', async () => {
    const w = world(format);
    const signed = await w.publish(new Bitstring());
    const verified = await verifyListWithW3c({ trustedIssuers: [ISSUER], dids, clock: w.clock })(signed);
    expect(verified.issuer).toBe(ISSUER);
    expect(verified.credential).toMatchObject({
      id: LIST_URL,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      credentialSubject: { type: 'BitstringStatusList', statusPurpose: 'revocation', ttl: 300_000 },
    });
  });

  it('bitstring-status-list §3 end to end: VALID while the bit is 0, STATUS_REVOKED once set and re-published', async () => {
    const w = world(format);
    const list = new Bitstring();
    await w.publish(list);
    const vc = await sign(holderCredential(), format);
    const verify = () =>
      typeof vc === 'string'
        ? verifyVcJwt(vc, { trustedIssuers: [ISSUER], dids, clock: w.clock, status: w.status })
        : verifyDataIntegrityCredential(vc, {
            trustedIssuers: [ISSUER],
            dids,
            clock: w.clock,
            status: w.status,
          });
    expect(await verify()).toMatchObject({ verified: true, status: 'checked' });

    list.set(INDEX, 1);
    await w.publish(list);
    // Still cached (ttl 300 s): revocation reaches verifiers when their copy expires, by design.
    expect(await verify()).toMatchObject({ verified: true });
    w.advance(301);
    const result = await verify();
    expect(result).toMatchObject({ verified: false, error: { code: 'STATUS_REVOKED' } });
    expect(result.checks.at(-1)).toEqual({ name: 'status', ok: false, code: 'STATUS_REVOKED' });
  });

  it('hostile inputs: a list whose signature does not verify is STATUS_LIST_SIGNATURE_INVALID', async () => {
    const w = world(format);
    await w.publish(new Bitstring());
    // Flip one character of the signature (JWS) or of the proof value (Data Integrity).
    w.tamper((body) =>
      format === 'vc+jwt'
        ? body.slice(0, -3) + (body.at(-3) === 'A' ? 'B' : 'A') + body.slice(-2)
        : body.replace(/"proofValue":"z(.)/, (_m, c) => `"proofValue":"z${c === '2' ? '3' : '2'}`),
    );
    const e = bitstringStatusEntry({ listCredential: LIST_URL, index: 1, statusPurpose: 'revocation' });
    expect(await codeOf(w.status(e, { issuer: ISSUER }))).toBe('STATUS_LIST_SIGNATURE_INVALID');
  });

  it('hostile inputs: a list signed by an untrusted issuer is STATUS_LIST_TOKEN_INVALID', async () => {
    const w = world(format);
    await w.publish(new Bitstring(), { key: OTHER_KEY, issuer: OTHER });
    const e = bitstringStatusEntry({ listCredential: LIST_URL, index: 1, statusPurpose: 'revocation' });
    const error = await w.status(e, { issuer: ISSUER }).catch((err) => err);
    expect(error).toMatchObject({
      code: 'STATUS_LIST_TOKEN_INVALID',
      details: { reason: 'W3C_ISSUER_UNTRUSTED' },
    });
  });

  it('hostile inputs: a trusted list of another issuer is STATUS_LIST_ISSUER_MISMATCH', async () => {
    const w = world(format, [ISSUER, OTHER]);
    await w.publish(new Bitstring(), { key: OTHER_KEY, issuer: OTHER });
    const e = bitstringStatusEntry({ listCredential: LIST_URL, index: 1, statusPurpose: 'revocation' });
    expect(await codeOf(w.status(e, { issuer: ISSUER }))).toBe('STATUS_LIST_ISSUER_MISMATCH');
  });

  it('hostile inputs: a list past its validUntil is STATUS_LIST_EXPIRED (fail-closed)', async () => {
    const w = world(format);
    await w.publish(new Bitstring(), { validUntil: new Date((T0 + 120) * 1000) });
    w.advance(120 + 61);
    const e = bitstringStatusEntry({ listCredential: LIST_URL, index: 1, statusPurpose: 'revocation' });
    expect(await codeOf(w.status(e, { issuer: ISSUER }))).toBe('STATUS_LIST_EXPIRED');
  });
});
