/**
 * `cdk8s-netpol lock PATH...`: a connectivity lock. Writes every connection the manifests allow to a committed file
 * (`netpol.lock`), one line per connection; `lock --check PATH...` fails with the diff when the manifests allow
 * something else, so a change to who may connect to whom shows up in review as a change to the lock file.
 *
 * The format (version 1), one item per line, `#` comments and blank lines ignored:
 *
 *   # cdk8s-netpol connectivity lock v1
 *   workload production/api[Deployment]
 *   production/api[Deployment] => production/postgres[Deployment] : TCP 5432
 *
 * `workload NS/NAME[Kind]` lines list every workload (sorted), so a new workload is told from a newly reachable one;
 * the connection lines are the connlist lines of `Analysis.connections()` (sorted by source, then destination).
 * `--check` compares by meaning (`diffConnectivity`), not by text: reordered lines or comments make no difference.
 */
import { constants } from 'buffer';
import * as fs from 'fs';
import {
  Analysis, chunkedWrite, collectText, Connection, ConnectionSet, ConnectivityDiff, ConnectivitySnapshot, diffConnectivity, EachConnection, eachOf,
  Endpoint, endpointName, formatDiff, WorkloadEndpoint, Write, writeConnlistOf,
} from '../analysis';
import { readTextFileParts, TextPart } from '../model/load/files';
import { Protocol } from '../model/types';
import { CliError, ExitCode, RegisterCommand, SetExit } from './command';
import type { CliIo } from './io';
import { FailOn, IGNORE_UNMODELLED_OPTION, loadManifests } from './manifests';
import { compareStrings } from '../analysis/compare';

/** The default lock file. */
export const DEFAULT_LOCK_FILE = 'netpol.lock';

/** The first line of every lock file. */
export const LOCK_HEADER = '# cdk8s-netpol connectivity lock v1';

/** A lock file that cannot be read: names the line and what is wrong with it. */
export class LockFormatError extends Error {
  /**
   * @param file the file name, as given
   * @param line the 1-based line number (0 when the problem is not on one line)
   * @param problem what is wrong
   */
  constructor(public readonly file: string, public readonly line: number, problem: string) {
    super(line > 0 ? `${file}:${line}: ${problem}` : `${file}: ${problem}`);
    this.name = 'LockFormatError';
  }
}

/**
 * The lock text of a connection list: the header (with `madeFrom`, how the file was made), the workloads, then the
 * connections, one per line, each followed by a newline.
 */
export function formatLock(snapshot: ConnectivitySnapshot, madeFrom: string): string {
  return collectText(write => writeLock(snapshot.workloads, eachOf(snapshot.connections), madeFrom, write));
}

/**
 * Writes what `formatLock` returns, a line at a time: the connections as `each` gives them (in connection-list order,
 * e.g. `Analysis._eachConnectionOf()`), so a cluster's lock never has to be held whole. Returns the number of
 * connections written.
 */
export function writeLock(workloads: readonly WorkloadEndpoint[], each: EachConnection, madeFrom: string, write: Write): number {
  const header = [
    LOCK_HEADER,
    `# Made by ${madeFrom}: every workload, then every allowed connection (source => destination : ports), sorted.`,
    '# Do not edit by hand. Check: `cdk8s-netpol lock --check dist/` (or expect(app).toMatchConnectivityLock(\'netpol.lock\')).',
    '# After an intended change, update it with `cdk8s-netpol lock dist/` (or connectivityLock(app)) and commit it.',
    '',
    ...workloads.map(w => `workload ${endpointName(w)}`).sort(compareStrings),
    '',
  ];
  write(header.map(l => `${l}\n`).join(''));
  // The connection lines are the connlist's, written as the connlist is.
  let count = 0;
  writeConnlistOf(visit => each((src, dst, conns) => {
    count++;
    visit(src, dst, conns);
  }), write);
  return count;
}

const WORKLOAD = /^([^/\s[\]]+)\/([^/\s[\]]+)\[([A-Za-z]+)\]$/;
const EXTERNAL = /^([0-9A-Fa-f.:]+)-([0-9A-Fa-f.:]+)\[External\]$/;
const PROTOCOL_NAMES = new Set<string>([Protocol.SCTP, Protocol.TCP, Protocol.UDP]);

function parseEndpoint(text: string): Endpoint | undefined {
  const w = WORKLOAD.exec(text);
  if (w) return { type: 'workload', namespace: w[1], name: w[2], kind: w[3] };
  const e = EXTERNAL.exec(text);
  if (e) return { type: 'external', first: e[1], last: e[2] };
  return undefined;
}

