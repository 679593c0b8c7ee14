import { matchesSelector, selectorKey } from '../analysis';
import { clusterPolicyLabel } from '../analysis/tiers';
import { Rule, RuleFinding, Severity } from './rule';

/** NP021: a cluster-scoped policy whose subject selects no namespace or pod of the input. */
export const CLUSTER_SUBJECT_SELECTS_NOTHING: Rule = {
  id: 'NP021',
  name: 'cluster-subject-selects-nothing',
  severity: Severity.WARNING,
  summary: 'A cluster-scoped policy\'s subject matches no workload of the namespaces it matches (checked only when the input '
    + 'declares Namespaces, the subject matches at least one, and every namespace it matches has its workloads in the input).',
  why: 'A cluster policy whose subject selects nothing guards nothing: usually a namespace label that no Namespace carries '
    + '(a typo, or a label the platform never sets), or a pod selector that no pod template matches, and the guardrail '
    + 'silently does not apply. The rule only looks when the input declares Namespaces (a policy-only input says nothing '
    + 'about their labels) and the subject matches at least one of them (the Namespaces it is meant for may be declared '
    + 'elsewhere, so a selector that matches none is not reported), and only when every namespace the subject matches '
    + 'has its workloads in the input; pods with `hostNetwork: true` are never subjects, as the API says.',
  fix: 'Correct the subject\'s selectors to match the Namespaces\' labels and the pod template labels, label the '
    + 'Namespaces the policy is meant for, or delete the stale policy.',
  suppressible: true,
  check(context) {
    const out: RuleFinding[] = [];
    const models = context.cluster.clusterPolicies ?? [];
    if (models.length === 0 || context.cluster.namespaces.length === 0) return out;
    const engine = context.analysis.engine;
    const tiers = engine.tiers;
    if (!tiers) return out;
    const compiled = [...tiers.compiled.admin, ...tiers.compiled.baseline];
    for (const policy of compiled) {
      const model = policy.model;
      const subject = model.subject ?? {};
      const namespaceSelector = subject.namespaces ?? subject.pods?.namespaceSelector;
      if (!namespaceSelector) continue;
      const field = subject.namespaces ? 'spec.subject.namespaces' : 'spec.subject.pods';
      const finding = (message: string, at: string): RuleFinding =>
        ({ object: { kind: model.kind, name: model.name }, message, source: model.source ?? {}, field: at });
      const matched = [...engine.namespaces.values()].filter(ns => matchesSelector(namespaceSelector, ns.labels)).map(ns => ns.name);
      // No namespace matched: the Namespaces it is meant for may be declared elsewhere (another chart or file).
      if (matched.length === 0) continue;
      if (!matched.every(ns => context.hasWorkloads(ns))) continue;
      if (matched.some(ns => context.classesIn(ns).some(c => tiers.subjectSelects(policy, c)))) continue;
      const what = subject.pods ? `pod selector ${selectorKey(subject.pods.podSelector)}` : 'namespace selector';
      out.push(finding(`${clusterPolicyLabel(model)} has subject ${what}, which matches none of the workloads of ${matched.join(', ')}`
        + ' (pods with hostNetwork are never subjects)',
      subject.pods ? `${field}.podSelector` : field));
    }
    return out;
  },
};
