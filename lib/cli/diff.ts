/**
 * `cdk8s-netpol diff OLD NEW`: what a change to the manifests does to who may connect to whom. Per pair of peers,
 * the connections added, removed and changed, by default in the text format of np-guard netpol-analyzer
 * (`k8snetpolicy diff`), line for line; `--output md` is written to be posted as a pull-request comment.
 */
import { InvalidArgumentError, Option } from 'commander';
import {
  changedGaining, chunkedWrite, ConnectivityDiff, DIFF_ENTRIES_KEPT, DIFF_OUTPUT_FORMATS, DIFF_TYPES, DiffEntries, diffSize, DiffStream, formatDiff, formatGroupedDiff,
  groupDiffByNamespace, GROUPED_DIFF_FORMATS, GroupedDiffFormat, streamConnectivityDiff, writeDiff,
} from '../analysis';
import { dotToSvg } from '../graph/graphviz';
import { ClusterModel } from '../model/types';
import { CliError, ExitCode, RegisterCommand, SetExit } from './command';
import type { CliIo } from './io';
import { FailOn, IGNORE_UNMODELLED_OPTION, loadManifests } from './manifests';
import { withSynthesizedSides } from './synth-ref';

/** The formats of `diff --output`: those of `formatDiff`, and `svg` (the `dot` picture laid out by Graphviz). */
export const DIFF_CLI_FORMATS = [...DIFF_OUTPUT_FORMATS, 'svg'] as const;

/** What `--fail-on` can name: a diff type, `gained` (added, or changed to allow something new) or `any`. */
export const DIFF_FAIL_ON = ['added', 'removed', 'changed', 'gained', 'any'] as const;

/** The values of `--group`: `namespace` writes one line per pair of namespaces and difference. */
export const DIFF_GROUPS = ['none', 'namespace'] as const;

/** One `--fail-on` value. */
export type DiffFailOn = typeof DIFF_FAIL_ON[number];

/** The options of `diff`, as commander parses them. */
export interface DiffCommandOptions {
  /** The old manifests (`--old PATH...`), instead of the first argument. */
  readonly old?: string[];
  /** The new manifests (`--new PATH...`), instead of the second argument. */
  readonly new?: string[];
  /** The output format, one of `DIFF_CLI_FORMATS`. */
  readonly output: string;
  /** `none`, or `namespace` for one line per pair of namespaces and difference (`DIFF_GROUPS`). */
  readonly group?: string;
  /** The kinds of difference that make the command exit 1; none by default. */
  readonly failOn?: DiffFailOn[];
  /** Print info diagnostics too. */
  readonly verbose?: boolean;
  /** Answer without the policy kinds the analysis does not model. */
  readonly ignoreUnmodelled?: boolean;
  /** A git ref: synthesize the cdk8s app at it (old) and in the working tree (new), instead of OLD and NEW. */
  readonly base?: string;
  /** The directory of the cdk8s app for `--base` (holding `cdk8s.yaml`); the current directory by default. */
  readonly appDir?: string;
}

/** Parses `--output`; a commander `argParser`. */
export function parseDiffFormat(value: string): string {
  if (!(DIFF_CLI_FORMATS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`Use one of ${DIFF_CLI_FORMATS.join(', ')}, e.g. --output md.`);
  }
  return value;
}

/** Parses `--group`; a commander `argParser`. */
export function parseDiffGroup(value: string): string {
  if (!(DIFF_GROUPS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`Use one of ${DIFF_GROUPS.join(', ')}, e.g. --group namespace.`);
  }
  return value;
}

/** Parses `--fail-on` (comma-separated, repeatable) into the accumulated list; a commander `argParser`. */
export function parseDiffFailOn(value: string, previous: DiffFailOn[] | undefined): DiffFailOn[] {
  const names = value.split(',').map(v => v.trim());
  const bad = names.filter(n => !(DIFF_FAIL_ON as readonly string[]).includes(n));
  if (bad.length > 0 || names.length === 0) {
    throw new InvalidArgumentError(`Use ${DIFF_FAIL_ON.join(', ')}, or several separated by commas, e.g. --fail-on added,changed.`);
  }
  return [...new Set([...(previous ?? []), ...(names as DiffFailOn[])])];
}

