/**
 * Running one command of the scale benchmark in a child process of its own under `/usr/bin/time`, with a timeout:
 * wall time, CPU time (user + system), peak RSS, exit status, output size, and for a failure the reason (timeout,
 * out of memory, or the command's own error line). Also the check that the compiled lib/ the CLI runs is current.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The repository root. */
export const ROOT = path.join(__dirname, '..', '..');

/** How a measured run ended. */
export enum RunStatus {
  /** It finished with an accepted exit code. */
  OK = 'ok',
  /** It finished with another exit code (the message says why). */
  FAILED = 'failed',
  /** It ran past the timeout and was killed. */
  TIMEOUT = 'timeout',
  /** It ran out of memory (V8's heap limit, or killed by the kernel). */
  OOM = 'out of memory',
}

/** One measured run. */
export interface RunResult {
  /** How it ended. */
  readonly status: RunStatus;
  /** The exit code, when it exited (not killed by a signal). */
  readonly exitCode?: number;
  /** Wall seconds (the timeout, for a run that was killed). */
  readonly wall: number;
  /** CPU seconds, user + system (0 when unknown). */
  readonly cpu: number;
  /** Peak resident set size in bytes (0 when unknown). */
  readonly maxRss: number;
  /** Bytes written to standard output. */
  readonly outputBytes: number;
  /** For a run that did not end OK: one line saying why. */
  readonly message?: string;
  /** Standard output, when asked for (`keepStdout`). */
  readonly stdout?: string;
  /** How lib/ was loaded: compiled JavaScript, or the TypeScript sources through ts-node (see bin/load-lib.js). */
  readonly libMode: LibMode;
}

/** How the CLI loads lib/. */
export type LibMode = 'compiled' | 'ts-node';

