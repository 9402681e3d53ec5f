import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  type Clock,
  createGuardedFetch,
  createSigner,
  encodeBase64Url,
  fixedClock,
  type GuardedFetch,
  generateKeyPair,
  isHavenError,
  type PublicJwk,
  randomBase64Url,
  signJwsSync,
  toPublicJwk,
  verifyJwtAsync,
} from '@haven/core';
import { createDidJwk, createDidKey, createDidResolver, type DidResolver } from '@haven/did';

/** One thing the demo tries, what it expected, and what happened. */
export interface DemoStep {
  readonly title: string;
  readonly expected: 'accepted' | 'refused';
  /** For a refusal: the error code that must be the reason. */
  readonly expectedCode?: string;
  readonly outcome: 'accepted' | 'refused';
  readonly code?: string;
  readonly detail: string;
  readonly ok: boolean;
}

export interface DemoResult {
  readonly ok: boolean;
  readonly issuer: string;
  readonly holder: string;
  readonly steps: readonly DemoStep[];
}

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

// 2026-06-01T09:00:00Z: the demo's frozen "now", so its output is the same on every run.
const NOW = 1_780_304_400;
const STATEMENT_TYP = 'haven-demo+jwt';
const PROOF_TYP = 'kb+jwt';

/** Serves one DID document over HTTPS on 127.0.0.1, as an issuer's web server would. */
async function serveDidDocument(
  makeDocument: (did: string) => unknown,
): Promise<{ server: Server; did: string }> {
  const server = createServer({ cert: fixture('loopback-cert.pem'), key: fixture('loopback-key.pem') });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const did = `did:web:localhost%3A${port}`;
  const body = JSON.stringify(makeDocument(did));
  server.on('request', (req, res) => {
    if (req.url === '/.well-known/did.json') {
      res.writeHead(200, { 'content-type': 'application/did+json' }).end(body);
    } else {
      res.writeHead(404).end();
    }
  });
  return { server, did };
}

async function attempt(
  steps: DemoStep[],
  title: string,
  expected: { accept: true } | { refuseWith: string },
  run: () => Promise<string>,
): Promise<void> {
  let outcome: 'accepted' | 'refused';
  let code: string | undefined;
  let detail: string;
  try {
    detail = await run();
    outcome = 'accepted';
  } catch (error) {
    outcome = 'refused';
    // A DID that did not resolve carries the fetcher's reason in details; show the most precise code.
    const fetchCode = isHavenError(error) ? error.details?.fetchCode : undefined;
    code = typeof fetchCode === 'string' ? fetchCode : isHavenError(error) ? error.code : 'UNEXPECTED';
    detail = isHavenError(error) ? error.message : 'unexpected error';
  }
  const ok =
    'accept' in expected ? outcome === 'accepted' : outcome === 'refused' && code === expected.refuseWith;
  steps.push({
    title,
    expected: 'accept' in expected ? 'accepted' : 'refused',
    ...('refuseWith' in expected ? { expectedCode: expected.refuseWith } : {}),
    outcome,
    ...(code === undefined ? {} : { code }),
    detail,
    ok,
  });
}

/**
 * Verifies a statement the way a verifier does: the issuer must be the trusted DID, the key comes from
 * the issuer's DID document under `assertionMethod` (never from the token), the policy pins `alg` and `typ`.
 */
async function verifyStatement(token: string, trustedIssuer: string, resolver: DidResolver, clock: Clock) {
  return verifyJwtAsync(token, {
    algorithms: ['ES256'],
    typ: STATEMENT_TYP,
    clock,
    requireExp: true,
    key: async (header) => {
      if (typeof header.kid !== 'string' || !header.kid.startsWith(`${trustedIssuer}#`)) {
        throw Object.assign(new Error('untrusted issuer'), { code: 'UNTRUSTED_ISSUER' });
      }
      return (await resolver.resolveKey(header.kid, { relationship: 'assertionMethod', alg: header.alg }))
        .key;
    },
  });
}

/**
 * The foundation's end-to-end run: a registry publishes its key as did:web, signs a statement bound to a
 * holder key, a verifier checks it and a holder proof, and a set of attacks are refused with their codes.
 */
