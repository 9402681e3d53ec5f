export { CliError } from './cli-error.js';
export { type DemoResult, type DemoStep, formatDemo, runDemo } from './demo.js';
export type { CliIo } from './io.js';
export { runCli } from './program.js';
