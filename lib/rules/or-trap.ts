import { selectorKey } from '../analysis';
import { policyNamespace } from './context';
import { Rule, RuleFinding, Severity } from './rule';
import { forEachModelRule } from './util';

/** NP001: a from/to list with a namespaceSelector-only item next to a podSelector-only item. */
export const OR_TRAP: Rule = {
  id: 'NP001',
  name: 'or-trap',
  severity: Severity.ERROR,
  summary: 'A from/to list holds a namespaceSelector-only item next to a podSelector-only item: Kubernetes ORs them, where one AND item was almost always meant.',
  why: 'Items of a from/to list are alternatives. `- namespaceSelector: {...}` followed by `- podSelector: {...}` allows '
    + 'every pod of the matching namespaces OR the matching pods of the policy\'s own namespace, which is far wider than '
    + '"these pods in those namespaces".',
  fix: 'Put both selectors in one item (remove the dash before podSelector); with cdk8s-netpol use '
    + 'Peer.podsInNamespaces(namespaces, pods). If the OR is really meant, suppress with the reason.',
  suppressible: true,
  check(context) {
    const out: RuleFinding[] = [];
    for (const policy of context.cluster.policies) {
      const namespace = policyNamespace(policy);
      forEachModelRule(policy, (rule, word, list, i) => {
        const peers = rule.peers ?? [];
        // The first namespaceSelector-only item and the first podSelector-only item.
        let nsIndex = -1;
        let podIndex = -1;
        for (let j = 0; j < peers.length; j++) {
          const p = peers[j];
          if (p.ipBlock) continue;
          if (nsIndex < 0 && p.namespaceSelector && !p.podSelector) nsIndex = j;
          else if (podIndex < 0 && p.podSelector && !p.namespaceSelector) podIndex = j;
        }
        if (nsIndex < 0 || podIndex < 0) return;
        const ns = { p: peers[nsIndex], j: nsIndex };
        const pod = { p: peers[podIndex], j: podIndex };
        out.push({
          object: { kind: 'NetworkPolicy', namespace, name: policy.name },
          message: `${namespace}/${policy.name} ${word}[${i}].${list} lists namespaceSelector ${selectorKey(ns.p.namespaceSelector!)} `
            + `(item ${ns.j}) and podSelector ${selectorKey(pod.p.podSelector!)} (item ${pod.j}) as separate items, which Kubernetes ORs: `
            + `every pod of those namespaces, or those pods of ${namespace}; one item with both selectors means AND`,
          source: policy.source ?? {},
          field: `spec.${word}[${i}].${list}`,
        });
      });
    }
    return out;
  },
};
