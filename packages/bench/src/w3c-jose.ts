import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { createSigner, fixedClock, generateKeyPair, toPublicJwk } from '@haven/core';
import { claimsTemplate, prepareW3cCredential } from '@haven/credentials';
import { createDidJwk, createDidResolver } from '@haven/did';
import { issueVcJwt, verifyVcJwt } from '@haven/w3c';
import {
  createAgent,
  type ICredentialPlugin,
  type IDIDManager,
  type IKeyManager,
  type IResolver,
  type TAgent,
} from '@veramo/core';
import { CredentialProviderJWT } from '@veramo/credential-jwt';
import { CredentialPlugin } from '@veramo/credential-w3c';
import { DIDManager, MemoryDIDStore } from '@veramo/did-manager';
import { getDidKeyResolver, KeyDIDProvider } from '@veramo/did-provider-key';
import { DIDResolverPlugin } from '@veramo/did-resolver';
import { KeyManager, MemoryKeyStore, MemoryPrivateKeyStore } from '@veramo/key-manager';
import { KeyManagementSystem } from '@veramo/kms-local';
import { Resolver } from 'did-resolver';
import { type Comparison, compare } from './harness.js';

const NOW = 1_780_304_400;

type VeramoAgent = TAgent<IKeyManager & IDIDManager & IResolver & ICredentialPlugin>;

async function veramoAgent(): Promise<VeramoAgent> {
  return createAgent<IKeyManager & IDIDManager & IResolver & ICredentialPlugin>({
    plugins: [
      new KeyManager({
        store: new MemoryKeyStore(),
        kms: { local: new KeyManagementSystem(new MemoryPrivateKeyStore()) },
      }),
      new DIDManager({
        store: new MemoryDIDStore(),
        defaultProvider: 'did:key',
        providers: { 'did:key': new KeyDIDProvider({ defaultKms: 'local' }) },
      }),
      new DIDResolverPlugin({ resolver: new Resolver({ ...getDidKeyResolver() }) }),
      new CredentialPlugin([new CredentialProviderJWT()]),
    ],
  });
}

/**
 * VC-JOSE (VCDM 2.0 `vc+jwt`, EdDSA) issue and verify, next to the raw Ed25519 sign/verify each must do,
 * and next to Veramo 7's `createVerifiableCredential` / `verifyCredential` with the `jwt` proof format
 * (VCDM 1.1 JWT, EdDSA over a did:key) — the nearest thing a Veramo user runs today.
 */
export async function benchW3cJose(): Promise<Comparison[]> {
  const issuer = generateKeyPair('EdDSA');
  const holder = generateKeyPair('EdDSA');
  const issuerDid = createDidJwk(issuer.publicJwk);
  const signer = createSigner(issuer.privateJwk, { kid: `${issuerDid}#0` });
  const clock = fixedClock(NOW);
  const dids = createDidResolver();
  const credential = prepareW3cCredential('labour-contract', claimsTemplate('labour-contract'), {
    now: NOW - 3600,
    issuer: issuerDid,
    holder: createDidJwk(holder.publicJwk),
    validUntil: NOW + 365 * 86_400,
  });
  const token = await issueVcJwt(credential, { signer });
  const verifyOptions = { trustedIssuers: [issuerDid], dids, clock, status: 'unchecked' as const };
  const check = await verifyVcJwt(token, verifyOptions);
  if (!check.verified) throw new Error(`bench setup: ${check.error.code}`);

  // Raw: the one signature each operation cannot avoid, over a signing input of the same size.
  const privateKey = createPrivateKey({ key: { ...issuer.privateJwk }, format: 'jwk' });
  const publicKey = createPublicKey({ key: { ...toPublicJwk(issuer.publicJwk) }, format: 'jwk' });
  const signingInput = Buffer.from(token.slice(0, token.lastIndexOf('.')), 'latin1');
  const signature = sign(null, signingInput, privateKey);

  // Veramo: a did:key Ed25519 issuer in an in-memory agent, VCDM 1.1 JWT.
  const agent = await veramoAgent();
  const identifier = await agent.didManagerCreate({ provider: 'did:key', options: { keyType: 'Ed25519' } });
  const veramoCredential = {
    issuer: { id: identifier.did },
    issuanceDate: '2026-06-01T00:00:00Z',
    credentialSubject: { ...(credential.credentialSubject as Record<string, unknown>) },
    type: ['VerifiableCredential', 'LabourContractCredential'],
  };
  const veramoIssued = await agent.createVerifiableCredential({
    credential: veramoCredential,
    proofFormat: 'jwt',
  });
  const veramoCheck = await agent.verifyCredential({ credential: veramoIssued });
  if (!veramoCheck.verified) throw new Error('bench setup: Veramo credential does not verify');

  return compare([
    {
      haven: { name: 'issue VC-JOSE EdDSA', run: () => issueVcJwt(credential, { signer }) },
      baselines: [
        { name: 'raw node:crypto Ed25519 sign', run: () => sign(null, signingInput, privateKey) },
        {
          name: 'Veramo createVerifiableCredential (jwt)',
          run: () => agent.createVerifiableCredential({ credential: veramoCredential, proofFormat: 'jwt' }),
        },
      ],
    },
    {
      haven: { name: 'verify VC-JOSE EdDSA', run: () => verifyVcJwt(token, verifyOptions) },
      baselines: [
        {
          name: 'raw node:crypto Ed25519 verify',
          run: () => verify(null, signingInput, publicKey, signature),
        },
        {
          name: 'Veramo verifyCredential (jwt)',
          run: () => agent.verifyCredential({ credential: veramoIssued }),
        },
      ],
    },
  ]);
}
