import { openAead, randomBytes, sealAead } from '@haven/core';
import { afterAll, describe, expect, test } from 'vitest';
import { SqlSecretStore } from '../store/sql-secret-store.js';
import { removeTestDatabases, sqlBackends } from '../store/test-backends.test-helper.js';
import { deriveIssuerSecrets, loadOrCreateIssuerKeys } from './issuer-keys.js';

const code = (c: string) => expect.objectContaining({ code: c });
// Cheap scrypt for the many derivations below; one test runs the default cost.
const CHEAP = { N: 2 ** 10, r: 8, p: 1 };
const MASTER = new Uint8Array(32).fill(7);
const OTHER_MASTER = new Uint8Array(32).fill(8);

afterAll(() => removeTestDatabases());

describe.each(sqlBackends())('issuer keys at rest — $name', (backend) => {
  const start = async (secrets: SqlSecretStore, masterSecret = MASTER) => {
    const derived = await deriveIssuerSecrets({ masterSecret, secrets, scrypt: CHEAP });
    return { ...derived, keys: await loadOrCreateIssuerKeys({ secrets, sealKey: derived.sealKey }) };
  };

  test('first start creates ES256 and Ed25519 keys; a restart with the same master secret has the same kids', async () => {
    const database = await backend.open();
    const first = await start(new SqlSecretStore(database.db));
    expect(first.keys.es256.alg).toBe('ES256');
    expect(first.keys.es256.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: first.keys.es256.kid });
    expect(first.keys.eddsa.publicJwk).toMatchObject({
      kty: 'OKP',
      crv: 'Ed25519',
      kid: first.keys.eddsa.kid,
    });
    expect(first.keys.es256.did.startsWith('did:jwk:')).toBe(true);
    expect(first.keys.es256.publicJwk).not.toHaveProperty('d');
    const again = await start(new SqlSecretStore(database.db));
    expect(again.keys.es256.kid).toBe(first.keys.es256.kid);
    expect(again.keys.eddsa.kid).toBe(first.keys.eddsa.kid);
    expect(again.keys.eddsa.did).toBe(first.keys.eddsa.did);
    expect([...again.sealKey]).toEqual([...first.sealKey]);
    expect([...again.hmacKey]).toEqual([...first.hmacKey]);
    // Separate keys for sealing and for the oid4vci HMAC.
    expect([...first.sealKey]).not.toEqual([...first.hmacKey]);
    expect(first.sealKey.byteLength).toBe(32);
    expect(first.hmacKey.byteLength).toBe(32);
  });

  test('private keys are stored only sealed, bound to their name', async () => {
    const database = await backend.open();
    const { sealKey, keys } = await start(new SqlSecretStore(database.db));
    const rows = await database.db.selectFrom('secrets').selectAll().execute();
    expect(rows.map((r) => r.name).sort()).toEqual([
      'issuer-key:eddsa',
      'issuer-key:es256',
      'kdf-params',
      'kdf-salt',
      'key-check',
    ]);
    const sealed = rows.find((r) => r.name === 'issuer-key:es256')?.value as string;
    const privateJwk = JSON.parse(new TextDecoder().decode(openAead(sealKey, sealed, 'issuer-key:es256')));
    expect(privateJwk.x).toBe(keys.es256.publicJwk.x);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(privateJwk.d);
    expect(dump).not.toContain('"d"');
    // Moved under the other name, the sealed key no longer opens.
    expect(() => openAead(sealKey, sealed, 'issuer-key:eddsa')).toThrow(code('SECRET_OPEN_FAILED'));
  });

  test('a wrong master secret fails closed with SERVER_MASTER_SECRET_MISMATCH and overwrites nothing', async () => {
    const database = await backend.open();
    await start(new SqlSecretStore(database.db));
    const before = await database.db.selectFrom('secrets').selectAll().orderBy('name').execute();
    await expect(start(new SqlSecretStore(database.db), OTHER_MASTER)).rejects.toEqual(
      code('SERVER_MASTER_SECRET_MISMATCH'),
    );
    // Even past the key check, a sealed issuer key does not open under another seal key.
    await expect(
      loadOrCreateIssuerKeys({ secrets: new SqlSecretStore(database.db), sealKey: randomBytes(32) }),
    ).rejects.toEqual(code('SERVER_MASTER_SECRET_MISMATCH'));
    const after = await database.db.selectFrom('secrets').selectAll().orderBy('name').execute();
    expect(after).toEqual(before);
  });

  test('a stored issuer key of the wrong type, or not a key, is SERVER_SECRET_STORE_CORRUPT', async () => {
    const database = await backend.open();
    const secrets = new SqlSecretStore(database.db);
    const { sealKey } = await deriveIssuerSecrets({ masterSecret: MASTER, secrets, scrypt: CHEAP });
    // An Ed25519 key sealed as the ES256 key, and garbage sealed as the Ed25519 key.
    const eddsa = {
      kty: 'OKP',
      crv: 'Ed25519',
      x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
      d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
    };
    await secrets.putIfAbsent(
      'issuer-key:es256',
      sealAead(sealKey, JSON.stringify(eddsa), 'issuer-key:es256'),
    );
    await expect(loadOrCreateIssuerKeys({ secrets, sealKey })).rejects.toEqual(
      code('SERVER_SECRET_STORE_CORRUPT'),
    );
    const database2 = await backend.open();
    const secrets2 = new SqlSecretStore(database2.db);
    const derived2 = await deriveIssuerSecrets({ masterSecret: MASTER, secrets: secrets2, scrypt: CHEAP });
    await secrets2.putIfAbsent('issuer-key:es256', sealAead(derived2.sealKey, '[1,2]', 'issuer-key:es256'));
    await expect(loadOrCreateIssuerKeys({ secrets: secrets2, sealKey: derived2.sealKey })).rejects.toEqual(
      code('SERVER_SECRET_STORE_CORRUPT'),
    );
  });

  test('tampered key-derivation parameters (a cost that asks for gigabytes) are refused', async () => {
    const database = await backend.open();
    const secrets = new SqlSecretStore(database.db);
    await secrets.putIfAbsent('kdf-params', JSON.stringify({ N: 2 ** 30, r: 8, p: 1 }));
    await expect(deriveIssuerSecrets({ masterSecret: MASTER, secrets })).rejects.toEqual(
      code('SERVER_SECRET_STORE_CORRUPT'),
    );
  });

  test('an existing database keeps its scrypt cost whatever a later start asks for (default cost here)', async () => {
    const database = await backend.open();
    const secrets = new SqlSecretStore(database.db);
    const first = await deriveIssuerSecrets({ masterSecret: MASTER, secrets });
    const again = await deriveIssuerSecrets({ masterSecret: MASTER, secrets, scrypt: CHEAP });
    expect([...again.sealKey]).toEqual([...first.sealKey]);
  });

  test('two processes starting at once on an empty database end with ONE key each, used by both', async () => {
    const [a, b] = await backend.openTwo();
    const [x, y] = await Promise.all([start(new SqlSecretStore(a.db)), start(new SqlSecretStore(b.db))]);
    expect(x.keys.es256.kid).toBe(y.keys.es256.kid);
    expect(x.keys.eddsa.kid).toBe(y.keys.eddsa.kid);
    expect([...x.hmacKey]).toEqual([...y.hmacKey]);
    const rows = await a.db.selectFrom('secrets').select('name').execute();
    expect(rows.filter((r) => r.name === 'issuer-key:es256')).toHaveLength(1);
  });
});
