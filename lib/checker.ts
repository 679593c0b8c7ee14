/**
 * The checker at synth: the rules of RULES.md run over the whole app once per synthesis, on by default wherever this
 * library's constructs are used. Unsuppressed findings at or above `failOn` (errors by default) fail `app.synth()` /
 * `Testing.synth()`, each reported by cdk8s at the construct it is about (`[chart/api-ingress] [NP001] ...`);
 * findings at or above `reportOn` (warnings by default) that do not fail it are printed on stderr, with the rule
 * id, the construct path and the fix. `Checker.report(app)` returns every finding.
 */
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import type { ClusterDns } from './cluster-dns';
import { readTree, unmodelledPolicies } from './cluster-of';
import { Diagnostic, DiagnosticCode, DiagnosticSeverity, someOf } from './model/load';
import { ClusterModel } from './model/types';
import { failingFindings, Finding, findingBlock, fixText, formatText, lint, LintResult, objectLabel, RULES, SEVERITY_RANK, Severity } from './rules';

/** A severity threshold of the checker at synth. */
export enum CheckLevel {
  /** Findings of severity error. */
  ERROR = 'error',
  /** Findings of severity warning or error. */
  WARNING = 'warning',
  /** Every finding, info included. */
  INFO = 'info',
  /** None: as `failOn`, the checker does not run at synth (the CLI and the cdk8s.yaml plugin still can). */
  OFF = 'off',
}

/** How the checker runs at synth. */
export interface CheckerOptions {
  /**
   * The lowest severity that fails synthesis. `CheckLevel.OFF` turns the checker off at synth.
   * @default - the environment variable CDK8S_NETPOL_CHECK (error, warning, info or off), else CheckLevel.ERROR
   */
  readonly failOn?: CheckLevel;
  /**
   * The lowest severity printed on stderr at synth without failing it (findings at or above `failOn` fail it
   * instead). `CheckLevel.OFF` prints nothing.
   * @default - the environment variable CDK8S_NETPOL_REPORT (error, warning, info or off), else CheckLevel.WARNING
   */
  readonly reportOn?: CheckLevel;
  /**
   * Rule ids not to run (e.g. `['NP014']`).
   * @default - every rule
   */
  readonly skipRules?: string[];
  /**
   * Check although the app holds policy kinds the checker does not model (Cilium's and Calico's own policies,
   * Antrea's, ...): its findings leave them out, and a note on stderr says so.
   * Without it, each such object fails synthesis with an error at its construct. Also the default of
   * `analyze(app)` and the jest matchers of `cdk8s-netpol/lib/testing`.
   * @default false
   */
  readonly ignoreUnmodelled?: boolean;
  /**
   * Where the cluster DNS server runs, for the rules about DNS (NP004, NP005, NP006): `ClusterDns.OPENSHIFT` on
   * OpenShift, `ClusterDns.of({...})` elsewhere. Also used by `toPassNetpolChecks` and `failingChecks`.
   * @default ClusterDns.KUBERNETES - kube-system, k8s-app=kube-dns, port 53
   */
  readonly dns?: ClusterDns;
}

/** The result of one synthesis, and where its failing findings are reported. */
interface Outcome {
  readonly result: LintResult;
  /** The level pair the rules ran for: only rules that can fail or be printed at these levels ran. */
  readonly levels: string;
  /** Failure messages per construct path of the construct that reports them. */
  readonly failures: Map<string, string[]>;
}

interface CheckerState {
  options: CheckerOptions;
  /** Whether the validation is attached to the root. */
  registered?: boolean;
  /** The outcome of the current synthesis; cleared when the synthesis is over or a policy changes. */
  outcome?: Outcome;
}

const states = new WeakMap<IConstruct, CheckerState>();
/** Constructs that report failing findings about themselves (a validation is added to each once). */
const reporters = new WeakSet<IConstruct>();

