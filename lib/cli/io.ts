/**
 * Where the command-line interface writes. Commands never touch `process.stdout`/`process.stderr` directly, so tests
 * run them in-process with a capturing `CliIo` and assert on exactly what a user would see.
 */
import * as fs from 'fs';

/** The two output streams of the CLI. Text is written as is: callers include the trailing newline. */
export interface CliIo {
  /** Writes results (the connection list, an explanation) to standard output. */
  out(text: string): void;
  /**
   * Writes UTF-8 bytes to standard output, after what `out` wrote, before it returns: the caller reuses their memory
   * afterwards (copy them to keep them). Long outputs (the connection list) are written through it when it is there.
   */
  outBytes?(bytes: Uint8Array): void;
  /** Writes diagnostics, errors and usage help after an error to standard error. */
  err(text: string): void;
}

/** Writes bytes to a file descriptor as `fs.writeSync` does: returns how many it wrote, or throws (EAGAIN, EPIPE, ...). */
export type WriteSync = (fd: number, bytes: Uint8Array, offset: number, length: number) => number;

/** Four shared bytes to sleep on with `Atomics.wait`: a pause that does not spin. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/**
 * A file descriptor written synchronously: `write` returns once every byte is written, so a slow reader of a pipe
 * (`| gzip`, `| jq`) holds the writer back, where a stream would queue the bytes in memory (gigabytes for a large
 * connection list). A full non-blocking pipe (EAGAIN) is retried after a pause of a millisecond; once the reader has
 * gone (EPIPE, as with `| head`), the rest of the output is dropped without an error, as the command goes on to its
 * usual end and exit code.
 */
export class SyncOutput {
  private closed = false;

  /**
   * @param fd the descriptor (1 for standard output)
   * @param writeSync the system call, replaceable for tests
   */
  constructor(private readonly fd: number, private readonly writeSync: WriteSync = fs.writeSync) {}

  /** Writes all of `bytes`, waiting while the pipe is full; nothing once the reader has closed it. */
  public write(bytes: Uint8Array): void {
    for (let offset = 0; offset < bytes.length && !this.closed;) {
      try {
        offset += this.writeSync(this.fd, bytes, offset, bytes.length - offset);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') Atomics.wait(PAUSE, 0, 0, 1);
        else if (code === 'EPIPE') this.closed = true;
        else throw err;
      }
    }
  }
}

const stdout = new SyncOutput(1);

/**
 * The real streams of the running process. Standard output is written synchronously (`SyncOutput`), so memory never
 * grows with the output, however slowly it is read; standard error, which carries little, is Node's stream.
 */
export const processIo: CliIo = {
  out: text => stdout.write(Buffer.from(text, 'utf8')),
  outBytes: bytes => stdout.write(bytes),
  err: text => { process.stderr.write(text); },
};
