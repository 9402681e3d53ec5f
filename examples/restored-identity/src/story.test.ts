import { expect, test } from 'vitest';
import { runRestoredIdentityStory } from './story.js';

test('the clinic receives exactly clinic.identity-minimal, bound to the holder, and a replay is refused', async () => {
  const result = await runRestoredIdentityStory();
  expect(result.verdicts.map((v) => [v.outcome, v.code ?? null])).toEqual([
    ['accepted', null],
    ['accepted', null],
    ['accepted', null],
    ['refused', 'SDJWT_KB_NONCE_MISMATCH'],
  ]);
  expect([...result.disclosed].sort()).toEqual(['["birthdate"]', '["family_name"]', '["given_name"]']);
  // Nationality, birth place, document number and the age flags stay with the survivor.
  expect(result.hidden).toEqual(
    expect.arrayContaining(['nationalities', 'place_of_birth', 'restored_document_number', 'age_over_18']),
  );
  expect(result.hidden).not.toContain('birthdate');
  expect(result.ok).toBe(true);
});
