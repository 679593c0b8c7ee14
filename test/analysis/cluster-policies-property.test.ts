/**
 * A property test of the tiers: the engine's connection list against a deliberately naive evaluator written here
 * straight from the API's documentation (one pod pair, protocol and port at a time; Admin tier rules by priority
 * and rule order, first match; then NetworkPolicies; then, for pods no NetworkPolicy isolates, Baseline tier rules;
 * otherwise allowed), on random small clusters with random NetworkPolicies and cluster-scoped policies of all three
 * kinds. Nothing here is shared with lib/analysis. Then, on the same clusters, that the pair queries an analysis
 * answers from the two endpoints' workloads alone agree with its whole-cluster engine.
 */
import * as fc from 'fast-check';
import { _connectionAllowed, Analysis, ConnectionSet, endpointName, explainConnection, HostNetworkMode, parseAddress } from '../../lib/analysis';
import {
  checkClusterPolicy, CLUSTER_POLICY_V1ALPHA1, CLUSTER_POLICY_V1ALPHA2, ClusterPolicyAction, ClusterPolicyKind, ClusterPolicyModel,
  ClusterPolicyPeerModel, ClusterPolicyPortModel, ClusterPolicyRuleModel, ClusterPolicyTier,
} from '../../lib/model/cluster-policy';
import { ClusterModel, LabelExpressionModel, PeerModel, PolicyModel, Protocol, SelectorModel, WorkloadModel } from '../../lib/model/types';
import { clusterArb, SAMPLE_IPS, SAMPLE_PORTS } from '../support/arbitraries';
import { answer, everyPair, pairQueryArb, wholeAnalysis, withNameClashAndHostNetwork } from '../support/pair-queries';

type Labels = { [k: string]: string };
type End = { workload: WorkloadModel } | { ip: string };
type Direction = 'Ingress' | 'Egress';

const PROTOCOLS = [Protocol.TCP, Protocol.UDP, Protocol.SCTP];

// ---- the naive evaluator -----------------------------------------------------------------------------------------

function ipNumber(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipNumber(base) / size) * size;
  return ipNumber(ip) >= start && ipNumber(ip) < start + size;
}

function holds(e: LabelExpressionModel, labels: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, e.key);
  switch (e.op) {
    case 'In': return has && (e.values ?? []).includes(labels[e.key]);
    case 'NotIn': return !has || !(e.values ?? []).includes(labels[e.key]);
    case 'Exists': return has;
    default: return !has;
  }
}

function selects(selector: SelectorModel, labels: Labels): boolean {
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v) && (selector.matchExpressions ?? []).every(e => holds(e, labels));
}

function nsLabels(cluster: ClusterModel, name: string): Labels {
  return { 'kubernetes.io/metadata.name': name, ...(cluster.namespaces.find(n => n.name === name)?.labels ?? {}) };
}

function npPeer(cluster: ClusterModel, policy: PolicyModel, peer: PeerModel, other: End): boolean {
  if (peer.ipBlock) return 'ip' in other && inCidr(other.ip, peer.ipBlock.cidr) && !(peer.ipBlock.exceptCidrs ?? []).some(c => inCidr(other.ip, c));
  if (!('workload' in other)) return false;
  const w = other.workload;
  if (peer.namespaceSelector ? !selects(peer.namespaceSelector, nsLabels(cluster, w.namespaceName)) : w.namespaceName !== (policy.namespaceName ?? 'default')) return false;
  return !peer.podSelector || selects(peer.podSelector, w.podLabels ?? {});
}

function portOn(destination: End, name: string, protocol: string, port: number, anyProtocol: boolean, wanted?: string): boolean {
  return 'workload' in destination && (destination.workload.ports ?? []).some(cp => cp.name === name && cp.containerPort === port
    && (cp.protocol ?? 'TCP') === protocol && (anyProtocol || (cp.protocol ?? 'TCP') === wanted));
}

