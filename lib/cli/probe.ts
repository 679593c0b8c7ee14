/**
 * `cdk8s-netpol probe PATH... --context CTX`: tests the connectivity the manifests' own policies promise against a
 * live cluster (`kubectl exec` of a short-timeout client in the source pods) and fails on any difference: the check
 * that catches "policies created, nothing enforced". See docs/probe.md.
 */
import { InvalidArgumentError, Option } from 'commander';
import { DEFAULT_MAX_PAIRS, planProbe } from '../probe/plan';
import { Exec, formatPlan, formatReport, ProbeAbort, ProbeClient, runProbe } from '../probe/run';
import { CliError, ExitCode, RegisterCommand } from './command';
import { FailOn, IGNORE_UNMODELLED_OPTION, loadManifests } from './manifests';

/** The options of `probe`, as commander parses them. */
export interface ProbeOptions {
  /** The kubeconfig context. */
  readonly context: string;
  /** The kubectl program. */
  readonly kubectl: string;
  /** The most workload pairs to test. */
  readonly maxPairs: number;
  /** Seconds the client waits for a connection. */
  readonly timeout: number;
  /** The client run in the source pods. */
  readonly client: ProbeClient;
  /** Print the plan and the kubectl commands, run nothing. */
  readonly dryRun?: boolean;
  /** Print info diagnostics and the skipped workloads. */
  readonly verbose?: boolean;
  /** Answer without the policy kinds the analysis does not model. */
  readonly ignoreUnmodelled?: boolean;
}

function wholeNumber(option: string, min: number, max: number): (value: string) => number {
  return value => {
    if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`${option} "${value}" is not a whole number from ${min} to ${max}, e.g. ${option} ${Math.max(min, Math.min(max, 2))}.`);
    }
    return Number(value);
  };
}

const CLIENTS = Object.values(ProbeClient) as string[];

function parseClient(value: string): ProbeClient {
  if (!CLIENTS.includes(value)) throw new InvalidArgumentError(`Use one of ${CLIENTS.join(', ')}, e.g. --client nc.`);
  return value as ProbeClient;
}

const HELP_AFTER = `
What is probed: for each pair of workloads (at most --max-pairs, pairs a policy decides first), one TCP port
the target declares that the policies allow and one they deny. The client runs in the source's pod
(kubectl exec) and connects to a running target pod's IP (kubectl get pods -l <pod labels>). UDP and SCTP
are not probed. Sources in kube-system, kube-public and kube-node-lease, Jobs, CronJobs and host-network
pods are left out (--verbose lists them).

Exit codes:
  0  every probed connection behaved as the policies say
  1  at least one connection differs (the table and the differences are printed)
  2  bad input (options, paths, manifests), nothing to probe, kubectl missing, no such context, an
     unreachable cluster, or connections that could not be probed (and none differs)

Examples:
  $ cdk8s-netpol probe dist/ --context kind-kind
  $ cdk8s-netpol probe dist/ --context staging --max-pairs 5 --timeout 3 --client wget
  $ cdk8s-netpol probe dist/ --context staging --dry-run`;

/**
 * Registers `probe`. `exec` replaces how kubectl is run (tests script it); by default kubectl runs as a child
 * process.
 */
export function registerProbe(exec?: Exec): RegisterCommand {
  return (program, io, setExit) => {
    program
      .command('probe')
      .description('Test the connections the policies allow and deny against a live cluster (kubectl exec), failing on any difference')
      .argument('<path...>', 'manifest files or directories (*.yaml, *.yml, *.json, recursively; multi-document and List kinds)')
      .requiredOption('--context <context>', 'the kubeconfig context of the cluster to probe (never the current one by default)')
      .option('--kubectl <path>', 'the kubectl program', 'kubectl')
      .addOption(new Option('--max-pairs <n>', 'the most workload pairs to test (each gives up to two connections)')
        .argParser(wholeNumber('--max-pairs', 1, 1000)).default(DEFAULT_MAX_PAIRS))
      .addOption(new Option('--timeout <seconds>', 'seconds the client waits for a connection')
        .argParser(wholeNumber('--timeout', 1, 60)).default(2))
      .addOption(new Option('--client <client>', `the client run in the source pods: ${CLIENTS.join(', ')}`).argParser(parseClient).default(ProbeClient.NC))
      .option('--dry-run', 'print the connections and the kubectl commands, run nothing')
      .option('-v, --verbose', 'also list info diagnostics and the workloads left out')
      .option(...IGNORE_UNMODELLED_OPTION)
      .addHelpText('after', HELP_AFTER)
      .action(async (paths: string[], options: ProbeOptions) => {
        if (options.context.trim() === '') throw new CliError('--context is empty. Pass the kubeconfig context to probe, e.g. --context kind-kind (see kubectl config get-contexts).');
        const loaded = loadManifests(paths, io, { failOn: FailOn.ERROR, verbose: options.verbose, nothingDone: 'nothing probed', ignoreUnmodelled: options.ignoreUnmodelled });
        const plan = planProbe(loaded.cluster, { maxPairs: options.maxPairs });
        if (options.verbose) {
          for (const s of plan.skipped) io.err(`note: ${s.subject}: ${s.reason}\n`);
        } else if (plan.skipped.length > 0) {
          io.err(`note: ${plan.skipped.length} workload${plan.skipped.length === 1 ? '' : 's'} left out as source or target; add --verbose to list them\n`);
        }
        if (plan.pairsDropped > 0) {
          io.err(`note: ${plan.pairsDropped} of ${plan.pairsCandidate} workload pairs not probed (--max-pairs ${options.maxPairs}); pairs a policy decides come first\n`);
        }
        if (plan.cases.length === 0) {
          throw new CliError('nothing to probe: the manifests hold no pair of workloads where the target declares a TCP container port (a long-running source outside the system namespaces is needed too; --verbose lists what was left out). Add the workload manifests to the PATH arguments.');
        }
        const runOptions = { context: options.context, kubectl: options.kubectl, client: options.client, timeoutSeconds: options.timeout };
        if (options.dryRun) {
          io.out(formatPlan(plan, runOptions));
          setExit(ExitCode.OK);
          return;
        }
        let report;
        try {
          report = await runProbe(plan, { ...runOptions, exec });
        } catch (err) {
          if (err instanceof ProbeAbort) throw new CliError(err.message, ExitCode.BAD_INPUT);
          throw err;
        }
        io.out(formatReport(report));
        if (report.differences.length > 0) {
          throw new CliError(`${report.differences.length} of ${report.observations.length} connections differ from the policies (see above).`, ExitCode.FINDINGS);
        }
        if (report.errors.length > 0) {
          throw new CliError(`${report.errors.length} of ${report.observations.length} connections could not be probed (see above); the rest behaved as the policies say.`, ExitCode.BAD_INPUT);
        }
        setExit(ExitCode.OK);
      });
  };
}

/** Registers `probe`, running kubectl as a child process. */
export const register: RegisterCommand = registerProbe();
