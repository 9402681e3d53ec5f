/**
 * A failure the CLI reports and exits with: 1 for "not verified", 2 for usage errors and unreadable
 * input (the `haven verify` contract). The message is shown as is, so it must never carry claim values.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
    readonly code?: string,
  ) {
    super(message);
  }
}
