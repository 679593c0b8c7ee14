import { WorkloadClass } from '../analysis';
import { PolicyType } from '../model/types';
import { Rule, RuleFinding, Severity } from './rule';
import { policyFinding, ruleField, rulesOf, ruleText } from './util';

/** NP013: a named port that no container of the destination pods defines. */
export const UNDEFINED_NAMED_PORT: Rule = {
  id: 'NP013',
  name: 'undefined-named-port',
  severity: Severity.WARNING,
  summary: 'A rule names a port (`port: metrics`) that no container of the destination pods declares with that protocol.',
  why: 'A named port resolves against the destination pods\' container ports (name and protocol). If none declares it, '
    + 'the port allows nothing and the connection is denied without any error. Checked only when the destination pods '
    + 'are in the input.',
  fix: 'Name the container port in the pod template (ports[].name, same protocol), correct the spelling, or use the port '
    + 'number.',
  suppressible: true,
  check(context) {
    const out: RuleFinding[] = [];
    const engine = context.analysis.engine;
    for (const policy of context.policies) {
      let selected: WorkloadClass[] | undefined;
      for (const rule of rulesOf(policy)) {
        if (rule.ports.named.length === 0) continue;
        let destinations: WorkloadClass[];
        if (rule.direction === PolicyType.INGRESS) {
          selected = selected ?? context.classesIn(policy.namespace).filter(c => engine.policySelects(policy, c));
          destinations = selected;
        } else if (rule.allPeers) {
          destinations = [...engine.classes];
        } else {
          destinations = engine.ruleClasses(rule).toArray().map(i => engine.classes[i]);
        }
        if (destinations.length === 0) continue;
        rule.ports.named.forEach(ref => {
          if (destinations.some(c => c.namedPorts.some(p => p.name === ref.name && p.protocol === ref.protocol))) return;
          const index = (rule.model.ports ?? []).findIndex(p => p.portName === ref.name && p.protocol === ref.protocol);
          const names = [...new Set(destinations.flatMap(c => c.workloads.map(w => `${w.namespaceName}/${w.name}`)))];
          out.push(policyFinding(policy,
            `${ruleText(rule)} allows named port "${ref.name}" (${ref.protocol}), but none of its destination pods (${names.slice(0, 3).join(', ')}${names.length > 3 ? ` +${names.length - 3} more` : ''}) declares a ${ref.protocol} container port with that name`,
            `${ruleField(rule)}.ports${index >= 0 ? `[${index}]` : ''}`));
        });
      }
    }
    return out;
  },
};
