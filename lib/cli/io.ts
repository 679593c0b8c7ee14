/**
 * Where the command-line interface writes. Commands never touch `process.stdout`/`process.stderr` directly, so tests
 * run them in-process with a capturing `CliIo` and assert on exactly what a user would see.
 */

/** The two output streams of the CLI. Text is written as is: callers include the trailing newline. */
export interface CliIo {
  /** Writes results (the connection list, an explanation) to standard output. */
  out(text: string): void;
  /**
   * Writes UTF-8 bytes to standard output, after what `out` wrote; the bytes are the callee's from then on. Long
   * outputs (the connection list) are written through it when it is there.
   */
  outBytes?(bytes: Uint8Array): void;
  /** Writes diagnostics, errors and usage help after an error to standard error. */
  err(text: string): void;
}

/** The real streams of the running process. */
export const processIo: CliIo = {
  out: text => { process.stdout.write(text); },
  outBytes: bytes => { process.stdout.write(bytes); },
  err: text => { process.stderr.write(text); },
};