/** The number of entries of the kinds `--fail-on` names (from the diff's counts: no entry is read). */
export function failingEntries(diff: DiffEntries, failOn: readonly DiffFailOn[]): number {
  const named = new Set(DIFF_TYPES.filter(type => failOn.includes('any') || failOn.includes(type)));
  // `gained`: every added entry, and the changed ones that allow something new.
  if (failOn.includes('gained')) named.add('added');
  let n = 0;
  for (const type of named) n += diff.counts[type];
  if (failOn.includes('gained') && !named.has('changed')) n += changedGaining(diff);
  return n;
}

const KEPT = DIFF_ENTRIES_KEPT.toLocaleString('en-US');

const HELP_AFTER = `
OLD and NEW are each a manifest file or a directory (read recursively, like a synthesized cdk8s app's dist/).
For several paths per side, use --old PATH... --new PATH... instead of the two arguments.

Each line is one pair of peers whose connections differ:
  changed  both sides allow something, not the same thing
  added    no connection before (workloads-diff-info names a workload that is new)
  removed  no connection after (workloads-diff-info names a workload that is gone)
Pairs with equal connections are not listed; an empty diff prints nothing in the txt, csv and md-np-guard formats.

Formats (--output):
  txt          np-guard netpol-analyzer's diff text, line for line (the default)
  md           for a pull-request comment: a summary line, then newly allowed, changed and removed connections
               (cut at a row to fit GitHub's 65,536-character comment limit, with a note of what is left out)
  md-np-guard  np-guard netpol-analyzer's one-table Markdown, line for line
  csv          np-guard netpol-analyzer's CSV
  json         counts and entries, with the old, new, gained and lost ports of each
  dot, mermaid, svg
               a picture: added edges thick green, changed amber (old → new), removed dashed red, with a legend
               (drawn whole, so refused for a diff of more than ${KEPT} entries)

A diff of any size is written with memory bounded by the two analyses: beyond ${KEPT} entries, they are read again
from the analyses as they are written.

Large changes (--group namespace):
  one line per pair of namespaces (an external range is a group of its own), kind of difference and connections
  before and after, with how many pairs of peers it holds for ("pairs: 120"); written as txt, md or json. The
  summary counts and --fail-on still count pairs of peers.

Exit codes:
  0  the diff was printed (whether or not there are differences, unless --fail-on says otherwise)
  1  --fail-on was given and the diff has an entry of a kind it names (the diff is still printed):
     added, removed, changed, gained (an added entry, or a changed one that allows something new) or any
  2  bad input: a missing path, malformed YAML or JSON, an object the API server would reject, a policy kind the
     analysis does not model without --ignore-unmodelled, or a bad option; nothing is printed to standard output

Diagnostics go to standard error, each line prefixed with "old: " or "new: ".

With --base REF (in a cdk8s app's git repository), no OLD or NEW: the app is synthesized twice, as cdk8s synth
does (the app command of cdk8s.yaml, with CDK8S_OUTDIR set to a temporary directory): at REF, in a temporary git
worktree that reuses the working tree's node_modules (nothing is installed), and as it is in the working tree,
uncommitted changes included. --app-dir DIR names the directory holding cdk8s.yaml (default: the current one).
The worktree and the temporary directories are removed afterwards. Not a git repository, an unknown REF, no
cdk8s.yaml or no app command in it, or an app that fails to synthesize (its last lines of standard error are shown)
exit 2.

Examples:
  $ cdk8s-netpol diff main/dist/ dist/
  $ cdk8s-netpol diff --old base/policies base/workloads --new policies workloads --output md >> "$GITHUB_STEP_SUMMARY"
  $ cdk8s-netpol diff old.yaml new.yaml --fail-on gained
  $ cdk8s-netpol diff --base origin/main --output md > diff.md
  $ cdk8s-netpol diff --base HEAD~1 --app-dir infra/ --fail-on gained`;