/** The NetworkPolicy tier for one direction: undefined when no policy isolates the subject, else whether one allows. */
function networkPolicies(cluster: ClusterModel, direction: Direction, subject: WorkloadModel, other: End, destination: End, protocol: string, port: number): boolean | undefined {
  const isolating = cluster.policies.filter(p => (p.namespaceName ?? 'default') === subject.namespaceName && selects(p.podSelector, subject.podLabels ?? {})
    && (p.policyTypes && p.policyTypes.length > 0 ? p.policyTypes.includes(direction as never) : direction === 'Ingress' || (p.egress ?? []).length > 0));
  if (isolating.length === 0) return undefined;
  return isolating.some(p => ((direction === 'Ingress' ? p.ingress : p.egress) ?? []).some(rule =>
    ((rule.peers ?? []).length === 0 || rule.peers!.some(peer => npPeer(cluster, p, peer, other)))
    && ((rule.ports ?? []).length === 0 || rule.ports!.some(pm => (pm.portName !== undefined
      ? portOn(destination, pm.portName, protocol, port, false, pm.protocol ?? 'TCP')
      : (pm.protocol ?? 'TCP') === protocol && (pm.port === undefined || (port >= pm.port && port <= (pm.endPort ?? pm.port))))))));
}

function cpPeer(cluster: ClusterModel, peer: ClusterPolicyPeerModel, other: End): boolean {
  if (peer.networks) return 'ip' in other && peer.networks.some(c => inCidr(other.ip, c));
  if (!('workload' in other) || other.workload.hostNetwork) return false;
  const w = other.workload;
  if (peer.namespaces) return selects(peer.namespaces, nsLabels(cluster, w.namespaceName));
  if (peer.pods) return selects(peer.pods.namespaceSelector, nsLabels(cluster, w.namespaceName)) && selects(peer.pods.podSelector, w.podLabels ?? {});
  return false;
}

function cpPort(p: ClusterPolicyPortModel, destination: End, protocol: string, port: number): boolean {
  if (p.portName !== undefined) return portOn(destination, p.portName, protocol, port, true);
  return (p.protocol ?? 'TCP') === protocol && port >= p.port! && port <= (p.endPort ?? p.port!);
}

/** The first matching rule's action in one tier, or undefined. */
function tier(cluster: ClusterModel, which: ClusterPolicyTier, direction: Direction, subject: WorkloadModel, other: End, destination: End, protocol: string, port: number): ClusterPolicyAction | undefined {
  if (subject.hostNetwork) return undefined;
  const policies = (cluster.clusterPolicies ?? []).filter(p => p.tier === which)
    .sort((a, b) => (a.priority ?? 2000) - (b.priority ?? 2000));
  for (const p of policies) {
    const s = p.subject;
    const inSubject = s.namespaces ? selects(s.namespaces, nsLabels(cluster, subject.namespaceName))
      : selects(s.pods!.namespaceSelector, nsLabels(cluster, subject.namespaceName)) && selects(s.pods!.podSelector, subject.podLabels ?? {});
    if (!inSubject) continue;
    for (const rule of (direction === 'Ingress' ? p.ingress : p.egress) ?? []) {
      if (rule.peers.some(peer => cpPeer(cluster, peer, other)) && (!rule.ports || rule.ports.some(pp => cpPort(pp, destination, protocol, port)))) return rule.action;
    }
  }
  return undefined;
}

function direction(cluster: ClusterModel, dir: Direction, subject: WorkloadModel, other: End, destination: End, protocol: string, port: number): boolean {
  const admin = tier(cluster, ClusterPolicyTier.ADMIN, dir, subject, other, destination, protocol, port);
  if (admin === ClusterPolicyAction.ALLOW || admin === ClusterPolicyAction.ACCEPT) return true;
  if (admin === ClusterPolicyAction.DENY) return false;
  const np = networkPolicies(cluster, dir, subject, other, destination, protocol, port);
  if (np !== undefined) return np;
  return tier(cluster, ClusterPolicyTier.BASELINE, dir, subject, other, destination, protocol, port) !== ClusterPolicyAction.DENY;
}

function naiveAllowed(cluster: ClusterModel, src: End, dst: End, protocol: string, port: number): boolean {
  return (!('workload' in src) || direction(cluster, 'Egress', src.workload, dst, dst, protocol, port))
    && (!('workload' in dst) || direction(cluster, 'Ingress', dst.workload, src, dst, protocol, port));
}

// ---- random cluster-scoped policies ------------------------------------------------------------------------------

