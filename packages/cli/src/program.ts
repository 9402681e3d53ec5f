import { isHavenError } from '@haven/core';
import { Command, CommanderError, Option } from 'commander';
import { CliError } from './cli-error.js';
import {
  claimsCommand,
  didResolveCommand,
  issueCommand,
  keysGenerateCommand,
  parseNow,
  presentCommand,
  verifyCommand,
} from './commands.js';
import { formatDemo, removeDemoData, runDemo } from './demo.js';
import { formatHttpDemo, runHttpDemo } from './demo-http.js';
import type { CliIo } from './io.js';
import { printable } from './printable.js';
import { registerServerCommands } from './serve-commands.js';
import {
  statusCreateCommand,
  statusGetCommand,
  statusPublishCommand,
  statusSetCommand,
} from './status-commands.js';
import { registerVerifierCommands } from './verifier-commands.js';
import { registerWalletCommands } from './wallet-commands.js';

const TYPES = 'identity-restoration|labour-contract|refugee-registration';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Runs `haven` with `argv` (the arguments after the program name) and returns the exit code. Never
 * throws and never exits the process: `bin` does that, tests call this directly.
 *
 * @example
 * ```ts
 * const code = await runCli(['verify', 'vp.txt', '--trust', issuerDid, '--json'], io);
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const debug = argv.includes('--debug');
  const program = new Command('haven')
    .description('Haven: issue, hold, present and verify credentials that show only what is needed.')
    .option('--debug', 'show stack traces of unexpected errors')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  haven demo
  haven keys generate --out issuer.key.json
  haven claims template --type labour-contract > claims.json
  haven keys generate --alg EdDSA --out holder.key.json > holder.pub.json
  haven issue --type labour-contract --claims claims.json --issuer-key issuer.key.json --holder-key holder.pub.json > cred.txt
  haven present cred.txt --purpose inspector.contract-validity > vp.txt
  haven verify vp.txt --trust did:jwk:eyJ... --json`,
    );

  program
    .command('demo')
    .description(
      'play the three stories end to end over HTTP: a local issuer and verifier server, a wallet (identity, labour contract, refugee registration)',
    )
    .option('--json', 'print the result as JSON')
    .option('--data-dir <dir>', 'keep the server data and the wallet (or, with --offline, the files) here')
    .option('--offline', 'the in-memory demo instead: no server, no HTTP')
    .action(async (options: { json?: boolean; dataDir?: string; offline?: boolean }) => {
      const dataDir = options.dataDir === undefined ? {} : { dataDir: options.dataDir };
      if (options.offline) {
        const result = await runDemo(dataDir);
        io.stdout(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatDemo(result));
        if (result.temporary) removeDemoData(result.dataDir);
        exitCode = result.ok ? 0 : 1;
        return;
      }
      const result = await runHttpDemo({
        ...dataDir,
        ...(options.json ? {} : { progress: (line: string) => io.stderr(`${line}\n`) }),
      });
      io.stdout(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatHttpDemo(result));
      if (result.temporary) removeDemoData(result.dataDir);
      exitCode = result.ok ? 0 : 1;
    });

  const claims = program
    .command('claims')
    .description('credential type claims: a template to fill in, or the JSON Schema');
  for (const kind of ['template', 'schema'] as const) {
    claims
      .command(kind)
      .description(
        kind === 'template' ? 'print a valid example claims file' : 'print the JSON Schema of the claims',
      )
      .requiredOption('--type <type>', TYPES)
      .addHelpText('after', `\nExample:\n  haven claims ${kind} --type refugee-registration`)
      .action((options: { type: string }) => claimsCommand(kind, options, io));
  }

  program
    .command('keys')
    .description('signing keys')
    .command('generate')
    .description(
      'generate a key pair: the private JWK goes to --out (mode 0600), the public JWK and did:jwk to stdout',
    )
    .addOption(new Option('--alg <alg>', 'algorithm').choices(['ES256', 'EdDSA', 'ES384']).default('ES256'))
    .option('--out <file>', 'write the private JWK here (never overwrites)')
    .addHelpText('after', '\nExample:\n  haven keys generate --alg EdDSA --out holder.key.json')
    .action((options: { alg: string; out?: string }) => keysGenerateCommand(options, io));

  program
    .command('did')
    .description('decentralized identifiers')
    .command('resolve')
    .argument('<did>', 'a did:key, did:jwk or did:web')
    .description('resolve a DID to its DID document')
    .option('--json', 'print {"did", "didDocument"} on one line')
    .option('--allow-http-loopback', 'let did:web reach loopback addresses (local testing only)')
    .option('--ca <file>', 'extra trusted certificate (PEM) for did:web, e.g. a local test server')
    .addHelpText('after', '\nExample:\n  haven did resolve did:web:registry.example')
    .action((did: string, options: { json?: boolean; allowHttpLoopback?: boolean; ca?: string }) =>
      didResolveCommand(did, options, io),
    );

  const status = program
    .command('status')
    .description('revocation and suspension: Token Status Lists kept in a data directory');
  status
    .command('create')
    .description('create a status list (2-bit, 131,072 entries); the first time, give --uri-base')
    .requiredOption('--data <dir>', 'the data directory holding the lists')
    .option('--uri-base <url>', 'https URL under which lists are published (first time only)')
    .addHelpText(
      'after',
      '\nExample:\n  haven status create --data .haven --uri-base https://employer.example/status',
    )
    .action((options: { data: string; uriBase?: string }) => statusCreateCommand(options, io));
  status
    .command('set')
    .description("change a credential's status; publish again for verifiers to see it")
    .requiredOption('--data <dir>', 'the data directory holding the lists')
    .requiredOption('--credential <file>', 'the credential (as issued)')
    .requiredOption('--issuer-key <file>', 'the issuer private JWK: the credential must be signed by it')
    .addOption(
      new Option('--status <status>', 'the new status')
        .choices(['valid', 'revoked', 'suspended'])
        .makeOptionMandatory(),
    )
    .addHelpText(
      'after',
      '\nExample:\n  haven status set --data .haven --credential cred.txt --issuer-key issuer.key.json --status revoked',
    )
    .action((options: { data: string; credential: string; issuerKey: string; status: string }) =>
      statusSetCommand(options, io),
    );
  status
    .command('get')
    .description("print a credential's status as the issuer holds it")
    .requiredOption('--data <dir>', 'the data directory holding the lists')
    .requiredOption('--credential <file>', 'the credential (as issued)')
    .requiredOption('--issuer-key <file>', 'the issuer private JWK: the credential must be signed by it')
    .action((options: { data: string; credential: string; issuerKey: string }) =>
      statusGetCommand(options, io),
    );
  status
    .command('publish')
    .description('sign every list as a Status List Token and write the files to serve at their URIs')
    .requiredOption('--data <dir>', 'the data directory holding the lists')
    .requiredOption('--issuer-key <file>', "the credentials' issuer private JWK")
    .requiredOption('--out <dir>', 'where to write <listId>.jwt and index.json')
    .option('--ttl <duration>', 'how long verifiers may cache a list (default 1h)')
    .option('--valid-for <duration>', 'list token expiry (default 1d)')
    .option('--now <unixSeconds>', 'publish as of this time')
    .addHelpText(
      'after',
      '\nExample:\n  haven status publish --data .haven --issuer-key issuer.key.json --out public/status',
    )
    .action(
      (options: {
        data: string;
        issuerKey: string;
        out: string;
        ttl?: string;
        validFor?: string;
        now?: string;
      }) => statusPublishCommand(options, io, parseNow(options.now)),
    );

  program
    .command('issue')
    .description('issue a credential from a claims file; the credential goes to stdout')
    .requiredOption('--type <type>', TYPES)
    .requiredOption('--claims <file>', 'claims JSON (see: haven claims template)')
    .requiredOption('--issuer-key <file>', "the issuer's private JWK")
    .option('--holder-key <file>', "the holder's public JWK, for key binding")
    .option(
      '--format <format>',
      'dc+sd-jwt, vc+jwt, vc-di-eddsa (Ed25519 key) or vc-di-ecdsa-sd (P-256 key)',
      'dc+sd-jwt',
    )
    .option('--valid-for <duration>', 'validity, e.g. 365d, 12h')
    .option('--issuer <iss>', 'the iss value (default: the did:jwk of the issuer key)')
    .option('--now <unixSeconds>', 'issue as of this time')
    .option(
      '--status-data <dir>',
      'give the credential a random entry in a status list of this data directory (dc+sd-jwt)',
    )
    .addHelpText(
      'after',
      '\nExample:\n  haven issue --type identity-restoration --claims claims.json --issuer-key registry.key.json --valid-for 5y',
    )
    .action((options) => issueCommand(options, io));

  program
    .command('present')
    .argument('<credential>', 'credential file, or - for stdin')
    .description('make a presentation that discloses only the given claims; it goes to stdout')
    .option('--disclose <paths>', 'claims to disclose: given_name,place_of_birth.country,nationalities.*')
    .option(
      '--purpose <name>',
      'disclose exactly what this verifier purpose allows (e.g. clinic.identity-minimal)',
    )
    .option('--holder-key <file>', "the holder's private JWK, for key binding")
    .option('--nonce <nonce>', "the verifier's nonce")
    .option('--aud <aud>', 'the verifier (client_id)')
    .option('--now <unixSeconds>', 'sign the key binding as of this time')
    .addHelpText(
      'after',
      '\nExample:\n  haven present cred.txt --purpose age-check --holder-key holder.key.json --nonce n-1 --aud https://verifier.example',
    )
    .action((file: string, options) => presentCommand(file, options, io));

  program
    .command('verify')
    .argument('<file>', 'presentation or credential file, or - for stdin')
    .description('verify; exit 0 verified, 1 not verified, 2 usage or unreadable input')
    .option(
      '--trust <did|jwkfile>',
      'an issuer you trust (repeatable): a DID, or a file with its public JWK',
      collect,
    )
    .option('--nonce <nonce>', 'expected key-binding nonce')
    .option('--aud <aud>', 'expected key-binding audience')
    .option('--require-holder-binding', 'require a key-binding JWT')
    .option('--purpose <name>', 'refuse a presentation that discloses more than this purpose allows')
    .option('--now <unixSeconds>', 'verify as of this time')
    .option(
      '--status-dir <dir>',
      'published status lists (haven status publish --out) to check credentials against',
    )
    .option('--allow-http-loopback', 'let did:web fetches reach loopback addresses (local testing only)')
    .option('--ca <file>', 'extra trusted certificate (PEM) for did:web, e.g. a local test server')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  haven verify vp.txt --trust did:jwk:eyJ... --nonce n-1 --aud https://verifier.example --json',
    )
    .action(async (file: string, options) => {
      exitCode = await verifyCommand(file, options, io);
    });

  registerServerCommands(program, io, (code) => {
    exitCode = code;
  });
  registerWalletCommands(program, io, (code) => {
    exitCode = code;
  });
  registerVerifierCommands(program, io, (code) => {
    exitCode = code;
  });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io, debug);
  }
}

