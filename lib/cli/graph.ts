/**
 * `cdk8s-netpol graph PATH...`: a picture of the connections of the manifests: workloads grouped by namespace,
 * external ranges as their own nodes, ports on the edges, declared-but-denied connections (rule NP009) dashed. Large
 * inputs are drawn with workloads of the same connections as one node (`--group`), and a picture too large to lay
 * out in seconds is refused with exit 2 instead of running for minutes.
 */
import * as fs from 'fs';
import { InvalidArgumentError, Option } from 'commander';
import { Analysis } from '../analysis';
import {
  AUTO_GROUP_LIMIT, buildPicture, CURVED_LAYOUT_LIMIT, EdgeKind, GRAPH_FORMATS, GraphPicture, GraphTooLargeError, GROUP_MODES, GroupMode,
  Grouping, LAYOUT_TIME_LIMIT_MS, LayoutTimeoutError, MAX_GRAPH_SIZE, MAX_WORKLOAD_CLASSES, OVERVIEW, renderGraph, sizeText, TooManyClassesError,
} from '../graph';
import { ClusterModel } from '../model/types';
import { MERMAID_MAX_EDGES } from './analyze';
import { CliError, ExitCode, RegisterCommand, SetExit } from './command';
import type { CliIo } from './io';
import { FailOn, IGNORE_UNMODELLED_OPTION, loadManifests, parseFailOn } from './manifests';

/** The options of `graph`, as commander parses them. */
export interface GraphCommandOptions {
  /** The output format, one of `GRAPH_FORMATS`. */
  readonly output: string;
  /** Write to this file instead of standard output. */
  readonly out?: string;
  /** Which diagnostics fail the command. */
  readonly failOn: FailOn;
  /** Print info diagnostics too. */
  readonly verbose?: boolean;
  /** Answer without the policy kinds the analysis does not model. */
  readonly ignoreUnmodelled?: boolean;
  /** How to group workloads, one of `GROUP_MODES`. */
  readonly group: GroupMode;
  /** Draw only the workloads of these namespaces (from `--namespace`, commas split). */
  readonly namespace?: string[];
  /** How long an SVG or HTML layout may take, in seconds. */
  readonly layoutTimeout: number;
}

/** Parses `--output`; a commander `argParser`. */
export function parseGraphFormat(value: string): string {
  if (!(GRAPH_FORMATS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`Use one of ${GRAPH_FORMATS.join(', ')}, e.g. --output html.`);
  }
  return value;
}

/** Parses `--group`; a commander `argParser`. */
export function parseGroupMode(value: string): GroupMode {
  if (!(GROUP_MODES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`Use one of ${GROUP_MODES.join(', ')}, e.g. --group class.`);
  }
  return value as GroupMode;
}

/** Parses `--layout-timeout`: seconds, a number above 0 and at most 3600; a commander `argParser`. */
export function parseLayoutTimeout(value: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new InvalidArgumentError(`Give the seconds an SVG or HTML layout may take, a number above 0 and at most 3600, e.g. --layout-timeout ${LAYOUT_TIME_LIMIT_MS / 1000 * 3}.`);
  }
  return seconds;
}

/** Collects `--namespace` values: repeatable, each a comma-separated list; a commander `argParser`. */
export function collectNamespaces(value: string, previous: string[] | undefined): string[] {
  const names = value.split(',').map(n => n.trim()).filter(n => n !== '');
  if (names.length === 0) throw new InvalidArgumentError('Give a namespace name, or several separated by commas, e.g. --namespace shop,payments.');
  return [...(previous ?? []), ...names];
}

const HELP_AFTER = `
Solid edges are allowed connections, labelled with their ports; dashed red edges are connections a rule on one side
declares and the other side denies entirely (lint rule NP009), labelled with the declared ports and the policy.
SVG is laid out by Graphviz compiled to WebAssembly: no native binaries needed.

Grouping (--group): a group is a set of workloads with the same connections: the same ports to and from every other
node and between each other. It is drawn as one node with a double outline, and each of its edges holds for every
pair of members, so nothing is summarised away.
  auto       the default: none up to ${AUTO_GROUP_LIMIT.nodes} nodes and ${AUTO_GROUP_LIMIT.edges} edges, class above, overview when class is over
             the limit below (or the input has more than ${MAX_WORKLOAD_CLASSES} workload classes); a note on standard error says so
  none       one node per workload
  namespace  one node per group within a namespace ("all 30 workloads" when the whole namespace behaves alike)
  class      one node per group, across namespaces (a group within one namespace stays in its box)
  overview   one node per namespace: each edge lists, for each set of ports, how many of the workload pairs between
             the two namespaces have exactly it ("TCP 8080: 15 of 5,625 pairs"); then --namespace NAME to drill in
Every format (svg, dot, mermaid, html) draws the same nodes and edges. A picture of more than ${MAX_GRAPH_SIZE.nodes} nodes or ${MAX_GRAPH_SIZE.edges}
edges is refused (exit 2) with its size and what to do: group, or draw some namespaces with --namespace; so is an
input with more than ${MAX_WORKLOAD_CLASSES} workloads that policies can tell apart for none, namespace and class (grouping
compares each with each).
Pictures up to ${CURVED_LAYOUT_LIMIT.nodes} nodes and ${CURVED_LAYOUT_LIMIT.edges} edges get curved edges; larger ones get straight edges and bounded layout passes
(also in the DOT output), and an SVG or HTML layout still running after --layout-timeout is stopped (exit 2).
Graphviz's own warnings are not printed.

Exit codes:
  0  the picture was written
  1  --fail-on warning was given and there are warnings (the picture is still written)
  2  bad input: an unknown option value, a missing path, malformed YAML, an invalid NetworkPolicy, a --namespace
     without workloads, a picture over the size or time limit, or an --out file that cannot be written; nothing is
     written to standard output

Examples:
  $ cdk8s-netpol graph dist/ > connectivity.svg
  $ cdk8s-netpol graph manifests/ --output html --out connectivity.html
  $ cdk8s-netpol graph app.yaml --output mermaid
  $ cdk8s-netpol graph cluster/ --group class --namespace shop,payments
  $ cdk8s-netpol graph cluster/ --group overview > namespaces.svg`;

