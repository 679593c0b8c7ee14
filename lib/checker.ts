/**
 * The checker at synth: the rules of RULES.md run over the whole app once per synthesis, on by default wherever this
 * library's constructs are used. Unsuppressed findings at or above the configured severity (errors by default) fail
 * `app.synth()` / `Testing.synth()`, each message naming the rule id and the construct path; every finding is in
 * `Checker.report(app)`.
 */
import { IConstruct } from 'constructs';
import { clusterOf } from './cluster-of';
import { failingFindings, Finding, formatText, lint, LintResult, RULES, SEVERITY_RANK, Severity } from './rules';

/** The lowest severity that fails synthesis. */
export enum CheckLevel {
  /** Findings of severity error fail synthesis (the default). */
  ERROR = 'error',
  /** Warnings and errors fail synthesis. */
  WARNING = 'warning',
  /** The checker does not run at synth (the CLI and the cdk8s.yaml plugin still can). */
  OFF = 'off',
}

/** How the checker runs at synth. */
export interface CheckerOptions {
  /**
   * The lowest severity that fails synthesis.
   * @default - the environment variable CDK8S_NETPOL_CHECK (error, warning or off), else CheckLevel.ERROR
   */
  readonly failOn?: CheckLevel;
  /**
   * Rule ids not to run (e.g. `['NP014']`).
   * @default - every rule
   */
  readonly skipRules?: string[];
}

interface CheckerState {
  options: CheckerOptions;
  /** Whether the validation is attached to the root. */
  registered?: boolean;
  /** The result of the current synthesis (and the level it ran for); cleared when the synthesis is over. */
  result?: LintResult;
  /** The level `result` was computed for: only rules at or above it ran. */
  resultLevel?: CheckLevel;
}

const states = new WeakMap<IConstruct, CheckerState>();

/** Configures and reads the checker that runs at synth. */
export class Checker {
  /** Sets how the checker runs for the whole app (or construct tree) that `scope` belongs to. */
  public static configure(scope: IConstruct, options: CheckerOptions): void {
    const state = Checker.state(scope.node.root);
    state.options = options;
    state.result = undefined;
  }

  /** The checker's text report of the app `scope` belongs to: every finding, suppressed ones included. */
  public static report(scope: IConstruct): string {
    const root = scope.node.root;
    return formatText(lint(clusterOf(root).cluster, { skip: Checker.state(root).options.skipRules }));
  }

  /**
   * Makes the checker run when the tree of `construct` is synthesized (once per tree; called by this library's
   * constructs).
   * @internal
   */
  public static _register(construct: IConstruct): void {
    const root = construct.node.root;
    const state = Checker.state(root);
    state.result = undefined;
    if (state.registered) return;
    state.registered = true;
    root.node.addValidation({ validate: () => Checker.validate(root) });
  }

  /**
   * Marks the app's result stale (a policy changed).
   * @internal
   */
  public static _touch(construct: IConstruct): void {
    const state = states.get(construct.node.root);
    if (state) state.result = undefined;
  }

  private static state(root: IConstruct): CheckerState {
    let state = states.get(root);
    if (!state) {
      state = { options: {} };
      states.set(root, state);
    }
    return state;
  }

  private static level(root: IConstruct): CheckLevel {
    const configured = states.get(root)?.options.failOn;
    if (configured) return configured;
    const env = process.env.CDK8S_NETPOL_CHECK;
    return env === CheckLevel.WARNING || env === CheckLevel.OFF || env === CheckLevel.ERROR ? env : CheckLevel.ERROR;
  }

  private static validate(root: IConstruct): string[] {
    const level = Checker.level(root);
    if (level === CheckLevel.OFF) return [];
    return failingFindings(Checker.lint(root, level), level).map(describe);
  }

  /**
   * Lints the tree once per synchronous synthesis (cdk8s validates the whole app once per chart), running only the
   * rules whose severity can fail at `level`: the others cannot change the verdict, and `report()` runs them all.
   */
  private static lint(root: IConstruct, level: CheckLevel): LintResult {
    const state = Checker.state(root);
    if (state.result && state.resultLevel === level) return state.result;
    const rank = SEVERITY_RANK[level as unknown as Severity];
    const only = RULES.filter(r => SEVERITY_RANK[r.severity] >= rank).map(r => r.id);
    const result = lint(clusterOf(root).cluster, { only, skip: state.options.skipRules });
    state.result = result;
    state.resultLevel = level;
    const owner = state;
    queueMicrotask(() => { if (owner.result === result) owner.result = undefined; });
    return result;
  }

  private constructor() {}
}

function describe(finding: Finding): string {
  const where = finding.source.constructPath ?? finding.source.file ?? `${finding.object.kind} ${finding.object.name}`;
  return `[${finding.ruleId}] ${finding.message} (at ${where}). Fix it, or accept it with a reason: suppress('${finding.ruleId}', '<why>') on the policy or its IsolatedNamespace.`;
}
