import { ClusterPolicyAction, ClusterPolicyKind, ClusterPolicyModel, ClusterPolicyTier, CLUSTER_POLICY_V1ALPHA1, CLUSTER_POLICY_V1ALPHA2 } from '../../lib/model/cluster-policy';
import { ClusterModel } from '../../lib/model/types';
import { lint } from '../../lib/rules';

function anp(name: string, priority: number, subject: ClusterPolicyModel['subject'] = { namespaces: {} }): ClusterPolicyModel {
  return {
    kind: ClusterPolicyKind.ADMIN_NETWORK_POLICY, apiVersion: CLUSTER_POLICY_V1ALPHA1, name, tier: ClusterPolicyTier.ADMIN, priority, subject,
    ingress: [{ action: ClusterPolicyAction.DENY, peers: [{ namespaces: { matchLabels: { env: 'dev' } } }] }],
    source: { file: 'policies.yaml', documentIndex: 0 },
  };
}

function cnp(name: string, tier: ClusterPolicyTier, priority: number, subject: ClusterPolicyModel['subject'] = { namespaces: {} }): ClusterPolicyModel {
  return {
    kind: ClusterPolicyKind.CLUSTER_NETWORK_POLICY, apiVersion: CLUSTER_POLICY_V1ALPHA2, name, tier, priority, subject,
    ingress: [{ action: ClusterPolicyAction.ACCEPT, peers: [{ namespaces: { matchLabels: { env: 'prod' } } }] }],
  };
}

function cluster(clusterPolicies: ClusterPolicyModel[], extra: Partial<ClusterModel> = {}): ClusterModel {
  return {
    namespaces: [{ name: 'prod', labels: { env: 'prod' } }, { name: 'dev', labels: { env: 'dev' } }],
    workloads: [
      { kind: 'Deployment', name: 'api', namespaceName: 'prod', podLabels: { app: 'api' } },
      { kind: 'Deployment', name: 'web', namespaceName: 'dev', podLabels: { app: 'web' } },
    ],
    policies: [],
    clusterPolicies,
    ...extra,
  };
}

function findings(model: ClusterModel, rule: string) {
  return lint(model, { only: [rule] }).findings.filter(f => f.ruleId === rule);
}

describe('NP020 cluster-priority-collision', () => {
  test('two Admin-tier policies with the same priority are flagged, naming both', () => {
    const found = findings(cluster([anp('deny-dev', 10), anp('allow-mon', 10)]), 'NP020');
    expect(found).toHaveLength(1);
    expect(found[0].object).toEqual({ kind: 'AdminNetworkPolicy', name: 'deny-dev' });
    expect(found[0].message).toContain('AdminNetworkPolicy allow-mon');
    expect(found[0].message).toContain('AdminNetworkPolicy deny-dev');
    expect(found[0].message).toContain('undefined');
    expect(found[0].source).toEqual({ file: 'policies.yaml', documentIndex: 0 });
  });

  test('an AdminNetworkPolicy and an Admin-tier ClusterNetworkPolicy with the same priority collide', () => {
    const found = findings(cluster([anp('a', 5), cnp('b', ClusterPolicyTier.ADMIN, 5)]), 'NP020');
    expect(found).toHaveLength(1);
    expect(found[0].object).toEqual({ kind: 'ClusterNetworkPolicy', name: 'b' });
  });

  test('near misses: distinct priorities, or the same priority in different tiers, are not flagged', () => {
    expect(findings(cluster([anp('a', 10), anp('b', 11)]), 'NP020')).toEqual([]);
    expect(findings(cluster([cnp('a', ClusterPolicyTier.ADMIN, 10), cnp('b', ClusterPolicyTier.BASELINE, 10)]), 'NP020')).toEqual([]);
    expect(findings(cluster([anp('a', 10)]), 'NP020')).toEqual([]);
  });
});

describe('NP021 cluster-subject-selects-nothing', () => {
  test('a pod selector that matches no workload of the matched namespaces (all with workloads) is flagged', () => {
    const found = findings(cluster([anp('guard', 10, { pods: { namespaceSelector: { matchLabels: { env: 'prod' } }, podSelector: { matchLabels: { app: 'API' } } } })]), 'NP021');
    expect(found).toHaveLength(1);
    expect(found[0].field).toBe('spec.subject.pods.podSelector');
    expect(found[0].message).toContain('prod');
  });

  test('near misses: matching subjects, inputs without Namespaces, namespaces without workloads are not flagged', () => {
    expect(findings(cluster([anp('guard', 10, { namespaces: { matchLabels: { env: 'prod' } } })]), 'NP021')).toEqual([]);
    // No declared Namespace matches: the ones it is meant for may be declared elsewhere.
    expect(findings(cluster([anp('guard', 10, { namespaces: { matchLabels: { env: 'production' } } })]), 'NP021')).toEqual([]);
    expect(findings(cluster([anp('guard', 10, { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'api' } } } })]), 'NP021')).toEqual([]);
    // No Namespace declared: their labels are unknown.
    expect(findings(cluster([anp('guard', 10, { namespaces: { matchLabels: { env: 'production' } } })], { namespaces: [] }), 'NP021')).toEqual([]);
    // The matched namespace has no workloads in the input: its pods are unknown.
    expect(findings(cluster([anp('guard', 10, { pods: { namespaceSelector: { matchLabels: { env: 'prod' } }, podSelector: { matchLabels: { app: 'API' } } } })],
      { workloads: [{ kind: 'Deployment', name: 'web', namespaceName: 'dev', podLabels: { app: 'web' } }] }), 'NP021')).toEqual([]);
  });
});
