import { DEFAULT_NAMESPACE } from '../analysis';
import { Rule, RuleFinding, Severity } from './rule';
import { parseSuppressions, SUPPRESS_ANNOTATION } from './suppression';

/** NP000: a suppression annotation that is malformed, names an unknown rule, or gives no real reason. */
export const INVALID_SUPPRESSION: Rule = {
  id: 'NP000',
  name: 'invalid-suppression',
  severity: Severity.ERROR,
  summary: `A ${SUPPRESS_ANNOTATION} annotation that is not a JSON array of {"id","reason"}, names an unknown rule, or gives a reason shorter than 10 characters.`,
  why: 'A suppression hides a finding from the build, so it must say which rule and why, in words a reviewer can judge. '
    + 'Rejected entries are not honoured (the finding they meant to suppress is reported as usual). This rule itself '
    + 'cannot be suppressed.',
  fix: `Write ${SUPPRESS_ANNOTATION}: '[{"id":"NP002","reason":"what makes this acceptable, who reviewed it"}]' with an id `
    + 'from RULES.md, or call suppress(id, reason) on the policy or its IsolatedNamespace.',
  suppressible: false,
  check(context) {
    const out: RuleFinding[] = [];
    const ids = context.knownRuleIds;
    const never = new Set([INVALID_SUPPRESSION.id]);
    for (const ns of context.cluster.namespaces) {
      const value = ns.annotations?.[SUPPRESS_ANNOTATION];
      if (value === undefined) continue;
      for (const problem of parseSuppressions(value, ids, never).problems) {
        out.push({ object: { kind: 'Namespace', name: ns.name }, message: `Namespace ${ns.name}: ${problem}; not honoured`, source: ns.source ?? {}, field: `metadata.annotations.${SUPPRESS_ANNOTATION}` });
      }
    }
    for (const p of context.cluster.clusterPolicies ?? []) {
      const value = p.annotations?.[SUPPRESS_ANNOTATION];
      if (value === undefined) continue;
      for (const problem of parseSuppressions(value, ids, never).problems) {
        out.push({ object: { kind: p.kind, name: p.name }, message: `${p.kind} ${p.name}: ${problem}; not honoured`, source: p.source ?? {}, field: `metadata.annotations.${SUPPRESS_ANNOTATION}` });
      }
    }
    for (const p of context.cluster.policies) {
      const value = p.annotations?.[SUPPRESS_ANNOTATION];
      if (value === undefined) continue;
      const namespace = p.namespaceName ?? DEFAULT_NAMESPACE;
      for (const problem of parseSuppressions(value, ids, never).problems) {
        out.push({ object: { kind: 'NetworkPolicy', namespace, name: p.name }, message: `${namespace}/${p.name}: ${problem}; not honoured`, source: p.source ?? {}, field: `metadata.annotations.${SUPPRESS_ANNOTATION}` });
      }
    }
    return out;
  },
};
