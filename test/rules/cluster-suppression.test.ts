/**
 * Findings on cluster-scoped policies (NP020–NP024) are suppressed on the policy itself, as findings on a
 * NetworkPolicy are: the `cdk8s-netpol.io/suppress` annotation, written by hand or by `suppress()`.
 */
import { App, Chart } from 'cdk8s';
import { Checker, CheckLevel, ClusterNetworkPolicy, ClusterPeer, ClusterPolicyAction, ClusterPolicyTier, ClusterSubject, Port, Selector } from '../../lib';
import { ClusterPolicyKind, ClusterPolicyModel, CLUSTER_POLICY_V1ALPHA2 } from '../../lib/model/cluster-policy';
import { ClusterModel } from '../../lib/model/types';
import { lint } from '../../lib/rules';

function admin(name: string, annotations?: { [key: string]: string }): ClusterPolicyModel {
  return {
    kind: ClusterPolicyKind.CLUSTER_NETWORK_POLICY, apiVersion: CLUSTER_POLICY_V1ALPHA2, name, tier: ClusterPolicyTier.ADMIN, priority: 10,
    subject: { namespaces: {} }, ingress: [{ action: ClusterPolicyAction.DENY, peers: [{ namespaces: { matchLabels: { env: 'dev' } } }] }],
    ...(annotations ? { annotations } : {}),
  };
}

function cluster(clusterPolicies: ClusterPolicyModel[]): ClusterModel {
  return {
    namespaces: [{ name: 'prod', labels: { env: 'prod' } }],
    workloads: [{ kind: 'Deployment', name: 'api', namespaceName: 'prod', podLabels: { app: 'api' } }],
    policies: [],
    clusterPolicies,
  };
}

const REASON = 'two teams own these; the order between them does not matter';

describe('suppressing findings on cluster-scoped policies', () => {
  test('the annotation on the policy a finding names suppresses it, with the reason', () => {
    // GIVEN two Admin-tier policies of one priority (NP020 names the second in name order), one annotated
    const annotations = { 'cdk8s-netpol.io/suppress': JSON.stringify([{ id: 'NP020', reason: REASON }]) };
    const found = lint(cluster([admin('a'), admin('b', annotations)]), { only: ['NP020'] }).findings.filter(f => f.ruleId === 'NP020');
    // THEN the finding is kept, marked suppressed by that policy
    expect(found.map(f => ({ name: f.object.name, suppressed: f.suppressed, by: f.suppressedBy, reason: f.suppressionReason }))).toEqual([{ name: 'b', suppressed: true, by: 'ClusterNetworkPolicy b', reason: REASON }]);
  });

  test('an annotation on the other policy does not suppress it', () => {
    const annotations = { 'cdk8s-netpol.io/suppress': JSON.stringify([{ id: 'NP020', reason: REASON }]) };
    const found = lint(cluster([admin('a', annotations), admin('b')]), { only: ['NP020'] }).findings.filter(f => f.ruleId === 'NP020');
    expect(found.map(f => [f.object.name, f.suppressed])).toEqual([['b', false]]);
  });

  test('a malformed annotation on a cluster policy is NP000, naming the policy', () => {
    const found = lint(cluster([admin('a', { 'cdk8s-netpol.io/suppress': '[{"id":"NP020","reason":"ok"}]' })])).findings.filter(f => f.ruleId === 'NP000');
    expect(found.map(f => f.object)).toEqual([{ kind: 'ClusterNetworkPolicy', name: 'a' }]);
    expect(found[0].message).toMatch(/^ClusterNetworkPolicy a: .*reason.*; not honoured$/);
  });

  test('ClusterNetworkPolicy.suppress() writes the annotation, checked as NetworkPolicy.suppress() checks it, and synth honours it', () => {
    const app = new App();
    const chart = new Chart(app, 'platform');
    const props = {
      tier: ClusterPolicyTier.ADMIN, priority: 10, subject: ClusterSubject.namespaces(Selector.all()),
      ingress: [{ action: ClusterPolicyAction.DENY, peers: [ClusterPeer.namespaces(Selector.labels({ env: 'dev' }))], ports: [Port.allTraffic()] }],
    };
    new ClusterNetworkPolicy(chart, 'deny-dev', props);
    const policy = new ClusterNetworkPolicy(chart, 'deny-test', props);
    Checker.configure(app, { failOn: CheckLevel.WARNING });
    expect(() => app.synth()).toThrow(/NP020/);
    policy.suppress('NP020', REASON);
    expect(() => app.synth()).not.toThrow();
    expect(policy.toJson().metadata.annotations).toEqual({ 'cdk8s-netpol.io/suppress': JSON.stringify([{ id: 'NP020', reason: REASON }]) });
    expect(() => policy.suppress('NP999', REASON)).toThrow(/NP999/);
    expect(() => policy.suppress('NP020', 'short')).toThrow(/10 characters/);
  });
});
