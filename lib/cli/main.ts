/**
 * The `cdk8s-netpol` command-line interface: the analysis engine on hand-written or synthesized YAML.
 *
 * Adding a command: write `lib/cli/<name>.ts` exporting `register: RegisterCommand` (see `command.ts`), which calls
 * `program.command('<name>')...action(...)`, and add one line to `COMMANDS` below (its name and a `require` of the
 * file: a run loads only the module of the command it runs). The action writes only through
 * `io`, sets its exit code with `setExit` (or throws `CliError(message, exitCode)` for an expected failure) and
 * never calls `process.exit`. Options that take a fixed set of values use an `argParser` that throws commander's
 * `InvalidArgumentError` naming the allowed values; commander's usage errors then exit with 2. Commands that read
 * manifests use `loadManifests` (`manifests.ts`) so diagnostics look and fail the same everywhere.
 *
 * @example
 * // lib/cli/hello.ts
 * import { ExitCode, RegisterCommand } from './command';
 * import { FailOn, loadManifests } from './manifests';
 * export const register: RegisterCommand = (program, io, setExit) => {
 *   program.command('hello')
 *     .description('Count the NetworkPolicies of manifests')
 *     .argument('<path...>', 'manifest files or directories')
 *     .action((paths: string[]) => {
 *       const { cluster } = loadManifests(paths, io, { failOn: FailOn.ERROR, nothingDone: 'nothing counted' });
 *       io.out(`${cluster.policies.length}\n`);
 *       setExit(ExitCode.OK);
 *     });
 * };
 * // lib/cli/main.ts, in COMMANDS: { name: 'hello', load: () => require('./hello') },
 *
 * Exit codes (`ExitCode`): 0 success; 1 findings the user asked to fail on (`--fail-on warning`, `--expect`);
 * 2 bad input (bad options or arguments, missing paths, malformed YAML, invalid NetworkPolicies) and internal errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command, CommanderError } from 'commander';
import { CliError, ExitCode, RegisterCommand } from './command';
import { CliIo, processIo } from './io';

export * from './command';
export * from './io';

/** A command of the program: its name, and how to load the module that registers it. */
export interface CommandModule {
  /** The command's name, as typed after `cdk8s-netpol`. */
  readonly name: string;
  /** Loads the command's module (`lib/cli/<name>.ts`), whose `register` adds the command to a program. */
  readonly load: () => { readonly register: RegisterCommand };
}

/**
 * The commands of the program, in the order `--help` lists them. One line per command. Each module is loaded only
 * when needed: a run of one command loads that command's code alone (help and usage errors load them all), which
 * keeps the start of a short run to a fraction of a second.
 */
export const COMMANDS: readonly CommandModule[] = [
  { name: 'analyze', load: () => require('./analyze') },
  { name: 'explain', load: () => require('./explain') },
  { name: 'diff', load: () => require('./diff') },
  { name: 'lock', load: () => require('./lock') },
  { name: 'lint', load: () => require('./lint') },
  { name: 'from-flows', load: () => require('./from-flows') },
  { name: 'graph', load: () => require('./graph') },
  { name: 'probe', load: () => require('./probe') },
  { name: 'replay', load: () => require('./replay') },
];

/** The package version, read at run time so this file compiles under jsii's `rootDir`. */
function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8')).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Builds a fresh program whose output goes to `io` and whose commands record their exit code with `setExit`. Given
 * the arguments it will parse, and when the first one names a command, only that command is registered (and its
 * module loaded); otherwise (help, version, a usage error) every command is.
 */
export function createProgram(io: CliIo, setExit: (code: number) => void, argv?: readonly string[]): Command {
  const program = new Command('cdk8s-netpol')
    .description('Analyse Kubernetes NetworkPolicies offline: who may connect to whom, and why.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'print help for the command')
    .helpCommand('help [command]', 'print help for a command')
    .configureOutput({ writeOut: text => io.out(text), writeErr: text => io.err(text) })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
  // Subcommands created with program.command() inherit the output, exitOverride and help-after-error settings.
  const named = COMMANDS.find(c => c.name === argv?.[0]);
  for (const command of named ? [named] : COMMANDS) command.load().register(program, io, setExit);
  return program;
}

/**
 * Runs the CLI on the arguments (without `node` and the script) and resolves to the exit code. Never calls
 * `process.exit` and never rejects: an unexpected error is printed as one line on `io.err` with exit code 2 (set
 * `CDK8S_NETPOL_DEBUG=1` for the stack).
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  let code: number = ExitCode.OK;
  try {
    await createProgram(io, c => { code = c; }, argv).parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version (commander's exit code 0) exit 0; every usage error (unknown option or command, bad or
      // missing value, no command at all) is bad input.
      return err.exitCode === 0 ? ExitCode.OK : ExitCode.BAD_INPUT;
    }
    if (err instanceof CliError) {
      io.err(`error: ${err.message}\n`);
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.err(`cdk8s-netpol: internal error: ${message.split('\n')[0]} (this is a bug; please report it with the command line)\n`);
    if (process.env.CDK8S_NETPOL_DEBUG && err instanceof Error && err.stack) io.err(`${err.stack}\n`);
    return ExitCode.BAD_INPUT;
  }
}

/**
 * The process entry point (used by `bin/cdk8s-netpol.js` and by `node lib/cli/main.js`): runs the CLI on the real
 * streams and sets `process.exitCode`. A reader that closes the pipe early (`cdk8s-netpol analyze . | head`) ends the
 * output quietly instead of crashing with EPIPE.
 */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  // Standard output is written synchronously (processIo), which ends quietly itself; process.stdout is left untouched,
  // so a pipe there stays in blocking mode.
  process.stderr.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  process.exitCode = await run(argv, processIo);
}

if (require.main === module) {
  void main();
}
