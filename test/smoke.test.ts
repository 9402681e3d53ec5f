import { createSigner, generateKeyPair, signJwsSync, verifyJws } from '@haven/core';
import { expect, test } from 'vitest';

test('smoke', () => {
  const k = generateKeyPair('ES256');
  const t = signJwsSync({ a: 1 }, { signer: createSigner(k.privateJwk), typ: 'JWT' });
  expect(verifyJws(t, { algorithms: ['ES256'], typ: 'JWT', key: k.publicJwk }).payload).toEqual({ a: 1 });
});
