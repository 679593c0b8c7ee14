import { PolicyType } from '../model/types';
import { Rule, RuleFinding, Severity } from './rule';
import { listText } from './util';

/** NP015: workloads with `hostNetwork: true`. */
export const HOST_NETWORK: Rule = {
  id: 'NP015',
  name: 'host-network',
  severity: Severity.WARNING,
  summary: 'A workload runs with hostNetwork: true, so NetworkPolicies do not isolate it and pod selectors do not match it as a peer on most CNIs.',
  why: 'Pods on the host network use the node\'s network namespace and address: most CNIs neither isolate them nor let '
    + 'pod and namespace selectors match them, so policies that appear to protect or admit them do nothing.',
  fix: 'Drop hostNetwork unless the pod needs it (node agents, CNI, ingress on host ports), and protect such pods with '
    + 'node firewalls or CNI host policies; allow them as peers with an ipBlock of the node addresses.',
  suppressible: true,
  check(context) {
    const out: RuleFinding[] = [];
    const engine = context.analysis.engine;
    for (const cls of engine.classes) {
      if (!cls.hostNetwork) continue;
      const by = [PolicyType.INGRESS, PolicyType.EGRESS].flatMap(d => engine.side(d, cls).policies.map(p => p.id));
      for (const w of cls.workloads) {
        out.push({
          object: { kind: w.kind, namespace: w.namespaceName, name: w.name },
          message: `${w.kind} ${w.namespaceName}/${w.name} uses hostNetwork: true, so NetworkPolicies do not apply to its pods${by.length ? ` (it is selected by ${listText([...new Set(by)])}, which will not take effect)` : ''}`,
          source: w.source ?? {},
          field: w.kind === 'Pod' ? 'spec.hostNetwork' : 'spec.template.spec.hostNetwork',
        });
      }
    }
    return out;
  },
};
