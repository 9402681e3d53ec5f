import type { Clock } from '@haven/core';
import { HavenPlugin, type IHavenPlugin } from '@haven/veramo';
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

/** A Veramo agent as an employer or a wallet already runs it, with Haven's plugin added. */
export type VeramoAgent = TAgent<IKeyManager & IDIDManager & IResolver & ICredentialPlugin & IHavenPlugin>;

/** An inspector needs no keys: Haven's plugin alone verifies. */
export type VerifierAgent = TAgent<IHavenPlugin>;

/**
 * The agent setup most Veramo users have (in-memory stores here; a database in production): a key
 * manager, a DID manager with did:key and did:jwk, a resolver and the W3C credential plugin with its JWT
 * provider. Adding Haven is the last line of `plugins`.
 */
export function createVeramoAgent(clock: Clock): VeramoAgent {
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

/** A verifier's agent: the Haven plugin and nothing else. */
export function createVerifierAgent(clock: Clock): VerifierAgent {
  return createAgent<IHavenPlugin>({ plugins: [new HavenPlugin({ clock })] });
}
