import { runLabourInspectionStory } from './story.js';

// Prints claim names, verdicts and yes/no findings only: a real verifier's log must never hold claim values.
const result = await runLabourInspectionStory();

console.log('Haven example — an employer issues a labour contract, an inspector checks it\n');
for (const [i, v] of result.verdicts.entries()) {
  const verdict = v.outcome === 'accepted' ? 'ACCEPTED' : `REFUSED (${v.code})`;
  console.log(`${i + 1}. ${v.step}\n   → ${verdict} ${v.ok ? '✔' : '✘ unexpected'}`);
}
console.log(`\nDisclosed to the inspector (${result.purpose}): ${result.disclosed.join(', ')}`);
console.log(`Stayed hidden: ${result.hidden.join(', ')}`);
console.log('Findings (from the fictional template contract):');
console.log(`  wage at or above the legal minimum: ${result.findings.wageMeetsLegalMinimum}`);
console.log(`  no recruitment fees paid by the worker: ${result.findings.noRecruitmentFeesPaid}`);
console.log(`  worker keeps own identity documents: ${result.findings.workerKeepsIdentityDocuments}`);
console.log(`Refused as over-asking: ${result.overAsked.join(', ')}`);
console.log(
  result.ok ? '\nEvery verdict was the expected one.' : '\nSome verdicts were not the expected ones.',
);
process.exitCode = result.ok ? 0 : 1;