const NAMESPACE_SELECTORS: SelectorModel[] = [{}, { matchLabels: { team: 'red' } }, { matchLabels: { env: 'blue' } }, { matchExpressions: [{ key: 'team', op: 'NotIn' as never, values: ['red'] }] }, { matchLabels: { 'kubernetes.io/metadata.name': 'alpha' } }];
const POD_SELECTORS: SelectorModel[] = [{}, { matchLabels: { app: 'web' } }, { matchLabels: { tier: 'db' } }, { matchExpressions: [{ key: 'app', op: 'Exists' as never }] }];
const NETWORKS = ['0.0.0.0/0', '10.0.0.0/8', '10.1.0.0/16', '8.8.8.8/32', '192.168.1.0/24'];

const subjectArb = fc.oneof(
  fc.constantFrom(...NAMESPACE_SELECTORS).map(namespaces => ({ namespaces })),
  fc.tuple(fc.constantFrom(...NAMESPACE_SELECTORS), fc.constantFrom(...POD_SELECTORS)).map(([namespaceSelector, podSelector]) => ({ pods: { namespaceSelector, podSelector } })),
);

const peerArb = (egress: boolean): fc.Arbitrary<ClusterPolicyPeerModel> => fc.oneof(
  fc.constantFrom(...NAMESPACE_SELECTORS).map(namespaces => ({ namespaces })),
  fc.tuple(fc.constantFrom(...NAMESPACE_SELECTORS), fc.constantFrom(...POD_SELECTORS)).map(([namespaceSelector, podSelector]) => ({ pods: { namespaceSelector, podSelector } })),
  ...(egress ? [fc.uniqueArray(fc.constantFrom(...NETWORKS), { minLength: 1, maxLength: 2 }).map(networks => ({ networks }))] : []),
);

const portArb: fc.Arbitrary<ClusterPolicyPortModel> = fc.oneof(
  fc.record({ protocol: fc.constantFrom(...PROTOCOLS), port: fc.constantFrom(53, 80, 443, 8080, 9000) }),
  fc.record({ protocol: fc.constantFrom(...PROTOCOLS), port: fc.constantFrom(1, 80, 8080), endPort: fc.constantFrom(81, 8081, 65535) }).filter(p => p.endPort > p.port),
  fc.constantFrom('http', 'dns', 'metrics', 'assoc', 'nothing').map(portName => ({ portName })),
);

const ruleArb = (actions: ClusterPolicyAction[], egress: boolean): fc.Arbitrary<ClusterPolicyRuleModel> => fc.record({
  action: fc.constantFrom(...actions),
  peers: fc.array(peerArb(egress), { minLength: 1, maxLength: 2 }),
  ports: fc.option(fc.array(portArb, { minLength: 1, maxLength: 2 }), { nil: undefined }),
}).map(r => ({ action: r.action, peers: r.peers, ...(r.ports ? { ports: r.ports } : {}) }));

const KINDS = [ClusterPolicyKind.ADMIN_NETWORK_POLICY, ClusterPolicyKind.CLUSTER_NETWORK_POLICY, ClusterPolicyKind.CLUSTER_NETWORK_POLICY];

/** Up to four cluster-scoped policies with distinct priorities (and at most one BaselineAdminNetworkPolicy, last). */
const clusterPoliciesArb: fc.Arbitrary<ClusterPolicyModel[]> = fc.tuple(
  fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { maxLength: 4 }).chain(priorities => fc.tuple(...priorities.map((priority, i) =>
    fc.record({ kind: fc.constantFrom(...KINDS), baseline: fc.boolean(), subject: subjectArb }).chain(({ kind, baseline, subject }) => {
      const v2 = kind === ClusterPolicyKind.CLUSTER_NETWORK_POLICY;
      const actions = v2 ? [ClusterPolicyAction.ACCEPT, ClusterPolicyAction.DENY, ClusterPolicyAction.PASS] : [ClusterPolicyAction.ALLOW, ClusterPolicyAction.DENY, ClusterPolicyAction.PASS];
      return fc.record({ ingress: fc.array(ruleArb(actions, false), { maxLength: 3 }), egress: fc.array(ruleArb(actions, true), { maxLength: 3 }) }).map(({ ingress, egress }): ClusterPolicyModel => ({
        kind, apiVersion: v2 ? CLUSTER_POLICY_V1ALPHA2 : CLUSTER_POLICY_V1ALPHA1, name: `cp-${i}`,
        tier: v2 && baseline ? ClusterPolicyTier.BASELINE : ClusterPolicyTier.ADMIN, priority, subject, ingress, egress,
      }));
    })))),
  fc.option(fc.tuple(subjectArb, fc.array(ruleArb([ClusterPolicyAction.ALLOW, ClusterPolicyAction.DENY], false), { maxLength: 2 }), fc.array(ruleArb([ClusterPolicyAction.ALLOW, ClusterPolicyAction.DENY], true), { maxLength: 2 })), { nil: undefined }),
).map(([policies, banp]) => [...policies, ...(banp ? [{
  kind: ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY, apiVersion: CLUSTER_POLICY_V1ALPHA1, name: 'default', tier: ClusterPolicyTier.BASELINE,
  subject: banp[0], ingress: banp[1], egress: banp[2],
} as ClusterPolicyModel] : [])]);

