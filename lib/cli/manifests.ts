/**
 * Loading manifests for a command: reads the paths, prints the diagnostics to standard error and decides, from
 * `--fail-on`, whether the command may go on. Shared by `analyze` and `explain` (and any command that reads YAML).
 */
import { InvalidArgumentError } from 'commander';
import { ClusterModel } from '../model/types';
import { Diagnostic, DiagnosticCode, DiagnosticSeverity, formatDiagnostic, loadPaths, someOf } from '../model/load';
import { CliError } from './command';
import type { CliIo } from './io';

/** Which diagnostics make a command fail. */
export enum FailOn {
  /** Fail with exit 2 on any error diagnostic; nothing is printed to standard output. The default. */
  ERROR = 'error',
  /** As `error`, and fail with exit 1 on any warning diagnostic, after printing the result. */
  WARNING = 'warning',
  /**
   * Diagnostics never fail the command: invalid policies and malformed documents are left out and the rest is
   * analysed. A path that does not exist still fails with exit 2, since nothing was read from it.
   */
  NEVER = 'never',
}

const FAIL_ON_VALUES = Object.values(FailOn) as string[];

/** Parses `--fail-on`; a commander `argParser`. */
export function parseFailOn(value: string): FailOn {
  if (!FAIL_ON_VALUES.includes(value)) {
    throw new InvalidArgumentError(`Use one of ${FAIL_ON_VALUES.join(', ')}, e.g. --fail-on warning.`);
  }
  return value as FailOn;
}

/** Manifests loaded by a command, with the counts of their diagnostics by severity. */
export interface LoadedManifests {
  /** The cluster model (invalid policies and unreadable documents left out). */
  readonly cluster: ClusterModel;
  /** Every diagnostic, in the loader's order. */
  readonly diagnostics: Diagnostic[];
  /** The number of error diagnostics. */
  readonly errors: number;
  /** The number of warning diagnostics. */
  readonly warnings: number;
}

/** How `loadManifests` reports and judges diagnostics. */
export interface LoadManifestsOptions {
  /** Which diagnostics stop the command. */
  readonly failOn: FailOn;
  /** Print info diagnostics too (ignored kinds, assumed namespaces, YAML 1.1 readings); otherwise only their count. */
  readonly verbose?: boolean;
  /** What the command would have done, for the failure message (`nothing analysed`). */
  readonly nothingDone: string;
  /** Whether the command has `--fail-on`, so the failure message may suggest `--fail-on never`. */
  readonly hasFailOn?: boolean;
  /**
   * Answer without the policies the analysis does not model (`--ignore-unmodelled`), saying so on standard error;
   * otherwise their presence stops the command with exit 2.
   */
  readonly ignoreUnmodelled?: boolean;
}

/** The option that lets a command answer although the input holds policy kinds the analysis does not model. */
export const IGNORE_UNMODELLED_OPTION = ['--ignore-unmodelled', 'answer although the input holds policy kinds the analysis does not model (Cilium, Calico, Antrea, ...): they are left out of the answer, which says so'] as const;

/** What the info diagnostics are about, by code, for the one-line count. */
const INFO_KINDS: { [code: string]: string } = {
  [DiagnosticCode.IGNORED_KIND]: 'ignored kinds',
  [DiagnosticCode.UNDECLARED_NAMESPACE]: 'assumed namespaces',
  [DiagnosticCode.YAML_1_1]: 'values kubectl reads by YAML 1.1 rules',
  [DiagnosticCode.LENIENT_YAML]: 'YAML only kubectl\'s parser accepts',
  [DiagnosticCode.SYMLINKED_DIRECTORY]: 'symlink loops not followed',
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Loads files and directories, prints their errors and warnings (and infos with `verbose`, or a one-line count) to
 * standard error as `file#doc field: severity: message [code]` lines, and throws `CliError` (exit 2) when an error
 * diagnostic must stop the command under `failOn`. Warnings never throw here: the caller prints its result first.
 */
export function loadManifests(paths: string[], io: CliIo, options: LoadManifestsOptions): LoadedManifests {
  const { cluster, diagnostics } = loadPaths(paths);
  const count = (s: DiagnosticSeverity) => diagnostics.filter(d => d.severity === s).length;
  const errors = count(DiagnosticSeverity.ERROR);
  const warnings = count(DiagnosticSeverity.WARNING);
  const infos = count(DiagnosticSeverity.INFO);
  for (const d of diagnostics) {
    if (d.severity !== DiagnosticSeverity.INFO || options.verbose) io.err(`${formatDiagnostic(d)}\n`);
  }
  if (infos > 0 && !options.verbose) {
    const kinds = [...new Set(diagnostics.filter(d => d.severity === DiagnosticSeverity.INFO).map(d => INFO_KINDS[d.code] ?? d.code))];
    io.err(`note: ${plural(infos, 'info diagnostic')} (${kinds.join(', ')}) not shown; add --verbose to list them\n`);
  }
  const missing = diagnostics.filter(d => d.severity === DiagnosticSeverity.ERROR && d.code === DiagnosticCode.MISSING_FILE);
  if (missing.length > 0) {
    throw new CliError(`${plural(missing.length, 'input path')} could not be read (see above); ${options.nothingDone}. Check the PATH arguments.`);
  }
  if (errors > 0 && options.failOn !== FailOn.NEVER) {
    throw new CliError(`${plural(errors, 'error')} in the input (see above); ${options.nothingDone}. Fix the manifests${options.hasFailOn ? ', or add --fail-on never to leave the bad parts out' : ''}.`);
  }
  const unmodelled = diagnostics.filter(d => d.code === DiagnosticCode.UNMODELLED_POLICY).map(d => `${d.kind} ${d.name}`);
  if (unmodelled.length > 0) {
    const names = someOf(unmodelled);
    if (!options.ignoreUnmodelled) {
      throw new CliError(`the input holds ${unmodelled.length} polic${unmodelled.length === 1 ? 'y' : 'ies'} that the analysis does not model (${names}), which can change the answer; ${options.nothingDone}. Leave them out of the input, or add --ignore-unmodelled to answer without them.`);
    }
    io.err(`note: this answer leaves out ${unmodelled.length} polic${unmodelled.length === 1 ? 'y' : 'ies'} the analysis does not model (${names}), as --ignore-unmodelled asked; on the cluster they can allow or deny more\n`);
  }
  return { cluster, diagnostics, errors, warnings };
}
