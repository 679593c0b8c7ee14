/**
 * `cdk8s-netpol explain --from A --to B --port 8080/TCP PATH...`: says whether one connection is allowed and why
 * (which policies isolate each end, which rule allows it or came close), and with `--expect` checks the verdict.
 */
import { InvalidArgumentError, Option } from 'commander';
import { Analysis, endpointName, parseAddress, WorkloadEndpoint } from '../analysis';
import { ClusterModel, Protocol } from '../model/types';
import { CliError, ExitCode, RegisterCommand } from './command';
import { FailOn, IGNORE_UNMODELLED_OPTION, loadManifests } from './manifests';
import { closest, listSome } from './suggest';

/** A port and protocol given as `--port 8080`, `--port 53/UDP`. */
export interface PortSpec {
  /** The port number, 1 to 65535. */
  readonly port: number;
  /** The protocol (default TCP). */
  readonly protocol: Protocol;
}

const PROTOCOLS = [Protocol.TCP, Protocol.UDP, Protocol.SCTP] as string[];

/**
 * Parses `--port PORT[/PROTOCOL]`; a commander `argParser`. The protocol is case-insensitive and defaults to TCP.
 * Named ports are not accepted: explain needs the number the connection uses.
 */
export function parsePortSpec(value: string): PortSpec {
  const slash = value.indexOf('/');
  const portText = slash < 0 ? value : value.slice(0, slash);
  const protocolText = slash < 0 ? undefined : value.slice(slash + 1);
  const problems: string[] = [];
  const protocol = protocolText === undefined ? Protocol.TCP : protocolText.toUpperCase();
  if (!/^[0-9]+$/.test(portText)) {
    problems.push(`The port "${portText}" is not a number (named ports are not resolved here: give the container port number).`);
  } else if (Number(portText) < 1 || Number(portText) > 65535) {
    problems.push(`The port ${Number(portText)} is outside 1-65535.`);
  }
  if (!PROTOCOLS.includes(protocol)) problems.push(`The protocol "${protocolText}" is not one of ${PROTOCOLS.join(', ')}.`);
  if (problems.length > 0) throw new InvalidArgumentError(`${problems.join(' ')} Write PORT[/PROTOCOL], e.g. --port 8080 or --port 53/UDP.`);
  return { port: Number(portText), protocol: protocol as Protocol };
}

/** The verdicts `--expect` accepts. */
export const EXPECT_VALUES = ['allow', 'deny'] as const;

/** Parses `--expect`; a commander `argParser`. */
export function parseExpect(value: string): 'allow' | 'deny' {
  if (!(EXPECT_VALUES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`Use one of ${EXPECT_VALUES.join(', ')}, e.g. --expect deny.`);
  }
  return value as 'allow' | 'deny';
}

/** The formats `--output` accepts: the explanation's sentence, or the whole explanation as JSON. */
export const EXPLAIN_FORMATS = ['text', 'json'] as const;

/** Parses `--output`; a commander `argParser`. */
export function parseExplainFormat(value: string): 'text' | 'json' {
  if (!(EXPLAIN_FORMATS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`Use one of ${EXPLAIN_FORMATS.join(', ')}, e.g. --output json.`);
  }
  return value as 'text' | 'json';
}

/** The options of `explain`, as commander parses them. */
export interface ExplainOptions {
  /** The source: `namespace/name`, `namespace/name[Kind]` or an IP address. */
  readonly from: string;
  /** The destination, in the same forms. */
  readonly to: string;
  /** The port and protocol. */
  readonly port: PortSpec;
  /** The verdict to check. */
  readonly expect?: 'allow' | 'deny';
  /** Print info diagnostics too. */
  readonly verbose?: boolean;
  /** Answer without the policy kinds the analysis does not model. */
  readonly ignoreUnmodelled?: boolean;
  /** `text` (the default): one sentence; `json`: the explanation with each side's deciding tier and rules. */
  readonly output?: 'text' | 'json';
}

const REF = /^([^/\s]+)\/([^/[\s]+)(?:\[([^\]]+)\])?$/;

/**
 * Checks that an endpoint reference names a workload of the cluster (or is an IP address), and throws `CliError`
 * listing the closest and the known workloads otherwise, or the kinds to choose from for an ambiguous name. A
 * reference that names a workload costs one pass over the workloads; only a failing one lists them.
 */
