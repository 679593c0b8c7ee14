/**
 * `cdk8s-netpol replay FLOWS PATH...`: replays the connections of a Hubble capture (`hubble observe -o json`, as
 * `from-flows` reads it) against the NetworkPolicies of manifests. Lists the observed connections the policies would
 * deny (exit 1 when there is any), explains DROPPED flows by the policy that denies them, and flags DROPPED flows the
 * policies would allow. The work is `replayHubbleFlows` (`lib/flows/replay.ts`), in its two steps; this file reads and prints.
 */
import * as path from 'path';
import { InvalidArgumentError, Option } from 'commander';
import { chunkedWrite } from '../analysis';
import { FlowFileError, parseHubbleFlowFile } from '../flows/flow-file';
import type { ParsedFlows } from '../flows/hubble';
import { REPLAY_FORMATS, ReplayFormat, replayObservedFlows, writeReplay } from '../flows/replay';
import { CliError, ExitCode, RegisterCommand } from './command';
import { FailOn, IGNORE_UNMODELLED_OPTION, loadManifests } from './manifests';

/** The options of `replay`, as commander parses them. */
export interface ReplayOptions {
  /** The output format. */
  readonly output: ReplayFormat;
  /** Print info diagnostics of the manifests too. */
  readonly verbose?: boolean;
  /** Answer without the policy kinds the analysis does not model. */
  readonly ignoreUnmodelled?: boolean;
}

/** Parses `--output` of `replay`; a commander `argParser`. */
export function parseReplayFormat(value: string): ReplayFormat {
  if (!(REPLAY_FORMATS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`Use one of ${REPLAY_FORMATS.join(', ')}, e.g. --output md.`);
  }
  return value as ReplayFormat;
}

/** Reads and parses the flow file, part by part, or throws `CliError` (exit 2) naming the file and the fix. */
function parseFlowFile(file: string): ParsedFlows {
  try {
    return parseHubbleFlowFile(file, { keepDropped: true });
  } catch (e) {
    if (!(e instanceof FlowFileError)) throw e;
    throw new CliError(`${e.message}. Give the output of "hubble observe -o json > flows.jsonl" as the first argument, then the manifests.`);
  }
}

const HELP_AFTER = `
Exit codes:
  0  no observed FORWARDED or AUDIT connection would be denied by the policies (the report is printed)
  1  at least one would be denied (the report is printed and lists them)
  2  bad input: an unreadable flow file, a capture with no usable connection start, a missing manifest path,
     malformed YAML or an invalid NetworkPolicy, or a policy kind the analysis does not model (Cilium,
     Calico, Antrea, ...) without --ignore-unmodelled; nothing is printed to standard output

What is replayed: every connection start (replies never count) with the verdict FORWARDED, AUDIT or DROPPED,
grouped by source, destination, protocol and port. Pods are matched to the manifests' workloads by namespace and
labels; pods the manifests do not have are evaluated as would-be pods with their recorded labels, and ends
outside the cluster (reserved:world, ...) by their IP. Connections from a pod's own node (reserved:host) are
always allowed, as Kubernetes allows them. DROPPED flows are explained by the policy that denies them, or
flagged when the policies would allow them (the cluster disagrees with the manifests); drops for reasons that
are not policy decisions are listed apart. Records that cannot be used are reported on standard error with
their line numbers, as from-flows reports them.

Examples:
  $ hubble observe --namespace shop -o json --last 10000 > flows.jsonl
  $ cdk8s-netpol replay flows.jsonl dist/
  $ cdk8s-netpol replay flows.jsonl dist/ --output md > replay.md
  $ hubble observe --verdict DROPPED -o json > drops.jsonl && cdk8s-netpol replay drops.jsonl dist/`;

/** Registers `replay`. */
export const register: RegisterCommand = (program, io, setExit) => {
  program
    .command('replay')
    .description('Replay observed Hubble flows against NetworkPolicies: which connections they would deny, and which policy dropped what')
    .argument('<flows>', 'the output of `hubble observe -o json` (one record per line, pretty-printed, or a JSON array)')
    .argument('<path...>', 'manifest files or directories (*.yaml, *.yml, *.json, recursively; multi-document and List kinds)')
    .addOption(new Option('-o, --output <format>', `output format: ${REPLAY_FORMATS.join(', ')} (md: for a pull request comment, cut to GitHub's 65,536-character limit)`).argParser(parseReplayFormat).default('txt'))
    .option('-v, --verbose', 'also list info diagnostics of the manifests (ignored kinds, assumed namespaces)')
    .option(...IGNORE_UNMODELLED_OPTION)
    .addHelpText('after', HELP_AFTER)
    .action((file: string, paths: string[], options: ReplayOptions) => {
      // `replayHubbleFlows` in two steps: the capture is read before the manifests are loaded (whose messages still
      // come first), part by part, so no more than one part of its text is held, and never with them.
      const parsed = parseFlowFile(file);
      const loaded = loadManifests(paths, io, { failOn: FailOn.ERROR, verbose: options.verbose, nothingDone: 'nothing replayed', ignoreUnmodelled: options.ignoreUnmodelled });
      const result = { ...replayObservedFlows(loaded.cluster, parsed.flows), diagnostics: parsed.diagnostics, stats: parsed.stats };
      for (const d of result.diagnostics) io.err(`${d.severity}: ${d.message}\n`);
      if (result.flows === 0) {
        throw new CliError(`${file}: no usable flow (no FORWARDED, AUDIT or DROPPED connection start with TCP, UDP or SCTP ports and valid values; see above); nothing replayed. Capture flows with "hubble observe -o json --last 10000 > ${path.basename(file)}" while the application serves traffic.`);
      }
      if (loaded.cluster.policies.length === 0) {
        io.err('warning: the manifests hold no NetworkPolicy, so every connection is allowed; pass the files with the policies\n');
      }
      // Written group by group, in chunks: the report of a large capture is never one string.
      const chunks = chunkedWrite(text => io.out(text));
      writeReplay(result, options.output, file, chunks.write, result.stats);
      chunks.flush();
      setExit(result.counts['would-deny'].groups > 0 ? ExitCode.FINDINGS : ExitCode.OK);
    });
};