/** Parses connlist ports (`All Connections`, `TCP 80,8080-8081,UDP 53`); undefined when malformed. */
export function parseConnections(text: string): ConnectionSet | undefined {
  if (text === 'All Connections') return ConnectionSet.ALL;
  let result = ConnectionSet.NONE;
  let protocol: Protocol | undefined;
  for (const token of text.split(',')) {
    let range = token;
    const words = token.split(' ');
    if (words.length === 2 && PROTOCOL_NAMES.has(words[0])) {
      protocol = words[0] as Protocol;
      range = words[1];
    }
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(range);
    if (!protocol || !m) return undefined;
    const first = Number(m[1]);
    const last = m[2] === undefined ? first : Number(m[2]);
    if (first < 1 || last > 65535 || first > last) return undefined;
    result = result.union(ConnectionSet.ports(protocol, first, last));
  }
  return result.isEmpty() ? undefined : result;
}

/** `parse`, called once per distinct text: the same text gives the same value (object). */
function parsedOnce<T>(parse: (text: string) => T | undefined): (text: string) => T | undefined {
  const known = new Map<string, T | undefined>();
  return text => {
    if (!known.has(text)) known.set(text, parse(text));
    return known.get(text);
  };
}

/** Reads lock text into a snapshot. Throws a `LockFormatError` naming the first line it cannot read. */
export function parseLock(text: string, file: string = DEFAULT_LOCK_FILE): ConnectivitySnapshot {
  return parseLockParts([{ text, firstLine: 1 }], file);
}

/**
 * How much of a lock file `readLockFile` reads at a time: a file that a string can hold is read whole (the quickest),
 * a longer one (a lock of a large cluster can be) in parts of 64 MiB.
 */
const LOCK_PART_BYTES = 64 * 1024 * 1024;

/**
 * Reads a lock file into a snapshot: whole, or part by part when it is longer than a string can hold (about 512 MiB).
 * Throws a `LockFormatError` naming the first line it cannot read, and as `fs.readFileSync` does when the file cannot
 * be read.
 * @param partBytes how much to read at a time, when the file is read in parts
 */
export function readLockFile(file: string, partBytes?: number): ConnectivitySnapshot {
  return parseLockParts(readLockParts(file, partBytes), file);
}

/**
 * The text of a lock file: whole when a string can hold it and `partBytes` is not given, else in parts, each ending at
 * a line break. The file is read (its first part) now.
 */
function readLockParts(file: string, partBytes?: number): Iterable<TextPart> {
  if (partBytes === undefined && fs.statSync(file).size < constants.MAX_STRING_LENGTH) return [{ text: fs.readFileSync(file, 'utf-8'), firstLine: 1 }];
  return readTextFileParts(file, {
    cutBefore: '', partBytes: partBytes ?? LOCK_PART_BYTES, maxPartBytes: constants.MAX_STRING_LENGTH,
    tooLong: bytes => new LockFormatError(file, 0, `a line of more than ${bytes} bytes; regenerate the file with \`cdk8s-netpol lock dist/\``),
  });
}

/** Reads the parts of a lock's text (each ending at a line break, see `TextPart`) into a snapshot. */
function parseLockParts(parts: Iterable<TextPart>, file: string): ConnectivitySnapshot {
  const workloads: WorkloadEndpoint[] = [];
  const connections: Connection[] = [];
  // One endpoint and one set per distinct text, shared by the lines that name it: a cluster's lock repeats each name
  // on many lines, and the diff keys what it works out per endpoint object.
  const endpointOf = parsedOnce(parseEndpoint);
  const setOf = parsedOnce(parseConnections);
  const example = 'expected "workload NS/NAME[Kind]" or "SRC => DST : PORTS" (e.g. "shop/web[Deployment] => shop/db[Deployment] : TCP 5432")';
  const readLine = (raw: string, number: number) => {
    const line = raw.trim();
    const fail = (problem: string) => { throw new LockFormatError(file, number, `${problem}; regenerate the file with \`cdk8s-netpol lock dist/\``); };
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('workload ')) {
      const w = parseEndpoint(line.slice('workload '.length).trim());
      if (!w || w.type !== 'workload') fail(`"${line}" does not name a workload as NS/NAME[Kind]`);
      workloads.push(w as WorkloadEndpoint);
      return;
    }
    const m = /^(\S+) => (\S+) : (.+)$/.exec(line);
    if (!m) fail(`"${line}" is not a lock line: ${example}`);
    const [, srcText, dstText, connsText] = m!;
    const src = endpointOf(srcText);
    const dst = endpointOf(dstText);
    if (!src) fail(`"${srcText}" is not an endpoint (NS/NAME[Kind] or FIRST-LAST[External])`);
    if (!dst) fail(`"${dstText}" is not an endpoint (NS/NAME[Kind] or FIRST-LAST[External])`);
    if (src!.type === 'external' && dst!.type === 'external') fail(`"${line}" connects two external ranges; one end must be a workload`);
    const conns = setOf(connsText.trim());
    if (!conns) fail(`"${connsText}" is not a list of ports (e.g. "All Connections" or "TCP 80,8080-8081,UDP 53")`);
    connections.push({ src: src!, dst: dst!, conns: conns! });
  };
  for (const part of parts) {
    // A part ends at a line break, so its last "line" is empty (or the file's last line, without one).
    part.text.split(/\r?\n/).forEach((raw, i) => readLine(raw, part.firstLine + i));
  }
  return { workloads, connections };
}

