/**
 * `cdk8s-netpol from-flows FILE`: writes reviewable cdk8s-netpol TypeScript (and the equivalent YAML) that allows
 * exactly the traffic observed in a Hubble flow log (`hubble observe -o json`).
 */
import { fromFlows } from '../flows/cli';
import { RegisterCommand } from './command';

const HELP_AFTER = `
Exit codes:
  0  the TypeScript was printed (or the files written)
  2  bad input: a missing or unreadable file, an invalid chart name, or no usable flow
Input: the output of "hubble observe -o json" (an alias of -o jsonpb) or of the Hubble exporter, one record per
line, pretty-printed (| jq .) or as a JSON array. Records that cannot be used (truncated, not JSON, not a flow, a
value no NetworkPolicy can hold, a direction that cannot be told) are reported on standard error with their line
numbers; replies are counted and never become allows.

Examples:
  $ hubble observe --namespace production -o json > flows.jsonl
  $ cdk8s-netpol from-flows flows.jsonl > observed.ts
  $ cdk8s-netpol from-flows flows.jsonl --out-dir policies/ --chart-name production-observed`;

/** Registers `from-flows`. */
export const register: RegisterCommand = (program, io, setExit) => {
  program
    .command('from-flows')
    .description('Generate cdk8s-netpol TypeScript and YAML from observed Hubble flows (hubble observe -o json)')
    .argument('<file>', 'the output of `hubble observe -o json`')
    .option('--out-dir <dir>', 'write <dir>/<chart>.ts and <dir>/<chart>.k8s.yaml instead of printing the TypeScript')
    .option('--chart-name <name>', 'the chart name (a DNS label)', 'observed-traffic')
    .option('--exclude-namespace <name...>', 'namespaces to write no policy for', ['kube-system'])
    .addHelpText('after', HELP_AFTER)
    .action((file: string, options: { outDir?: string; chartName: string; excludeNamespace: string[] }) => {
      const result = fromFlows(file, { outDir: options.outDir, chartName: options.chartName, excludedNamespaces: options.excludeNamespace });
      if (result.stderr) io.err(result.stderr);
      if (result.exitCode !== 2) io.out(result.stdout);
      setExit(result.exitCode);
    });
};
