/**
 * The contract of the rule-based checker ("linter"): a rule is a pure function over the normalized policy model
 * and its analysis, with a stable id, a severity, a one-line summary, a separate "why it matters" and a fix.
 * Rules know nothing about where their findings are reported (synth validation, the cdk8s.yaml plugin, the CLI).
 */
import { SourceModel } from '../model/types';
import type { RuleContext } from './context';

/** How serious a finding is. */
export enum Severity {
  /** Almost certainly a mistake that breaks traffic or opens it wide; fails the build by default. */
  ERROR = 'error',
  /** Probably a mistake or a risk that deserves a look (or a reasoned suppression). */
  WARNING = 'warning',
  /** Worth knowing; usually harmless (dead or redundant configuration). */
  INFO = 'info',
}

/** The rank of each severity, higher is more serious (for sorting and `--fail-on`). */
export const SEVERITY_RANK: { readonly [severity in Severity]: number } = {
  [Severity.ERROR]: 3,
  [Severity.WARNING]: 2,
  [Severity.INFO]: 1,
};

/** The object a finding is about. */
export interface FindingObject {
  /** `NetworkPolicy`, `Namespace`, or a workload kind (`Deployment`, `Pod`, ...). */
  readonly kind: string;
  /** The namespace, for namespaced objects (absent for a Namespace itself). */
  readonly namespace?: string;
  /** `metadata.name`. */
  readonly name: string;
}

/** What a rule returns: the object, the one-line message and where the object was defined. */
export interface RuleFinding {
  /** The object the finding is about (suppressions are looked up on it and on its namespace). */
  readonly object: FindingObject;
  /** One line saying what was found, naming the objects (`production/api-ingress ingress[0] ...`). */
  readonly message: string;
  /** Where the object was defined: file and document index, or construct path. */
  readonly source: SourceModel;
  /** The field path inside the object, e.g. `spec.ingress[0].from`. */
  readonly field?: string;
}

/** A finding as `lint()` reports it: the rule's finding with the rule id, severity and suppression state. */
export interface Finding extends RuleFinding {
  /** The id of the rule that found it (`NP001`). */
  readonly ruleId: string;
  /** The rule's severity. */
  readonly severity: Severity;
  /** Whether a valid suppression annotation covers the finding (it is still reported). */
  readonly suppressed: boolean;
  /** The reason given by the suppression, when suppressed. */
  readonly suppressionReason?: string;
  /** Which annotation suppressed it (`NetworkPolicy production/x` or `Namespace production`), when suppressed. */
  readonly suppressedBy?: string;
}

/** One check. Implementations live one per file in `lib/rules/` and are registered in `lib/rules/index.ts`. */
export interface Rule {
  /** The stable id, `NP` and three digits; never reused for another meaning. */
  readonly id: string;
  /** A short kebab-case name (`or-trap`). */
  readonly name: string;
  /** The severity of every finding of the rule. */
  readonly severity: Severity;
  /** What the rule finds, one sentence. */
  readonly summary: string;
  /** Why it matters, and where the rule looks (what it skips). */
  readonly why: string;
  /** How to fix it: one or two sentences, shown with every finding. */
  readonly fix: string;
  /** Whether findings of the rule may be suppressed (false only for the suppression check itself). */
  readonly suppressible: boolean;
  /** The check: a pure function of the context. Findings may come in any order; `lint()` sorts them. */
  check(context: RuleContext): RuleFinding[];
}

/** `Kind namespace/name` (or `Kind name` for cluster-scoped objects). */
export function objectLabel(object: FindingObject): string {
  return `${object.kind} ${object.namespace !== undefined ? `${object.namespace}/` : ''}${object.name}`;
}