/**
 * The cluster with only the workloads of the namespaces (every namespace and policy kept, so the connections between
 * the workloads drawn are those of the whole input). Throws naming the namespaces that have no workloads.
 */
export function onlyNamespaces(cluster: ClusterModel, namespaces: readonly string[]): ClusterModel {
  const present = new Set(cluster.workloads.map(w => w.namespaceName));
  const missing = [...new Set(namespaces)].filter(ns => !present.has(ns));
  if (missing.length > 0) {
    const known = [...present].sort();
    const shown = known.length > 20 ? `${known.slice(0, 20).join(', ')}, … (${known.length} in all)` : known.join(', ');
    throw new CliError(`--namespace ${missing.map(ns => `"${ns}"`).join(', ')}: no workloads in ${missing.length === 1 ? 'that namespace' : 'those namespaces'}. `
      + (known.length > 0 ? `Namespaces with workloads: ${shown}.` : 'The input has no workloads.'));
  }
  const wanted = new Set(namespaces);
  return { ...cluster, workloads: cluster.workloads.filter(w => wanted.has(w.namespaceName)) };
}

/** The one-line refusal of a picture over the limit: its size, and the groupings or the filter that would fit. */
function tooLarge(err: GraphTooLargeError, options: GraphCommandOptions): string {
  const asked = options.group === 'auto' ? `${err.grouping} (chosen by --group auto)` : err.grouping;
  const fitting = ([Grouping.NAMESPACE, Grouping.CLASS, OVERVIEW] as const)
    .filter(g => g !== err.grouping && err.sizes[g] !== undefined && err.sizes[g]!.nodes <= err.limit.nodes && err.sizes[g]!.edges <= err.limit.edges)
    .map(g => `--group ${g} (${sizeText(err.sizes[g]!)})`);
  if (fitting.length === 0 && err.grouping !== OVERVIEW && err.sizes[OVERVIEW] === undefined) fitting.push(`--group ${OVERVIEW} (one node per namespace)`);
  const remedy = fitting.length > 0
    ? `Use ${fitting.join(' or ')}, or --namespace NAME to draw fewer namespaces.`
    : 'Use --namespace NAME (repeatable, or comma-separated) to draw fewer namespaces.';
  return `the picture would have ${sizeText(err.sizes[err.grouping]!)} with --group ${asked}, over the limit of ${sizeText(err.limit)} `
    + `that Graphviz lays out in seconds. ${remedy}`;
}