export async function runDemo(): Promise<DemoResult> {
  const clock = fixedClock(NOW);
  const registryKeys = generateKeyPair('ES256');
  const holderKeys = generateKeyPair('EdDSA');
  const { server, did: registryDid } = await serveDidDocument((did) => ({
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
    id: did,
    verificationMethod: [
      { id: `${did}#key-1`, type: 'JsonWebKey2020', controller: did, publicKeyJwk: registryKeys.publicJwk },
    ],
    assertionMethod: [`${did}#key-1`],
  }));
  try {
    // Loopback only because this is a demo on one machine; a real deployment never sets this.
    const fetch: GuardedFetch = createGuardedFetch({
      allowHttpLoopback: true,
      ca: fixture('loopback-cert.pem'),
    });
    const resolver = createDidResolver({ fetch });
    const holderDid = createDidJwk(holderKeys.publicJwk);
    const registry = createSigner(registryKeys.privateJwk, { kid: `${registryDid}#key-1` });
    const holder = createSigner(holderKeys.privateJwk, { kid: `${holderDid}#0` });
    const statementClaims = {
      iss: registryDid,
      iat: NOW - 3600,
      exp: NOW + 365 * 86400,
      cnf: { jwk: holderKeys.publicJwk },
      // No personal data: what a later issue turns into a selectively disclosable credential.
      statement: 'identity-restored',
    };
    const statement = signJwsSync(statementClaims, { signer: registry, typ: STATEMENT_TYP });
    const steps: DemoStep[] = [];

    await attempt(
      steps,
      'verifier checks the registry statement (key from did:web over the guarded fetcher)',
      { accept: true },
      async () => {
        const { payload } = await verifyStatement(statement, registryDid, resolver, clock);
        return `issuer ${String(payload.iss).slice(0, 24)}…, statement "${String(payload.statement)}"`;
      },
    );

    await attempt(
      steps,
      'holder proves possession of the bound key (nonce + audience, did:jwk)',
      { accept: true },
      async () => {
        const nonce = randomBase64Url(16);
        const proof = signJwsSync(
          { nonce, aud: 'https://inspector.example', iat: NOW },
          { signer: holder, typ: PROOF_TYP },
        );
        const { payload } = await verifyStatement(statement, registryDid, resolver, clock);
        const bound = (payload.cnf as { jwk: PublicJwk }).jwk;
        const verified = await verifyJwtAsync(proof, {
          algorithms: ['EdDSA', 'ES256'],
          typ: PROOF_TYP,
          clock,
          maxAgeSeconds: 300,
          key: async (header) => {
            const resolved = await resolver.resolveKey(String(header.kid), {
              relationship: 'authentication',
              alg: header.alg,
            });
            // The proof key must be the one the statement is bound to.
            if (resolved.publicJwk.x !== bound.x)
              throw Object.assign(new Error('not the bound key'), { code: 'HOLDER_KEY_MISMATCH' });
            return resolved.key;
          },
        });
        if (verified.payload.nonce !== nonce || verified.payload.aud !== 'https://inspector.example') {
          throw Object.assign(new Error('wrong session'), { code: 'PROOF_SESSION_MISMATCH' });
        }
        return `holder ${holderDid.slice(0, 20)}… answered the fresh nonce (also reachable as ${createDidKey(holderKeys.publicJwk).slice(0, 20)}…)`;
      },
    );

    await attempt(
      steps,
      'a statement edited after signing',
      { refuseWith: 'JWS_SIGNATURE_INVALID' },
      async () => {
        const [h, , s] = statement.split('.');
        const edited = encodeBase64Url(JSON.stringify({ ...statementClaims, statement: 'identity-revoked' }));
        await verifyStatement(`${h}.${edited}.${s}`, registryDid, resolver, clock);
        return 'accepted';
      },
    );

    await attempt(steps, 'a token with alg "none"', { refuseWith: 'JWS_ALG_NOT_ALLOWED' }, async () => {
      const forged = `${encodeBase64Url(JSON.stringify({ alg: 'none', typ: STATEMENT_TYP, kid: `${registryDid}#key-1` }))}.${statement.split('.')[1]}.`;
      await verifyStatement(forged, registryDid, resolver, clock);
      return 'accepted';
    });

    await attempt(
      steps,
      "another key signing in the registry's name",
      { refuseWith: 'JWS_SIGNATURE_INVALID' },
      async () => {
        const impostor = createSigner(generateKeyPair('ES256').privateJwk, { kid: `${registryDid}#key-1` });
        await verifyStatement(
          signJwsSync(statementClaims, { signer: impostor, typ: STATEMENT_TYP }),
          registryDid,
          resolver,
          clock,
        );
        return 'accepted';
      },
    );

    await attempt(
      steps,
      'a key-binding proof presented as a registry statement',
      { refuseWith: 'JWS_TYP_MISMATCH' },
      async () => {
        const proof = signJwsSync({ ...statementClaims }, { signer: registry, typ: PROOF_TYP });
        await verifyStatement(proof, registryDid, resolver, clock);
        return 'accepted';
      },
    );

    await attempt(steps, 'the statement checked two years later', { refuseWith: 'JWT_EXPIRED' }, async () => {
      await verifyStatement(statement, registryDid, resolver, fixedClock(NOW + 2 * 365 * 86400));
      return 'accepted';
    });

    await attempt(
      steps,
      'a did:web issuer whose DNS answers with the cloud metadata address',
      { refuseWith: 'FETCH_ADDRESS_BLOCKED' },
      async () => {
        const attacker = generateKeyPair('ES256');
        const attackerDid = 'did:web:issuer.attacker.example';
        const token = signJwsSync(statementClaims, {
          signer: createSigner(attacker.privateJwk, { kid: `${attackerDid}#key-1` }),
          typ: STATEMENT_TYP,
        });
        // The attacker controls their DNS; simulate its answer rather than query the real one.
        const attackerDns = async () => [{ address: '169.254.169.254', family: 4 as const }];
        const production = createDidResolver({ fetch: createGuardedFetch({ resolve: attackerDns }) });
        await verifyStatement(token, attackerDid, production, clock);
        return 'accepted';
      },
    );

    await attempt(
      steps,
      'a header carrying its own key (jwk)',
      { refuseWith: 'JWS_HEADER_KEY_NOT_ALLOWED' },
      async () => {
        const attacker = generateKeyPair('ES256');
        const token = signJwsSync(statementClaims, {
          signer: createSigner(attacker.privateJwk, { kid: `${registryDid}#key-1` }),
          typ: STATEMENT_TYP,
          header: { jwk: toPublicJwk(attacker.publicJwk) },
        });
        await verifyStatement(token, registryDid, resolver, clock);
        return 'accepted';
      },
    );

    return { ok: steps.every((s) => s.ok), issuer: registryDid, holder: holderDid, steps };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
