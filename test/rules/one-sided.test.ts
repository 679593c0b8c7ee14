/**
 * NP009's pairs (`oneSidedConnections`, drawn by the graph) and counts (`oneSidedSummaries`, reported by the rule) are
 * found per group of peer classes the other end treats alike. Here they are checked against a reference that asks
 * the engine about every pair, on random clusters with and without cluster-scoped policies.
 */
import * as fc from 'fast-check';
import { CompiledRule, isEmptySelector } from '../../lib/analysis';
import { ClusterPolicyAction, ClusterPolicyKind, ClusterPolicyModel, ClusterPolicyTier } from '../../lib/model/cluster-policy';
import { ClusterModel, LabelOperator, PolicyModel, PolicyType, Protocol, WorkloadModel } from '../../lib/model/types';
import { RuleContext } from '../../lib/rules/context';
import { oneSidedConnections, oneSidedSummaries } from '../../lib/rules/one-sided';
import { ruleText } from '../../lib/rules/util';
import { clusterArb } from '../support/arbitraries';
import { active, deploy, lintObjects, np, ns } from './helpers';

/** A pair as text: `source class > destination class ports [policies isolating the other end]`. */
type PairText = string;

/** Every blocked pair of every rule, found by asking the engine about each pair (the rule's definition, unoptimised). */
function referencePairs(context: RuleContext): { rule: string; pairs: PairText[] }[] {
  const engine = context.imagined.engine;
  const out: { rule: string; pairs: PairText[] }[] = [];
  for (const policy of engine.policies) {
    const own = context.imaginedClassesIn(policy.namespace).filter(c => engine.policySelects(policy, c));
    for (const rule of [...policy.ingress, ...policy.egress]) {
      const explicit = rule.selectorPeers.filter(p => (p.podSelector && !isEmptySelector(p.podSelector)) || (p.namespaceSelector && !isEmptySelector(p.namespaceSelector)));
      if (explicit.length === 0 || own.length === 0) continue;
      const peers = [...new Set(explicit.flatMap(p => engine.peerClasses(policy, p).toArray()))].map(i => engine.classes[i]);
      const ingress = rule.direction === PolicyType.INGRESS;
      const pairs: PairText[] = [];
      for (const subject of own) {
        for (const other of peers) {
          if (other === subject) continue;
          const [src, dst] = ingress ? [other, subject] : [subject, other];
          const conns = engine.rulePorts(rule, dst);
          const side = ingress ? engine.side(PolicyType.EGRESS, src) : engine.side(PolicyType.INGRESS, dst);
          if (conns.isEmpty() || !side.isolated) continue;
          const otherEnd = ingress ? engine.egressToClass(src, dst) : engine.ingressFromClass(dst, src);
          if (otherEnd.intersect(conns).isEmpty()) pairs.push(`${src.index} > ${dst.index} ${conns} [${side.policies.map(p => p.id).join(', ')}]`);
        }
      }
      if (pairs.length > 0) out.push({ rule: ruleText(rule), pairs });
    }
  }
  return out;
}

function pairText(pair: { src: { index: number }; dst: { index: number }; conns: { toString(): string }; blockedBy: string[] }): PairText {
  return `${pair.src.index} > ${pair.dst.index} ${pair.conns} [${pair.blockedBy.join(', ')}]`;
}

const text = (rule: CompiledRule) => ruleText(rule);

/** Cluster-scoped policies that decide per class: an Admin deny towards db pods and an Admin accept from team=red. */
const CLUSTER_POLICIES: ClusterPolicyModel[] = [{
  kind: ClusterPolicyKind.CLUSTER_NETWORK_POLICY, apiVersion: 'policy.networking.k8s.io/v1alpha2', name: 'admin', tier: ClusterPolicyTier.ADMIN, priority: 1,
  subject: { namespaces: {} },
  egress: [{ action: ClusterPolicyAction.DENY, peers: [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'db' } } } }] }],
  ingress: [{ action: ClusterPolicyAction.ACCEPT, peers: [{ namespaces: { matchLabels: { team: 'red' } } }] }],
}];

/** Rules with explicit peers across the namespaces, for the first namespace: the one-sided pairs random policies seldom make. */
const EXPLICIT_POLICIES = (namespace: string): PolicyModel[] => [
  {
    name: 'from-apps', namespaceName: namespace, podSelector: {}, policyTypes: [PolicyType.INGRESS],
    ingress: [{ peers: [{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'app', op: LabelOperator.EXISTS }] } }] }],
  },
  {
    name: 'to-db', namespaceName: namespace, podSelector: { matchLabels: { app: 'web' } }, policyTypes: [PolicyType.EGRESS],
    egress: [{ peers: [{ podSelector: { matchLabels: { app: 'db' } } }, { namespaceSelector: { matchLabels: { team: 'red' } } }], ports: [{ protocol: Protocol.TCP, portName: 'http' }] }],
  },
];