/** How a lock compares with the current connections. */
export interface LockComparison {
  /** Whether the lock allows exactly what the current connections allow, with the same workloads. */
  readonly matches: boolean;
  /** The connectivity diff from the lock (before) to the current connections (after). */
  readonly diff: ConnectivityDiff;
  /** Workloads that exist now but not in the lock, by name. */
  readonly addedWorkloads: readonly string[];
  /** Workloads in the lock that no longer exist, by name. */
  readonly removedWorkloads: readonly string[];
}

/**
 * Compares a parsed lock with the current connections (a snapshot, or an analysis, whose connections are then read
 * one at a time), by meaning. Throws a `LockFormatError` for overlapping ranges.
 */
export function compareLock(locked: ConnectivitySnapshot, current: ConnectivitySnapshot | Analysis, file: string = DEFAULT_LOCK_FILE): LockComparison {
  let diff: ConnectivityDiff;
  try {
    diff = diffConnectivity(locked, current);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new LockFormatError(file, 0, message.replace(/^the old connections/, 'the lock'));
  }
  const before = new Set(locked.workloads.map(endpointName));
  // By shape, as diffConnectivity tells them apart: an Analysis of another copy of the package is one too.
  const currentWorkloads = typeof current.workloads === 'function' ? current.workloads() : current.workloads;
  const after = new Set(currentWorkloads.map(endpointName));
  const addedWorkloads = [...after].filter(w => !before.has(w)).sort(compareStrings);
  const removedWorkloads = [...before].filter(w => !after.has(w)).sort(compareStrings);
  return { matches: diff.entries.length === 0 && addedWorkloads.length === 0 && removedWorkloads.length === 0, diff, addedWorkloads, removedWorkloads };
}

/**
 * The report of a lock that does not match: the diff in netpol-analyzer's text format (lock → now), the workloads
 * added or removed, and how to accept the change (`acceptHint`).
 */
export function lockMismatchText(comparison: LockComparison, acceptHint: string): string {
  const parts: string[] = [];
  const { changed, added, removed } = comparison.diff.counts;
  if (comparison.diff.entries.length > 0) {
    parts.push(`connectivity differs from the lock (${added} added, ${changed} changed, ${removed} removed):\n${formatDiff(comparison.diff, 'txt')}`);
  }
  if (comparison.addedWorkloads.length > 0) parts.push(`workloads not in the lock: ${comparison.addedWorkloads.join(', ')}\n`);
  if (comparison.removedWorkloads.length > 0) parts.push(`workloads in the lock that are gone: ${comparison.removedWorkloads.join(', ')}\n`);
  parts.push(`If the change is intended, ${acceptHint}.\n`);
  return parts.join('');
}

/** The options of `lock`, as commander parses them. */
export interface LockCommandOptions {
  /** The lock file. */
  readonly file: string;
  /** Compare instead of writing. */
  readonly check?: boolean;
  /** Print info diagnostics too. */
  readonly verbose?: boolean;
  /** Answer without the policy kinds the analysis does not model. */
  readonly ignoreUnmodelled?: boolean;
}

const HELP_AFTER = `
PATH is a manifest file or a directory (read recursively, like a synthesized cdk8s app's dist/).

Without --check, writes the lock file: a header, one "workload NS/NAME[Kind]" line per workload and one
"SRC => DST : PORTS" line per allowed connection (the connlist of "analyze"), sorted. Commit it: a change to who
may connect to whom then shows in review as a change to this file.

With --check, compares the manifests' connections with the lock file by meaning (comments and line order do not
matter) and prints nothing when they are equal; otherwise prints the diff (the txt format of "diff", lock → now)
and the workloads added or removed. From jest: expect(app).toMatchConnectivityLock('netpol.lock') and
connectivityLock(app) in cdk8s-netpol/lib/testing.

Exit codes:
  0  the lock file was written, or (--check) it matches the manifests
  1  (--check) the manifests allow something else than the lock file says; the diff is printed
  2  bad input: a missing path, malformed YAML, an object the API server would reject, a policy kind the analysis
     does not model without --ignore-unmodelled, or (--check) a missing or malformed lock file (the line is named)

Examples:
  $ cdk8s-netpol lock dist/
  $ cdk8s-netpol lock --check dist/
  $ cdk8s-netpol lock --file policies.lock --check policies/ workloads/`;

