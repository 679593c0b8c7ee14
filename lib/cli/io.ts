/**
 * Where the command-line interface writes. Commands never touch `process.stdout`/`process.stderr` directly, so tests
 * run them in-process with a capturing `CliIo` and assert on exactly what a user would see.
 */

/** The two output streams of the CLI. Text is written as is: callers include the trailing newline. */
export interface CliIo {
  /** Writes results (the connection list, an explanation) to standard output. */
  out(text: string): void;
  /** Writes diagnostics, errors and usage help after an error to standard error. */
  err(text: string): void;
}

/** The real streams of the running process. */
export const processIo: CliIo = {
  out: text => { process.stdout.write(text); },
  err: text => { process.stderr.write(text); },
};