const tieredClusterArb: fc.Arbitrary<ClusterModel> = fc.tuple(clusterArb, clusterPoliciesArb, fc.boolean())
  .map(([cluster, clusterPolicies, hostNetwork]) => ({
    ...cluster,
    // Sometimes one workload uses the host network: cluster policies never select it, NetworkPolicies still do.
    workloads: cluster.workloads.map((w, i) => (hostNetwork && i === 1 ? { ...w, hostNetwork: true } : w)),
    clusterPolicies,
  }));

// ---- the comparison ----------------------------------------------------------------------------------------------

function disagreements(cluster: ClusterModel): string[] {
  const byPair = new Map<string, ConnectionSet>();
  const external: { source: boolean; first: number; last: number; workload: string; conns: ConnectionSet }[] = [];
  const n = (ip: string) => Number(parseAddress(ip)!.address);
  for (const c of Analysis.of(cluster).connections()) {
    if (c.src.type === 'external' && c.dst.type === 'workload') external.push({ source: true, first: n(c.src.first), last: n(c.src.last), workload: endpointName(c.dst), conns: c.conns });
    else if (c.dst.type === 'external' && c.src.type === 'workload') external.push({ source: false, first: n(c.dst.first), last: n(c.dst.last), workload: endpointName(c.src), conns: c.conns });
    else byPair.set(`${endpointName(c.src)} => ${endpointName(c.dst)}`, c.conns);
  }
  const name = (w: WorkloadModel) => `${w.namespaceName}/${w.name}[${w.kind}]`;
  const problems: string[] = [];
  for (const src of cluster.workloads) {
    for (const dst of cluster.workloads) {
      if (src === dst) continue;
      const conns = byPair.get(`${name(src)} => ${name(dst)}`) ?? ConnectionSet.NONE;
      for (const protocol of PROTOCOLS) {
        for (const port of SAMPLE_PORTS) {
          const expected = naiveAllowed(cluster, { workload: src }, { workload: dst }, protocol, port);
          if (conns.contains(protocol, port) !== expected) problems.push(`${name(src)} => ${name(dst)} ${protocol} ${port}: engine ${!expected}, naive ${expected}`);
        }
      }
    }
    for (const ip of SAMPLE_IPS) {
      for (const source of [true, false]) {
        const line = external.find(e => e.source === source && e.workload === name(src) && e.first <= n(ip) && n(ip) <= e.last);
        for (const protocol of PROTOCOLS) {
          for (const port of SAMPLE_PORTS) {
            const expected = source ? naiveAllowed(cluster, { ip }, { workload: src }, protocol, port) : naiveAllowed(cluster, { workload: src }, { ip }, protocol, port);
            if ((line ? line.conns.contains(protocol, port) : false) !== expected) problems.push(`${source ? `${ip} => ${name(src)}` : `${name(src)} => ${ip}`} ${protocol} ${port}: naive ${expected}`);
          }
        }
      }
    }
  }
  return problems;
}