/**
 * Prints a failure on stderr and returns the exit code. Every message and detail goes through
 * `printable`: a detail may name what a remote party chose.
 *
 * @example
 * ```ts
 * process.exitCode = reportError(error, io, false);
 * ```
 */
export function reportError(error: unknown, io: CliIo, debug: boolean): number {
  if (error instanceof CommanderError) {
    // Help and version exit 0; commander already printed usage errors.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof CliError) {
    io.stderr(`error: ${printable(error.message, 4096)}\n`);
    return error.exitCode;
  }
  if (isHavenError(error)) {
    // Haven messages never carry claim values; details such as field paths help the user fix the input.
    // `issues` pairs each path with the rule it broke (e.g. `["birthdate"] invalid_format`); else paths.
    const issues = error.details?.issues ?? error.details?.paths;
    // Details may name what a remote party chose (e.g. a verifier's registration keys): made printable.
    const shown = Array.isArray(issues)
      ? issues.slice(0, 20).map((issue) => printable(String(issue), 256))
      : [];
    io.stderr(
      `error ${error.code}: ${printable(error.message, 4096)}${shown.length > 0 ? ` (${shown.join(', ')})` : ''}\n`,
    );
    return 2;
  }
  io.stderr('error: an unexpected error happened (run with --debug for details)\n');
  if (debug && error instanceof Error) io.stderr(`${error.stack ?? error.message}\n`);
  return 2;
}
