/**
 * A deliberately naive reference evaluator of NetworkPolicy semantics, written straight from the Kubernetes
 * definitions: one pod pair, one protocol and port at a time, every policy every time. No equivalence classes, no
 * interval sets, no caches, and no code shared with lib/analysis, so the property test compares two independent
 * readings of the specification.
 */
import { ClusterModel, LabelExpressionModel, PeerModel, PolicyModel, PortModel, RuleModel, SelectorModel, WorkloadModel } from '../../lib/model/types';

/** An endpoint for the reference: a workload, or an IPv4 address outside the cluster. */
export type RefEndpoint = { workload: WorkloadModel } | { ip: string };

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  if (cidr.includes(':') || ip.includes(':')) return false;
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipToNumber(base) / size) * size;
  const n = ipToNumber(ip);
  return n >= start && n < start + size;
}

function requirementHolds(e: LabelExpressionModel, labels: { [k: string]: string }): boolean {
  const has = e.key in labels;
  if (e.op === 'In') return has && (e.values ?? []).indexOf(labels[e.key]) >= 0;
  if (e.op === 'NotIn') return !has || (e.values ?? []).indexOf(labels[e.key]) < 0;
  if (e.op === 'Exists') return has;
  if (e.op === 'DoesNotExist') return !has;
  return false;
}

function selectorMatches(selector: SelectorModel, labels: { [k: string]: string }): boolean {
  for (const key in selector.matchLabels ?? {}) {
    if (labels[key] !== selector.matchLabels![key]) return false;
  }
  return (selector.matchExpressions ?? []).every(e => requirementHolds(e, labels));
}

function namespaceLabels(cluster: ClusterModel, name: string): { [k: string]: string } {
  const declared = cluster.namespaces.find(n => n.name === name);
  return { 'kubernetes.io/metadata.name': name, ...(declared?.labels ?? {}) };
}

function policyNamespace(policy: PolicyModel): string {
  return policy.namespaceName ?? 'default';
}

function affects(policy: PolicyModel, direction: 'Ingress' | 'Egress'): boolean {
  if (policy.policyTypes && policy.policyTypes.length > 0) return policy.policyTypes.some(t => t === direction);
  if (direction === 'Ingress') return true;
  return (policy.egress ?? []).length > 0;
}

function peerMatches(cluster: ClusterModel, policy: PolicyModel, peer: PeerModel, other: RefEndpoint): boolean {
  if (peer.ipBlock) {
    if (!('ip' in other)) return false;
    return inCidr(other.ip, peer.ipBlock.cidr) && !(peer.ipBlock.exceptCidrs ?? []).some(e => inCidr(other.ip, e));
  }
  if (!('workload' in other)) return false;
  const w = other.workload;
  if (peer.namespaceSelector) {
    if (!selectorMatches(peer.namespaceSelector, namespaceLabels(cluster, w.namespaceName))) return false;
  } else if (w.namespaceName !== policyNamespace(policy)) {
    return false;
  }
  if (peer.podSelector && !selectorMatches(peer.podSelector, w.podLabels ?? {})) return false;
  return true;
}

function portMatches(port: PortModel, destination: RefEndpoint, protocol: string, number: number): boolean {
  if ((port.protocol ?? 'TCP') !== protocol) return false;
  if (port.portName !== undefined) {
    if (!('workload' in destination)) return false;
    return (destination.workload.ports ?? []).some(cp => cp.name === port.portName && (cp.protocol ?? 'TCP') === protocol && cp.containerPort === number);
  }
  if (port.port === undefined) return true;
  return number >= port.port && number <= (port.endPort ?? port.port);
}

function ruleAllows(cluster: ClusterModel, policy: PolicyModel, rule: RuleModel, other: RefEndpoint, destination: RefEndpoint, protocol: string, port: number): boolean {
  const peers = rule.peers ?? [];
  const ports = rule.ports ?? [];
  const peerOk = peers.length === 0 || peers.some(p => peerMatches(cluster, policy, p, other));
  const portOk = ports.length === 0 || ports.some(p => portMatches(p, destination, protocol, port));
  return peerOk && portOk;
}

function directionAllows(cluster: ClusterModel, direction: 'Ingress' | 'Egress', subject: WorkloadModel, other: RefEndpoint, destination: RefEndpoint, protocol: string, port: number): boolean {
  const selecting = cluster.policies.filter(p =>
    policyNamespace(p) === subject.namespaceName && selectorMatches(p.podSelector, subject.podLabels ?? {}) && affects(p, direction));
  if (selecting.length === 0) return true;
  return selecting.some(p => ((direction === 'Ingress' ? p.ingress : p.egress) ?? [])
    .some(rule => ruleAllows(cluster, p, rule, other, destination, protocol, port)));
}

/** Whether Kubernetes allows `protocol`/`port` from `src` to `dst` (at least one of them a workload). */
export function referenceAllowed(cluster: ClusterModel, src: RefEndpoint, dst: RefEndpoint, protocol: string, port: number): boolean {
  const egressOk = !('workload' in src) || directionAllows(cluster, 'Egress', src.workload, dst, dst, protocol, port);
  const ingressOk = !('workload' in dst) || directionAllows(cluster, 'Ingress', dst.workload, src, dst, protocol, port);
  return egressOk && ingressOk;
}