/**
 * Random clusters with many classes per group: each workload in several variants (an extra label no selector reads,
 * so the same policies select them; the second variant without named ports), each namespace copied (same labels, policies and workloads), often a default
 * deny everywhere and rules with explicit peers, sometimes cluster-scoped policies.
 */
const groupedClusterArb: fc.Arbitrary<ClusterModel> = fc.tuple(clusterArb, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }),
  fc.boolean(), fc.subarray([0, 1]), fc.boolean())
  .map(([cluster, variants, copies, deny, explicit, tiers]) => {
    const workloads: WorkloadModel[] = cluster.workloads.flatMap(w => Array.from({ length: variants }, (_, v) => ({
      ...w, name: `${w.name}-${v}`, podLabels: { ...w.podLabels, variant: `${v}` }, ports: v === 1 ? [] : w.ports,
    })));
    const namespaces = [...new Set([...cluster.namespaces.map(n => n.name), ...workloads.map(w => w.namespaceName), ...cluster.policies.map(p => p.namespaceName ?? 'default')])];
    const policies: PolicyModel[] = [
      ...cluster.policies,
      ...explicit.map(i => EXPLICIT_POLICIES(namespaces[0])[i]),
      ...(deny ? namespaces.map(name => ({ name: 'deny-all', namespaceName: name, podSelector: {}, policyTypes: [PolicyType.INGRESS, PolicyType.EGRESS] })) : []),
    ];
    const copy = (name: string, c: number) => (c === 0 ? name : `${name}-copy-${c}`);
    return {
      namespaces: cluster.namespaces.flatMap(n => Array.from({ length: copies }, (_, c) => ({ ...n, name: copy(n.name, c) }))),
      workloads: workloads.flatMap(w => Array.from({ length: copies }, (_, c) => ({ ...w, namespaceName: copy(w.namespaceName, c) }))),
      policies: policies.flatMap(p => Array.from({ length: copies }, (_, c) => ({ ...p, namespaceName: copy(p.namespaceName ?? 'default', c) }))),
      ...(tiers ? { clusterPolicies: CLUSTER_POLICIES } : {}),
    };
  });

describe('one-sided connections', () => {
  test('on random clusters, the pairs and counts are those of asking the engine about every pair', () => {
    let withPairs = 0;
    fc.assert(fc.property(groupedClusterArb, cluster => {
      const context = new RuleContext(cluster);
      const expected = referencePairs(context);
      if (expected.length > 0) withPairs++;
      expect(oneSidedConnections(context).map(r => ({ rule: text(r.rule), pairs: r.pairs.map(pairText) }))).toEqual(expected);
      const summaries = oneSidedSummaries(context).map(r => ({ rule: text(r.rule), first: pairText(r.first), count: r.count }));
      expect(summaries).toEqual(expected.map(r => ({ rule: r.rule, first: r.pairs[0], count: r.pairs.length })));
    }), { numRuns: 300 });
    // The property is not vacuous: a good share of the clusters have one-sided pairs.
    expect(withPairs).toBeGreaterThan(50);
  });

  test('NP009 counts the pairs of a peer spanning namespaces, the subject among the peers left out, and names the first', () => {
    // GIVEN three namespaces of team a, each isolated, with api and two kinds of worker pods all labelled tier=app,
    // api in a1 open to tier=app pods of the team's namespaces, and a2's workers allowed to reach the team's apis
    const team = ['a1', 'a2', 'a3'];
    const objects = [
      ...team.map(name => ns(name, { team: 'a' })),
      ...team.map(name => np(name, 'default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })),
      ...team.flatMap(name => [
        deploy(name, 'api', { app: 'api', tier: 'app' }),
        deploy(name, 'worker', { app: 'worker', tier: 'app' }),
        deploy(name, 'worker-canary', { app: 'worker', tier: 'app', track: 'canary' }),
      ]),
      np('a1', 'api-from-team', {
        podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: { matchLabels: { tier: 'app' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
      }),
      np('a2', 'worker-to-team', {
        podSelector: { matchLabels: { app: 'worker' } }, policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: { matchLabels: { app: 'api' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
      }),
    ];

    // WHEN linting for NP009
    const found = active(lintObjects(objects, { only: ['NP009'] }), 'NP009');

    // THEN of the 8 peers other than a1/api itself, the 2 workers of a2 may send: 6 pairs are blocked, a1/worker's
    // first; and a2's workers may send to the apis of a2 and a3, which do not accept it: 4 pairs
    expect(found.map(f => f.message)).toEqual([
      'a1/api-from-team ingress[0] allows a1/worker → a1/api on TCP 8080, but egress of a1/worker (isolated by a1/default-deny-all) allows none of it, '
      + 'so the connection is blocked at the source (and 5 more pairs)',
      'a2/worker-to-team egress[0] allows a2/worker → a2/api on TCP 8080, but ingress of a2/api (isolated by a2/default-deny-all) allows none of it, '
      + 'so the connection is blocked at the destination (and 3 more pairs)',
    ]);
  });
});
