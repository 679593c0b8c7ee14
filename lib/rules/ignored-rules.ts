import { selectorKey } from '../analysis';
import { PolicyType } from '../model/types';
import { policyNamespace } from './context';
import { Rule, RuleFinding, Severity } from './rule';
import { count } from './util';

/** NP016: ingress rules in a policy whose policyTypes omit Ingress (or egress rules, Egress): Kubernetes ignores them. */
export const IGNORED_RULES: Rule = {
  id: 'NP016',
  name: 'ignored-rules',
  severity: Severity.ERROR,
  summary: 'A policy has ingress rules but its policyTypes omit Ingress (or egress rules but they omit Egress): Kubernetes ignores those rules entirely.',
  why: 'When `policyTypes` is given, it alone decides which directions a policy applies to (NetworkPolicy API reference, '
    + '`policyTypes`): the rules of a direction it does not list are never enforced, and the policy does not isolate its '
    + 'pods in that direction. The manifest then says something the cluster does not do: if the rules were meant, the '
    + 'pods are more open than they read (nothing isolates them) or, under a default deny, the traffic the rules allow '
    + 'is still denied; if they were not, they are dead and mislead every reader. cdk8s-netpol\'s own NetworkPolicy '
    + 'construct refuses such a rule (INVALID_POLICY_TYPES), so the checker treats manifests alike: an error. An empty '
    + 'list (`ingress: []`) holds no rule and is not flagged, nor is a policy without policyTypes (Kubernetes derives '
    + 'them from the rules then; see NP017).',
  fix: 'Add the direction to policyTypes (`policyTypes: [Ingress, Egress]`) if the rules are meant to apply, or delete '
    + 'the ignored rules.',
  suppressible: true,
  check(context) {
    const out: RuleFinding[] = [];
    for (const policy of context.cluster.policies) {
      const types = policy.policyTypes;
      // Absent or empty policyTypes are defaulted by the API server from the rules: nothing is ignored then.
      if (!types || types.length === 0) continue;
      const namespace = policyNamespace(policy);
      for (const [direction, rules] of [[PolicyType.INGRESS, policy.ingress], [PolicyType.EGRESS, policy.egress]] as const) {
        if (!rules || rules.length === 0 || types.includes(direction)) continue;
        const word = direction === PolicyType.INGRESS ? 'ingress' : 'egress';
        out.push({
          object: { kind: 'NetworkPolicy', namespace, name: policy.name },
          message: `${namespace}/${policy.name} has ${count(rules.length, `${word} rule`)}, but its policyTypes [${types.join(', ')}] do not list ${direction}, `
            + `so Kubernetes ignores spec.${word} entirely: the rules allow nothing and the policy does not isolate pods `
            + `${selectorKey(policy.podSelector)} of ${namespace} for ${word}`,
          source: policy.source ?? {},
          field: `spec.${word}`,
        });
      }
    }
    return out;
  },
};
