import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runHaven } from './fixtures/run-cli.js';

const NOW = '1780304400';
let dir: string;
const file = (name: string) => join(dir, name);

const run = runHaven;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'haven-cli-status-'));
  const issuer = await run(['keys', 'generate', '--out', file('issuer.key.json')]);
  writeFileSync(file('issuer.did'), JSON.parse(issuer.out).did);
  writeFileSync(file('claims.json'), (await run(['claims', 'template', '--type', 'labour-contract'])).out);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const issuerDid = () => readFileSync(file('issuer.did'), 'utf8');

async function verify(extra: string[] = []) {
  const result = await run([
    'verify',
    file('cred.txt'),
    '--trust',
    issuerDid(),
    '--now',
    NOW,
    '--json',
    ...extra,
  ]);
  return { code: result.code, body: JSON.parse(result.out || '{}'), err: result.err };
}

async function publish() {
  const published = await run([
    'status',
    'publish',
    '--data',
    file('data'),
    '--issuer-key',
    file('issuer.key.json'),
    '--out',
    file('public'),
    '--now',
    NOW,
  ]);
  expect(published.code).toBe(0);
}

describe('haven status create|set|get|publish and verify --status-dir (Token Status List)', () => {
  test('issue with a status entry → VALID; revoke, republish → the next check fails; fail closed without lists', async () => {
    const created = await run([
      'status',
      'create',
      '--data',
      file('data'),
      '--uri-base',
      'https://employer.example/status',
    ]);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.out)).toMatchObject({ size: 131072, bits: 2 });
    const issued = await run([
      'issue',
      '--type',
      'labour-contract',
      '--claims',
      file('claims.json'),
      '--issuer-key',
      file('issuer.key.json'),
      '--status-data',
      file('data'),
      '--now',
      NOW,
    ]);
    expect(issued.code).toBe(0);
    writeFileSync(file('cred.txt'), issued.out);
    await publish();

    const valid = await verify(['--status-dir', file('public')]);
    expect(valid.code).toBe(0);
    expect(valid.body.statusFound).toMatchObject({ mechanism: 'token-status-list', status: 'VALID' });

    // status-list §11: without the list, a credential with a status is never assumed valid.
    const unchecked = await verify();
    expect(unchecked.code).toBe(1);
    expect(unchecked.body.error.code).toBe('SDJWT_STATUS_UNCHECKED');

    const revoked = await run([
      'status',
      'set',
      '--data',
      file('data'),
      '--credential',
      file('cred.txt'),
      '--issuer-key',
      file('issuer.key.json'),
      '--status',
      'revoked',
    ]);
    expect(revoked.code).toBe(0);
    expect(
      JSON.parse(
        (
          await run([
            'status',
            'get',
            '--data',
            file('data'),
            '--credential',
            file('cred.txt'),
            '--issuer-key',
            file('issuer.key.json'),
          ])
        ).out,
      ),
    ).toEqual({
      status: 'INVALID',
    });
    // Until republished, verifiers still see the old list (the issuer is told so on stderr).
    expect(revoked.err).toMatch(/publish/);
    await publish();
    const refused = await verify(['--status-dir', file('public')]);
    expect(refused.code).toBe(1);
    expect(refused.body.error.code).toBe('STATUS_INVALID');

    await run([
      'status',
      'set',
      '--data',
      file('data'),
      '--credential',
      file('cred.txt'),
      '--issuer-key',
      file('issuer.key.json'),
      '--status',
      'suspended',
    ]);
    await publish();
    expect((await verify(['--status-dir', file('public')])).body.error.code).toBe('STATUS_SUSPENDED');
  });

  test('a list the published directory does not have is unreachable → refused, not valid', async () => {
    writeFileSync(join(dir, 'public', 'index.json'), '{}');
    const missing = await verify(['--status-dir', file('public')]);
    expect(missing.code).toBe(1);
    expect(missing.body.error.code).toBe('STATUS_LIST_UNREACHABLE');
  });

  test('status set acts only on a credential this issuer signed: an edited copy pointing at another index is refused', async () => {
    const token = readFileSync(file('cred.txt'), 'utf8').trim();
    const [jwt, ...rest] = token.split('~');
    const [h, p] = (jwt as string).split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    payload.status.status_list.idx = (payload.status.status_list.idx + 1) % 131072;
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.AAAA~${rest.join('~')}`;
    writeFileSync(file('forged.txt'), forged);
    const result = await run([
      'status',
      'set',
      '--data',
      file('data'),
      '--credential',
      file('forged.txt'),
      '--issuer-key',
      file('issuer.key.json'),
      '--status',
      'revoked',
    ]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/not one signed by this issuer key/);
    const other = await run(['keys', 'generate', '--out', file('other.key.json')]);
    expect(other.code).toBe(0);
    const wrongKey = await run([
      'status',
      'get',
      '--data',
      file('data'),
      '--credential',
      file('cred.txt'),
      '--issuer-key',
      file('other.key.json'),
    ]);
    expect(wrongKey.code).toBe(2);
  });

  test('changes are serialized by a lock: a second concurrent change stops with an error, never overwrites', async () => {
    const issue = () =>
      run([
        'issue',
        '--type',
        'labour-contract',
        '--claims',
        file('claims.json'),
        '--issuer-key',
        file('issuer.key.json'),
        '--status-data',
        file('data'),
        '--now',
        NOW,
      ]);
    writeFileSync(join(dir, 'data', 'status-lists.lock'), '');
    const blocked = await issue();
    expect(blocked.code).toBe(2);
    expect(blocked.err).toMatch(/another haven process/);
    expect(blocked.out).toBe('');
    rmSync(join(dir, 'data', 'status-lists.lock'));
    const before = JSON.parse(readFileSync(join(dir, 'data', 'status-lists.json'), 'utf8')).lists[0].record;
    expect((await issue()).code).toBe(0);
    const after = JSON.parse(readFileSync(join(dir, 'data', 'status-lists.json'), 'utf8')).lists[0].record;
    expect(after.used).toBe(before.used + 1);
  });

  test('usage errors: unknown status, no data dir, bad uri base', async () => {
    expect(
      (
        await run([
          'status',
          'set',
          '--data',
          file('data'),
          '--credential',
          file('cred.txt'),
          '--status',
          'gone',
        ])
      ).code,
    ).toBe(2);
    expect(
      (
        await run([
          'status',
          'get',
          '--data',
          file('nodata'),
          '--credential',
          file('cred.txt'),
          '--issuer-key',
          file('issuer.key.json'),
        ])
      ).err,
    ).toMatch(/no status lists/);
    expect(
      (await run(['status', 'create', '--data', file('d2'), '--uri-base', 'http://employer.example/status']))
        .err,
    ).toMatch(/https/);
  });
});
