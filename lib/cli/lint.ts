/**
 * `cdk8s-netpol lint PATH...`: runs the checker's rules (RULES.md) on any manifests and reports the findings as text,
 * JSON or SARIF 2.1.0 (for GitHub code scanning).
 */
import { InvalidArgumentError, Option } from 'commander';
import { lintPaths } from '../rules';
import { RegisterCommand } from './command';
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
     model (Cilium, Calico, AdminNetworkPolicy, ...) without --ignore-unmodelled (nothing on standard output)

Suppress a finding with a reason of at least 10 characters, on the NetworkPolicy or its Namespace:
  metadata:
    annotations:
      cdk8s-netpol.io/suppress: '[{"id":"NP007","reason":"public API, reviewed by security"}]'

Examples:
  $ cdk8s-netpol lint dist/
  $ cdk8s-netpol lint manifests/ --output sarif > netpol.sarif
  $ cdk8s-netpol lint dist/ --fail-on warning`;

/** Registers `lint`. */
export const register: RegisterCommand = (program, io, setExit) => {
  program
    .command('lint')
    .description('Check NetworkPolicies for the classic mistakes (rules in RULES.md)')
    .argument('<path...>', 'manifest files or directories (*.yaml, *.yml, *.json, recursively)')
    .addOption(new Option('-o, --output <format>', `report format: ${OUTPUTS.join(', ')}`).argParser(oneOf('--output', OUTPUTS)).default('text'))
    .addOption(new Option('--fail-on <severity>', `lowest severity that fails: ${FAIL_ON.join(', ')}`).argParser(oneOf('--fail-on', FAIL_ON)).default('error'))
    .option(...IGNORE_UNMODELLED_OPTION)
    .addHelpText('after', HELP_AFTER)
    .action((paths: string[], options: { output: 'text' | 'json' | 'sarif'; failOn: 'error' | 'warning' | 'info' | 'never'; ignoreUnmodelled?: boolean }) => {
      const result = lintPaths(paths, { output: options.output, failOn: options.failOn, ignoreUnmodelled: options.ignoreUnmodelled });
      if (result.stderr) io.err(result.stderr);
      if (result.exitCode !== 2) io.out(result.stdout);
      setExit(result.exitCode);
    });
};
