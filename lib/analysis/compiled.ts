/**
 * Policies compiled for evaluation: effective policy types, rules with their peers split by kind, and ports split
 * into the numbered part (known up front) and the named part (resolved against the destination's container ports).
 */
import { ContainerPortModel, PeerModel, PolicyModel, PolicyType, PortModel, Protocol, RuleModel, SelectorModel } from '../model/types';
import { ConnectionSet } from './connection-set';
import { CompiledIpBlock } from './external';

/** The namespace a policy without `namespaceName` lives in. */
export const DEFAULT_NAMESPACE = 'default';

/** A named port a rule refers to. */
export interface NamedPortRef {
  /** The container port name. */
  readonly name: string;
  /** The protocol the container port must have. */
  readonly protocol: Protocol;
}

/** The ports of a rule, ready for evaluation. */
export interface CompiledPorts {
  /** Whether the rule has no ports (every port of every protocol). */
  readonly all: boolean;
  /** The numbered ports (all of them when `all`). */
  readonly numeric: ConnectionSet;
  /** The named ports, resolved per destination. */
  readonly named: readonly NamedPortRef[];
}

/** A pod/namespace selector peer of a rule. */
export interface SelectorPeer {
  /** The pod selector, if any. */
  readonly podSelector?: SelectorModel;
  /** The namespace selector, if any; without it the peer is in the policy's namespace. */
  readonly namespaceSelector?: SelectorModel;
  /** The index of the peer in the rule's `from`/`to` list. */
  readonly index: number;
}

/** An ipBlock peer of a rule. */
export interface IpBlockPeer {
  /** The parsed block. */
  readonly block: CompiledIpBlock;
  /** The index of the peer in the rule's `from`/`to` list. */
  readonly index: number;
}

/** One ingress or egress rule, compiled. */
export interface CompiledRule {
  /** The policy holding the rule. */
  readonly policy: CompiledPolicy;
  /** Ingress or Egress. */
  readonly direction: PolicyType;
  /** The index of the rule in `spec.ingress` or `spec.egress`. */
  readonly index: number;
  /** The rule as written. */
  readonly model: RuleModel;
  /** Whether `from`/`to` is absent or empty: every pod and every external address. */
  readonly allPeers: boolean;
  /** The selector peers. */
  readonly selectorPeers: readonly SelectorPeer[];
  /** The ipBlock peers. */
  readonly ipBlockPeers: readonly IpBlockPeer[];
  /** The ports. */
  readonly ports: CompiledPorts;
}

/** A NetworkPolicy, compiled. */
export interface CompiledPolicy {
  /** The policy as written. */
  readonly model: PolicyModel;
  /** The namespace (the model's, or `default`). */
  readonly namespace: string;
  /** `namespace/name`. */
  readonly id: string;
  /** Whether the policy isolates the pods it selects for ingress. */
  readonly affectsIngress: boolean;
  /** Whether the policy isolates the pods it selects for egress. */
  readonly affectsEgress: boolean;
  /** The ingress rules (empty when the policy does not affect ingress: Kubernetes ignores them then). */
  readonly ingress: readonly CompiledRule[];
  /** The egress rules (empty when the policy does not affect egress). */
  readonly egress: readonly CompiledRule[];
}

/**
 * The directions a policy affects: `policyTypes` when given (and non-empty), else Kubernetes' default: Ingress
 * always, Egress when there is at least one egress rule.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/
 */
export function effectivePolicyTypes(policy: PolicyModel): { ingress: boolean; egress: boolean } {
  const types = policy.policyTypes;
  if (types && types.length > 0) {
    return { ingress: types.includes(PolicyType.INGRESS), egress: types.includes(PolicyType.EGRESS) };
  }
  return { ingress: true, egress: (policy.egress ?? []).length > 0 };
}

function compilePorts(ports: PortModel[] | undefined): CompiledPorts {
  if (!ports || ports.length === 0) return { all: true, numeric: ConnectionSet.ALL, named: [] };
  let numeric = ConnectionSet.NONE;
  const named: NamedPortRef[] = [];
  for (const port of ports) {
    const protocol = port.protocol ?? Protocol.TCP;
    if (port.portName !== undefined) {
      named.push({ name: port.portName, protocol });
    } else if (port.port === undefined) {
      numeric = numeric.union(ConnectionSet.protocol(protocol));
    } else {
      numeric = numeric.union(ConnectionSet.ports(protocol, port.port, port.endPort ?? port.port));
    }
  }
  return { all: false, numeric, named };
}

function compileRule(policy: CompiledPolicy, direction: PolicyType, model: RuleModel, index: number): CompiledRule {
  const peers: PeerModel[] = model.peers ?? [];
  const selectorPeers: SelectorPeer[] = [];
  const ipBlockPeers: IpBlockPeer[] = [];
  for (let i = 0; i < peers.length; i++) {
    const peer = peers[i];
    if (peer.ipBlock) ipBlockPeers.push({ block: CompiledIpBlock.of(peer.ipBlock), index: i });
    else if (peer.podSelector || peer.namespaceSelector) selectorPeers.push({ podSelector: peer.podSelector, namespaceSelector: peer.namespaceSelector, index: i });
  }
  return { policy, direction, index, model, allPeers: peers.length === 0, selectorPeers, ipBlockPeers, ports: compilePorts(model.ports) };
}

/** Compiles a policy model. Throws on a CIDR that does not parse (validate policies first). */
export function compilePolicy(model: PolicyModel): CompiledPolicy {
  const namespace = model.namespaceName ?? DEFAULT_NAMESPACE;
  const types = effectivePolicyTypes(model);
  const ingress: CompiledRule[] = [];
  const egress: CompiledRule[] = [];
  const policy: CompiledPolicy = { model, namespace, id: `${namespace}/${model.name}`, affectsIngress: types.ingress, affectsEgress: types.egress, ingress, egress };
  if (types.ingress && model.ingress) for (let i = 0; i < model.ingress.length; i++) ingress.push(compileRule(policy, PolicyType.INGRESS, model.ingress[i], i));
  if (types.egress && model.egress) for (let i = 0; i < model.egress.length; i++) egress.push(compileRule(policy, PolicyType.EGRESS, model.egress[i], i));
  return policy;
}

/**
 * The connections the ports allow towards a destination with the given container ports: the numbered ports plus
 * each named port that resolves to a container port with the same name and protocol. Pass no container ports for a
 * destination outside the cluster (named ports then resolve to nothing).
 */
export function resolvePorts(ports: CompiledPorts, containerPorts: readonly ContainerPortModel[] | undefined): ConnectionSet {
  if (ports.named.length === 0) return ports.numeric;
  let result = ports.numeric;
  for (const ref of ports.named) {
    for (const cp of containerPorts ?? []) {
      if (cp.name === ref.name && (cp.protocol ?? Protocol.TCP) === ref.protocol) {
        result = result.union(ConnectionSet.port(ref.protocol, cp.containerPort));
      }
    }
  }
  return result;
}

/** A short description of a rule for messages: `default-deny-all egress[0]`. */
export function ruleLabel(rule: CompiledRule): string {
  return `${rule.policy.id} ${rule.direction === PolicyType.INGRESS ? 'ingress' : 'egress'}[${rule.index}]`;
}