/** An io whose standard error lines start with a prefix (standard output unchanged). */
function prefixedIo(io: CliIo, prefix: string): CliIo {
  return {
    out: text => io.out(text),
    err: text => io.err(text.replace(/^(?=.)/gm, prefix)),
  };
}

/** Which paths each side reads: the two arguments, or `--old`/`--new`. Throws a `CliError` naming what is wrong. */
export function diffSides(args: readonly (string | undefined)[], options: DiffCommandOptions): { old: string[]; new: string[] } {
  const positional = args.filter((a): a is string => a !== undefined);
  const example = 'e.g. cdk8s-netpol diff main/dist/ dist/, or cdk8s-netpol diff --old a.yaml b.yaml --new c.yaml d.yaml';
  if (options.old !== undefined || options.new !== undefined) {
    if (positional.length > 0) {
      throw new CliError(`give the manifests either as two arguments OLD NEW or with --old and --new, not both (got ${positional.map(p => `"${p}"`).join(', ')} besides --old/--new); ${example}`);
    }
    if (options.old === undefined || options.new === undefined) {
      throw new CliError(`${options.old === undefined ? '--old' : '--new'} is missing: --old PATH... and --new PATH... go together; ${example}`);
    }
    return { old: options.old, new: options.new };
  }
  if (positional.length < 2) {
    throw new CliError(`diff compares two sets of manifests and got ${positional.length === 0 ? 'none' : `only "${positional[0]}"`}: give OLD and NEW (a file or directory each), or --old PATH... --new PATH...; ${example}`);
  }
  return { old: [positional[0]], new: [positional[1]] };
}

/** Loads one side; returns the cluster, or the error message (prefixed with the side) when it cannot be analysed. */
function loadSide(side: 'old' | 'new', paths: string[], io: CliIo, options: DiffCommandOptions, label?: string): ClusterModel | string {
  try {
    return loadManifests(paths, prefixedIo(io, `${side}: `), {
      failOn: FailOn.ERROR, verbose: options.verbose, nothingDone: 'no diff computed', ignoreUnmodelled: options.ignoreUnmodelled,
    }).cluster;
  } catch (err) {
    if (err instanceof CliError) return `${side} manifests (${label ?? paths.join(' ')}): ${err.message}`;
    throw err;
  }
}

/** Runs `diff`: loads both sides (reporting the errors of both), compares, prints, and judges `--fail-on`. */
export async function diffAction(args: readonly (string | undefined)[], options: DiffCommandOptions, io: CliIo, setExit: SetExit): Promise<void> {
  if (options.group === 'namespace' && !(GROUPED_DIFF_FORMATS as readonly string[]).includes(options.output)) {
    throw new CliError(`--group namespace is written as txt, md or json, not ${options.output}; use e.g. --group namespace --output md, or leave --group out.`);
  }
  if (options.base === undefined) {
    if (options.appDir !== undefined) {
      throw new CliError(`--app-dir ${options.appDir} goes with --base REF (the app to synthesize at REF and in the working tree); e.g. cdk8s-netpol diff --base origin/main --app-dir ${options.appDir}`);
    }
    return diffPaths(diffSides(args, options), options, io, setExit);
  }
  const positional = args.filter((a): a is string => a !== undefined);
  if (positional.length > 0 || options.old !== undefined || options.new !== undefined) {
    const given = [...positional.map(p => `"${p}"`), ...(options.old ? ['--old'] : []), ...(options.new ? ['--new'] : [])];
    throw new CliError(`--base ${options.base} synthesizes both sides itself, so it takes no OLD, NEW, --old or --new (got ${given.join(', ')}); e.g. cdk8s-netpol diff --base ${options.base}, or cdk8s-netpol diff OLD NEW`);
  }
  const base = options.base;
  await withSynthesizedSides(options.appDir ?? '.', base, sides => diffPaths(
    { old: [sides.oldDir], new: [sides.newDir] }, options, io, setExit,
    { old: `the app at ${base}`, new: 'the app in the working tree' }));
}

