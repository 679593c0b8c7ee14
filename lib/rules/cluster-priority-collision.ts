import { clusterPolicyLabel } from '../analysis/tiers';
import { ClusterPolicyModel } from '../model/cluster-policy';
import { Rule, RuleFinding, Severity } from './rule';

/** NP020: two cluster-scoped policies of the same tier with the same priority. */
export const CLUSTER_PRIORITY_COLLISION: Rule = {
  id: 'NP020',
  name: 'cluster-priority-collision',
  severity: Severity.WARNING,
  summary: 'Two cluster-scoped policies (AdminNetworkPolicy, ClusterNetworkPolicy) of the same tier have the same priority.',
  why: 'Within a tier, lower priorities are evaluated first and the first matching rule decides; for equal priorities '
    + 'the API leaves the order undefined, so when their subjects and peers overlap, which policy wins can differ '
    + 'between implementations and even between restarts. The rule flags every same-tier, same-priority pair, '
    + 'whether or not their subjects overlap (the analysis orders them by kind and name). A BaselineAdminNetworkPolicy, '
    + 'which has no priority, is never flagged.',
  fix: 'Give the policies distinct priorities, in the order you want them evaluated.',
  suppressible: true,
  check(context) {
    const out: RuleFinding[] = [];
    const groups = new Map<string, ClusterPolicyModel[]>();
    for (const policy of context.cluster.clusterPolicies ?? []) {
      if (policy.priority === undefined) continue;
      const key = `${policy.tier}\u0000${policy.priority}`;
      const list = groups.get(key) ?? [];
      list.push(policy);
      groups.set(key, list);
    }
    for (const list of groups.values()) {
      if (list.length < 2) continue;
      const sorted = [...list].sort((a, b) => compare(a.kind, b.kind) || compare(a.name, b.name));
      for (let i = 1; i < sorted.length; i++) {
        const policy = sorted[i];
        const others = sorted.slice(0, i).map(clusterPolicyLabel).join(', ');
        out.push({
          object: { kind: policy.kind, name: policy.name },
          message: `${clusterPolicyLabel(policy)} and ${others} are both in the ${policy.tier} tier with priority ${policy.priority}: `
            + 'the API leaves their order undefined',
          source: policy.source ?? {},
          field: 'spec.priority',
        });
      }
    }
    return out;
  },
};

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
