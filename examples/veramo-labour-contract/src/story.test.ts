import { expect, test } from 'vitest';
import { runVeramoLabourContractStory } from './story.js';

test("an employer's Veramo agent issues through Haven's plugin; the inspector gets only its purpose's claims", async () => {
  const result = await runVeramoLabourContractStory();
  expect(result.verdicts.map((v) => [v.outcome, v.code ?? null])).toEqual([
    ['accepted', null],
    ['accepted', null],
    ['accepted', null],
    ['accepted', null],
    ['refused', 'OVER_ASKING'],
    ['refused', 'SDJWT_KB_AUD_MISMATCH'],
    ['accepted', null],
  ]);
  expect(result.employerKeyType).toBe('Ed25519');
  expect(result.disclosed).toEqual(
    expect.arrayContaining(['["employer_name"]', '["wage"]', '["wage_meets_legal_minimum"]']),
  );
  expect([...result.hidden].sort()).toEqual(['recruitment_fees_paid_by_worker', 'worker_reference']);
  expect(result.legacyFormat).toBe('vc1+jwt');
  expect(result.ok).toBe(true);
});
