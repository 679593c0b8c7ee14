import { matchesSelector, selectorKey } from '../analysis';
import { SelectorModel } from '../model/types';
import { Rule, RuleFinding, Severity } from './rule';
import { peerText, peersField, policyFinding, rulesOf, ruleText } from './util';

/** NP011: a pod/namespace selector peer that matches no workload. */
export const PEER_MATCHES_NOTHING: Rule = {
  id: 'NP011',
  name: 'peer-matches-nothing',
  severity: Severity.WARNING,
  summary: 'A from/to item selects no workload (checked only when every namespace it could match has its workloads in the input).',
  why: 'A peer that matches nothing allows nothing: the connection it was written for is denied, usually because of a '
    + 'label typo, a label that lives on the Deployment instead of its pod template, or a peer in the wrong namespace '
    + '(a podSelector alone only looks in the policy\'s own namespace). Namespaces whose workloads are not in the input '
    + 'are not judged.',
  fix: 'Match the pod template labels, add a namespaceSelector for pods in other namespaces, or remove the stale peer.',
  suppressible: true,
  check(context) {
    const out: RuleFinding[] = [];
    const engine = context.analysis.engine;
    if (context.cluster.workloads.length === 0) return out;
    // The namespaces each distinct namespaceSelector matches, and whether all of them have workloads in the input
    // (policies repeat a few selectors many times).
    const byNamespaceSelector = new Map<string, { names: string[]; judged: boolean }>();
    const namespacesMatching = (selector: SelectorModel): { names: string[]; judged: boolean } => {
      const key = selectorKey(selector);
      let known = byNamespaceSelector.get(key);
      if (!known) {
        const names: string[] = [];
        for (const ns of engine.namespaces.values()) if (matchesSelector(selector, ns.labels)) names.push(ns.name);
        known = { names, judged: names.length > 0 && names.every(ns => context.hasWorkloads(ns)) };
        byNamespaceSelector.set(key, known);
      }
      return known;
    };
    for (const policy of context.policies) {
      for (const rule of rulesOf(policy)) {
        for (const peer of rule.selectorPeers) {
          // Most peers match something: the engine knows, from its cached peer sets.
          if (!engine.peerClasses(policy, peer).isEmpty()) continue;
          let namespaces: string[];
          if (peer.namespaceSelector) {
            const known = namespacesMatching(peer.namespaceSelector);
            if (!known.judged) continue;
            namespaces = known.names;
          } else {
            if (!context.hasWorkloads(policy.namespace)) continue;
            namespaces = [policy.namespace];
          }
          const model = rule.model.peers![peer.index];
          out.push(policyFinding(policy,
            `${ruleText(rule)} peer ${peer.index} (${peerText(model)}) matches no workload in ${namespaces.join(', ')}`,
            `${peersField(rule)}[${peer.index}]`));
        }
      }
    }
    return out;
  },
};
