import { encodeBase64Url, fixedClock, peekJwsHeader } from '@haven/core';
import { claimsTemplate } from '@haven/credentials';
import { createDidResolver } from '@haven/did';
import { createIssuerKeySource, verifySdJwtVc } from '@haven/sd-jwt';
import { HavenPlugin, type IHavenPlugin } from '@haven/veramo';
import { isLegacyVcJwt, type VerifyLegacyVcJwtOptions, verifyLegacyVcJwt } from '@haven/w3c';
import {
  createAgent,
  type ICredentialPlugin,
  type IDIDManager,
  type IIdentifier,
  type IKeyManager,
  type IResolver,
  type TAgent,
} from '@veramo/core';
import { CredentialProviderJWT } from '@veramo/credential-jwt';
import { CredentialPlugin } from '@veramo/credential-w3c';
import { DIDManager, MemoryDIDStore } from '@veramo/did-manager';
import { getDidJwkResolver, JwkDIDProvider } from '@veramo/did-provider-jwk';
import { getDidKeyResolver, KeyDIDProvider } from '@veramo/did-provider-key';
import { DIDResolverPlugin } from '@veramo/did-resolver';
import { KeyManager, MemoryKeyStore, MemoryPrivateKeyStore } from '@veramo/key-manager';
import { KeyManagementSystem } from '@veramo/kms-local';
import { beforeAll, describe, expect, test } from 'vitest';
import { FIXED_KEYS } from '../fixtures.js';

// Interop with Veramo 7.0.1 (did-jwt-vc 4, did-jwt 8, one did-resolver 4.1.0 in the workspace):
// VCDM 1.1 JWTs made by a real Veramo agent verify in Haven's verifyLegacyVcJwt, and what Haven's plugin
// issues from the same agent verifies in Haven's plain verifiers.

type Agent = TAgent<IKeyManager & IDIDManager & IResolver & ICredentialPlugin & IHavenPlugin>;

const NOW = 1_780_304_400; // 2026-06-01T09:00:00Z
const clock = fixedClock(NOW);
const hex = (b64url: string) => Buffer.from(b64url, 'base64url').toString('hex');

let agent: Agent;
let edIssuer: IIdentifier;
let p256Issuer: IIdentifier;
let k1Issuer: IIdentifier;
let options: VerifyLegacyVcJwtOptions;

beforeAll(async () => {
  agent = createAgent({
    plugins: [
      new KeyManager({
        store: new MemoryKeyStore(),
        kms: { local: new KeyManagementSystem(new MemoryPrivateKeyStore()) },
      }),
      new DIDManager({
        store: new MemoryDIDStore(),
        defaultProvider: 'did:key',
        providers: {
          'did:key': new KeyDIDProvider({ defaultKms: 'local' }),
          'did:jwk': new JwkDIDProvider({ defaultKms: 'local' }),
        },
      }),
      new DIDResolverPlugin({ ...getDidKeyResolver(), ...getDidJwkResolver() }),
      // credential-w3c 7 holds no proof format itself: each provider brings one (JWT here).
      new CredentialPlugin([new CredentialProviderJWT()]),
      new HavenPlugin({ clock }),
    ],
  });
  edIssuer = await agent.didManagerCreate({
    provider: 'did:key',
    options: { keyType: 'Ed25519', privateKeyHex: hex(FIXED_KEYS.EdDSA.d) },
  });
  p256Issuer = await agent.didManagerCreate({
    provider: 'did:jwk',
    options: { keyType: 'Secp256r1', privateKeyHex: hex(FIXED_KEYS.ES256.d) },
  });
  k1Issuer = await agent.didManagerCreate({
    provider: 'did:key',
    options: { keyType: 'Secp256k1', privateKeyHex: 'a1'.repeat(32) },
  });
  options = {
    trustedIssuers: [edIssuer.did, p256Issuer.did, k1Issuer.did],
    dids: createDidResolver(),
    clock,
  };
});