/** How to rerun `lock` on the same paths and file, for the hint. */
function lockCommand(paths: readonly string[], file: string): string {
  return `cdk8s-netpol lock ${paths.join(' ')}${file === DEFAULT_LOCK_FILE ? '' : ` --file ${file}`}`;
}

/** Writes the lock file in chunks; returns the number of connections written. */
function writeLockFile(file: string, workloads: readonly WorkloadEndpoint[], each: EachConnection, madeFrom: string): number {
  const fd = fs.openSync(file, 'w');
  try {
    const chunks = chunkedWrite(text => {
      const bytes = Buffer.from(text);
      for (let offset = 0; offset < bytes.length;) offset += fs.writeSync(fd, bytes, offset);
    });
    const count = writeLock(workloads, each, madeFrom, chunks.write);
    chunks.flush();
    return count;
  } finally {
    fs.closeSync(fd);
  }
}

/** Runs `lock`: loads the manifests, then writes the lock file or (`--check`) compares with it. */
export function lockAction(paths: string[], options: LockCommandOptions, io: CliIo, setExit: SetExit): void {
  const file = options.file;
  let lockParts: Iterable<TextPart> | undefined;
  if (options.check) {
    try {
      // Opened (and its first part read) now: a missing file is reported before the manifests are loaded.
      lockParts = readLockParts(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new CliError(`cannot read the lock file ${file}${code === 'ENOENT' ? ' (it does not exist)' : ` (${code ?? String(err)})`}; create it with \`${lockCommand(paths, file)}\` and commit it, or name it with --file.`);
    }
  }
  const { cluster } = loadManifests(paths, io, {
    failOn: FailOn.ERROR, verbose: options.verbose, nothingDone: options.check ? 'nothing checked' : 'no lock written', ignoreUnmodelled: options.ignoreUnmodelled,
  });
  if (cluster.workloads.length === 0) {
    io.err('warning: the manifests hold no workload, so the lock lists no connection. Pass the workloads\' manifests too, e.g. policies/ workloads/\n');
  }
  // The connections are written (or compared) one at a time, never held as a list.
  const analysis = Analysis.of(cluster);
  const workloads = analysis.workloads();
  if (!options.check) {
    const connections = writeLockFile(file, workloads, analysis._eachConnectionOf(), `\`${lockCommand(paths, file)}\``);
    io.err(`wrote ${file}: ${workloads.length} workloads, ${connections} connections\n`);
    setExit(ExitCode.OK);
    return;
  }
  let comparison: LockComparison;
  let locked: ConnectivitySnapshot;
  try {
    locked = parseLockParts(lockParts!, file);
    lockParts = undefined;
    comparison = compareLock(locked, analysis, file);
  } catch (err) {
    if (err instanceof LockFormatError) throw new CliError(`the lock file is malformed: ${err.message}.`);
    throw err;
  }
  if (comparison.matches) {
    // Matching by meaning, the lock lists the same connections (once each, as the command writes it).
    io.err(`${file} matches the manifests: ${workloads.length} workloads, ${locked.connections.length} connections\n`);
    setExit(ExitCode.OK);
    return;
  }
  io.out(lockMismatchText(comparison, `run \`${lockCommand(paths, file)}\` to accept it and commit ${file}`));
  throw new CliError(`the manifests' connectivity differs from ${file} (see above).`, ExitCode.FINDINGS);
}

/** Registers `lock`. */
export const register: RegisterCommand = (program, io, setExit) => {
  program
    .command('lock')
    .description('Write the connections the manifests allow to a lock file to commit, or (--check) fail with the diff when they differ from it')
    .argument('<path...>', 'manifest files or directories (e.g. a synthesized dist/)')
    .option('-f, --file <file>', 'the lock file', DEFAULT_LOCK_FILE)
    .option('-c, --check', 'compare with the lock file instead of writing it: exit 1 with the diff when they differ')
    .option('-v, --verbose', 'also list info diagnostics (ignored kinds, assumed namespaces)')
    .option(...IGNORE_UNMODELLED_OPTION)
    .addHelpText('after', HELP_AFTER)
    .action((paths: string[], options: LockCommandOptions) => lockAction(paths, options, io, setExit));
};
