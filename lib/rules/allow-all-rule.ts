import { PolicyType } from '../model/types';
import { defaultDenyPolicies } from './default-deny';
import { Rule, RuleFinding, Severity } from './rule';
import { directionWord, listText, policyFinding, ruleField, rulesOf, ruleText } from './util';
import { selectorKey } from '../analysis';

/** NP008: an allow-all rule (`ingress: [{}]` / `egress: [{}]`) in a namespace that has default deny. */
export const ALLOW_ALL_RULE: Rule = {
  id: 'NP008',
  name: 'allow-all-rule',
  severity: Severity.WARNING,
  summary: 'An empty rule (`ingress: [{}]` or `egress: [{}]`: every peer, every port) in a namespace that has default deny for that direction.',
  why: 'An empty rule allows every source or destination on every port, including addresses outside the cluster, so it '
    + 'silently undoes the namespace\'s default deny for every pod the policy selects (for `podSelector: {}`, the whole '
    + 'namespace). It is often left over from debugging.',
  fix: 'Replace it with rules naming the peers and ports needed, or suppress with the reason if the pods are meant to be '
    + 'open.',
  suppressible: true,
  check(context) {
    const out: RuleFinding[] = [];
    for (const policy of context.policies) {
      for (const rule of rulesOf(policy)) {
        if (!rule.allPeers || !rule.ports.all) continue;
        const deny = defaultDenyPolicies(context, policy.namespace, rule.direction);
        if (deny.length === 0) continue; // NP002/NP003 report the namespace instead
        const dir = directionWord(rule.direction);
        const toFrom = rule.direction === PolicyType.INGRESS ? 'from' : 'to';
        out.push(policyFinding(policy,
          `${ruleText(rule)} is empty, allowing all ${dir} ${toFrom} everywhere on every port for pods ${selectorKey(policy.model.podSelector)} `
          + `of ${policy.namespace}, which undoes the default deny of ${listText(deny.map(p => p.id))}`,
          ruleField(rule)));
      }
    }
    return out;
  },
};
