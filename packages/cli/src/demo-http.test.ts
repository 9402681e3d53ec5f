import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { formatHttpDemo, type HttpDemoResult, runHttpDemo } from './demo-http.js';
import { runHaven } from './fixtures/run-cli.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('runHttpDemo: the three stories and three refusals over real HTTP', () => {
  let result: HttpDemoResult;

  test('every verdict is the expected one; each story went offer → receive → request → consent → verdict', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'haven-demo-http-'));
    dirs.push(dataDir);
    const progress: string[] = [];
    result = await runHttpDemo({ dataDir, progress: (line) => progress.push(line) });
    expect(result.steps.map((s) => [s.verifier, s.expected, s.outcome, s.ok])).toEqual([
      ['age-check', 'verified', 'verified', true],
      ['inspector.contract-validity', 'verified', 'verified', true],
      ['refugee-services.registration-check', 'verified', 'verified', true],
      ['clinic.identity-minimal', 'refused', 'refused', true],
      ['inspector.contract-validity', 'refused', 'refused', true],
      ['clinic.identity-minimal', 'refused', 'refused', true],
    ]);
    expect(result.ok).toBe(true);
    expect(result.temporary).toBe(false);
    for (const step of result.steps)
      expect(
        step.trace.every((t) => t.ok),
        step.title,
      ).toBe(true);
    expect(progress[0]).toMatch(/^Haven server .* listening on http:\/\/127\.0\.0\.1:/);
    // The server was stopped.
    await expect(fetch(`${result.serverUrl}/.well-known/openid-credential-issuer`)).rejects.toThrow();
  }, 30_000);

  test('ARF data minimisation: each verifier got its purpose’s claims, the rest stayed hidden', () => {
    const [age, contract, refugee, tampered, revoked, overAsking] = result.steps;
    expect(age?.disclosed).toEqual(['age_over_18']);
    expect(age?.hidden).toEqual(
      expect.arrayContaining(['given_name', 'family_name', 'birthdate', 'nationalities']),
    );
    expect(contract?.disclosed).toEqual(expect.arrayContaining(['employer_name', 'wage', 'hours_per_week']));
    expect(contract?.hidden).toContain('worker_reference');
    expect(refugee?.disclosed).toEqual(expect.arrayContaining(['registration_number', 'household_size']));
    expect(refugee?.hidden).toContain('birthdate');
    expect(refugee?.disclosed).not.toContain('birthdate');
    // rfc9901 §7.1: an altered disclosure makes the verifier reject the presentation.
    expect(tampered?.title).toContain('altered');
    expect(tampered?.code).toBeDefined();
    // token status list: after the employer revokes it, the same contract is refused on its status.
    expect(revoked?.title).toContain('revokes');
    expect(revoked?.code).toBe('OID4VP_PRESENTATION_INVALID');
    // The wallet refuses a request beyond the registered purpose before anything is shared.
    expect(overAsking?.code).toBe('OVER_ASKING');
  });

  test('the account shows ✔ steps and claim names, never claim values; the wallet log holds names only', () => {
    const text = formatHttpDemo(result);
    expect(text).toContain('✔ verdict: VERIFIED — as expected');
    expect(text).toContain('REFUSED (OVER_ASKING)');
    expect(text).not.toContain('✘');
    for (const value of ['Amal', '1990-04-12', 'Specimen Textiles', '1850', 'Yusuf', 'SPECIMEN-REG-0001']) {
      expect(text).not.toContain(value);
    }
    const log = readFileSync(join(result.dataDir, 'wallet', 'log.jsonl'), 'utf8');
    const outcomes = log
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { outcome: string }).outcome);
    expect(outcomes).toEqual([
      'shared',
      'shared',
      'shared',
      'refused-by-verifier',
      'refused-by-verifier',
      'refused-over-asking',
    ]);
    for (const value of ['Amal', '1990-04-12', 'Specimen Textiles', '1850', 'Yusuf']) {
      expect(log).not.toContain(value);
    }
    expect(existsSync(join(result.dataDir, 'wallet', 'holder-key.json'))).toBe(true);
  });

  test('`haven demo` plays it over HTTP (temporary data removed); `--offline` keeps the in-memory one', async () => {
    const http = await runHaven(['demo', '--json']);
    expect(http.code, http.err).toBe(0);
    const played = JSON.parse(http.out) as HttpDemoResult;
    expect(played.ok).toBe(true);
    expect(played.steps).toHaveLength(6);
    expect(played.temporary).toBe(true);
    expect(existsSync(played.dataDir)).toBe(false);
    const offline = await runHaven(['demo', '--offline', '--json']);
    expect(offline.code).toBe(0);
    expect((JSON.parse(offline.out) as { steps: unknown[] }).steps).toHaveLength(6);
  }, 30_000);
});