async function veramoJwt(issuer: IIdentifier, extra: Record<string, unknown> = {}): Promise<string> {
  const vc = await agent.createVerifiableCredential({
    proofFormat: 'jwt',
    credential: {
      id: 'urn:uuid:0b5e3f3e-6c55-4d8e-9d2b-4f8a1f3c2d10',
      type: ['VerifiableCredential', 'EmploymentRecord'],
      issuer: { id: issuer.did },
      issuanceDate: '2026-05-01T00:00:00Z',
      expirationDate: '2027-05-01T00:00:00Z',
      credentialSubject: { id: 'did:example:worker-7', role: 'welder' },
    },
    ...extra,
  });
  return vc.proof.jwt as string;
}

describe('Veramo VCDM 1.1 JWT → Haven verifyLegacyVcJwt', () => {
  test.each([
    ['did:key Ed25519 (EdDSA)', () => edIssuer, 'EdDSA'],
    ['did:jwk P-256 (ES256)', () => p256Issuer, 'ES256'],
  ])(
    '%s verifies, and the credential rebuilt per §6.3.1 is what Veramo signed',
    async (_name, issuer, alg) => {
      const jwt = await veramoJwt(issuer());
      // What did-jwt puts in the header: no kid, so Haven picks the issuer's one assertion key for alg.
      expect(peekJwsHeader(jwt)).toEqual({ alg, typ: 'JWT' });
      expect(isLegacyVcJwt(jwt)).toBe(true);
      const result = await verifyLegacyVcJwt(jwt, options);
      expect(result.verified || result.error).toBe(true);
      if (!result.verified) return;
      expect(result.issuer).toBe(issuer().did);
      expect(result.credential).toEqual({
        '@context': ['https://www.w3.org/2018/credentials/v1'],
        type: ['VerifiableCredential', 'EmploymentRecord'],
        credentialSubject: { id: 'did:example:worker-7', role: 'welder' },
        issuer: issuer().did,
        id: 'urn:uuid:0b5e3f3e-6c55-4d8e-9d2b-4f8a1f3c2d10',
        issuanceDate: '2026-05-01T00:00:00Z',
        expirationDate: '2027-05-01T00:00:00Z',
      });
      // Veramo's own verifier agrees (at the same instant).
      const veramo = await agent.verifyCredential({ credential: jwt, policies: { now: NOW } });
      expect(veramo.verified).toBe(true);
    },
  );

  test('removeOriginalFields: false (properties kept in vc as well as in the JWT claims) verifies', async () => {
    const jwt = await veramoJwt(edIssuer, { removeOriginalFields: false });
    const result = await verifyLegacyVcJwt(jwt, options);
    expect(result.verified || result.error).toBe(true);
  });

  test('a tampered payload or signature is refused', async () => {
    const jwt = await veramoJwt(edIssuer);
    const [header, payload, signature] = jwt.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    claims.vc.credentialSubject.role = 'supervisor';
    const forgedPayload = `${header}.${encodeBase64Url(JSON.stringify(claims))}.${signature}`;
    const forged = await verifyLegacyVcJwt(forgedPayload, options);
    expect(forged.verified || forged.error.code).toBe('JWS_SIGNATURE_INVALID');
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    const badSignature = await verifyLegacyVcJwt(`${header}.${payload}.${flipped}`, options);
    expect(badSignature.verified || badSignature.error.code).toBe('JWS_SIGNATURE_INVALID');
  });

  test('an issuer outside the trust list is refused', async () => {
    const jwt = await veramoJwt(edIssuer);
    const result = await verifyLegacyVcJwt(jwt, { ...options, trustedIssuers: [p256Issuer.did] });
    expect(result.verified || result.error.code).toBe('W3C_ISSUER_UNTRUSTED');
  });

  test('an expired Veramo credential is refused', async () => {
    const jwt = await veramoJwt(edIssuer);
    const later = await verifyLegacyVcJwt(jwt, { ...options, clock: fixedClock(NOW + 2 * 365 * 86_400) });
    expect(later.verified || later.error.code).toBe('W3C_EXPIRED');
  });

  test('a Veramo Secp256k1 (ES256K) credential is refused with W3C_LEGACY_JWT_ALG_UNSUPPORTED', async () => {
    const jwt = await veramoJwt(k1Issuer);
    expect(peekJwsHeader(jwt).alg).toBe('ES256K');
    const result = await verifyLegacyVcJwt(jwt, options);
    expect(result.verified || result.error.code).toBe('W3C_LEGACY_JWT_ALG_UNSUPPORTED');
  });

  test('an issuer object with more than an id: did-jwt-vc leaves its other members outside vc, so Haven sees the id only', async () => {
    const vc = await agent.createVerifiableCredential({
      proofFormat: 'jwt',
      credential: {
        issuer: { id: edIssuer.did, name: 'Employer' },
        issuanceDate: '2026-05-01T00:00:00Z',
        credentialSubject: { id: 'did:example:worker-7', role: 'welder' },
      },
    });
    const jwt = vc.proof.jwt as string;
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString('utf8'));
    expect(payload.issuer).toEqual({ name: 'Employer' });
    const result = await verifyLegacyVcJwt(jwt, options);
    expect(result.verified && result.credential.issuer).toBe(edIssuer.did);
  });
});

