/**
 * The contract between the program (`main.ts`) and its commands. Each command lives in its own file
 * `lib/cli/<command>.ts` and exports a `register` function of type `RegisterCommand`; `main.ts` lists them.
 */
import type { Command } from 'commander';
import type { CliIo } from './io';

/** The exit codes of every command. */
export const ExitCode = {
  /** The command did what was asked. */
  OK: 0,
  /** Findings the user asked to fail on: warnings with `--fail-on warning`, a verdict that differs from `--expect`. */
  FINDINGS: 1,
  /** Bad input: a bad option or argument, a missing path, malformed YAML, an invalid NetworkPolicy, an internal error. */
  BAD_INPUT: 2,
} as const;

/** Records the exit code of the command that runs; the last call wins, and `ExitCode.OK` is the default. */
export type SetExit = (code: number) => void;

/**
 * Adds one command to the program: `program.command('name')...action(...)`. The action writes only through `io`,
 * reports its result with `setExit`, and throws `CliError` for an expected failure (bad input, a failed check);
 * anything else it throws is reported as an internal error with exit 2. It never calls `process.exit`.
 */
export type RegisterCommand = (program: Command, io: CliIo, setExit: SetExit) => void;

/**
 * An expected failure of a command: `run` prints `error: <message>` on one line of standard error and exits with
 * `exitCode`. The message names the option or input, the bad value, what is allowed and the fix.
 */
export class CliError extends Error {
  /**
   * @param message one line for the user
   * @param exitCode the process exit code (default `ExitCode.BAD_INPUT`)
   */
  constructor(message: string, public readonly exitCode: number = ExitCode.BAD_INPUT) {
    super(message);
    this.name = 'CliError';
  }
}
