import { selectorKey } from '../analysis';
import { Rule, RuleFinding, Severity } from './rule';
import { policyFinding } from './util';

/** NP010: a policy whose pod selector matches no workload of its namespace. */
export const POLICY_SELECTS_NOTHING: Rule = {
  id: 'NP010',
  name: 'policy-selects-nothing',
  severity: Severity.WARNING,
  summary: 'A policy\'s podSelector matches no workload of its namespace (checked only for namespaces whose workloads are in the input).',
  why: 'A policy that selects no pod protects nothing: usually a label typo (`app: API` vs `app: api`), a renamed '
    + 'workload or a policy in the wrong namespace, and the pods it was meant for stay open.',
  fix: 'Correct the selector or the namespace to match the pod template labels, or delete the stale policy.',
  suppressible: true,
  check(context) {
    const out: RuleFinding[] = [];
    const engine = context.analysis.engine;
    for (const policy of context.policies) {
      if (!context.hasWorkloads(policy.namespace)) continue;
      const classes = context.classesIn(policy.namespace);
      if (classes.some(c => engine.policySelects(policy, c))) continue;
      out.push(policyFinding(policy,
        `${policy.id} has podSelector ${selectorKey(policy.model.podSelector)}, which matches none of the ${classes.reduce((n, c) => n + c.workloads.length, 0)} workloads of ${policy.namespace}`,
        'spec.podSelector'));
    }
    return out;
  },
};