/** Configures and reads the checker that runs at synth. */
export class Checker {
  /** Sets how the checker runs for the whole app (or construct tree) that `scope` belongs to. */
  public static configure(scope: IConstruct, options: CheckerOptions): void {
    const state = Checker.state(scope.node.root);
    state.options = options;
    state.outcome = undefined;
  }

  /** The checker's text report of the app `scope` belongs to: every finding, suppressed ones included. */
  public static report(scope: IConstruct): string {
    const root = scope.node.root;
    const options = Checker.state(root).options;
    const { cluster, diagnostics, patched } = readTree(root);
    const invalid = diagnostics.filter(d => d.severity === DiagnosticSeverity.ERROR && d.file !== undefined && patched.has(d.file))
      .map(d => `error invalid-patch ${d.kind ?? 'object'}${d.name ? ` ${d.name}` : ''}: ${d.field ? `${d.field}: ` : ''}${d.message} [${d.file}]`);
    const unmodelled = unmodelledPolicies(diagnostics);
    const left = unmodelled.length === 0 ? []
      : options.ignoreUnmodelled ? [`note: ${unmodelledNote(unmodelled)}`]
        : diagnostics.filter(d => d.code === DiagnosticCode.UNMODELLED_POLICY).map(d => `error unmodelled-policy ${d.kind} ${d.name}: ${UNMODELLED} [${d.file}]`);
    const lines = [...invalid, ...left];
    return `${lines.map(l => `${l}\n`).join('')}${formatText(lint(cluster, { skip: options.skipRules, dns: options.dns?._toServer() }))}`;
  }

  /**
   * The DNS server the app of `scope` was configured with, if any.
   * @internal
   */
  public static _dnsOf(scope: IConstruct): ClusterDns | undefined {
    return states.get(scope.node.root)?.options.dns;
  }

  /**
   * Whether the app of `scope` was configured to answer without the policy kinds the analysis does not model.
   * @internal
   */
  public static _ignoresUnmodelled(scope: IConstruct): boolean {
    return states.get(scope.node.root)?.options.ignoreUnmodelled === true;
  }

  /**
   * Makes the checker run when the tree of `construct` is synthesized (once per tree; called by this library's
   * constructs).
   * @internal
   */
  public static _register(construct: IConstruct): void {
    const root = construct.node.root;
    const state = Checker.state(root);
    state.outcome = undefined;
    if (state.registered) return;
    state.registered = true;
    root.node.addValidation({ validate: () => Checker.validateRoot(root) });
  }

  /**
   * Marks the app's result stale (a policy changed).
   * @internal
   */
  public static _touch(construct: IConstruct): void {
    const state = states.get(construct.node.root);
    if (state) state.outcome = undefined;
  }

  private static state(root: IConstruct): CheckerState {
    let state = states.get(root);
    if (!state) {
      state = { options: {} };
      states.set(root, state);
    }
    return state;
  }

  private static level(configured: CheckLevel | undefined, variable: string, fallback: CheckLevel): CheckLevel {
    if (configured) return configured;
    const env = process.env[variable];
    return (Object.values(CheckLevel) as string[]).includes(env ?? '') ? env as CheckLevel : fallback;
  }

  /**
   * The root's validation, which cdk8s runs first in every validation pass (the tree is walked root first). It lints
   * the app once per synthesis, prints what is to be printed, and leaves each failing finding with the construct it
   * is about, whose own validation returns it, so cdk8s prints it behind that construct's path.
   */
  private static validateRoot(root: IConstruct): string[] {
    const state = Checker.state(root);
    const failOn = Checker.level(state.options.failOn, 'CDK8S_NETPOL_CHECK', CheckLevel.ERROR);
    const reportOn = Checker.level(state.options.reportOn, 'CDK8S_NETPOL_REPORT', CheckLevel.WARNING);
    if (failOn === CheckLevel.OFF) {
      state.outcome = undefined;
      return [];
    }
    const levels = `${failOn}/${reportOn}`;
    if (!state.outcome || state.outcome.levels !== levels) {
      state.outcome = Checker.run(root, state, failOn, reportOn);
      const outcome = state.outcome;
      // Validation runs once per chart within one synchronous synth; the next synthesis lints afresh.
      queueMicrotask(() => { if (state.outcome === outcome) state.outcome = undefined; });
    }
    return state.outcome.failures.get(root.node.path) ?? [];
  }