describe('Haven formats issued through the Veramo plugin', () => {
  test('an SD-JWT VC issued by havenIssueSdJwtVc verifies with @haven/sd-jwt verifySdJwtVc, without Veramo', async () => {
    const holder = await agent.didManagerCreate({
      provider: 'did:jwk',
      options: { keyType: 'Secp256r1', privateKeyHex: hex('DeNDv92tI4eX_67nTVhbq6cvMMJEFYk35kcQ3zO3qHM') },
    });
    const { credential } = await agent.havenIssueSdJwtVc({
      issuer: p256Issuer.did,
      type: 'labour-contract',
      claims: claimsTemplate('labour-contract'),
      holderDid: holder.did,
      expiresAt: NOW + 365 * 86_400,
    });
    const nonce = 'interop-nonce-1';
    const aud = 'https://inspection.labour.example';
    const presentation = await agent.havenPresentSdJwtVc({
      credential,
      disclose: [['employer_name'], ['wage']],
      holder: holder.did,
      nonce,
      audience: aud,
    });
    const result = await verifySdJwtVc(presentation, {
      issuerKey: createIssuerKeySource({ issuers: [p256Issuer.did], dids: createDidResolver() }),
      clock,
      holderBinding: { required: true, nonce, aud },
      requireExp: true,
    });
    expect(result.verified || result.error).toBe(true);
    if (result.verified) expect(Object.keys(result.claims)).not.toContain('worker_reference');
  });

  test("a Haven VC-JOSE vc+jwt (VCDM 2.0) is not understood by Veramo 7's JWT verifier — recorded, not forced", async () => {
    const jwt = await agent.havenIssueVcJwt({
      issuer: edIssuer.did,
      credential: {
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        type: ['VerifiableCredential'],
        validFrom: '2026-05-01T00:00:00Z',
        credentialSubject: { id: 'did:example:worker-7' },
      },
    });
    const veramo = await agent.verifyCredential({ credential: jwt, policies: { now: NOW } });
    // did-jwt 8 requires the JWT `iss` claim before anything else ("invalid_jwt: JWT iss or client_id are
    // required"); a vc+jwt names its issuer in the credential's own `issuer` and has no `vc` claim either.
    expect(veramo.verified).toBe(false);
    expect(veramo.error?.errorCode).toBe(VERAMO_VC_JWT_ERROR);
  });
});

// What Veramo 7.0.1 answers for a vc+jwt, from an actual run (see docs/veramo.md).
const VERAMO_VC_JWT_ERROR = 'invalid_jwt';
