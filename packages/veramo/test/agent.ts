import type { Clock } from '@haven/core';
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
import { getDidJwkResolver, JwkDIDProvider } from '@veramo/did-provider-jwk';
import { getDidKeyResolver, KeyDIDProvider } from '@veramo/did-provider-key';
import { DIDResolverPlugin } from '@veramo/did-resolver';
import { KeyManager, MemoryKeyStore, MemoryPrivateKeyStore } from '@veramo/key-manager';
import { KeyManagementSystem } from '@veramo/kms-local';
import { HavenPlugin, type IHavenPlugin } from '../src/index.js';

/** An agent as an application would have it, plus Haven. */
export type TestAgent = TAgent<IKeyManager & IDIDManager & IResolver & ICredentialPlugin & IHavenPlugin>;

// Fixed private keys (hex, never used outside tests). P-256 keys whose coordinates do not start with a zero
// byte: Veramo's did:jwk encoder drops such bytes (see docs/veramo.md).
export const KEYS = {
  employerEd25519: Buffer.from('iO4tU1i39x79lg0KO_PPohfZA9XX7BrF2jz41x7gf9c', 'base64url').toString('hex'),
  employerP256: Buffer.from('uwv1TABmBm5b3iHFXIdBHakZkgjWYSHlqm7UXX68jyk', 'base64url').toString('hex'),
  workerP256: Buffer.from('DeNDv92tI4eX_67nTVhbq6cvMMJEFYk35kcQ3zO3qHM', 'base64url').toString('hex'),
  legacySecp256k1: 'a1'.repeat(32),
} as const;

/** A fresh in-memory agent with Haven's plugin and Veramo's own JWT credential plugin. */
export function createTestAgent(clock: Clock): TestAgent {
  return createAgent<IKeyManager & IDIDManager & IResolver & ICredentialPlugin & IHavenPlugin>({
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
      new CredentialPlugin([new CredentialProviderJWT()]),
      new HavenPlugin({ clock }),
    ],
  });
}

/** The identifiers the tests use, created from the fixed keys. */
export async function createIdentifiers(agent: TestAgent) {
  const employer = await agent.didManagerCreate({
    alias: 'employer',
    provider: 'did:key',
    options: { keyType: 'Ed25519', privateKeyHex: KEYS.employerEd25519 },
  });
  const employerP256 = await agent.didManagerCreate({
    alias: 'employer-p256',
    provider: 'did:jwk',
    options: { keyType: 'Secp256r1', privateKeyHex: KEYS.employerP256 },
  });
  const worker = await agent.didManagerCreate({
    alias: 'worker',
    provider: 'did:jwk',
    options: { keyType: 'Secp256r1', privateKeyHex: KEYS.workerP256 },
  });
  const legacy = await agent.didManagerCreate({
    alias: 'legacy-secp256k1',
    provider: 'did:key',
    options: { keyType: 'Secp256k1', privateKeyHex: KEYS.legacySecp256k1 },
  });
  return { employer, employerP256, worker, legacy };
}
