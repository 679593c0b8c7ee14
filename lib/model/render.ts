/**
 * The one renderer: model objects to Kubernetes manifests. Key order follows the Kubernetes documentation
 * (podSelector, policyTypes, ingress, egress; from/to before ports; protocol before port), so output is stable and
 * reads like hand-written YAML.
 */
import { IpBlockModel, NamespaceModel, PeerModel, PolicyModel, PortModel, RuleModel, SelectorModel } from './types';

/** The `spec` of a NetworkPolicy. */
export function renderPolicySpec(policy: PolicyModel): any {
  const spec: any = { podSelector: renderSelector(policy.podSelector) };
  if (policy.policyTypes) spec.policyTypes = [...policy.policyTypes];
  if (policy.ingress) spec.ingress = policy.ingress.map(rule => renderRule(rule, 'from'));
  if (policy.egress) spec.egress = policy.egress.map(rule => renderRule(rule, 'to'));
  return spec;
}

/** A whole NetworkPolicy manifest. */
export function renderPolicy(policy: PolicyModel): any {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: renderMetadata(policy.name, policy.namespaceName, policy.labels, policy.annotations),
    spec: renderPolicySpec(policy),
  };
}

/** A whole Namespace manifest. */
export function renderNamespace(namespace: NamespaceModel): any {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: renderMetadata(namespace.name, undefined, namespace.labels, namespace.annotations),
  };
}

/** A label selector; `{}` selects everything. */
export function renderSelector(selector: SelectorModel): any {
  const out: any = {};
  if (selector.matchLabels && Object.keys(selector.matchLabels).length > 0) out.matchLabels = { ...selector.matchLabels };
  if (selector.matchExpressions && selector.matchExpressions.length > 0) {
    out.matchExpressions = selector.matchExpressions.map(e => (e.values ? { key: e.key, operator: e.op, values: [...e.values] } : { key: e.key, operator: e.op }));
  }
  return out;
}

function renderRule(rule: RuleModel, peersField: 'from' | 'to'): any {
  const out: any = {};
  if (rule.peers && rule.peers.length > 0) out[peersField] = rule.peers.map(renderPeer);
  if (rule.ports && rule.ports.length > 0) out.ports = rule.ports.map(renderPort);
  return out;
}

function renderPeer(peer: PeerModel): any {
  const out: any = {};
  if (peer.namespaceSelector) out.namespaceSelector = renderSelector(peer.namespaceSelector);
  if (peer.podSelector) out.podSelector = renderSelector(peer.podSelector);
  if (peer.ipBlock) out.ipBlock = renderIpBlock(peer.ipBlock);
  return out;
}

function renderIpBlock(block: IpBlockModel): any {
  return block.exceptCidrs && block.exceptCidrs.length > 0 ? { cidr: block.cidr, except: [...block.exceptCidrs] } : { cidr: block.cidr };
}

function renderPort(port: PortModel): any {
  const out: any = { protocol: port.protocol };
  if (port.portName !== undefined) out.port = port.portName;
  else if (port.port !== undefined) out.port = port.port;
  if (port.endPort !== undefined) out.endPort = port.endPort;
  return out;
}

function renderMetadata(name: string, namespaceName?: string, labels?: { [key: string]: string }, annotations?: { [key: string]: string }): any {
  const metadata: any = { name };
  if (namespaceName !== undefined) metadata.namespace = namespaceName;
  if (labels && Object.keys(labels).length > 0) metadata.labels = { ...labels };
  if (annotations && Object.keys(annotations).length > 0) metadata.annotations = { ...annotations };
  return metadata;
}
