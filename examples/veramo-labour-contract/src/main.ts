import { runVeramoLabourContractStory } from './story.js';

// Prints steps, verdicts and claim names only: a real verifier's log must never hold claim values.
const result = await runVeramoLabourContractStory();

console.log("Haven example — an employer's Veramo agent issues a labour contract through @haven/veramo\n");
console.log(`The employer signs with the ${result.employerKeyType} key its Veramo DID manager made.\n`);
for (const [i, v] of result.verdicts.entries()) {
  const verdict = v.outcome === 'accepted' ? 'ACCEPTED' : `REFUSED (${v.code})`;
  console.log(`${i + 1}. ${v.step}\n   → ${verdict} ${v.ok ? '✔' : '✘ unexpected'}`);
}
console.log(`\nDisclosed to the inspector (${result.purpose}): ${result.disclosed.join(', ')}`);
console.log(`Stayed in the wallet: ${result.hidden.join(', ')}`);
console.log(`The employer's earlier Veramo credential was read as: ${result.legacyFormat ?? 'nothing'}`);
console.log(
  result.ok ? '\nEvery verdict was the expected one.' : '\nSome verdicts were not the expected ones.',
);
process.exitCode = result.ok ? 0 : 1;