  private static run(root: IConstruct, state: CheckerState, failOn: CheckLevel, reportOn: CheckLevel): Outcome {
    const lowest = reportOn === CheckLevel.OFF ? failOn : [failOn, reportOn].sort((a, b) => rank(a) - rank(b))[0];
    const only = RULES.filter(r => SEVERITY_RANK[r.severity] >= rank(lowest)).map(r => r.id);
    const { cluster, diagnostics, patched } = readTree(root);
    const failures = new Map<string, string[]>();
    const report = (reporter: IConstruct, message: string) => {
      const path = reporter.node.path;
      failures.set(path, [...(failures.get(path) ?? []), message]);
      if (reporter !== root && !reporters.has(reporter)) {
        reporters.add(reporter);
        reporter.node.addValidation({ validate: () => Checker.state(root).outcome?.failures.get(reporter.node.path) ?? [] });
      }
    };
    const firstChart = () => root.node.children.find(c => Chart.isChart(c)) ?? root;
    const unmodelled = diagnostics.filter(d => d.code === DiagnosticCode.UNMODELLED_POLICY);
    if (!state.options.ignoreUnmodelled) {
      for (const d of unmodelled) report((d.file !== undefined ? findByPath(root, d.file) : undefined) ?? firstChart(), `[${DiagnosticCode.UNMODELLED_POLICY}] ${unmodelledMessage(d)}`);
    } else if (unmodelled.length > 0 && reportOn !== CheckLevel.OFF) {
      process.stderr.write(`cdk8s-netpol: ${unmodelledNote(unmodelledPolicies(unmodelled))}\n`);
    }
    // A raw ApiObject (or included manifest) the API server would reject fails synth at its construct, as the CLI
    // fails on it: the loader left it out, so every answer would be about a cluster without it.
    for (const d of diagnostics) {
      if (d.severity !== DiagnosticSeverity.ERROR || d.code === DiagnosticCode.UNMODELLED_POLICY || d.file === undefined || patched.has(d.file)) continue;
      const what = `${d.kind ?? 'object'}${d.name ? ` ${JSON.stringify(d.name)}` : ''}`;
      report(findByPath(root, d.file) ?? firstChart(), `[invalid-manifest] ${what}: ${d.field ? `${d.field}: ` : ''}${d.message}. The API server would reject it: fix the object.`);
    }
    // A JSON patch that leaves a manifest invalid fails synth at its object (its own validation); the rules would
    // only add findings about the cluster without it.
    const invalid = diagnostics.some(d => d.severity === DiagnosticSeverity.ERROR && d.file !== undefined && patched.has(d.file));
    const result = lint(invalid ? { namespaces: [], workloads: [], policies: [] } : cluster, { only, skip: state.options.skipRules, dns: state.options.dns?._toServer() });

    const failing = failingFindings(result, failOn as string as Severity);
    const locate = locator(root, cluster);
    for (const finding of failing) report(locate(finding), failureMessage(finding));

    if (reportOn !== CheckLevel.OFF) {
      const shown = result.findings.filter(f => !f.suppressed
        && SEVERITY_RANK[f.severity] >= rank(reportOn) && SEVERITY_RANK[f.severity] < rank(failOn));
      if (shown.length > 0) process.stderr.write(reportText(shown, locate, failOn));
    }
    return { result, levels: `${failOn}/${reportOn}`, failures };
  }

  private constructor() {}
}

function rank(level: CheckLevel): number {
  return SEVERITY_RANK[level as string as Severity] ?? Number.POSITIVE_INFINITY;
}

