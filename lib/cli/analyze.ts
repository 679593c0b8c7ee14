/**
 * `cdk8s-netpol analyze PATH...`: prints every allowed connection of the manifests, by default in the connlist format
 * of np-guard netpol-analyzer (`k8snetpolicy list`), line for line. With `--exposure`, also what each workload is
 * open to beyond the workloads of the manifests (`k8snetpolicy list --exposure`).
 */
import { InvalidArgumentError, Option } from 'commander';
import {
  _filtered, Analysis, chunkedWrite, Connection, ConnectionGrouping, eachGroupedConnection, GROUPED_FORMATS, OUTPUT_FORMATS, writeGroupedConnections,
  WorkloadExposure, writeConnectionBytes, writeConnections, writeConnlistWithExposure, writeExposureBytes, writeJsonWithExposure,
} from '../analysis';
import { NetpolError } from '../errors';
import { CliError, ExitCode, RegisterCommand } from './command';
import { FailOn, IGNORE_UNMODELLED_OPTION, loadManifests, parseFailOn } from './manifests';

/** The options of `analyze`, as commander parses them. */
export interface AnalyzeOptions {
  /** The output format, one of `OUTPUT_FORMATS`. */
  readonly output: string;
  /** Which diagnostics fail the command. */
  readonly failOn: FailOn;
  /** Print info diagnostics too. */
  readonly verbose?: boolean;
  /** Answer without the policy kinds the analysis does not model. */
  readonly ignoreUnmodelled?: boolean;
  /** Also print what each workload is open to beyond the workloads of the manifests. */
  readonly exposure?: boolean;
  /** `none`, or how to group the list: by namespace or by workload class. */
  readonly group: string;
  /** Only the connections from or to this namespace's workloads. */
  readonly namespace?: string;
}

/** The values of `--group`. */
export const ANALYZE_GROUPS = ['none', ConnectionGrouping.NAMESPACE, ConnectionGrouping.CLASS] as const;

/** Parses `--group`; a commander `argParser`. */
export function parseAnalyzeGroup(value: string): string {
  if (!(ANALYZE_GROUPS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`Use one of ${ANALYZE_GROUPS.join(', ')}, e.g. --group namespace.`);
  }
  return value;
}

/** Mermaid's default `maxEdges`: a flowchart with more edges is not drawn. */
export const MERMAID_MAX_EDGES = 500;

/** The output formats `--exposure` can be written in. */
export const EXPOSURE_FORMATS = ['connlist', 'json'] as const;

/** Parses `--output`; a commander `argParser`. */
export function parseOutputFormat(value: string): string {
  if (!(OUTPUT_FORMATS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`Use one of ${OUTPUT_FORMATS.join(', ')}, e.g. --output json.`);
  }
  return value;
}

const HELP_AFTER = `
Exit codes:
  0  the connection list was printed
  1  --fail-on warning was given and there are warnings (the list is still printed), including an input
     without workloads (whose list is always empty)
  2  bad input: an unknown option value, a missing path, malformed YAML or JSON, or an object the API server
     would reject (an invalid NetworkPolicy, Namespace, workload name, label or container port), or a
     policy kind the analysis does not model (Cilium, Calico, Antrea, ...) without --ignore-unmodelled;
     nothing is printed to standard output, so a pipeline never consumes a partial result
     (so is --exposure with --output md, csv, dot or mermaid, or on an input with cluster-scoped policies)

Formats (--output):
  connlist  "src => dst : connections" lines, as np-guard netpol-analyzer prints them
  json      {"connections": [...], "endpoints": {...}, "connectionSets": {...}}: each connection on a line
            of its own as np-guard's compact {"src", "dst", "conn"}, so line tools (grep, diff) work
            on it too; then each endpoint (by name) and connection set (by conn) structured, once
  md, csv   a table; dot, mermaid  a graph (the graph command also draws SVG)

Exposure (--exposure, as np-guard netpol-analyzer's "k8snetpolicy list --exposure"):
  after the connection list, an "Exposure Analysis Result:" section lists, per workload and direction, the
  peers beyond the manifests that the policies admit: entire-cluster, <ns>/[all pods], <ns>/[pod with {...}],
  [namespace with {...}]/[all pods], [namespace with {...}]/[pod with {...}], [all namespaces]/[pod with {...}],
  and the external ranges; then the workloads no policy selects per direction ("is not protected on Ingress").
  Named ports of egress rules stay names (TCP http), since the peer's pods are unknown. --output json adds an
  "exposure" list next to "connections"; the other formats do not carry exposure.

Large clusters (--group, --namespace):
  the list is written as it is produced, so its length never bounds the memory; to make it readable,
  --group namespace prints one line per pair of namespaces and set of connections, with how many workload
  pairs have exactly that set ("TCP 8080 (15 of 5,625 pairs)": the other pairs have other or no connections);
  --group class prints one line per pair of workload classes (the workloads of a namespace that every policy
  treats alike), each line holding for every pair of their workloads. --namespace NS keeps the lines from or
  to NS, to drill into one namespace. Grouping is written as connlist, json, md or csv.

Diagnostics go to standard error as "file#document field: severity: message [code]" lines.

Examples:
  $ cdk8s-netpol analyze dist/
  $ cdk8s-netpol analyze manifests/ --output mermaid > connections.mmd
  $ cdk8s-netpol analyze dist/ --exposure
  $ cdk8s-netpol analyze app.yaml --fail-on warning
  $ cdk8s-netpol analyze cluster/ --group namespace
  $ cdk8s-netpol analyze cluster/ --group class --namespace payments`;

