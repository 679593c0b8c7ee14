import { LabelOperator, SelectorModel } from '../model/types';
import { NAMESPACE_NAME_LABEL } from '../analysis';
import { policyNamespace, SYSTEM_NAMESPACES } from './context';
import { Rule, RuleFinding, Severity } from './rule';
import { forEachModelRule } from './util';

/** Label keys people use for a namespace's name, none of which Kubernetes sets. */
const NAME_LIKE_KEYS = ['name', 'namespace', 'ns', 'kubernetes.io/namespace', 'kubernetes.io/name', 'metadata.name', 'app.kubernetes.io/namespace'];

/** NP012: a namespaceSelector on a label Kubernetes does not set and no namespace of the input carries. */
export const UNSET_NAMESPACE_LABEL: Rule = {
  id: 'NP012',
  name: 'unset-namespace-label',
  severity: Severity.WARNING,
  summary: 'A namespaceSelector uses a label that Kubernetes does not set and no namespace in the input carries, such as `name: kube-system` instead of `kubernetes.io/metadata.name: kube-system`.',
  why: 'Kubernetes labels every namespace with kubernetes.io/metadata.name only. A selector on `name`, `namespace` or '
    + 'another label nobody sets matches no namespace, so the traffic it was meant to allow (often DNS to kube-system) '
    + 'is denied. Flagged when the key is a name-like key (name, namespace, ...) or its value is the name of a known '
    + 'namespace.',
  fix: `Select by ${NAMESPACE_NAME_LABEL}: <namespace> (cdk8s-netpol: Peer.namespaceNamed()), or add the label to the `
    + 'Namespace manifests.',
  suppressible: true,
  check(context) {
    const out: RuleFinding[] = [];
    const declaredKeys = new Set<string>();
    for (const ns of context.cluster.namespaces) if (ns.labels) for (const key of Object.keys(ns.labels)) declaredKeys.add(key);
    let knownNames: Set<string> | undefined;
    for (const policy of context.cluster.policies) {
      const namespace = policyNamespace(policy);
      forEachModelRule(policy, (rule, word, list, i) => {
        const peers = rule.peers ?? [];
        for (let j = 0; j < peers.length; j++) {
          const selector = peers[j].namespaceSelector;
          if (!selector || !mayBeUnset(selector, declaredKeys)) continue;
          knownNames ??= new Set([...context.analysis.engine.namespaces.keys(), ...SYSTEM_NAMESPACES, 'default']);
          const known = knownNames;
          const requirements: { key: string; values: string[] }[] = [
            ...Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({ key, values: [value] })),
            ...(selector.matchExpressions ?? []).filter(e => e.op === LabelOperator.IN || e.op === LabelOperator.EXISTS)
              .map(e => ({ key: e.key, values: e.values ?? [] })),
          ];
          for (const { key, values } of requirements) {
            if (key === NAMESPACE_NAME_LABEL || declaredKeys.has(key)) continue;
            const nameLike = NAME_LIKE_KEYS.includes(key);
            const named = values.filter(v => known.has(v));
            if (!nameLike && named.length === 0) continue;
            const value = named[0] ?? values[0];
            out.push({
              object: { kind: 'NetworkPolicy', namespace, name: policy.name },
              message: `${namespace}/${policy.name} ${word}[${i}].${list}[${j}] selects namespaces by ${key}${values.length ? `=${values.join('|')}` : ''}, a label Kubernetes does not set `
                + `and no namespace in the input has, so it matches nothing${value !== undefined ? `; use ${NAMESPACE_NAME_LABEL}=${value}` : ''}`,
              source: policy.source ?? {},
              field: `spec.${word}[${i}].${list}[${j}].namespaceSelector`,
            });
          }
        }
      });
    }
    return out;
  },
};

/** Whether a selector has a requirement on a key other than the name label and the declared namespace labels. */
function mayBeUnset(selector: SelectorModel, declaredKeys: ReadonlySet<string>): boolean {
  if (selector.matchLabels) {
    for (const key of Object.keys(selector.matchLabels)) if (key !== NAMESPACE_NAME_LABEL && !declaredKeys.has(key)) return true;
  }
  return (selector.matchExpressions ?? []).some(e => (e.op === LabelOperator.IN || e.op === LabelOperator.EXISTS)
    && e.key !== NAMESPACE_NAME_LABEL && !declaredKeys.has(e.key));
}
