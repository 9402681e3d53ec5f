import { runDemo } from './demo.js';

const json = process.argv.includes('--json');
const result = await runDemo();

if (json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log('Haven — foundation demo (keys, DIDs, signed statements; the credential stories come next)\n');
  console.log(
    `A civil registry publishes its signing key as ${result.issuer} (an HTTPS server on loopback).`,
  );
  console.log(`A survivor's wallet holds its own key, ${result.holder.slice(0, 32)}…\n`);
  for (const [i, step] of result.steps.entries()) {
    const verdict = step.outcome === 'accepted' ? 'ACCEPTED' : `REFUSED (${step.code})`;
    const mark = step.ok ? '✔' : '✘ unexpected';
    console.log(`${String(i + 1).padStart(2)}. ${step.title}`);
    console.log(`    → ${verdict} ${mark}`);
    console.log(`      ${step.detail}`);
  }
  console.log(
    result.ok
      ? '\nEvery verdict was the expected one.'
      : '\nSome verdicts were not the expected ones — see the steps marked ✘.',
  );
}
process.exitCode = result.ok ? 0 : 1;