/**
 * The warning printed when the input holds no workload: every connection is between workloads (or a workload and
 * the outside), so the list is empty whatever the policies say. Exit code 0, as the empty list is the right answer
 * for this input; 1 under `--fail-on warning`, since a CI gate should not pass on an input that cannot show anything.
 */
export function noWorkloadsWarning(policies: number): string {
  const read = policies > 0 ? `${policies} NetworkPolic${policies === 1 ? 'y was' : 'ies were'} read, but ` : '';
  return `warning: ${read}the input holds no workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or ReplicationController), so there is no connection to list. Pass the workloads' manifests too, e.g. cdk8s-netpol analyze policies/ workloads/`;
}

/** The exposure of the analysis; an input it cannot answer for (cluster-scoped policies) is bad input, exit 2. */
function exposureOrBadInput(analysis: Analysis): WorkloadExposure[] {
  try {
    return analysis.exposure();
  } catch (e) {
    if (e instanceof NetpolError) throw new CliError(`--exposure: ${e.message}.`);
    throw e;
  }
}

/** `{ namespace }` of a workload endpoint, `{}` of an external one. */
function endpointNamespace(e: Connection['src']): { namespace?: string } {
  return e.type === 'workload' ? { namespace: e.namespace } : {};
}

/** `--namespace` must name a namespace with workloads, or the list would be empty for a typo. */
function checkNamespace(analysis: Analysis, namespace: string): void {
  const known = [...new Set(analysis.engine.classes.map(c => c.namespace.name))].sort();
  if (!known.includes(namespace)) {
    const shown = known.length > 10 ? `${known.slice(0, 10).join(', ')}, and ${known.length - 10} more` : known.join(', ');
    throw new CliError(`--namespace "${namespace}": no workload of the input is in that namespace; namespaces with workloads: ${shown || 'none'}.`);
  }
}

