/**
 * `lintPaths()`: the lint command on manifest files and directories, as a function (the commander CLI wires it to
 * `cdk8s-netpol lint PATH... --output text|json|sarif --fail-on error|warning|never [--ignore-unmodelled]`). Exit
 * codes: 2 for bad input (a missing path, malformed YAML, an invalid NetworkPolicy, a policy kind the checker does
 * not model without `ignoreUnmodelled`), else 1 when unsuppressed findings at or above `failOn` exist, else 0.
 * Loader diagnostics go to stderr; the report to stdout.
 */
import * as fs from 'fs';
import { Diagnostic, DiagnosticCode, DiagnosticSeverity, formatDiagnostic, loadPaths, readDocuments, someOf } from '../model/load';
import { DnsServer } from './context';
import { failingFindings, FailOn, lint, LintOptions } from './lint';
import { formatJson, formatSarif, formatText } from './report';

/** Options of `lintPaths()`. */
export interface LintPathsOptions {
  /** The report format. */
  readonly output: 'text' | 'json' | 'sarif';
  /** The lowest unsuppressed severity that makes the exit code 1 (`never`: findings never fail). */
  readonly failOn: FailOn;
  /**
   * Rule selection, as for `lint()`.
   * @default - every rule
   */
  readonly only?: readonly string[];
  /**
   * Rules not to run.
   * @default - none
   */
  readonly skip?: readonly string[];
  /**
   * Lint although the input holds policy kinds the checker does not model (Cilium's and Calico's own policies,
   * Antrea's, ...), leaving them out; the report says so. Otherwise they make the exit code 2.
   * @default false
   */
  readonly ignoreUnmodelled?: boolean;
  /**
   * Where the cluster DNS server runs, as for `lint()`.
   * @default KUBERNETES_DNS
   */
  readonly dns?: DnsServer;
}

/** What the command prints and returns. */
export interface LintPathsResult {
  /** The report. */
  readonly stdout: string;
  /** Loader diagnostics (errors and warnings; infos counted). */
  readonly stderr: string;
  /** 0 clean, 1 findings at or above failOn, 2 bad input. */
  readonly exitCode: number;
}

/** Lints manifest files and directories. Never throws for bad input: it reports it and returns exit code 2. */
export function lintPaths(paths: string[], options: LintPathsOptions): LintPathsResult {
  const stderr: string[] = [];
  if (paths.length === 0) {
    return { stdout: '', stderr: 'error: no manifest paths given; usage: cdk8s-netpol lint PATH...\n', exitCode: 2 };
  }
  const { cluster, diagnostics, documentLines } = loadPaths(paths);
  let badInput = false;
  let infos = 0;
  for (const d of diagnostics) {
    if (d.severity === DiagnosticSeverity.ERROR) badInput = true;
    if (d.severity === DiagnosticSeverity.INFO) infos++;
    else stderr.push(formatDiagnostic(d));
  }
  if (infos > 0) stderr.push(`${infos} informational loader diagnostic${infos === 1 ? '' : 's'} (skipped kinds, undeclared namespaces) not shown`);
  const unmodelled = diagnostics.filter(d => d.code === DiagnosticCode.UNMODELLED_POLICY);
  const n = unmodelled.length;
  const policies = `${n} polic${n === 1 ? 'y' : 'ies'}`;
  if (n > 0 && !options.ignoreUnmodelled) {
    stderr.push(`error: the input holds ${policies} the checker does not model (${namesOf(unmodelled)}), which can hide or change findings; nothing linted. Leave ${n === 1 ? 'it' : 'them'} out of the input, or add --ignore-unmodelled to lint without ${n === 1 ? 'it' : 'them'}.`);
    return { stdout: '', stderr: `${stderr.join('\n')}\n`, exitCode: 2 };
  }
  const note = n > 0 ? `these findings leave out ${policies} the checker does not model (${namesOf(unmodelled)}), as --ignore-unmodelled asked; on the cluster they can allow or deny more` : undefined;
  const lintOptions: LintOptions = { only: options.only, skip: options.skip, dns: options.dns };
  let result;
  try {
    result = lint(cluster, lintOptions);
  } catch (e) {
    stderr.push(`error: lint failed: ${(e as Error).message}`);
    return { stdout: '', stderr: `${stderr.join('\n')}\n`, exitCode: 2 };
  }
  let stdout: string;
  if (options.output === 'json') {
    stdout = formatJson(result);
    if (note) stdout = `${JSON.stringify({ ...JSON.parse(stdout), ignoredUnmodelled: unmodelled.map(d => ({ kind: d.kind, name: d.name, file: d.file, documentIndex: d.documentIndex })) }, null, 2)}\n`;
  } else if (options.output === 'sarif') {
    // The lines the loader recorded as it read each file; a file is never read twice.
    stdout = formatSarif(result, { documentLine: (file, index) => documentLines.get(file)?.[index] });
    if (note) {
      // SARIF's place for what the tool has to say about its run, besides results.
      const sarif = JSON.parse(stdout);
      sarif.runs[0].invocations = [{ executionSuccessful: true, toolExecutionNotifications: [{ level: 'warning', message: { text: `${note[0].toUpperCase()}${note.slice(1)}.` } }] }];
      stdout = `${JSON.stringify(sarif, null, 2)}\n`;
    }
  } else stdout = `${formatText(result)}${note ? `note: ${note}\n` : ''}`;
  if (note && options.output !== 'text') stderr.push(`note: ${note}`);
  const exitCode = badInput ? 2 : failingFindings(result, options.failOn).length > 0 ? 1 : 0;
  return { stdout, stderr: stderr.length ? `${stderr.join('\n')}\n` : '', exitCode };
}

/** The first five `Kind name` of unmodelled-policy diagnostics, and how many more. */
function namesOf(unmodelled: Diagnostic[]): string {
  return someOf(unmodelled.map(d => `${d.kind} ${d.name}`));
}

/**
 * The 1-based line where each YAML document of a file starts (its first content line), by document index as the
 * loader counts them (each object of a JSON stream too); `[]` if the file cannot be read.
 */
export function documentStartLines(file: string): number[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf-8');
  } catch {
    return [];
  }
  return [...readDocuments(text, file)].map(d => d.line);
}
