import { createHash, randomBytes } from 'node:crypto';
import type { PrivateJwk, PublicJwk } from '@haven/core';
import type { CredentialTypeId } from '@haven/credentials';
import {
  clientAuthenticationAnonymous,
  type Jwk,
  type JwtHeader,
  type JwtPayload,
  type JwtSigner,
} from '@openid4vc/oauth2';
import { Openid4vciClient } from '@openid4vc/openid4vci';
import { getGlobalConfig, setGlobalConfig } from '@openid4vc/utils';
import { importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { adminApi } from '../e2e/fixtures/admin-api.js';
import {
  CREDENTIAL_TYPES,
  distinctiveClaims,
  MARKERS,
  newHolder,
  sdJwtClaimsOf,
  sdJwtStatusOf,
  verifyIssuedSdJwt,
} from '../e2e/fixtures/credentials.js';
import { backends, removeTestStorage } from '../e2e/fixtures/databases.js';
import {
  ADMIN_TOKEN,
  type InProcessServer,
  startInProcessServer,
} from '../e2e/fixtures/in-process-server.js';
import { foreignFetch, issuerFetch, PUBLIC_URL } from '../e2e/fixtures/issuer-routing.js';

// Interop: the `@openid4vc/openid4vci` 0.4.6 wallet client (the one Credo uses), which nobody here wrote,
// obtains each Haven credential type in dc+sd-jwt from a Haven server on loopback through the
// pre-authorized code flow with a tx_code (OpenID4VCI 1.0 §3.5): offer by reference (§4.1.3), issuer and
// authorization server metadata (§12.2, §12.3), token (§6), nonce (§7), jwt proof (Appendix F.1),
// credential (§8). What it receives must verify with Haven's own SD-JWT VC verifier, bound to the
// foreign client's key. The server's identifier is https://issuer.test; the client's fetch plays the TLS
// proxy in front of the loopback server, so the client runs with its https-only checks switched ON.

// 2026-06-01T09:00:00Z.
const NOW = 1_780_304_400;
let clock = NOW;
const now = () => clock;

const HASHES: Readonly<Record<string, string>> = {
  'sha-256': 'sha256',
  'sha-384': 'sha384',
  'sha-512': 'sha512',
};

/** The foreign client's signJwt callback: jose signs with the holder's private key. */
function signWith(privateJwk: PrivateJwk, publicJwk: PublicJwk) {
  return async (signer: JwtSigner, jwt: { header: JwtHeader; payload: JwtPayload }) => {
    if (signer.method !== 'jwk') throw new Error('test: only jwk signers');
    const key = await importJWK({ ...privateJwk }, signer.alg);
    const compact = await new SignJWT(jwt.payload as Record<string, unknown>)
      .setProtectedHeader({ ...jwt.header, alg: signer.alg })
      .sign(key);
    return { jwt: compact, signerJwk: publicJwk as Jwk };
  };
}

/** An entry of §8.3 `credentials`: 1.0 wraps each credential in an object; anything else is refused here. */
function credentialOf(entry: unknown): unknown {
  if (typeof entry !== 'object' || entry === null || !('credential' in entry)) {
    throw new Error('expected an OpenID4VCI 1.0 credentials entry {credential}');
  }
  return entry.credential;
}

function foreignClient(server: InProcessServer, privateJwk: PrivateJwk, publicJwk: PublicJwk) {
  return new Openid4vciClient({
    callbacks: {
      fetch: foreignFetch(() => [server.url]),
      hash: (data, alg) => {
        const name = HASHES[alg];
        if (name === undefined) throw new Error(`test: unexpected hash ${alg}`);
        return new Uint8Array(createHash(name).update(data).digest());
      },
      generateRandom: (length) => new Uint8Array(randomBytes(length)),
      signJwt: signWith(privateJwk, publicJwk),
      clientAuthentication: clientAuthenticationAnonymous(),
    },
  });
}

describe.each(backends())(
  'openid4vci 1.0 interop: @openid4vc/openid4vci 0.4.6 client ⇄ Haven server — $name',
  (backend) => {
    let server: InProcessServer;
    let insecureBefore: boolean;

    beforeAll(async () => {
      // The client refuses http URLs unless told otherwise; every URL it sees here is https, so its default
      // (false) is kept — and pinned, so a test run that changed it elsewhere cannot weaken this one.
      insecureBefore = getGlobalConfig().allowInsecureUrls;
      setGlobalConfig({ allowInsecureUrls: false });
      server = await startInProcessServer({ storage: await backend.fresh(), now });
    });

    afterAll(async () => {
      setGlobalConfig({ allowInsecureUrls: insecureBefore });
      await server?.close();
    });

    /** The whole exchange with the foreign client; returns what it received and the holder. */
    async function obtain(type: CredentialTypeId, proofCount: number) {
      clock = NOW;
      const admin = adminApi(server.url, ADMIN_TOKEN);
      const created = await admin.createOffer({ credentialType: type, claims: distinctiveClaims(type) });
      expect(created.txCode).toMatch(/^[0-9]+$/);
      const holders = Array.from({ length: proofCount }, () => newHolder());
      const first = holders[0];
      if (first === undefined) throw new Error('test: no holder');
      const client = foreignClient(server, first.privateJwk, first.publicJwk);

      const offer = await client.resolveCredentialOffer(created.offerUri);
      expect(created.offerUri).toContain('credential_offer_uri=');
      expect(offer.credential_issuer).toBe(PUBLIC_URL);
      const configurationId = `${type}.dc+sd-jwt`;
      expect(offer.credential_configuration_ids).toEqual([configurationId]);

      const issuerMetadata = await client.resolveIssuerMetadata(offer.credential_issuer);
      expect(
        issuerMetadata.credentialIssuer.credential_configurations_supported[configurationId],
      ).toMatchObject({
        format: 'dc+sd-jwt',
      });

      const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
        credentialOffer: offer,
        issuerMetadata,
        txCode: created.txCode as string,
      });
      expect(accessTokenResponse.token_type).toBe('Bearer');

      const { c_nonce } = await client.requestNonce({ issuerMetadata });
      const proofs: string[] = [];
      for (const holder of holders) {
        const signerClient = foreignClient(server, holder.privateJwk, holder.publicJwk);
        const { jwt } = await signerClient.createCredentialRequestJwtProof({
          issuerMetadata,
          credentialConfigurationId: configurationId,
          signer: { method: 'jwk', alg: 'ES256', publicJwk: holder.publicJwk as Jwk },
          nonce: c_nonce,
          issuedAt: new Date(clock * 1000),
        });
        proofs.push(jwt);
      }
      const response = await client.retrieveCredentials({
        issuerMetadata,
        accessToken: accessTokenResponse.access_token,
        credentialConfigurationId: configurationId,
        proofs: { jwt: proofs },
      });
      return { response, holders, created };
    }

    test.each(CREDENTIAL_TYPES)(
      'openid4vci §3.5 pre-authorized flow with tx_code: the foreign client obtains %s in dc+sd-jwt, and it verifies with Haven',
      async (type) => {
        const { response, holders, created } = await obtain(type, 1);
        const [holder] = holders;
        const credentials = response.credentialResponse.credentials ?? [];
        expect(credentials).toHaveLength(1);
        const credential = credentialOf(credentials[0]);
        if (typeof credential !== 'string' || holder === undefined)
          throw new Error('expected a compact SD-JWT VC');

        const fetch = issuerFetch(() => [server.url]);
        const result = await verifyIssuedSdJwt(credential, holder, type, { fetch, now: clock });
        if (!result.verified) throw new Error(`not verified: ${result.error.code}`);
        expect(result.holderBound).toBe(true);
        expect(result.claims).toMatchObject({ iss: PUBLIC_URL, [MARKERS[type].claim]: MARKERS[type].value });
        // The credential is bound to the key the foreign client proved possession of.
        expect((result.claims.cnf as { jwk: PublicJwk }).jwk).toEqual(holder.publicJwk);
        expect(result.statusFound).toMatchObject({ status: 'VALID' });

        // The registry knows it by its status slot, and the code cannot be exchanged a second time.
        const [record] = await adminApi(server.url, ADMIN_TOKEN).searchCredentials({
          offer: created.offerId,
        });
        expect(record).toMatchObject({ configurationId: `${type}.dc+sd-jwt`, state: 'active' });
        expect(sdJwtStatusOf(credential)).toEqual({
          listId: record?.statusListId,
          index: record?.statusIndex,
        });
      },
    );

    test('openid4vci §8.2 batch: two jwt proofs in one request → two credentials, one per key, distinct status slots', async () => {
      const { response, holders } = await obtain('labour-contract', 2);
      const credentials = (response.credentialResponse.credentials ?? []).map(credentialOf);
      expect(credentials).toHaveLength(2);
      const fetch = issuerFetch(() => [server.url]);
      const slots = new Set<string>();
      for (const [i, credential] of credentials.entries()) {
        const holder = holders[i];
        if (typeof credential !== 'string' || holder === undefined)
          throw new Error('expected compact SD-JWT VCs');
        // Credentials come back in proof order (§8.3), each bound to its own key.
        expect((sdJwtClaimsOf(credential).cnf as { jwk: PublicJwk }).jwk).toEqual(holder.publicJwk);
        const result = await verifyIssuedSdJwt(credential, holder, 'labour-contract', { fetch, now: clock });
        expect(result.verified ? 'VALID' : result.error.code).toBe('VALID');
        const { listId, index } = sdJwtStatusOf(credential);
        slots.add(`${listId}#${index}`);
      }
      expect(slots.size).toBe(2);
    });

    test('openid4vci §6.3: the foreign client sees invalid_grant when it repeats a redeemed code', async () => {
      clock = NOW;
      const admin = adminApi(server.url, ADMIN_TOKEN);
      const created = await admin.createOffer({
        credentialType: 'refugee-registration',
        claims: distinctiveClaims('refugee-registration'),
      });
      const holder = newHolder();
      const client = foreignClient(server, holder.privateJwk, holder.publicJwk);
      const offer = await client.resolveCredentialOffer(created.offerUri);
      const issuerMetadata = await client.resolveIssuerMetadata(offer.credential_issuer);
      const txCode = created.txCode as string;
      await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
        credentialOffer: offer,
        issuerMetadata,
        txCode,
      });
      const again = await client
        .retrievePreAuthorizedCodeAccessTokenFromOffer({ credentialOffer: offer, issuerMetadata, txCode })
        .then(
          () => undefined,
          (error: unknown) => (error as { errorResponse?: { error?: string } }).errorResponse?.error,
        );
      expect(again).toBe('invalid_grant');
    });
  },
);

afterAll(removeTestStorage);
