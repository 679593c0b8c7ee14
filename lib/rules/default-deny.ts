/**
 * NP002 and NP003: a namespace without default deny for ingress / for egress. Shared logic; the two rules are
 * registered separately so each direction can be suppressed on its own.
 *
 * A default deny is either the namespace's own (a NetworkPolicy with `podSelector: {}` for the direction and no
 * allow-all rule) or the cluster's: a Baseline-tier policy whose subject holds every pod of the namespace and whose
 * rules for the direction end in a catch-all Deny (`baselineDefaultDeny`, e.g. cdk8s-netpol's ClusterBaseline). The
 * Baseline tier decides exactly for the pods no NetworkPolicy isolates, which is what a namespace's default deny is for.
 */
import { clusterPolicyLabel, CompiledPolicy, isEmptySelector } from '../analysis';
import { PolicyType } from '../model/types';
import { baselineDefaultDeny } from './cluster-tiers';
import { RuleContext, SYSTEM_NAMESPACES } from './context';
import { Rule, RuleFinding, Severity } from './rule';
import { count, listText } from './util';

/** Whether a policy is an allow-all for the direction (an empty rule: every peer, every port). */
export function allowsAll(policy: CompiledPolicy, direction: PolicyType): boolean {
  return (direction === PolicyType.INGRESS ? policy.ingress : policy.egress).some(r => r.allPeers && r.ports.all);
}

/**
 * The policies that give a namespace default deny in a direction: `podSelector: {}`, affecting the direction, with
 * no allow-all rule for it.
 */
export function defaultDenyPolicies(context: RuleContext, namespace: string, direction: PolicyType): CompiledPolicy[] {
  return context.policiesIn(namespace).filter(p => deniesByDefault(p, direction));
}

function deniesByDefault(p: CompiledPolicy, direction: PolicyType): boolean {
  return (direction === PolicyType.INGRESS ? p.affectsIngress : p.affectsEgress) && isEmptySelector(p.model.podSelector)
    && !allowsAll(p, direction);
}

function checkDirection(context: RuleContext, direction: PolicyType): RuleFinding[] {
  const word = direction === PolicyType.INGRESS ? 'ingress' : 'egress';
  const out: RuleFinding[] = [];
  const engine = context.analysis.engine;
  for (const ns of [...engine.namespaces.keys()].sort()) {
    if (SYSTEM_NAMESPACES.includes(ns)) continue;
    if (context.policiesIn(ns).some(p => deniesByDefault(p, direction))) continue;
    // The cluster's Baseline tier denies by default for the pods no NetworkPolicy isolates: the namespace needs none.
    const baseline = baselineDefaultDeny(engine, ns, direction);
    if (baseline.rule) continue;
    const classes = context.classesIn(ns);
    const open = classes.filter(c => !engine.side(direction, c).isolated).flatMap(c => c.workloads.map(w => `${ns}/${w.name}`));
    const total = classes.reduce((n, c) => n + c.workloads.length, 0);
    const allowAll = context.policiesIn(ns).filter(p => isEmptySelector(p.model.podSelector)
      && (direction === PolicyType.INGRESS ? p.affectsIngress : p.affectsEgress) && allowsAll(p, direction));
    const detail = [
      allowAll.length ? `${listText(allowAll.map(p => p.id))} allows all ${word}` : undefined,
      total === 0 ? undefined
        : open.length === 0 ? `its ${count(total, 'workload')} ${total === 1 ? 'is' : 'are'} isolated for ${word} by other policies, but a workload added later would not be`
          : `${open.length} of ${count(total, 'workload')} ${open.length === 1 ? 'is' : 'are'} not isolated for ${word} (${listText(open)})`,
      baseline.policies.length > 0
        ? `the Baseline tier (${listText(baseline.policies.map(p => clusterPolicyLabel(p.model)))}) applies to it but does not end its ${word} rules in a catch-all Deny`
        : undefined,
    ].filter(Boolean).join('; ');
    out.push({
      object: { kind: 'Namespace', name: ns },
      message: `namespace ${ns} has no default deny for ${word} (a policy with podSelector: {} and policyTypes: [${direction}])${detail ? `: ${detail}` : ''}`,
      source: context.namespaceSource(ns),
    });
  }
  return out;
}

const whyCommon = 'Without a default deny, every pod that no policy selects — including every pod added later — is open in this '
  + 'direction, so security depends on remembering a policy for each new workload. A cluster-wide default deny counts as the '
  + 'namespace\'s: a Baseline-tier policy (BaselineAdminNetworkPolicy, ClusterNetworkPolicy with tier Baseline) whose subject '
  + 'holds every pod of the namespace and whose rules for the direction end in a Deny of every port and every pod (for egress, '
  + 'of every address: a networks peer with 0.0.0.0/0), with no such Accept or Pass before it. Namespaces kube-system, '
  + 'kube-public and kube-node-lease are skipped (the cluster\'s operators own them).';

/** NP002: a namespace without default deny for ingress. */
export const NO_DEFAULT_DENY_INGRESS: Rule = {
  id: 'NP002',
  name: 'no-default-deny-ingress',
  severity: Severity.WARNING,
  summary: 'A namespace (declared, or used by a workload or policy) has no default-deny policy for ingress, and no Baseline-tier '
    + 'cluster policy denies its pods by default.',
  why: whyCommon,
  fix: 'Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress] and no ingress rules (cdk8s-netpol: '
    + 'DefaultDeny or IsolatedNamespace), then allow what is needed; or deny by default for the whole cluster in the Baseline '
    + 'tier (cdk8s-netpol: ClusterBaseline).',
  suppressible: true,
  check: context => checkDirection(context, PolicyType.INGRESS),
};

/** NP003: a namespace without default deny for egress. */
export const NO_DEFAULT_DENY_EGRESS: Rule = {
  id: 'NP003',
  name: 'no-default-deny-egress',
  severity: Severity.WARNING,
  summary: 'A namespace (declared, or used by a workload or policy) has no default-deny policy for egress, and no Baseline-tier '
    + 'cluster policy denies its pods by default.',
  why: `${whyCommon} Open egress lets a compromised pod reach any service and exfiltrate data.`,
  fix: 'Add a NetworkPolicy with podSelector: {} and policyTypes: [Egress] and no egress rules (cdk8s-netpol: '
    + 'DefaultDeny or IsolatedNamespace), plus a DNS allow to kube-system (DnsAccess); or deny by default for the whole '
    + 'cluster in the Baseline tier, DNS excepted (cdk8s-netpol: ClusterBaseline).',
  suppressible: true,
  check: context => checkDirection(context, PolicyType.EGRESS),
};
