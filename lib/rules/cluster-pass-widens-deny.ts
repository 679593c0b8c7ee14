import {
  clusterRuleLabel, CompiledClusterRule, CompiledRule, ConnectionSet, TierAction,
  TierPeer, WorkloadClass,
} from '../analysis';
import { ClusterPolicyTier } from '../model/cluster-policy';
import { PolicyType } from '../model/types';
import { portsDecidedBy, rangeText, rulesDeciding } from './cluster-tiers';
import { Rule, RuleFinding, Severity } from './rule';
import { connsText, listText, peersField, policyFinding, ruleText } from './util';

/** One widened connection: what a NetworkPolicy rule allows that only the Pass keeps from a later Admin-tier Deny. */
interface Widened {
  readonly src: string;
  readonly dst: string;
  readonly ports: ConnectionSet;
}

function className(cls: WorkloadClass): string {
  const w = cls.workloads[0];
  return `${w.namespaceName}/${w.name}${cls.workloads.length > 1 ? ` (+${cls.workloads.length - 1})` : ''}`;
}

/**
 * NP023: an Admin-tier Pass hands to NetworkPolicies traffic that a later Admin-tier Deny would deny, and a
 * NetworkPolicy allows it.
 *
 * Definition, from the API (kubernetes-sigs/network-policy-api): in the Admin tier the first matching rule decides per
 * port; Pass skips the remaining Admin-tier rules and hands the decision to the NetworkPolicies (for a pod they isolate
 * in that direction), else to the Baseline tier. For a pod S that NetworkPolicies isolate in a direction, an Admin-tier
 * Pass rule p (the first match for S, the other end X and a port), and a NetworkPolicy rule R selecting S that allows X
 * on that port, the port is widened when the Admin-tier rules after p (lower precedence: later rules of p's policy,
 * then policies of higher priority numbers) would deny it were p not there: their first-match evaluation denies it.
 * Then the connection is allowed only because of p, although an Admin-tier Deny the NetworkPolicies could not have
 * overridden covers it. A Baseline-tier Deny is not held this way: the Baseline tier never decides for a pod that
 * NetworkPolicies isolate, with or without the Pass, so a NetworkPolicy always overrides it; and for pods no
 * NetworkPolicy isolates, Pass or not, the Baseline tier decides (NP002/NP003 report namespaces it leaves open). The
 * rule reports R once per Pass rule, naming the Deny rule(s) and an example connection. Pods come from the imagined
 * analysis (see context.ts).
 */