/**
 * Finds the construct a finding is about: the construct its object was defined by, else the first construct that
 * defines something in the finding's namespace (a namespace only implied by a chart has no construct of its own),
 * else the first chart. Never the root, whose path is empty.
 */
function locator(root: IConstruct, cluster: ClusterModel): (finding: Finding) => IConstruct {
  // Built on the first finding that needs it: most syntheses have no finding to locate.
  let byNamespace: Map<string, string> | undefined;
  const namespacePaths = () => {
    const map = new Map<string, string>();
    const note = (namespace: string | undefined, path: string | undefined) => {
      if (namespace !== undefined && path !== undefined && !map.has(namespace)) map.set(namespace, path);
    };
    for (const n of cluster.namespaces) note(n.name, n.source?.constructPath);
    for (const p of cluster.policies) note(p.namespaceName ?? 'default', p.source?.constructPath);
    for (const w of cluster.workloads) note(w.namespaceName, w.source?.constructPath);
    return map;
  };
  return finding => {
    const namespace = finding.object.kind === 'Namespace' ? finding.object.name : finding.object.namespace;
    let path = finding.source.constructPath;
    if (path === undefined && namespace !== undefined) path = (byNamespace ??= namespacePaths()).get(namespace);
    return (path !== undefined ? findByPath(root, path) : undefined) ?? root.node.children.find(c => Chart.isChart(c)) ?? root;
  };
}

function findByPath(root: IConstruct, path: string): IConstruct | undefined {
  let node: IConstruct | undefined = root;
  for (const id of path.split('/')) {
    if (!node || id === '') break;
    node = node.node.tryFindChild(id);
  }
  return node;
}

/** What the checker says about an object of a policy kind it does not model. */
const UNMODELLED = 'the checker does not model this policy kind, so its answers leave it out (on the cluster it can allow or deny more). Remove it, or accept that with Checker.configure(app, { ignoreUnmodelled: true }).';

/** The checker's error about a policy kind it does not model, behind the object's construct path. */
function unmodelledMessage(d: Diagnostic): string {
  return `${d.kind} "${d.name}": ${UNMODELLED}`;
}

/** The note that the answers leave out `unmodelled` (`Kind name at path` each), as ignoreUnmodelled asked. */
function unmodelledNote(unmodelled: string[]): string {
  const n = unmodelled.length;
  return `the checker's answers leave out ${n} polic${n === 1 ? 'y' : 'ies'} it does not model (${someOf(unmodelled)}), as ignoreUnmodelled asked; on the cluster they can allow or deny more`;
}

/** A failing finding, as cdk8s prints it behind the construct's path. */
function failureMessage(finding: Finding): string {
  return `[${finding.ruleId}] ${finding.message}. ${fixText(finding)}`;
}

/** The findings printed on stderr at synth: rule id, message, construct path and fix of each. */
function reportText(findings: Finding[], locate: (finding: Finding) => IConstruct, failOn: CheckLevel): string {
  const counts = (Object.values(Severity) as Severity[])
    .map(s => [s, findings.filter(f => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s === Severity.INFO ? 'info' : `${s}${n === 1 ? '' : 's'}`}`);
  const lines = [`cdk8s-netpol: ${counts.join(', ')} from the checker (they do not fail synth at failOn: ${failOn}; `
    + 'see RULES.md in the cdk8s-netpol package):'];
  for (const f of findings) {
    const path = f.source.constructPath ?? locate(f).node.path;
    lines.push(findingBlock(f, `${path}${f.source.constructPath === undefined ? ` (${objectLabel(f.object)})` : ''}`));
  }
  lines.push('  Make these fail synth with Checker.configure(app, { failOn: CheckLevel.WARNING }); hide them with '
    + '{ reportOn: CheckLevel.OFF } or CDK8S_NETPOL_REPORT=off.');
  return `${lines.join('\n')}\n`;
}
