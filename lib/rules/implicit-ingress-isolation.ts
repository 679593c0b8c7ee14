import { selectorKey } from '../analysis';
import { PolicyModel } from '../model/types';
import { Rule, RuleFinding, Severity } from './rule';
import { podsSelectedBy, podsText, selects } from './selected-pods';
import { listText, policyFinding, workloadName } from './util';

/**
 * Whether a policy isolates for ingress only because policyTypes was left out: no policyTypes (absent or empty),
 * no ingress rules (absent or `[]`) and at least one egress rule.
 */
export function isolatesIngressImplicitly(policy: PolicyModel): boolean {
  return (!policy.policyTypes || policy.policyTypes.length === 0) && (policy.ingress ?? []).length === 0 && (policy.egress ?? []).length > 0;
}

/** NP017: an egress-only-looking policy without policyTypes, which Kubernetes also applies to ingress. */
export const IMPLICIT_INGRESS_ISOLATION: Rule = {
  id: 'NP017',
  name: 'implicit-ingress-isolation',
  severity: Severity.WARNING,
  summary: 'A policy without policyTypes has egress rules and no ingress rules: Kubernetes defaults its policyTypes to [Ingress, Egress], so it also denies its pods every ingress no other policy allows.',
  why: 'Without `policyTypes`, Kubernetes sets Ingress always, and Egress when the policy has egress rules (NetworkPolicy '
    + 'API reference, `policyTypes`: an egress-only policy must say `policyTypes: [Egress]` explicitly). A policy written '
    + 'to allow some egress (DNS for every pod, say) therefore also isolates its pods for ingress and, having no ingress '
    + 'rules, allows them none: their ingress is cut unless another policy allows it. It is flagged only when that '
    + 'isolation changes something: when some pod it selects is isolated for ingress by no other policy (a default deny '
    + 'for ingress, or any policy with Ingress among its effective policyTypes, except policies this rule flags for the '
    + 'same reason). The pods considered are the workloads of its namespace in the input (the imagined pods when the '
    + 'namespace has none) plus a would-be pod carrying only the labels its podSelector requires, which stands for pods '
    + 'added later. `ingress: []` counts as no ingress rules, as it does for Kubernetes.',
  fix: 'Set `policyTypes: [Egress]` if the policy is only about egress, or `policyTypes: [Ingress, Egress]` if the '
    + 'ingress isolation is meant (and allow the ingress the pods need).',
  suppressible: true,
  check(context) {
    const out: RuleFinding[] = [];
    for (const policy of context.policies) {
      if (!isolatesIngressImplicitly(policy.model)) continue;
      // The policies that isolate for ingress anyway; those isolating only by the same accident do not count.
      const others = context.policiesIn(policy.namespace).filter(q => q !== policy && q.affectsIngress && !isolatesIngressImplicitly(q.model));
      const pods = podsSelectedBy(context, policy);
      const open = pods.filter(pod => !others.some(q => selects(q, pod)));
      if (open.length === 0) continue;
      const names = open.flatMap(p => (p.cls ? p.cls.workloads.map(workloadName) : []));
      const alone = names.length > 0
        ? `no other policy isolates ${listText(names)} for ingress, so this policy alone cuts ${names.length === 1 ? 'its' : 'their'} ingress`
        : `no other policy would isolate a pod ${selectorKey(policy.model.podSelector)} added to ${policy.namespace} later for ingress`;
      out.push(policyFinding(policy,
        `${policy.id} has egress rules and no policyTypes, so Kubernetes defaults its policyTypes to [Ingress, Egress]: it also isolates `
        + `${podsText(policy, pods)} for ingress and, having no ingress rules, denies them all ingress no other policy allows; ${alone}`,
        'spec.policyTypes'));
    }
    return out;
  },
};
