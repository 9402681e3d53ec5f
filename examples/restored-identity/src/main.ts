import { runRestoredIdentityStory } from './story.js';

// Prints claim names and verdicts only: a real verifier's log must never hold the claim values.
const result = await runRestoredIdentityStory();

console.log('Haven example — a restored identity, shown to a clinic\n');
console.log(
  `A civil registry (${result.issuer.slice(0, 24)}…) issues an identity credential to a survivor's wallet.`,
);
console.log(`The clinic asks under the purpose ${result.purpose} for: ${result.requested.join(', ')}\n`);
for (const [i, v] of result.verdicts.entries()) {
  const verdict = v.outcome === 'accepted' ? 'ACCEPTED' : `REFUSED (${v.code})`;
  console.log(`${i + 1}. ${v.step}\n   → ${verdict} ${v.ok ? '✔' : '✘ unexpected'}`);
}
console.log(`\nDisclosed to the clinic: ${result.disclosed.join(', ')}`);
console.log(`Stayed hidden:           ${result.hidden.join(', ')}`);
console.log(
  result.ok ? '\nEvery verdict was the expected one.' : '\nSome verdicts were not the expected ones.',
);
process.exitCode = result.ok ? 0 : 1;