export const CLUSTER_PASS_WIDENS_DENY: Rule = {
  id: 'NP023',
  name: 'cluster-pass-widens-deny',
  severity: Severity.WARNING,
  summary: 'An Admin-tier Pass hands traffic to NetworkPolicies that a later Admin-tier Deny would deny, and a NetworkPolicy allows '
    + 'it: the namespace widens what the Admin tier holds.',
  why: 'A Pass in the Admin tier skips every Admin-tier rule after it and lets the namespace\'s NetworkPolicies decide. When a Deny '
    + 'later in the tier (a later rule of the policy, or a policy with a higher priority number) covers the same traffic, the '
    + 'Pass is the only thing keeping that Deny from holding, and any NetworkPolicy that allows the traffic opens it: a Pass '
    + 'written wider than meant (every namespace, every port) silently voids a tenant boundary or a guardrail. A Pass that is a '
    + 'deliberate carve-out of the Deny (delegate monitoring scrapes, deny the rest) is reported too, with the NetworkPolicy '
    + 'that uses it; suppress it there with the reason. A Baseline-tier Deny is not considered: NetworkPolicies override it '
    + 'whether or not a Pass comes first.',
  fix: 'Narrow the Pass rule (its peers and ports) to what namespaces may decide, or move the Deny before it (a lower priority, or '
    + 'an earlier rule of the same policy); if the delegation is meant, suppress on the NetworkPolicy or Namespace with the reason.',
  suppressible: true,
  check(context) {
    const engine = context.imagined.engine;
    const tiers = engine.tiers;
    const out: RuleFinding[] = [];
    if (!tiers) return out;
    const ranges = engine.egressRanges;
    // Per NetworkPolicy rule and Pass rule: the widened connections and the Deny rules the Pass keeps from deciding.
    const found = new Map<CompiledRule, Map<CompiledClusterRule, { widened: Widened[]; denies: Set<CompiledClusterRule> }>>();
    const record = (rule: CompiledRule, pass: CompiledClusterRule, widened: Widened, denies: CompiledClusterRule[]) => {
      let byPass = found.get(rule);
      if (!byPass) found.set(rule, byPass = new Map());
      let entry = byPass.get(pass);
      if (!entry) byPass.set(pass, entry = { widened: [], denies: new Set() });
      entry.widened.push(widened);
      for (const d of denies) entry.denies.add(d);
    };

    for (const subject of engine.classes) {
      for (const direction of [PolicyType.INGRESS, PolicyType.EGRESS]) {
        const side = engine.side(direction, subject);
        if (!side.isolated || side.rules.length === 0) continue;
        const admin = tiers.rulesFor(ClusterPolicyTier.ADMIN, direction, subject);
        const ingress = direction === PolicyType.INGRESS;
        admin.forEach((pass, i) => {
          if (pass.action !== TierAction.PASS) return;
          const later = admin.slice(i + 1);
          const denies = later.filter(r => r.action === TierAction.DENY);
          if (denies.length === 0) return;
          const consider = (other: TierPeer, destination: WorkloadClass | undefined, otherName: string, rules: readonly CompiledRule[]) => {
            const passed = portsDecidedBy(tiers, admin, i, other, destination);
            if (passed.isEmpty()) return;
            const held = passed.intersect(tiers.outcome(later, other, destination).deny);
            if (held.isEmpty()) return;
            for (const rule of rules) {
              const widened = held.intersect(engine.rulePorts(rule, destination));
              if (widened.isEmpty()) continue;
              const by = rulesDeciding(tiers, later, other, destination, TierAction.DENY, widened).map(d => d.rule);
              const own = className(subject);
              record(rule, pass, { src: ingress ? otherName : own, dst: ingress ? own : otherName, ports: widened }, by);
            }
          };
          // Pods: those the Pass and a later Deny both name.
          const passClasses = tiers.ruleClasses(pass);
          for (const index of passClasses.toArray()) {
            const other = engine.classes[index];
            if (!denies.some(d => tiers.ruleClasses(d).has(index))) continue;
            const rules = side.rules.filter(r => engine.ruleMatchesClass(r, other));
            if (rules.length > 0) consider({ cls: other }, ingress ? subject : other, className(other), rules);
          }
          // Addresses outside the cluster (egress: cluster-policy networks peers).
          if (ingress || pass.networks.length === 0) return;
          ranges.forEach((range, r) => {
            const other = { rangeIndex: r };
            if (!tiers.ruleMatches(pass, other) || !denies.some(d => tiers.ruleMatches(d, other))) return;
            const rules = side.rules.filter(rule => engine.ruleMatchesRange(rule, r));
            if (rules.length > 0) consider(other, undefined, rangeText(range), rules);
          });
        });
      }
    }

    for (const [rule, byPass] of found) {
      for (const [pass, { widened, denies }] of byPass) {
        const first = widened[0];
        const more = widened.length > 1 ? ` (and ${widened.length - 1} more connection${widened.length > 2 ? 's' : ''})` : '';
        const denyText = listText([...denies].sort((a, b) => a.policy.order - b.policy.order || a.index - b.index).map(clusterRuleLabel), 2);
        out.push(policyFinding(rule.policy,
          `${ruleText(rule)} allows ${first.src} → ${first.dst} on ${connsText(first.ports)}${more}, which the Admin tier would deny `
          + `(${denyText}) but for ${clusterRuleLabel(pass)}, which passes it to NetworkPolicies first: the namespace widens what the Admin tier holds`,
          peersField(rule)));
      }
    }
    return out;
  },
};