/** Runs `graph` on the paths: loads, builds, renders, and writes to `--out` or standard output. */
export async function graphAction(paths: string[], options: GraphCommandOptions, io: CliIo, setExit: SetExit): Promise<void> {
  const loaded = loadManifests(paths, io, {
    failOn: options.failOn, verbose: options.verbose, nothingDone: 'no graph drawn', hasFailOn: true, ignoreUnmodelled: options.ignoreUnmodelled,
  });
  const cluster = options.namespace && options.namespace.length > 0 ? onlyNamespaces(loaded.cluster, options.namespace) : loaded.cluster;
  let picture: GraphPicture;
  try {
    picture = buildPicture(cluster, { analysis: Analysis.of(cluster), group: options.group });
  } catch (err) {
    // By name: `instanceof` fails for errors made in another realm.
    const name = (err as { name?: unknown })?.name;
    if (name === 'GraphTooLargeError') throw new CliError(tooLarge(err as GraphTooLargeError, options));
    if (name === 'TooManyClassesError') {
      const e = err as TooManyClassesError;
      throw new CliError(`the input has ${e.classes} workloads that policies can tell apart (distinct namespace, labels or named ports; of ${e.workloads} workloads), `
        + `more than the ${e.limit} a picture is grouped for. Use --group ${OVERVIEW} (one node per namespace), or --namespace NAME (repeatable, or comma-separated) to draw fewer namespaces.`);
    }
    throw err;
  }
  const graph = picture.graph;
  let text: string;
  const warnings: string[] = [];
  try {
    text = await renderGraph(graph, options.output, { warn: message => warnings.push(`warning: ${message}.\n`), timeoutMs: options.layoutTimeout * 1000 });
  } catch (err) {
    if ((err as { name?: unknown })?.name !== 'LayoutTimeoutError') throw err;
    const drawn = { nodes: graph.nodes.length, edges: graph.edges.length };
    const byClass = picture.sizes[Grouping.CLASS];
    const smaller = byClass !== undefined && (byClass.edges < drawn.edges || byClass.nodes < drawn.nodes);
    const remedies = [...(smaller ? [`--group class (${sizeText(byClass)})`] : []), '--namespace NAME to draw fewer namespaces', '--output dot to lay it out elsewhere'];
    throw new CliError(`Graphviz did not finish laying out the picture (${sizeText(drawn)}) within ${(err as LayoutTimeoutError).timeoutMs / 1000} s, `
      + `so it was stopped. Use ${remedies.join(', or ')}.`);
  }
  if (picture.note) {
    const none = picture.sizes[Grouping.NONE];
    const off = none !== undefined && none.nodes <= MAX_GRAPH_SIZE.nodes && none.edges <= MAX_GRAPH_SIZE.edges ? '; --group none draws one node per workload' : '';
    io.err(`note: ${picture.note}${off}.\n`);
  }
  warnings.forEach(w => io.err(w));
  if (options.output === 'mermaid' && graph.edges.length > MERMAID_MAX_EDGES) {
    io.err(`note: the flowchart has ${graph.edges.length} edges; Mermaid draws at most ${MERMAID_MAX_EDGES} unless its maxEdges setting is raised. Use --group or --namespace NAME for fewer.\n`);
  }
  if (options.out !== undefined) {
    try {
      fs.writeFileSync(options.out, text);
    } catch (err) {
      // fs errors carry `message`; `instanceof Error` fails for errors made in another realm (jest's sandbox).
      const reason = typeof (err as { message?: unknown })?.message === 'string' ? (err as { message: string }).message : String(err);
      throw new CliError(`cannot write --out "${options.out}": ${reason}. Check that the directory exists and is writable, or leave --out away to write to standard output.`);
    }
    const denied = graph.edges.filter(e => e.kind === EdgeKind.DENIED).length;
    io.err(`wrote ${options.out} (${options.output}: ${graph.nodes.length} nodes, ${graph.edges.length - denied} allowed and ${denied} denied-but-declared edges)\n`);
  } else {
    io.out(text);
  }
  if (options.failOn === FailOn.WARNING && loaded.warnings > 0) {
    throw new CliError(`${loaded.warnings} warning${loaded.warnings === 1 ? '' : 's'} in the input (see above) and --fail-on warning was given. Fix them, or use --fail-on error to accept them.`, ExitCode.FINDINGS);
  }
  setExit(ExitCode.OK);
}

/** Registers `graph`. */
export const register: RegisterCommand = (program, io, setExit) => {
  program
    .command('graph')
    .description('Draw the connections of YAML/JSON manifests: workloads by namespace, ports on the edges, one-sided rules dashed')
    .argument('<path...>', 'manifest files or directories (*.yaml, *.yml, *.json, recursively; multi-document and List kinds)')
    .addOption(new Option('-o, --output <format>', `output format: ${GRAPH_FORMATS.join(', ')}`).argParser(parseGraphFormat).default('svg'))
    .option('--out <file>', 'write the picture to this file instead of standard output')
    .addOption(new Option('--fail-on <level>', `which diagnostics fail the command: ${Object.values(FailOn).join(', ')}`).argParser(parseFailOn).default(FailOn.ERROR))
    .addOption(new Option('--group <mode>', `group workloads with the same connections into one node: ${GROUP_MODES.join(', ')} (see below)`).argParser(parseGroupMode).default('auto'))
    .option('--namespace <names>', 'draw only the workloads of these namespaces (comma-separated, repeatable); their connections are those of the whole input', collectNamespaces)
    .addOption(new Option('--layout-timeout <seconds>', 'stop an SVG or HTML layout that takes longer (exit 2)').argParser(parseLayoutTimeout).default(LAYOUT_TIME_LIMIT_MS / 1000))
    .option('-v, --verbose', 'also list info diagnostics (ignored kinds, assumed namespaces)')
    .option(...IGNORE_UNMODELLED_OPTION)
    .addHelpText('after', HELP_AFTER)
    .action((paths: string[], options: GraphCommandOptions) => graphAction(paths, options, io, setExit));
};
