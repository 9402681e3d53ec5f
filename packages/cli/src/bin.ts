import { readProcessStdin } from './io.js';
import { runCli } from './program.js';

// The process entry: stdout/stderr and the exit code. Everything else is in runCli, which never exits.
const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: readProcessStdin,
});
process.exitCode = code;