/** Diffs the manifests of two sides; `labels` names the sides in errors instead of their paths. */
async function diffPaths(sides: { old: string[]; new: string[] }, options: DiffCommandOptions, io: CliIo, setExit: SetExit,
  labels?: { old: string; new: string }): Promise<void> {
  const before = loadSide('old', sides.old, io, options, labels?.old);
  const after = loadSide('new', sides.new, io, options, labels?.new);
  const failures = [before, after].filter((x): x is string => typeof x === 'string');
  if (failures.length > 0) throw new CliError(`${failures.map(m => m.replace(/\.$/, '')).join('; ')}.`);
  const oldCluster = before as ClusterModel;
  const newCluster = after as ClusterModel;
  const empty = (c: ClusterModel) => c.workloads.length === 0;
  if (empty(oldCluster) || empty(newCluster)) {
    const kinds = 'a workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or ReplicationController)';
    const what = empty(oldCluster) && empty(newCluster)
      ? `neither the old nor the new manifests hold ${kinds}, so there is no connection to compare`
      : `the ${empty(oldCluster) ? 'old' : 'new'} manifests hold no ${kinds.slice(2)}, so every connection of the ${empty(oldCluster) ? 'new ones shows as added' : 'old ones shows as removed'}`;
    io.err(`warning: ${what}. Pass the workloads' manifests on both sides, e.g. --old policies/ workloads/ --new policies/ workloads/\n`);
  }
  // Sides the analysis reads alike (a change that left the manifests as they were) have no difference, and are not
  // analysed. Otherwise both are compared source by source (only the entries are kept), and policies that did not
  // change are compiled once.
  // Only the counts and, unless there are very many, the entries are kept: a larger diff is read again from the two
  // analyses as it is written.
  const diff: DiffEntries = sameToAnalysis(oldCluster, newCluster) ? NO_DIFFERENCE : streamConnectivityDiff(oldCluster, withSamePolicies(oldCluster, newCluster));
  if (options.group === 'namespace') {
    io.out(formatGroupedDiff(diff, groupDiffByNamespace(diff), options.output as GroupedDiffFormat));
  } else if (PICTURES.has(options.output) && (diff as Partial<DiffStream>).kept === false) {
    throw new CliError(`the diff has ${diffSize(diff).toLocaleString('en-US')} entries, too many to draw (a picture holds every entry; at most ${KEPT}): use --group namespace --output md for one row per pair of namespaces, or --output txt or json for every entry.`);
  } else if (options.output === 'svg') {
    const svg = await dotToSvg(formatDiff(diff, 'dot'));
    io.out(svg.endsWith('\n') ? svg : `${svg}\n`);
  } else {
    const chunks = chunkedWrite(text => io.out(text));
    writeDiff(diff, options.output, chunks.write);
    chunks.flush();
  }
  if (diffSize(diff) === 0) io.err('note: no connectivity difference between the old and the new manifests\n');
  const failOn = options.failOn ?? [];
  const failing = failingEntries(diff, failOn);
  if (failing > 0) {
    const { changed, added, removed } = diff.counts;
    throw new CliError(`the diff has ${failing === 1 ? '1 entry' : `${failing} entries`} of the kinds --fail-on ${failOn.join(',')} names (of ${added} added, ${changed} changed, ${removed} removed). Review ${failing === 1 ? 'it' : 'them'}, or change --fail-on.`, ExitCode.FINDINGS);
  }
  setExit(ExitCode.OK);
}

/** The formats that draw the diff (whole). */
const PICTURES: ReadonlySet<string> = new Set(['dot', 'mermaid', 'svg']);

/** Objects of a cluster model (policies, workloads, ...) as the analysis reads them: where each was defined does not matter. */
function modelText(objects: readonly object[] | undefined): string {
  return JSON.stringify((objects ?? []).map(o => ({ ...o, source: undefined })));
}