describe('the tiers against a naive evaluator', () => {
  test('the generated cluster-scoped policies are valid', () => {
    fc.assert(fc.property(clusterPoliciesArb, policies => policies.every(p => checkClusterPolicy(p).length === 0)), { numRuns: 200 });
  });

  test('agree on every sampled connection, port and address of random clusters', () => {
    fc.assert(fc.property(tieredClusterArb, cluster => {
      const problems = disagreements(cluster);
      if (problems.length > 0) throw new Error(`${problems.length} disagreements, e.g.\n${problems.slice(0, 5).join('\n')}\n${JSON.stringify(cluster)}`);
    }), { numRuns: 150 });
  });
});

describe('pair queries answered from the two endpoints\' workloads alone (before the whole-cluster engine is built)', () => {
  const caseArb = fc.tuple(tieredClusterArb, fc.boolean(), fc.constantFrom(HostNetworkMode.AS_POD, HostNetworkMode.NODE))
    .map(([cluster, clash, mode]) => ({ cluster: withNameClashAndHostNetwork(cluster, clash, false), mode }))
    .chain(({ cluster, mode }) => fc.record({
      cluster: fc.constant(cluster),
      mode: fc.constant(mode),
      queries: fc.array(pairQueryArb(cluster), { minLength: 1, maxLength: 6 }),
      port: fc.constantFrom(53, 80, 443, 8080, 9000, 9090),
      protocol: fc.constantFrom(...PROTOCOLS),
    }));

  test('explain, allowed and connectionsBetween on a fresh analysis equal the whole-cluster engine\'s, tiers included (random tiered clusters)', () => {
    fc.assert(fc.property(caseArb, ({ cluster, mode, queries, port, protocol }) => {
      const whole = wholeAnalysis(cluster, { hostNetwork: mode });
      for (const q of [...everyPair(cluster, port, protocol), ...queries]) {
        expect(answer(() => Analysis.of(cluster, { hostNetwork: mode }), q)).toEqual(answer(() => whole, q));
      }
    }), { numRuns: 200 });
  });

  test('a sequence of queries on one analysis equals the whole-cluster engine\'s, tiers included (random tiered clusters)', () => {
    fc.assert(fc.property(caseArb, ({ cluster, mode, queries }) => {
      const one = Analysis.of(cluster, { hostNetwork: mode });
      const whole = wholeAnalysis(cluster, { hostNetwork: mode });
      for (const q of queries) expect(answer(() => one, q)).toEqual(answer(() => whole, q));
    }), { numRuns: 150 });
  });
});

describe('a verdict without its explanation (what replay judges most connections by)', () => {
  test('equals the naive evaluator\'s and the explanation\'s, for every pair of workloads and every workload with every sampled address, tiers included (random tiered clusters)', () => {
    const caseArb = fc.tuple(tieredClusterArb, fc.constantFrom(HostNetworkMode.AS_POD, HostNetworkMode.NODE));
    fc.assert(fc.property(caseArb, ([cluster, mode]) => {
      const analysis = Analysis.of(cluster, { hostNetwork: mode });
      const ends: { end: End; ref: string }[] = [
        ...cluster.workloads.map(w => ({ end: { workload: w }, ref: `${w.namespaceName}/${w.name}[${w.kind}]` })),
        ...SAMPLE_IPS.map(ip => ({ end: { ip }, ref: ip })),
      ];
      const problems: string[] = [];
      for (const src of ends) {
        for (const dst of ends) {
          if (src === dst || ('ip' in src.end && 'ip' in dst.end)) continue;
          const [s, d] = [analysis.resolve(src.ref), analysis.resolve(dst.ref)];
          for (const protocol of PROTOCOLS) {
            for (const port of SAMPLE_PORTS) {
              const allowed = _connectionAllowed(analysis.engine, s, d, protocol, port);
              const explained = explainConnection(analysis.engine, s, d, protocol, port).allowed;
              // The naive evaluator knows nothing of NODE mode, in which no policy isolates a host-network pod.
              const naive = mode === HostNetworkMode.AS_POD ? naiveAllowed(cluster, src.end, dst.end, protocol, port) : explained;
              if (allowed !== explained || allowed !== naive) problems.push(`${src.ref} => ${dst.ref} ${protocol} ${port}: ${allowed}, explained ${explained}, naive ${naive}`);
            }
          }
        }
      }
      if (problems.length > 0) throw new Error(`${problems.length} disagreements, e.g.\n${problems.slice(0, 5).join('\n')}\n${JSON.stringify(cluster)}`);
    }), { numRuns: 100 });
  });
});
