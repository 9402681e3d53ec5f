import { assertPrivateJwk, assertPublicJwk, type PrivateJwk, type PublicJwk, toPublicJwk } from '@haven/core';
import { CliError } from './cli-error.js';
import { type CliIo, readJsonFile } from './io.js';

/** Reads a private JWK file (an issuer's or holder's key). */
export async function readPrivateKey(path: string, io: CliIo, what: string): Promise<PrivateJwk> {
  const jwk = await readJsonFile(path, io, what);
  try {
    assertPrivateJwk(jwk);
  } catch (error) {
    throw new CliError(
      `the ${what} file is not a private JWK (${(error as { code?: string }).code ?? 'invalid'})`,
    );
  }
  return jwk;
}

/**
 * Reads a public JWK file — a JWK, or the `{ publicJwk, did }` that `haven keys generate` prints. A private
 * key there is refused (it should not be handed around).
 */
export async function readPublicKey(path: string, io: CliIo, what: string): Promise<PublicJwk> {
  const content = await readJsonFile(path, io, what);
  const jwk =
    content !== null && typeof content === 'object' && 'publicJwk' in content
      ? (content as { publicJwk: unknown }).publicJwk
      : content;
  try {
    assertPublicJwk(jwk);
  } catch (error) {
    throw new CliError(
      `the ${what} file is not a public JWK (${(error as { code?: string }).code ?? 'invalid'})`,
    );
  }
  return toPublicJwk(jwk);
}
