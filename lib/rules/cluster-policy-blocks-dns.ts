import {
  clusterRuleLabel, CompiledClusterRule, ConnectionSet, TierAction, WorkloadClass,
} from '../analysis';
import { ClusterPolicyTier } from '../model/cluster-policy';
import { PolicyType, Protocol } from '../model/types';
import { clusterRuleField } from './cluster-tiers';
import { classesText, dnsText } from './dns';
import { Rule, RuleFinding, Severity } from './rule';

/**
 * NP024: pods that no NetworkPolicy isolates for egress cannot reach the cluster DNS, because a cluster-scoped policy
 * denies it.
 *
 * Definition, from the API's tiers: for a pod that no NetworkPolicy isolates for egress, the Admin tier decides first
 * and, where it passes or has no matching rule, the Baseline tier decides. The rule reports a pod (of the input, or
 * imagined where a NetworkPolicy of its namespace selects it, so a policy-only input is checked too; never the DNS
 * server itself) when the whole evaluation
 * (`Engine.egressToClass`) allows neither UDP nor TCP on the DNS port to any pod of the cluster DNS server
 * (`RuleContext.dns`), and no Accept/Allow rule of either tier with a `networks` peer lets the pod reach an address on
 * the DNS port (a node-local cache, as NP004 counts ipBlock rules). The finding is on the cluster-policy rule that
 * denies it, found as the engine finds it (`ClusterTiers.decidingRule`): usually a Baseline-tier catch-all Deny with
 * no DNS Accept before it, or an Admin-tier Deny. Pods that a NetworkPolicy isolates for egress are NP004's, which
 * asks the same whole evaluation: the two rules never report the same pod.
 */
export const CLUSTER_POLICY_BLOCKS_DNS: Rule = {
  id: 'NP024',
  name: 'cluster-policy-blocks-dns',
  severity: Severity.ERROR,
  summary: 'A cluster-scoped policy (usually a Baseline-tier default deny) denies DNS to the cluster DNS server (by default port 53 in '
    + 'kube-system) for pods that no NetworkPolicy isolates for egress.',
  why: 'For pods that no NetworkPolicy isolates for egress, the cluster-scoped policies alone decide: the Admin tier first, then the '
    + 'Baseline tier. A Baseline default deny (the platform\'s replacement for a default-deny policy in every namespace) '
    + 'without a DNS Accept before it, or an Admin-tier Deny that covers DNS, cuts name resolution for every such pod, and '
    + 'every connection by Service name fails. Pods that a NetworkPolicy isolates for egress are checked by NP004 instead. '
    + 'Where DNS runs elsewhere (OpenShift: openshift-dns on port 5353), tell the checker with the `dns` option; an Accept of '
    + 'the DNS port to a `networks` peer (a node-local cache) counts as DNS.',
  fix: 'Add an Accept rule for the DNS pods (namespace kube-system, pods k8s-app: kube-dns) on UDP 53 and TCP 53 before the Deny, '
    + 'in the same policy or one of a lower priority (cdk8s-netpol: ClusterBaseline and ClusterGuardrails write it; their `dns` '
    + 'option for other DNS servers).',
  suppressible: true,
  check(context) {
    const engine = context.imagined.engine;
    const tiers = engine.tiers;
    const out: RuleFinding[] = [];
    if (!tiers) return out;
    const dns = context.dnsClasses;
    const port = context.dns.port;
    const byRule = new Map<CompiledClusterRule, WorkloadClass[]>();
    for (const cls of engine.classes) {
      if (dns.includes(cls)) continue;
      if (engine.side(PolicyType.EGRESS, cls).isolated) continue;
      // Imagined pods stand for a namespace's own pods only where its policies select them (for ingress, here); the
      // ones imagined as the peers of other namespaces' rules are not checked.
      if (cls.workloads.every(w => context.isImagined(w)) && !engine.side(PolicyType.INGRESS, cls).isolated) continue;
      const admin = tiers.rulesFor(ClusterPolicyTier.ADMIN, PolicyType.EGRESS, cls);
      const baseline = tiers.rulesFor(ClusterPolicyTier.BASELINE, PolicyType.EGRESS, cls);
      if (admin.length === 0 && baseline.length === 0) continue;
      let conns = ConnectionSet.NONE;
      for (const d of dns) conns = conns.union(engine.egressToClass(cls, d));
      if (conns.contains(Protocol.UDP, port) || conns.contains(Protocol.TCP, port)) continue;
      // An address on the DNS port that an Accept rule names and the evaluation allows: a node-local resolver.
      const resolvers = [...admin, ...baseline].filter(r => r.action === TierAction.ALLOW && r.networks.length > 0
        && (r.ports.numeric.contains(Protocol.UDP, port) || r.ports.numeric.contains(Protocol.TCP, port)));
      const viaAddress = resolvers.some(r => engine.egressRanges.some((_, i) => tiers.ruleMatches(r, { rangeIndex: i })
        && [Protocol.UDP, Protocol.TCP].some(p => engine.classAndRange(PolicyType.EGRESS, cls, i).contains(p, port))));
      if (viaAddress) continue;
      // The rules that deny it: the Admin tier's first match, else (on Pass or no match) the Baseline tier's.
      const blamed = new Set<CompiledClusterRule>();
      for (const d of dns) {
        for (const protocol of [Protocol.UDP, Protocol.TCP]) {
          let rule = tiers.decidingRule(admin, { cls: d }, d, protocol, port);
          if (!rule || rule.action === TierAction.PASS) rule = tiers.decidingRule(baseline, { cls: d }, d, protocol, port);
          if (rule && rule.action === TierAction.DENY) blamed.add(rule);
        }
      }
      for (const rule of blamed) {
        const list = byRule.get(rule) ?? [];
        list.push(cls);
        byRule.set(rule, list);
      }
    }
    for (const [rule, classes] of byRule) {
      const model = rule.policy.model;
      const tier = rule.policy.tier === ClusterPolicyTier.BASELINE
        ? 'no NetworkPolicy isolates their egress, so the Baseline tier decides, and no Admin-tier rule accepts DNS first'
        : 'in the Admin tier, which decides before any NetworkPolicy; no NetworkPolicy isolates their egress';
      out.push({
        object: { kind: model.kind, name: model.name },
        message: `${clusterRuleLabel(rule)} denies DNS ${dnsText(context)} to ${classesText(classes)} (${tier}): these pods cannot resolve names`,
        source: model.source ?? {},
        field: clusterRuleField(rule),
      });
    }
    return out;
  },
};