export function checkEndpoint(cluster: ClusterModel, option: string, ref: string): void {
  if (parseAddress(ref)) return;
  const match = REF.exec(ref);
  if (match && cluster.workloads.length > 0) {
    const [, ns, name, kind] = match;
    const sameName: WorkloadEndpoint[] = cluster.workloads.filter(w => w.namespaceName === ns && w.name === name)
      .map(w => ({ type: 'workload', namespace: w.namespaceName, name: w.name, kind: w.kind }));
    const kinds = [...new Set(sameName.map(w => w.kind))];
    if (!kind && kinds.length > 1) {
      throw new CliError(`${option} "${ref}" is ambiguous: it names ${kinds.map(k => `${ns}/${name}[${k}]`).join(' and ')}; write one of them.`);
    }
    if (sameName.length > 0 && (!kind || kinds.includes(kind))) return;
    if (sameName.length > 0) {
      throw new CliError(`${option} "${ref}": ${ns}/${name} is not a ${kind}; did you mean ${sameName.map(w => endpointName(w)).join(' or ')}?`);
    }
  }
  const names = [...new Set(cluster.workloads.map(w => `${w.namespaceName}/${w.name}`))].sort();
  if (names.length === 0) {
    throw new CliError(`${option} "${ref}": the manifests define no workloads. Add the files with the Deployments, Pods, ... to the PATH arguments.`);
  }
  const known = `Known workloads: ${listSome(names)}.`;
  if (!match) {
    const near = closest(ref, names);
    throw new CliError(`${option} "${ref}" is not NAMESPACE/NAME, NAMESPACE/NAME[Kind] or an IP address${near.length ? `; did you mean ${near.join(' or ')}?` : '.'} ${known}`);
  }
  const near = closest(`${match[1]}/${match[2]}`, names);
  throw new CliError(`${option} "${ref}": no such workload${near.length ? `; did you mean ${near.join(' or ')}?` : '.'} ${known}`);
}

const HELP_AFTER = `
Exit codes:
  0  the explanation was printed (and, with --expect, the verdict is the expected one)
  1  --expect was given and the verdict differs (the explanation is still printed)
  2  bad input: a missing or bad option (an unknown workload, a port outside 1-65535), a missing path,
     malformed YAML or an invalid NetworkPolicy or cluster policy; nothing is printed to standard output

An AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy in the input is part of the answer:
the explanation names the Admin or Baseline tier rule that decided, e.g.
  AdminNetworkPolicy pass-monitoring ingress rule 0 (priority 10): Pass

Examples:
  $ cdk8s-netpol explain --from production/frontend --to production/api --port 8080 dist/
  $ cdk8s-netpol explain --from production/api --to 52.94.1.1 --port 443/TCP dist/ --expect allow
  $ cdk8s-netpol explain --from production/frontend --to production/postgres --port 5432 dist/ --expect deny
  $ cdk8s-netpol explain --from production/frontend --to production/api --port 8080 dist/ --output json`;

/** Registers `explain`. */
export const register: RegisterCommand = (program, io, setExit) => {
  program
    .command('explain')
    .description('Explain whether one connection is allowed and which policies and rules decide it')
    .argument('<path...>', 'manifest files or directories (*.yaml, *.yml, *.json, recursively; multi-document and List kinds)')
    .requiredOption('--from <endpoint>', 'the source: NAMESPACE/NAME, NAMESPACE/NAME[Kind] or an IP address')
    .requiredOption('--to <endpoint>', 'the destination: NAMESPACE/NAME, NAMESPACE/NAME[Kind] or an IP address')
    .addOption(new Option('--port <port[/protocol]>', 'the destination port and protocol (TCP, UDP, SCTP; default TCP), e.g. 8080 or 53/UDP')
      .argParser(parsePortSpec).makeOptionMandatory())
    .addOption(new Option('--expect <verdict>', `fail with exit 1 unless the verdict is this: ${EXPECT_VALUES.join(', ')}`).argParser(parseExpect))
    .addOption(new Option('-o, --output <format>', 'text (one sentence) or json (each side\'s deciding tier, cluster policy rules and NetworkPolicy rules)').argParser(parseExplainFormat).default('text'))
    .option('-v, --verbose', 'also list info diagnostics (ignored kinds, assumed namespaces)')
    .option(...IGNORE_UNMODELLED_OPTION)
    .addHelpText('after', HELP_AFTER)
    .action((paths: string[], options: ExplainOptions) => {
      const loaded = loadManifests(paths, io, { failOn: FailOn.ERROR, verbose: options.verbose, nothingDone: 'nothing explained', ignoreUnmodelled: options.ignoreUnmodelled });
      checkEndpoint(loaded.cluster, '--from', options.from);
      checkEndpoint(loaded.cluster, '--to', options.to);
      // The analysis explains from the two endpoints' workloads alone, without grouping every workload into classes.
      const analysis = Analysis.of(loaded.cluster);
      let explanation;
      try {
        explanation = analysis.explain(options.from, options.to, options.port.port, options.port.protocol);
      } catch (err) {
        throw new CliError(`${(err as Error).message}. Change --from or --to.`);
      }
      io.out(options.output === 'json' ? `${JSON.stringify(explanation, null, 2)}\n` : `${explanation.text}\n`);
      if (options.expect && (options.expect === 'allow') !== explanation.allowed) {
        throw new CliError(`--expect ${options.expect}: the connection is ${explanation.allowed ? 'allowed' : 'denied'} (see above).`, ExitCode.FINDINGS);
      }
      setExit(ExitCode.OK);
    });
};
