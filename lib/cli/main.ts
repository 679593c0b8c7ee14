/**
 * The `cdk8s-netpol` command-line interface: the analysis engine on hand-written or synthesized YAML.
 *
 * Adding a command: write `lib/cli/<name>.ts` exporting `register: RegisterCommand` (see `command.ts`), which calls
 * `program.command('<name>')...action(...)`, and add one line to `COMMANDS` below. The action writes only through
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
 * // lib/cli/main.ts: `import * as hello from './hello';` and `hello.register,` in COMMANDS.
 *
 * Exit codes (`ExitCode`): 0 success; 1 findings the user asked to fail on (`--fail-on warning`, `--expect`);
 * 2 bad input (bad options or arguments, missing paths, malformed YAML, invalid NetworkPolicies) and internal errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command, CommanderError } from 'commander';
import * as analyze from './analyze';
import { CliError, ExitCode, RegisterCommand } from './command';
import * as diff from './diff';
import * as explain from './explain';
import * as fromFlows from './from-flows';
import * as graph from './graph';
import { CliIo, processIo } from './io';
import * as lint from './lint';
import * as lock from './lock';
import * as probe from './probe';
import * as replay from './replay';

export * from './command';
export * from './io';

/** The commands of the program, in the order `--help` lists them. One line per command. */
export const COMMANDS: readonly RegisterCommand[] = [
  analyze.register,
  explain.register,
  diff.register,
  lock.register,
  lint.register,
  fromFlows.register,
  graph.register,
  probe.register,
  replay.register,
];

/** The package version, read at run time so this file compiles under jsii's `rootDir`. */
function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8')).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Builds a fresh program whose output goes to `io` and whose commands record their exit code with `setExit`. */
export function createProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('cdk8s-netpol')
    .description('Analyse Kubernetes NetworkPolicies offline: who may connect to whom, and why.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'print help for the command')
    .helpCommand('help [command]', 'print help for a command')
    .configureOutput({ writeOut: text => io.out(text), writeErr: text => io.err(text) })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
  // Subcommands created with program.command() inherit the output, exitOverride and help-after-error settings.
  for (const register of COMMANDS) register(program, io, setExit);
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
    await createProgram(io, c => { code = c; }).parseAsync(argv, { from: 'user' });
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
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
  process.exitCode = await run(argv, processIo);
}

if (require.main === module) {
  void main();
}
