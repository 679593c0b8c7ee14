/**
 * `lint()`: runs the rules over a cluster model, applies suppression annotations, and returns every finding sorted by
 * rule id, then namespace and name (suppressed findings included, marked).
 */
import { Analysis, DEFAULT_NAMESPACE } from '../analysis';
import { ClusterPolicyKind } from '../model/cluster-policy';
import { ClusterModel } from '../model/types';
import { collapseAlikeNamespaces } from './alike-namespaces';
import { DnsServer, KUBERNETES_DNS, RuleContext } from './context';
import { INVALID_SUPPRESSION } from './invalid-suppression';
import { RULES } from './registry';
import { Finding, objectLabel, Rule, RuleFinding, SEVERITY_RANK, Severity } from './rule';
import { parseSuppressions, Suppression, SUPPRESS_ANNOTATION } from './suppression';

/** The lowest severity that fails a run, or `never`. */
export type FailOn = 'error' | 'warning' | 'info' | 'never';

/** Options of `lint()`. */
export interface LintOptions {
  /**
   * The ids of the rules to run. NP000 (invalid suppressions) always runs.
   * @default - every rule
   */
  readonly only?: readonly string[];
  /**
   * Ids of rules not to run (NP000 cannot be skipped).
   * @default - none
   */
  readonly skip?: readonly string[];
  /**
   * The rule set to draw from (for tests and extensions).
   * @default RULES
   */
  readonly rules?: readonly Rule[];
  /**
   * An analysis of the same cluster, to reuse.
   * @default - built from the cluster
   */
  readonly analysis?: Analysis;
  /**
   * Where the cluster DNS server runs (NP004, NP005, NP006, NP007).
   * @default KUBERNETES_DNS - kube-system, k8s-app=kube-dns, port 53
   */
  readonly dns?: DnsServer;
}

/** Counts of a lint run. */
export interface LintSummary {
  /** Unsuppressed findings per severity. */
  readonly error: number;
  /** Unsuppressed warnings. */
  readonly warning: number;
  /** Unsuppressed infos. */
  readonly info: number;
  /** Suppressed findings (any severity). */
  readonly suppressed: number;
  /** Objects checked. */
  readonly policies: number;
  /** Namespaces known to the analysis (declared or used). */
  readonly namespaces: number;
  /** Workloads checked. */
  readonly workloads: number;
}

