import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHavenError } from '@haven/core';
import { afterAll, describe, expect, test } from 'vitest';
import { loadServeIssuerConfig, parseServeIssuerConfig } from './issuer-config.js';

const dir = mkdtempSync(join(tmpdir(), 'haven-issuer-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const code = (c: string) => expect.objectContaining({ code: c });
const WAGE = { amount: '1850.00', currency: 'EUR', period: 'month' };

function pathsOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    if (isHavenError(error, 'SERVER_RUN_CONFIG_INVALID')) return error.details?.paths;
    throw error;
  }
  throw new Error('no error');
}

describe('issuer configuration (haven serve --issuer-config)', () => {
  test('a full configuration is accepted as is; an empty one too', () => {
    const config = {
      display: [
        { name: 'Labour Office', locale: 'en-GB' },
        { name: 'Arbeitsamt', locale: 'de' },
      ],
      legalMinimumWage: WAGE,
      credentialValiditySeconds: 86_400 * 90,
      vctBase: 'https://labour.gov.example/vct',
    };
    expect(parseServeIssuerConfig(config)).toEqual(config);
    expect(parseServeIssuerConfig({})).toEqual({});
  });

  test('unknown keys, wrong types and bad values are refused, naming the paths only', () => {
    expect(pathsOf(() => parseServeIssuerConfig({ legalMinimumWag: WAGE }))).toEqual(['legalMinimumWag']);
    expect(pathsOf(() => parseServeIssuerConfig({ display: [{ name: 'x', logo: 'y' }] }))).toEqual([
      'display.0.logo',
    ]);
    expect(pathsOf(() => parseServeIssuerConfig([]))).toEqual(['(root)']);
    expect(pathsOf(() => parseServeIssuerConfig({ legalMinimumWage: { ...WAGE, amount: '-1' } }))).toEqual([
      'legalMinimumWage.amount',
    ]);
    for (const bad of [
      null,
      [],
      'x',
      { display: [] },
      { display: [{ name: '' }] },
      {
        display: [
          { name: 'a', locale: 'en' },
          { name: 'b', locale: 'en' },
        ],
      },
      { display: [{ name: 'a', locale: 'not a tag' }] },
      { credentialValiditySeconds: 0 },
      { credentialValiditySeconds: 1.5 },
      { credentialValiditySeconds: '86400' },
      { vctBase: 'http://labour.gov.example/vct' },
      { vctBase: 'https://labour.gov.example/vct/' },
      { vctBase: 'https://labour.gov.example/vct?x=1' },
      { vctBase: 'not a url' },
      { legalMinimumWage: { ...WAGE, currency: 'euro' } },
      { legalMinimumWage: { ...WAGE, extra: 1 } },
    ]) {
      expect(() => parseServeIssuerConfig(bad), JSON.stringify(bad)).toThrow(
        code('SERVER_RUN_CONFIG_INVALID'),
      );
    }
  });

  test('files: read and checked; unreadable, too large, duplicate keys or not JSON → a typed error', () => {
    const file = (name: string, text: string | Buffer) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    expect(loadServeIssuerConfig(file('ok.json', JSON.stringify({ legalMinimumWage: WAGE })))).toEqual({
      legalMinimumWage: WAGE,
    });
    for (const path of [
      join(dir, 'missing.json'),
      dir,
      file('dup.json', '{"vctBase":"https://a.example","vctBase":"https://b.example"}'),
      file('proto.json', '{"__proto__":{"x":1}}'),
      file('text.json', 'vctBase = https://a.example'),
      file('big.json', Buffer.alloc(65 * 1024, 0x20)),
      file('bad.json', '{"credentialValiditySeconds":-5}'),
    ]) {
      expect(() => loadServeIssuerConfig(path), path).toThrow(code('SERVER_RUN_CONFIG_INVALID'));
    }
  });

  test("verifier x509 files and DNS name: set together, strictly; relative paths are the file's own", () => {
    const x509 = { certificateChainFile: 'pki/chain.pem', privateKeyFile: '/etc/haven/verifier.key' };
    const verifier = { legalName: 'Example Inspectorate', x509, dnsName: 'verifier.example.org' };
    expect(parseServeIssuerConfig({ verifier })).toEqual({ verifier });
    expect(pathsOf(() => parseServeIssuerConfig({ verifier: { x509 } }))).toEqual(['verifier.dnsName']);
    expect(pathsOf(() => parseServeIssuerConfig({ verifier: { dnsName: 'verifier.example.org' } }))).toEqual([
      'verifier.dnsName',
    ]);
    expect(
      pathsOf(() => parseServeIssuerConfig({ verifier: { ...verifier, x509: { ...x509, password: 'x' } } })),
    ).toEqual(['verifier.x509.password']);
    expect(
      pathsOf(() =>
        parseServeIssuerConfig({
          verifier: { ...verifier, x509: { certificateChainFile: '', privateKeyFile: 1 } },
        }),
      ),
    ).toEqual(['verifier.x509.certificateChainFile', 'verifier.x509.privateKeyFile']);
    expect(pathsOf(() => parseServeIssuerConfig({ verifier: { ...verifier, dnsName: 'a b' } }))).toEqual([
      'verifier.dnsName',
    ]);
    const sub = join(dir, 'conf');
    mkdirSync(sub);
    const path = join(sub, 'haven.json');
    writeFileSync(path, JSON.stringify({ verifier }));
    expect(loadServeIssuerConfig(path).verifier?.x509).toEqual({
      certificateChainFile: join(sub, 'pki/chain.pem'),
      privateKeyFile: '/etc/haven/verifier.key',
    });
  });
});
