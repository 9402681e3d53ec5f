import { expect, test } from 'vitest';
import { runRefugeeAgeCheckStory } from './story.js';

test('the age-check verifier learns only age_over_18, and a one-byte tampered disclosure is refused', async () => {
  const result = await runRefugeeAgeCheckStory();
  expect(result.verdicts.map((v) => [v.outcome, v.code ?? null])).toEqual([
    ['accepted', null],
    ['accepted', null],
    ['accepted', null],
    ['refused', 'SDJWT_UNREFERENCED_DISCLOSURE'],
  ]);
  expect(result.disclosed).toEqual(['["age_over_18"]']);
  expect(result.ageOver18).toBe(true);
  expect(result.hidden).toEqual(
    expect.arrayContaining([
      'birthdate',
      'given_name',
      'family_name',
      'registration_number',
      'country_of_origin',
    ]),
  );
  expect(result.ok).toBe(true);
});
