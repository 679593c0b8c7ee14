/**
 * `cdk8s-netpol graph PATH...`: a picture of the connections of the manifests: workloads grouped by namespace,
 * external ranges as their own nodes, ports on the edges, declared-but-denied connections (rule NP009) dashed.
 */
import * as fs from 'fs';
import { InvalidArgumentError, Option } from 'commander';
import { Analysis } from '../analysis';
import { buildGraph, EdgeKind, GRAPH_FORMATS, renderGraph } from '../graph';
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
}

/** Parses `--output`; a commander `argParser`. */
export function parseGraphFormat(value: string): string {
  if (!(GRAPH_FORMATS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`Use one of ${GRAPH_FORMATS.join(', ')}, e.g. --output html.`);
  }
  return value;
}

const HELP_AFTER = `
Solid edges are allowed connections, labelled with their ports; dashed red edges are connections a rule on one side
declares and the other side denies entirely (lint rule NP009), labelled with the declared ports and the policy.
SVG is laid out by Graphviz compiled to WebAssembly: no native binaries needed.

Exit codes:
  0  the picture was written
  1  --fail-on warning was given and there are warnings (the picture is still written)
  2  bad input: an unknown option value, a missing path, malformed YAML, an invalid NetworkPolicy, or an --out file
     that cannot be written; nothing is written to standard output

Examples:
  $ cdk8s-netpol graph dist/ > connectivity.svg
  $ cdk8s-netpol graph manifests/ --output html --out connectivity.html
  $ cdk8s-netpol graph app.yaml --output mermaid`;

/** Runs `graph` on the paths: loads, builds, renders, and writes to `--out` or standard output. */
export async function graphAction(paths: string[], options: GraphCommandOptions, io: CliIo, setExit: SetExit): Promise<void> {
  const loaded = loadManifests(paths, io, {
    failOn: options.failOn, verbose: options.verbose, nothingDone: 'no graph drawn', hasFailOn: true, ignoreUnmodelled: options.ignoreUnmodelled,
  });
  const graph = buildGraph(loaded.cluster, { analysis: Analysis.of(loaded.cluster) });
  const text = await renderGraph(graph, options.output);
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
    .option('-v, --verbose', 'also list info diagnostics (ignored kinds, assumed namespaces)')
    .option(...IGNORE_UNMODELLED_OPTION)
    .addHelpText('after', HELP_AFTER)
    .action((paths: string[], options: GraphCommandOptions) => graphAction(paths, options, io, setExit));
};
