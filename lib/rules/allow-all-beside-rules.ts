import { selectorKey } from '../analysis';
import { PolicyType } from '../model/types';
import { Rule, RuleFinding, Severity } from './rule';
import { directionWord, policyFinding, ruleField, ruleText } from './util';

/** NP018: an empty rule (every peer, every port) next to narrower rules of the same policy and direction. */
export const ALLOW_ALL_BESIDE_RULES: Rule = {
  id: 'NP018',
  name: 'allow-all-beside-rules',
  severity: Severity.WARNING,
  summary: 'An empty rule (`ingress: [{}]` or `egress: [{}]`: every peer, every port) sits next to narrower rules of the same direction in the same policy: it allows everything and makes them dead.',
  why: 'The rules of a policy are alternatives, so one empty rule allows every source or destination, addresses outside '
    + 'the cluster included, on every port, and the narrower rules next to it allow nothing more: the policy reads as '
    + 'restricted and is wide open. That is almost always a debugging leftover or an item that lost its `from`/`to` '
    + '(a stray dash, a template that rendered an empty list). An explicit allow-all is not flagged here: a policy whose '
    + 'rules in that direction are all empty says what it does, whatever its name or podSelector (NP008 flags it where '
    + 'it undoes a default deny, NP019 names the policies it makes void). This rule is about a policy whose own narrower '
    + 'rules show that something narrower was meant, with or without a default deny, so on the same rule it may come with '
    + 'NP008. Only the first empty rule of a policy and direction is reported (NP014 reports later ones as shadowed); '
    + 'rules Kubernetes ignores because policyTypes omits their direction are NP016\'s.',
  fix: 'Delete the empty rule, or give it the `from`/`to` and ports it was meant to have. If the pods are meant to be open, '
    + 'delete the narrower rules instead, so the policy says what it does.',
  suppressible: true,
  check(context) {
    const out: RuleFinding[] = [];
    for (const policy of context.policies) {
      for (const direction of [PolicyType.INGRESS, PolicyType.EGRESS]) {
        const rules = direction === PolicyType.INGRESS ? policy.ingress : policy.egress;
        const empty = rules.find(r => r.allPeers && r.ports.all);
        if (!empty) continue;
        const narrower = rules.filter(r => !(r.allPeers && r.ports.all));
        if (narrower.length === 0) continue;
        const dir = directionWord(direction);
        const toFrom = direction === PolicyType.INGRESS ? 'from' : 'to';
        const dead = narrower.map(r => `${dir}[${r.index}]`).join(', ');
        out.push(policyFinding(policy,
          `${ruleText(empty)} is empty, allowing all ${dir} ${toFrom} everywhere on every port for pods ${selectorKey(policy.model.podSelector)} `
          + `of ${policy.namespace}, next to narrower ${dir} rules of the same policy (${dead}), which it makes dead`,
          ruleField(empty)));
      }
    }
    return out;
  },
};