/** Options of `runMeasured`. */
export interface RunOptions {
  /** Seconds after which the run is killed. */
  readonly timeoutSeconds: number;
  /**
   * Exit codes that count as a successful run (e.g. 1 for commands that exit 1 on findings). An exit code other than 0
   * counts only when the run wrote output and no stack trace.
   */
  readonly okExitCodes: readonly number[];
  /** A directory for the run's temporary files (output, error, timing). */
  readonly tmpDir: string;
  /**
   * Return standard output as text.
   * @default false
   */
  readonly keepStdout?: boolean;
  /** Extra `node` options (before the script), e.g. `--expose-gc`. */
  readonly nodeOptions?: readonly string[];
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Whether the CLI would run the compiled lib/ now: the rule of bin/load-lib.js (lib/cli/main.js exists and no
 * lib/**\/*.ts is newer), also requiring lib/index.js.
 */
export function libMode(): LibMode {
  const compiled = ['index.js', path.join('cli', 'main.js')].map(f => fs.statSync(path.join(ROOT, 'lib', f), { throwIfNoEntry: false })?.mtimeMs);
  if (compiled.some(t => t === undefined)) return 'ts-node';
  return newestSource(path.join(ROOT, 'lib')) > Math.min(...(compiled as number[])) ? 'ts-node' : 'compiled';
}

/**
 * Builds lib/ (`npx jsii --fail-on-warnings`, as `npm run build`) when the compiled JavaScript is missing or older
 * than a source. Returns how the CLI will load lib/ afterwards; a failed build is reported and leaves it on ts-node.
 */
export function ensureBuilt(log: (line: string) => void): LibMode {
  if (libMode() === 'compiled') return 'compiled';
  log('lib/ is not compiled or older than its sources: building it (npx jsii --fail-on-warnings) ...');
  const start = Date.now();
  const build = spawnSync('npx', ['jsii', '--fail-on-warnings'], { cwd: ROOT, encoding: 'utf-8' });
  const mode = libMode();
  if (build.status === 0 && mode === 'compiled') {
    log(`  built in ${((Date.now() - start) / 1000).toFixed(0)} s`);
  } else {
    const lines = `${build.stdout ?? ''}\n${build.stderr ?? ''}`.split('\n').filter(l => /error|warning/i.test(l) && !/Errors: 0 \| Warnings: 0/.test(l));
    log(`  the build ${build.status === 0 ? 'succeeded but a source changed meanwhile' : 'failed'}; the CLI runs through ts-node (slower start-up). ${lines.slice(0, 3).join(' | ')}`);
  }
  return mode;
}

let runs = 0;

/** A line of a JavaScript stack trace (`    at f (file.js:1:2)`): the process crashed. */
const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

/** The first line of standard error that says what went wrong, shortened. */
function failureLine(stderr: string): string | undefined {
  const lines = stderr.split('\n').map(l => l.trim()).filter(l => l !== '');
  const line = lines.find(l => /error|fatal|invalid|refus|too (large|many)|cannot|exceed/i.test(l)) ?? lines[lines.length - 1];
  return line && line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

/**
 * Runs `node SCRIPT ARGS...` (the script and its arguments in `args`) under `/usr/bin/time -f '%e %U %S %M'` in a
 * process group of its own, standard output to a temporary file (its size is the output size; the file is removed),
 * and kills the group after the timeout. Never rejects for the command's own failure.
 */
export function runMeasured(args: readonly string[], options: RunOptions): Promise<RunResult> {
  const base = path.join(options.tmpDir, `run-${++runs}`);
  const files = { out: `${base}.out`, err: `${base}.err`, time: `${base}.time` };
  const mode = libMode();
  const out = fs.openSync(files.out, 'w');
  const err = fs.openSync(files.err, 'w');
  const started = Date.now();
  const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', files.time, process.execPath, ...(options.nodeOptions ?? []), ...args], {
    cwd: ROOT, detached: true, stdio: ['ignore', out, err],
  });
  fs.closeSync(out);
  fs.closeSync(err);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
  }, options.timeoutSeconds * 1000);
  return new Promise(resolve => {
    child.on('close', () => {
      clearTimeout(timer);
      const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf-8') : '');
      // GNU time writes "Command exited with non-zero status N" or "Command terminated by signal N" before the numbers.
      const timing = read(files.time).trim().split('\n');
      const numbers = (timing[timing.length - 1] ?? '').split(' ').map(Number);
      const exitMatch = /non-zero status (\d+)/.exec(timing.join('\n'));
      const signalMatch = /terminated by signal (\d+)/.exec(timing.join('\n'));
      const stderr = read(files.err);
      const outputBytes = fs.statSync(files.out).size;
      const stdout = options.keepStdout ? read(files.out) : undefined;
      for (const f of Object.values(files)) fs.rmSync(f, { force: true });
      const exitCode = signalMatch || timedOut ? undefined : exitMatch ? Number(exitMatch[1]) : 0;
      const valid = numbers.length === 4 && numbers.every(n => Number.isFinite(n));
      const wall = timedOut || !valid ? (Date.now() - started) / 1000 : numbers[0];
      let status = RunStatus.OK;
      let message: string | undefined;
      if (timedOut) {
        status = RunStatus.TIMEOUT;
        message = `killed after the ${options.timeoutSeconds} s timeout`;
      } else if (/heap out of memory|Reached heap limit|Allocation failed/i.test(stderr) || signalMatch?.[1] === '9') {
        status = RunStatus.OOM;
        message = failureLine(stderr.split('\n').filter(l => /memory|heap|allocation/i.test(l)).join('\n')) ?? `killed by signal ${signalMatch?.[1]}`;
      } else if (signalMatch) {
        status = RunStatus.FAILED;
        message = `terminated by signal ${signalMatch[1]}: ${failureLine(stderr) ?? ''}`;
      } else if (!options.okExitCodes.includes(exitCode!) || (exitCode !== 0 && (outputBytes === 0 || STACK_TRACE.test(stderr)))) {
        // Node exits 1 on an uncaught exception too: an exit code other than 0 counts only with output and no stack.
        status = RunStatus.FAILED;
        message = `exit ${exitCode}: ${failureLine(stderr) ?? '(nothing on standard error)'}`;
      }
      resolve({
        status, ...(exitCode !== undefined ? { exitCode } : {}), wall,
        cpu: valid && !timedOut ? numbers[1] + numbers[2] : 0, maxRss: valid && !timedOut ? numbers[3] * 1024 : 0,
        outputBytes, ...(message ? { message } : {}), ...(stdout !== undefined ? { stdout } : {}), libMode: mode,
      });
    });
  });
}
