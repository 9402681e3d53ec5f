import { runRefugeeAgeCheckStory } from './story.js';

// Prints claim names, verdicts and the yes/no answer only: a real verifier's log must never hold claim values.
const result = await runRefugeeAgeCheckStory();

console.log('Haven example — a refugee registration, and an age check that learns one yes/no\n');
for (const [i, v] of result.verdicts.entries()) {
  const verdict = v.outcome === 'accepted' ? 'ACCEPTED' : `REFUSED (${v.code})`;
  console.log(`${i + 1}. ${v.step}\n   → ${verdict} ${v.ok ? '✔' : '✘ unexpected'}`);
}
console.log(`\nDisclosed to the verifier (${result.purpose}): ${result.disclosed.join(', ')}`);
console.log(`Its answer (fictional template person): age_over_18 = ${result.ageOver18}`);
console.log(`Stayed hidden: ${result.hidden.join(', ')}`);
console.log(
  result.ok ? '\nEvery verdict was the expected one.' : '\nSome verdicts were not the expected ones.',
);
process.exitCode = result.ok ? 0 : 1;