/** The diff of two sides that are the same. */
const NO_DIFFERENCE: ConnectivityDiff = { entries: [], counts: { changed: 0, added: 0, removed: 0 } };

/** The members of a cluster model that `sameToAnalysis` compares; a model with others is never taken as the same. */
const CLUSTER_MEMBERS: ReadonlySet<string> = new Set(['namespaces', 'workloads', 'policies', 'clusterPolicies']);

/**
 * Whether the analysis reads both clusters alike: the same namespaces, workloads, policies and cluster-scoped policies
 * in the same order, whatever files they were read from. Their connections are then the same, so their diff is empty.
 */
function sameToAnalysis(oldCluster: ClusterModel, newCluster: ClusterModel): boolean {
  const members = [...new Set([...Object.keys(oldCluster), ...Object.keys(newCluster)])];
  if (members.some(m => !CLUSTER_MEMBERS.has(m))) return false;
  const lists = (c: ClusterModel) => [c.namespaces, c.workloads, c.policies, c.clusterPolicies ?? []];
  const [before, after] = [lists(oldCluster), lists(newCluster)];
  // Lengths first: most changes are told apart without writing the models out.
  if (before.some((list, i) => list.length !== after[i].length)) return false;
  return before.every((list, i) => modelText(list) === modelText(after[i]));
}

/**
 * The new cluster, with the old side's policy objects when its policies are the same (in the same order, wherever
 * they were read from): `streamConnectivityDiff` then compiles them once for both sides.
 */
function withSamePolicies(oldCluster: ClusterModel, newCluster: ClusterModel): ClusterModel {
  if (oldCluster.policies.length !== newCluster.policies.length || modelText(oldCluster.policies) !== modelText(newCluster.policies)) return newCluster;
  const sameClusterPolicies = modelText(oldCluster.clusterPolicies) === modelText(newCluster.clusterPolicies);
  return { ...newCluster, policies: oldCluster.policies, ...(sameClusterPolicies && oldCluster.clusterPolicies ? { clusterPolicies: oldCluster.clusterPolicies } : {}) };
}

/** Registers `diff`. */
export const register: RegisterCommand = (program, io, setExit) => {
  program
    .command('diff')
    .description('Compare the connections two versions of manifests allow: per pair of peers, what was added, removed and changed')
    .argument('[old]', 'the manifests before the change: a file or directory (e.g. a synthesized dist/)')
    .argument('[new]', 'the manifests after the change: a file or directory')
    .allowExcessArguments(false)
    .option('--old <path...>', 'the manifests before the change, several paths (instead of OLD)')
    .option('--new <path...>', 'the manifests after the change, several paths (instead of NEW)')
    .addOption(new Option('-o, --output <format>', `output format: ${DIFF_CLI_FORMATS.join(', ')}`).argParser(parseDiffFormat).default('txt'))
    .addOption(new Option('--group <by>', `group the diff: ${DIFF_GROUPS.join(', ')} (txt, md or json)`).argParser(parseDiffGroup).default('none'))
    .option('--fail-on <kinds>', `exit 1 when the diff has entries of these kinds: ${DIFF_FAIL_ON.join(', ')} (comma-separated; default: never)`, parseDiffFailOn)
    .option('-v, --verbose', 'also list info diagnostics (ignored kinds, assumed namespaces)')
    .option(...IGNORE_UNMODELLED_OPTION)
    .option('--base <ref>', 'git ref: synthesize the cdk8s app at REF and in the working tree, and diff them (instead of OLD NEW)')
    .option('--app-dir <dir>', 'with --base: the directory holding the app\'s cdk8s.yaml (default: the current directory)')
    .addHelpText('after', HELP_AFTER)
    .action((oldPath: string | undefined, newPath: string | undefined, options: DiffCommandOptions) => diffAction([oldPath, newPath], options, io, setExit));
};
