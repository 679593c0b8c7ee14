/**
 * `cdk8s-netpol lint PATH...`: runs the checker's rules (RULES.md) on any manifests and reports the findings as text,
 * JSON or SARIF 2.1.0 (for GitHub code scanning).
 */
import { InvalidArgumentError, Option } from 'commander';
import { ClusterDns } from '../cluster-dns';
import { lintPaths } from '../rules';
import { CliError, RegisterCommand } from './command';
import { IGNORE_UNMODELLED_OPTION } from './manifests';

const OUTPUTS = ['text', 'json', 'sarif'];
const FAIL_ON = ['error', 'warning', 'info', 'never'];

function oneOf(option: string, allowed: string[]): (value: string) => string {
  return value => {
    if (!allowed.includes(value)) throw new InvalidArgumentError(`Use one of ${allowed.join(', ')}, e.g. ${option} ${allowed[0]}.`);
    return value;
  };
}

const HELP_AFTER = `
Exit codes:
  0  no unsuppressed finding at or above --fail-on
  1  unsuppressed findings at or above --fail-on (the report is still printed)
  2  bad input: a missing path, malformed YAML or an invalid NetworkPolicy, or a policy kind the checker does not
     model (Cilium, Calico, Antrea, ...) without --ignore-unmodelled (nothing on standard output)

Suppress a finding with a reason of at least 10 characters, on the NetworkPolicy or its Namespace:
  metadata:
    annotations:
      cdk8s-netpol.io/suppress: '[{"id":"NP007","reason":"public API, reviewed by security"}]'

Where DNS runs (NP004, NP005, NP006): kube-system, pods k8s-app=kube-dns, port 53 unless told otherwise.
  --dns openshift is openshift-dns, dns.operator.openshift.io/daemonset-dns=default, port 5353; --dns-namespace,
  --dns-pod-labels and --dns-port change the preset's parts.

Examples:
  $ cdk8s-netpol lint dist/
  $ cdk8s-netpol lint manifests/ --output sarif > netpol.sarif
  $ cdk8s-netpol lint dist/ --fail-on warning
  $ cdk8s-netpol lint dist/ --dns openshift
  $ cdk8s-netpol lint dist/ --dns-namespace coredns --dns-pod-labels app=coredns`;

/** The DNS options of `lint`. */
interface DnsOptions {
  readonly dns: string;
  readonly dnsNamespace?: string;
  readonly dnsPodLabels?: string;
  readonly dnsPort?: string;
}

/** The DNS server the options describe: the preset, with the parts given on their own replaced. */
export function dnsFromOptions(options: DnsOptions): ClusterDns {
  const preset = ClusterDns.preset(options.dns);
  if (options.dnsNamespace === undefined && options.dnsPodLabels === undefined && options.dnsPort === undefined) return preset;
  let podLabels = preset.podLabels;
  if (options.dnsPodLabels !== undefined) {
    podLabels = {};
    for (const pair of options.dnsPodLabels.split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new CliError(`--dns-pod-labels ${JSON.stringify(options.dnsPodLabels)}: ${JSON.stringify(pair)} is not KEY=VALUE; write e.g. --dns-pod-labels k8s-app=kube-dns,tier=dns.`);
      podLabels[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
  }
  if (options.dnsPort !== undefined && !/^\d+$/.test(options.dnsPort)) {
    throw new CliError(`--dns-port ${JSON.stringify(options.dnsPort)} is not a port number; give an integer from 1 to 65535, e.g. --dns-port 5353.`);
  }
  const port = options.dnsPort === undefined ? preset.port : Number(options.dnsPort);
  try {
    return ClusterDns.of({ namespaceName: options.dnsNamespace ?? preset.namespaceName, podLabels, port });
  } catch (e) {
    const problem = (e as Error).message.replace(/^ClusterDns\.of\(\): /, '')
      .replace(/^namespaceName /, '--dns-namespace ').replace(/^podLabels( key)? /, '--dns-pod-labels$1 ').replace(/^podLabels\[/, '--dns-pod-labels [').replace(/^port /, '--dns-port ');
    throw new CliError(problem);
  }
}

/** Registers `lint`. */
export const register: RegisterCommand = (program, io, setExit) => {
  program
    .command('lint')
    .description('Check NetworkPolicies for the classic mistakes (rules in RULES.md)')
    .argument('<path...>', 'manifest files or directories (*.yaml, *.yml, *.json, recursively)')
    .addOption(new Option('-o, --output <format>', `report format: ${OUTPUTS.join(', ')}`).argParser(oneOf('--output', OUTPUTS)).default('text'))
    .addOption(new Option('--fail-on <severity>', `lowest severity that fails: ${FAIL_ON.join(', ')}`).argParser(oneOf('--fail-on', FAIL_ON)).default('error'))
    .option(...IGNORE_UNMODELLED_OPTION)
    .addOption(new Option('--dns <preset>', `where the cluster DNS runs: ${ClusterDns.presetNames.join(', ')}`).argParser(oneOf('--dns', ClusterDns.presetNames)).default('kubernetes'))
    .option('--dns-namespace <namespace>', 'the namespace of the DNS pods (default: the preset\'s)')
    .option('--dns-pod-labels <key=value,...>', 'the labels of the DNS pods (default: the preset\'s)')
    .option('--dns-port <port>', 'the port the DNS pods listen on, UDP and TCP (default: the preset\'s)')
    .addHelpText('after', HELP_AFTER)
    .action((paths: string[], options: { output: 'text' | 'json' | 'sarif'; failOn: 'error' | 'warning' | 'info' | 'never'; ignoreUnmodelled?: boolean } & DnsOptions) => {
      const dns = dnsFromOptions(options);
      const result = lintPaths(paths, { output: options.output, failOn: options.failOn, ignoreUnmodelled: options.ignoreUnmodelled, dns: dns._toServer() });
      if (result.stderr) io.err(result.stderr);
      if (result.exitCode !== 2) io.out(result.stdout);
      setExit(result.exitCode);
    });
};