/** The result of a lint run. */
export interface LintResult {
  /** Every finding, suppressed ones included, sorted by rule id, namespace, name, then message. */
  readonly findings: Finding[];
  /** The rules that ran, ordered by id. */
  readonly rules: readonly Rule[];
  /** Counts. */
  readonly summary: LintSummary;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Runs the rules over a cluster model and applies suppressions. Never throws on a valid model.
 *
 * Namespaces that only their names tell apart are linted as two first (see alike-namespaces.ts): when that finds
 * nothing, the whole cluster has nothing to find; otherwise the whole cluster is linted, so every finding names its
 * own objects.
 */
export function lint(cluster: ClusterModel, options: LintOptions = {}): LintResult {
  const collapsed = options.analysis || options.rules ? undefined : collapseAlikeNamespaces(cluster, (options.dns ?? KUBERNETES_DNS).namespace);
  if (collapsed) {
    const quick = lintCluster(collapsed.cluster, options);
    if (quick.findings.length === 0) {
      const summary = { ...quick.summary, policies: cluster.policies.length, namespaces: collapsed.namespaceCount, workloads: cluster.workloads.length };
      return { ...quick, summary };
    }
  }
  return lintCluster(cluster, options);
}

/**
 * `lint()` without merging alike namespaces.
 * @internal
 */
export function lintCluster(cluster: ClusterModel, options: LintOptions = {}): LintResult {
  const all: readonly Rule[] = options.rules ?? RULES;
  const selected = all.filter(r => r.id === INVALID_SUPPRESSION.id
    || ((!options.only || options.only.includes(r.id)) && !(options.skip ?? []).includes(r.id)));
  if (!selected.some(r => r.id === INVALID_SUPPRESSION.id)) selected.unshift(INVALID_SUPPRESSION);
  const knownRuleIds = new Set([...all.map(r => r.id), INVALID_SUPPRESSION.id]);
  const unsuppressible = new Set([...all.filter(r => !r.suppressible).map(r => r.id), INVALID_SUPPRESSION.id]);
  const context = new RuleContext(cluster, { analysis: options.analysis, knownRuleIds, dns: options.dns });

  // Valid suppressions per policy (`ns/name`) and per namespace.
  const byPolicy = new Map<string, Suppression[]>();
  const byNamespace = new Map<string, Suppression[]>();
  for (const p of cluster.policies) {
    const value = p.annotations?.[SUPPRESS_ANNOTATION];
    if (value !== undefined) byPolicy.set(`${p.namespaceName ?? DEFAULT_NAMESPACE}/${p.name}`, parseSuppressions(value, knownRuleIds, unsuppressible).valid);
  }
  for (const ns of cluster.namespaces) {
    const value = ns.annotations?.[SUPPRESS_ANNOTATION];
    if (value !== undefined) byNamespace.set(ns.name, parseSuppressions(value, knownRuleIds, unsuppressible).valid);
  }
  // Cluster-scoped policies have no namespace: their suppressions are keyed `Kind/name`, as findings name them.
  for (const p of cluster.clusterPolicies ?? []) {
    const value = p.annotations?.[SUPPRESS_ANNOTATION];
    if (value !== undefined) byPolicy.set(`${p.kind}/${p.name}`, parseSuppressions(value, knownRuleIds, unsuppressible).valid);
  }

  const findings: Finding[] = [];
  for (const rule of [...selected].sort((a, b) => compare(a.id, b.id))) {
    for (const f of rule.check(context)) findings.push(applySuppression(rule, f, byPolicy, byNamespace));
  }
  findings.sort((a, b) => compare(a.ruleId, b.ruleId)
    || compare(a.object.namespace ?? a.object.name, b.object.namespace ?? b.object.name)
    || compare(a.object.name, b.object.name)
    || compare(a.object.kind, b.object.kind)
    || compare(a.field ?? '', b.field ?? '')
    || compare(a.message, b.message));
  const live = findings.filter(f => !f.suppressed);
  const rules = [...selected].sort((a, b) => compare(a.id, b.id));
  return {
    findings,
    rules,
    summary: {
      error: live.filter(f => f.severity === Severity.ERROR).length,
      warning: live.filter(f => f.severity === Severity.WARNING).length,
      info: live.filter(f => f.severity === Severity.INFO).length,
      suppressed: findings.length - live.length,
      policies: cluster.policies.length,
      namespaces: context.analysis.engine.namespaces.size,
      workloads: cluster.workloads.length,
    },
  };
}

/** The kinds of cluster-scoped policies, whose findings are suppressed on the policy itself (they have no namespace). */
const CLUSTER_POLICY_KINDS: ReadonlySet<string> = new Set(Object.values(ClusterPolicyKind));

function applySuppression(rule: Rule, f: RuleFinding, byPolicy: Map<string, Suppression[]>, byNamespace: Map<string, Suppression[]>): Finding {
  const base = { ...f, ruleId: rule.id, severity: rule.severity };
  if (!rule.suppressible) return { ...base, suppressed: false };
  const { object } = f;
  if (object.kind === 'NetworkPolicy' || CLUSTER_POLICY_KINDS.has(object.kind)) {
    const key = object.kind === 'NetworkPolicy' ? `${object.namespace}/${object.name}` : `${object.kind}/${object.name}`;
    const hit = byPolicy.get(key)?.find(s => s.id === rule.id);
    if (hit) return { ...base, suppressed: true, suppressionReason: hit.reason, suppressedBy: objectLabel(object) };
  }
  const namespace = object.kind === 'Namespace' ? object.name : object.namespace;
  if (namespace !== undefined) {
    const hit = byNamespace.get(namespace)?.find(s => s.id === rule.id);
    if (hit) return { ...base, suppressed: true, suppressionReason: hit.reason, suppressedBy: `Namespace ${namespace}` };
  }
  return { ...base, suppressed: false };
}

/** The unsuppressed findings at or above `failOn` (none for `never`). */
export function failingFindings(result: LintResult, failOn: FailOn): Finding[] {
  if (failOn === 'never') return [];
  const threshold = SEVERITY_RANK[failOn as Severity];
  return result.findings.filter(f => !f.suppressed && SEVERITY_RANK[f.severity] >= threshold);
}
