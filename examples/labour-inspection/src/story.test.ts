import { expect, test } from 'vitest';
import { runLabourInspectionStory } from './story.js';

test('the inspector verifies the contract within its purpose, and over-asking is refused with OVER_ASKING', async () => {
  const result = await runLabourInspectionStory();
  expect(result.verdicts.map((v) => [v.outcome, v.code ?? null])).toEqual([
    ['accepted', null],
    ['accepted', null],
    ['accepted', null],
    ['refused', 'OVER_ASKING'],
  ]);
  expect(result.disclosed).toEqual(expect.arrayContaining(['["wage"]', '["wage_meets_legal_minimum"]']));
  expect([...result.hidden].sort()).toEqual(['recruitment_fees_paid_by_worker', 'worker_reference']);
  expect(result.findings).toEqual({
    wageMeetsLegalMinimum: true,
    noRecruitmentFeesPaid: true,
    workerKeepsIdentityDocuments: true,
  });
  expect([...result.overAsked].sort()).toEqual([
    '["recruitment_fees_paid_by_worker"]',
    '["worker_reference"]',
  ]);
  expect(result.ok).toBe(true);
});
