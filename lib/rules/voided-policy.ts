import { CompiledPolicy } from '../analysis';
import { PolicyType } from '../model/types';
import type { RuleContext } from './context';
import { allowsAll } from './default-deny';
import { Rule, RuleFinding, Severity } from './rule';
import { affects, podsSelectedBy, podsText, selects } from './selected-pods';
import { directionWord, listText, policyFinding } from './util';

/**
 * The policies that make a policy void in a direction (see VOIDED_POLICY), given the allow-all policies of its
 * namespace for the direction: undefined when it is not void, else the allow-all policies that together select every
 * pod it selects.
 */
function voidedBy(context: RuleContext, policy: CompiledPolicy, direction: PolicyType, allowAll: readonly CompiledPolicy[]): CompiledPolicy[] | undefined {
  // A policy with an empty rule of its own is the allow-all, not a restriction (so it is never its own voider).
  if (allowAll.length === 0 || !affects(policy, direction) || allowsAll(policy, direction)) return undefined;
  const pods = podsSelectedBy(context, policy);
  if (pods.length === 0) return undefined;
  const by = new Set<CompiledPolicy>();
  for (const pod of pods) {
    const q = allowAll.find(a => selects(a, pod));
    if (!q) return undefined;
    by.add(q);
  }
  return [...by];
}

/** NP019: a policy whose isolation and rules in a direction change nothing, because allow-all policies select its pods. */
export const VOIDED_POLICY: Rule = {
  id: 'NP019',
  name: 'voided-policy',
  severity: Severity.WARNING,
  summary: 'A policy has no effect in a direction: every pod it selects is also selected by a policy that allows everything in that direction (an empty rule), so the deny or the narrower allows it states are void.',
  why: 'Policies are additive: a pod isolated in a direction accepts whatever any policy selecting it allows, so a policy '
    + 'with an empty rule (`ingress: [{}]`: every peer, every port) voids the isolation and rules of every other policy '
    + 'on the same pods in that direction. A default deny next to an allow-all for the same pods is the classic case '
    + '("I added a deny, why is traffic still allowed?"). Precisely: a policy is void for a direction when its effective '
    + 'policyTypes include the direction, it has no empty rule there itself (then it is the allow-all), and every pod '
    + 'it selects is also selected by a policy of its namespace with an empty rule in that direction. The pods considered '
    + 'are the workloads of its namespace in the input (the imagined pods when the namespace has none) plus a would-be '
    + 'pod carrying only the labels its podSelector requires, so a default deny kept for workloads added later is not '
    + 'called void because today\'s workloads all happen to be open. Only empty rules count as allowing everything '
    + '(rules that only together cover every peer and port are not recognised). The allow-all itself is NP008\'s '
    + 'concern where it undoes a default deny.',
  fix: 'If the restriction is meant, narrow or remove the allow-all policy the finding names; if the pods are meant to be '
    + 'open, delete the void policy (or drop the direction from its policyTypes) so the manifests say what the cluster does.',
  suppressible: true,
  check(context) {
    const out: RuleFinding[] = [];
    // The allow-all policies of each namespace, per direction (computed once per namespace).
    const allowAll = new Map<string, { [direction: string]: CompiledPolicy[] }>();
    const allowAllIn = (namespace: string, direction: PolicyType): CompiledPolicy[] => {
      let byDirection = allowAll.get(namespace);
      if (!byDirection) {
        const policies = context.policiesIn(namespace);
        byDirection = {
          [PolicyType.INGRESS]: policies.filter(q => allowsAll(q, PolicyType.INGRESS)),
          [PolicyType.EGRESS]: policies.filter(q => allowsAll(q, PolicyType.EGRESS)),
        };
        allowAll.set(namespace, byDirection);
      }
      return byDirection[direction];
    };
    for (const policy of context.policies) {
      const voided = [PolicyType.INGRESS, PolicyType.EGRESS].map(d => ({ direction: d, by: voidedBy(context, policy, d, allowAllIn(policy.namespace, d)) }));
      for (const { direction, by } of voided) {
        if (!by) continue;
        const dir = directionWord(direction);
        const other = voided.find(v => v.direction !== direction)!;
        const rules = direction === PolicyType.INGRESS ? policy.ingress : policy.egress;
        const what = rules.length === 0
          ? `its ${dir} isolation denies nothing`
          : `its ${dir} isolation and rules (${rules.map(r => `${dir}[${r.index}]`).join(', ')}) change nothing`;
        const still = affects(policy, other.direction) && !other.by ? ` (it still applies to ${directionWord(other.direction)})` : '';
        out.push(policyFinding(policy,
          `${policy.id} has no effect on ${dir}: ${listText(by.map(q => q.id))} also select${by.length === 1 ? 's' : ''} all its `
          + `${podsText(policy, podsSelectedBy(context, policy))} and allow${by.length === 1 ? 's' : ''} all ${dir} (an empty rule); policies are additive, so ${what}${still}`,
          rules.length === 0 ? 'spec.policyTypes' : `spec.${dir}`));
      }
    }
    return out;
  },
};