/** Registers `analyze`. */
export const register: RegisterCommand = (program, io, setExit) => {
  program
    .command('analyze')
    .description('List every connection the NetworkPolicies allow between the workloads of YAML/JSON manifests')
    .argument('<path...>', 'manifest files or directories (*.yaml, *.yml, *.json, recursively; multi-document and List kinds)')
    .addOption(new Option('-o, --output <format>', `output format: ${OUTPUT_FORMATS.join(', ')}`).argParser(parseOutputFormat).default('connlist'))
    .addOption(new Option('--fail-on <level>', `which diagnostics fail the command: ${Object.values(FailOn).join(', ')}`).argParser(parseFailOn).default(FailOn.ERROR))
    .option('-v, --verbose', 'also list info diagnostics (ignored kinds, assumed namespaces)')
    .option('--exposure', `also list what each workload is open to beyond the workloads of the manifests (output ${EXPOSURE_FORMATS.join(' or ')})`)
    .addOption(new Option('--group <by>', `group the list: ${ANALYZE_GROUPS.join(', ')}`).argParser(parseAnalyzeGroup).default('none'))
    .option('--namespace <name>', 'only the connections from or to the workloads of this namespace')
    .option(...IGNORE_UNMODELLED_OPTION)
    .addHelpText('after', HELP_AFTER)
    .action((paths: string[], options: AnalyzeOptions) => {
      if (options.exposure && !(EXPOSURE_FORMATS as readonly string[]).includes(options.output)) {
        throw new CliError(`--exposure is written in ${EXPOSURE_FORMATS.join(' or ')} output only, not ${options.output}; use --output connlist or --output json, or leave --exposure out.`);
      }
      const grouping = options.group === 'none' ? undefined : options.group as ConnectionGrouping;
      if (grouping && options.exposure) throw new CliError(`--group ${grouping} and --exposure cannot be combined; leave one out.`);
      if (grouping && !(GROUPED_FORMATS as readonly string[]).includes(options.output)) {
        throw new CliError(`--group ${grouping} is written in ${GROUPED_FORMATS.join(', ')}, not ${options.output}; for a grouped picture use cdk8s-netpol graph --group ${grouping}.`);
      }
      if (options.namespace !== undefined && options.exposure) throw new CliError('--namespace and --exposure cannot be combined; leave one out.');
      const loaded = loadManifests(paths, io, {
        failOn: options.failOn, verbose: options.verbose, nothingDone: 'no connections printed', hasFailOn: true, ignoreUnmodelled: options.ignoreUnmodelled,
      });
      const noWorkloads = loaded.cluster.workloads.length === 0;
      if (noWorkloads) io.err(`${noWorkloadsWarning(loaded.cluster.policies.length)}\n`);
      const analysis = Analysis.of(loaded.cluster);
      const namespace = options.namespace;
      if (namespace !== undefined) checkNamespace(analysis, namespace);
      const inNamespace = (c: { src: { namespace?: string }; dst: { namespace?: string } }) => c.src.namespace === namespace || c.dst.namespace === namespace;
      if (grouping) {
        // Written as the lines are worked out, source group by source group: never held as a whole.
        const lines = eachGroupedConnection(analysis, grouping);
        const chunks = chunkedWrite(text => io.out(text));
        writeGroupedConnections(namespace === undefined ? lines : _filtered(lines, inNamespace), options.output as typeof GROUPED_FORMATS[number], chunks.write);
        chunks.flush();
      } else if (!options.exposure) {
        // The list is written as it is produced, so its length never bounds the memory.
        const filter = namespace === undefined ? undefined : (c: Connection) => inNamespace({ src: endpointNamespace(c.src), dst: endpointNamespace(c.dst) });
        const edges = io.outBytes
          ? writeConnectionBytes(analysis, options.output, bytes => io.outBytes!(bytes), filter, { reusable: () => true })
          : writeConnections(analysis, options.output, text => io.out(text), filter);
        if (options.output === 'mermaid' && edges > MERMAID_MAX_EDGES) {
          io.err(`note: the flowchart has ${edges} edges; Mermaid draws at most ${MERMAID_MAX_EDGES} unless its maxEdges setting is raised. Use --namespace NAME for fewer, or cdk8s-netpol graph (it groups).\n`);
        }
      } else {
        const exposure = exposureOrBadInput(analysis);
        const format = options.output as 'connlist' | 'json';
        if (io.outBytes) {
          writeExposureBytes(analysis, format, exposure, bytes => io.outBytes!(bytes), { reusable: () => true });
        } else {
          const chunks = chunkedWrite(text => io.out(text));
          if (format === 'json') writeJsonWithExposure(analysis.eachConnection(), exposure, chunks.write);
          else writeConnlistWithExposure(analysis.eachConnection(), exposure, chunks.write);
          chunks.flush();
        }
      }
      const warnings = loaded.warnings + (noWorkloads ? 1 : 0);
      if (options.failOn === FailOn.WARNING && warnings > 0) {
        throw new CliError(`${warnings} warning${warnings === 1 ? '' : 's'} in the input (see above) and --fail-on warning was given. Fix them, or use --fail-on error to accept them.`, ExitCode.FINDINGS);
      }
      setExit(ExitCode.OK);
    });
};
