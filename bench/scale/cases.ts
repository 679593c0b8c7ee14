/**
 * What the scale benchmark measures: the CLI commands (each `node bin/cdk8s-netpol.js ...` in a process of its own)
 * with the budgets issue 12 sets for them, and the library baseline (`library.js`) they are compared with.
 */
import * as path from 'path';
import { OUTPUT_FORMATS } from '../../lib/analysis/output';
import { ScaleCluster } from './generate';
import { ROOT, RunOptions, RunResult, RunStatus, runMeasured } from './measure';

/** The CLI entry point. */
export const CLI = path.join(ROOT, 'bin', 'cdk8s-netpol.js');

/** One CLI command of the benchmark. */
export interface CommandCase {
  /** The name in the tables, e.g. `analyze -o json`. */
  readonly name: string;
  /** The arguments after `cdk8s-netpol`. */
  readonly args: (cluster: ScaleCluster) => string[];
  /** Exit codes of a successful run (lint and replay exit 1 on findings). */
  readonly okExitCodes: readonly number[];
  /** The budget: at most this many times the library analysis of the same cluster; none when the issue sets none. */
  readonly maxRatio?: number;
  /**
   * How many analyses the command's work amounts to (default 1): `diff` analyses two versions of the cluster, so its
   * ratio is to twice the analysis (the second version differs in a few policies and costs about the same).
   */
  readonly analyses?: number;
}

/** The commands, in the order they run in a round. */
export const COMMAND_CASES: readonly CommandCase[] = [
  ...OUTPUT_FORMATS.map((format): CommandCase => ({
    name: `analyze -o ${format}`, args: c => ['analyze', c.manifests, '--output', format], okExitCodes: [0], maxRatio: 2,
  })),
  // The readable lists of a large cluster (issue 12): one line per pair of namespaces and set, or per pair of classes.
  ...(['namespace', 'class'] as const).map((by): CommandCase => ({
    name: `analyze --group ${by}`, args: c => ['analyze', c.manifests, '--group', by], okExitCodes: [0], maxRatio: 2,
  })),
  // What each workload is open to beyond the manifests (np-guard's list --exposure), after the connection list.
  { name: 'analyze --exposure', args: c => ['analyze', c.manifests, '--exposure'], okExitCodes: [0], maxRatio: 2 },
  { name: 'lint', args: c => ['lint', c.manifests], okExitCodes: [0, 1], maxRatio: 1.5 },
  // SARIF (for code scanning) places each finding at its document's line.
  { name: 'lint -o sarif', args: c => ['lint', c.manifests, '--output', 'sarif'], okExitCodes: [0, 1], maxRatio: 1.5 },
  {
    // --expect allow: a wrong verdict exits 1, which counts as a failure.
    name: 'explain',
    args: c => ['explain', '--from', c.explain.from, '--to', c.explain.to, '--port', `${c.explain.port}/${c.explain.protocol}`, '--expect', 'allow', c.manifests],
    okExitCodes: [0],
  },
  // The default picture (SVG, --group auto); it refuses inputs over its limits with exit 2.
  { name: 'graph', args: c => ['graph', c.manifests], okExitCodes: [0] },
  // The drill-in the refusal above points to: one namespace's workloads (the explain pair's), with their connections.
  { name: 'graph --namespace', args: c => ['graph', '--namespace', c.explain.from.split('/')[0], c.manifests], okExitCodes: [0] },
  { name: 'diff', args: c => ['diff', c.manifests, c.changedManifests], okExitCodes: [0], maxRatio: 2, analyses: 2 },
  { name: 'replay', args: c => ['replay', c.flowsFile, c.manifests], okExitCodes: [0, 1], maxRatio: 2 },
];

/** Seconds `explain` may take after loading. */
export const EXPLAIN_BUDGET_SECONDS = 1;

/** Wall and CPU seconds of one step measured inside the library child. */
export interface Timing {
  /** Wall seconds. */
  readonly wall: number;
  /** CPU seconds (user + system, all threads). */
  readonly cpu: number;
}

/** What `library.js` prints. */
export interface LibraryResult {
  /** How lib/ was loaded. */
  readonly mode: string;
  /** Workloads loaded (pods). */
  readonly pods: number;
  /** Namespaces loaded. */
  readonly namespaces: number;
  /** NetworkPolicies loaded. */
  readonly policies: number;
  /** Error diagnostics of the loader (a generated cluster must have none). */
  readonly errors: number;
  /** Warning diagnostics of the loader (none either). */
  readonly warnings: number;
  /** The first error or warning diagnostics, formatted. */
  readonly firstProblems: string[];
  /** `loadPaths` of the manifests. */
  readonly load: Timing;
  /** RSS after loading and a garbage collection, bytes: the cluster model and the code. */
  readonly modelRss: number;
  /** `Analysis.of(cluster).connections()`: the baseline. */
  readonly analysis: Timing;
  /** The number of connections. */
  readonly connections: number;
  /** `Analysis.of(cluster).explain(...)` of the explain pair, on a fresh analysis. */
  readonly explain: Timing;
  /** The explain pair's verdict. */
  readonly allowed: boolean;
}

/** One run of the library baseline: the process as measured from outside, and what it measured inside. */
export interface LibraryRun {
  /** The process. */
  readonly run: RunResult;
  /** Its result, when it finished. */
  readonly result?: LibraryResult;
}

/** Runs the library baseline on the cluster. */
export async function runLibrary(cluster: ScaleCluster, options: Omit<RunOptions, 'okExitCodes' | 'keepStdout' | 'nodeOptions'>): Promise<LibraryRun> {
  const { from, to, port, protocol } = cluster.explain;
  const run = await runMeasured([path.join(__dirname, 'library.js'), cluster.manifests, from, to, `${port}/${protocol}`], {
    ...options, okExitCodes: [0], keepStdout: true, nodeOptions: ['--expose-gc'],
  });
  if (run.status !== RunStatus.OK) return { run };
  return { run, result: JSON.parse(run.stdout!) as LibraryResult };
}

/** Runs one command of the CLI on the cluster. */
export function runCommand(command: CommandCase, cluster: ScaleCluster, options: Omit<RunOptions, 'okExitCodes'>): Promise<RunResult> {
  return runMeasured([CLI, ...command.args(cluster)], { ...options, okExitCodes: command.okExitCodes });
}
