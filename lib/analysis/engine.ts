/**
 * The evaluation core: classes, compiled policies, which policies isolate which class, rule peer sets (one bit set
 * of classes per distinct selector, computed once) and the connections between two classes or a class and an
 * external address or range. `Analysis` is the public face; this module has no printing.
 */
import { ClusterModel, PolicyType, Protocol } from '../model/types';
import { BitSet } from './bitset';
import { buildClasses, namespaceViews, NamespaceView, WorkloadClass } from './classes';
import { CompiledPolicy, CompiledRule, compilePolicy, resolvePorts, SelectorPeer } from './compiled';
import { ConnectionSet } from './connection-set';
import { CompiledIpBlock, Ipv4Range, partitionIpv4 } from './external';
import { matchesSelector, selectorKey } from './selectors';

/** How the engine treats pods with `hostNetwork: true`. */
export enum HostNetworkMode {
  /**
   * Like any other pod: selected and isolated by policies, matched by pod and namespace selectors. This is what the
   * conformance reference (np-guard netpol-analyzer) does.
   */
  AS_POD = 'as-pod',
  /**
   * Like the node they run on, which is what most CNIs do: no policy isolates them, and pod/namespace selectors never
   * match them as peers (their traffic carries the node's address, which only an ipBlock could match).
   */
  NODE = 'node',
}

/** Options of the analysis. */
export interface AnalysisOptions {
  /**
   * How to treat host-network pods.
   * @default HostNetworkMode.AS_POD
   */
  readonly hostNetwork?: HostNetworkMode;
}

/** The policies and rules that apply to one class in one direction. */
export interface SideRules {
  /** Whether any policy selects the class for this direction. */
  readonly isolated: boolean;
  /** The selecting policies, in cluster order. */
  readonly policies: readonly CompiledPolicy[];
  /** Their rules for this direction, in order. */
  readonly rules: readonly CompiledRule[];
  /** Whether one of the rules has no peers (so every class and address is a candidate). */
  readonly hasAnyPeerRule: boolean;
}

/** An address outside the cluster. */
export interface Address {
  /** The address. */
  readonly address: bigint;
  /** Its family. */
  readonly family: 4 | 6;
}

/** The evaluation core over one cluster model. Build once, query many times. */
export class Engine {
  /** The namespaces by name, including referenced-only ones. */
  public readonly namespaces: Map<string, NamespaceView>;
  /** The workload classes. */
  public readonly classes: readonly WorkloadClass[];
  /** The compiled policies, in cluster order. */
  public readonly policies: readonly CompiledPolicy[];
  /** The IPv4 ranges sources outside the cluster are split into (cut by every ingress ipBlock). */
  public readonly ingressRanges: readonly Ipv4Range[];
  /** The IPv4 ranges destinations outside the cluster are split into (cut by every egress ipBlock). */
  public readonly egressRanges: readonly Ipv4Range[];
  /** The host-network mode. */
  public readonly hostNetwork: HostNetworkMode;

  private readonly classesByNamespace = new Map<string, WorkloadClass[]>();
  private readonly policiesByNamespace = new Map<string, CompiledPolicy[]>();
  private readonly sides: { [direction: string]: (SideRules | undefined)[] };
  private readonly peerSetCache = new Map<string, BitSet>();
  private readonly rulePeerSets = new Map<CompiledRule, BitSet>();
  private readonly portCache = new Map<CompiledRule, Map<string, ConnectionSet>>();
  private readonly rangeCover = new Map<CompiledRule, BitSet>();

  constructor(cluster: ClusterModel, options: AnalysisOptions = {}) {
    this.hostNetwork = options.hostNetwork ?? HostNetworkMode.AS_POD;
    this.namespaces = namespaceViews(cluster);
    this.classes = buildClasses(cluster, this.namespaces);
    for (const cls of this.classes) {
      const list = this.classesByNamespace.get(cls.namespace.name) ?? [];
      list.push(cls);
      this.classesByNamespace.set(cls.namespace.name, list);
    }
    this.policies = cluster.policies.map(compilePolicy);
    for (const policy of this.policies) {
      const list = this.policiesByNamespace.get(policy.namespace) ?? [];
      list.push(policy);
      this.policiesByNamespace.set(policy.namespace, list);
    }
    // Every ipBlock of every rule cuts the space, whether or not its policy selects a pod or affects the direction.
    const blocks = (direction: 'ingress' | 'egress') => cluster.policies.flatMap(p =>
      (p[direction] ?? []).flatMap(r => (r.peers ?? []).filter(peer => peer.ipBlock).map(peer => CompiledIpBlock.of(peer.ipBlock!))));
    this.ingressRanges = partitionIpv4(blocks('ingress'));
    this.egressRanges = partitionIpv4(blocks('egress'));
    this.sides = { [PolicyType.INGRESS]: new Array(this.classes.length), [PolicyType.EGRESS]: new Array(this.classes.length) };
  }

  /** Whether the class is out of reach of policies (host network in NODE mode). */
  public isUnpolicied(cls: WorkloadClass): boolean {
    return cls.hostNetwork && this.hostNetwork === HostNetworkMode.NODE;
  }

  /** Whether the policy's pod selector selects the class. */
  public policySelects(policy: CompiledPolicy, cls: WorkloadClass): boolean {
    return policy.namespace === cls.namespace.name && !this.isUnpolicied(cls) && matchesSelector(policy.model.podSelector, cls.podLabels);
  }

  /** The policies and rules that apply to the class in the direction. */
  public side(direction: PolicyType, cls: WorkloadClass): SideRules {
    const cache = this.sides[direction];
    let side = cache[cls.index];
    if (!side) {
      const policies = (this.policiesByNamespace.get(cls.namespace.name) ?? []).filter(p =>
        (direction === PolicyType.INGRESS ? p.affectsIngress : p.affectsEgress) && this.policySelects(p, cls));
      const rules = policies.flatMap(p => (direction === PolicyType.INGRESS ? p.ingress : p.egress));
      side = { isolated: policies.length > 0, policies, rules, hasAnyPeerRule: rules.some(r => r.allPeers) };
      cache[cls.index] = side;
    }
    return side;
  }

  /** The classes one selector peer of a policy matches (cached per distinct selector pair and namespace). */
  public peerClasses(policy: CompiledPolicy, peer: SelectorPeer): BitSet {
    const scope = peer.namespaceSelector ? `ns:${selectorKey(peer.namespaceSelector)}` : `in:${policy.namespace}`;
    const key = `${scope}|${peer.podSelector ? selectorKey(peer.podSelector) : '*'}`;
    let set = this.peerSetCache.get(key);
    if (!set) {
      set = new BitSet(this.classes.length);
      const namespaces = peer.namespaceSelector
        ? [...this.namespaces.values()].filter(ns => matchesSelector(peer.namespaceSelector!, ns.labels)).map(ns => ns.name)
        : [policy.namespace];
      for (const ns of namespaces) {
        for (const cls of this.classesByNamespace.get(ns) ?? []) {
          if (this.isUnpolicied(cls)) continue;
          if (!peer.podSelector || matchesSelector(peer.podSelector, cls.podLabels)) set.add(cls.index);
        }
      }
      this.peerSetCache.set(key, set);
    }
    return set;
  }

  /** The classes any selector peer of the rule matches (not counting `allPeers`). */
  public ruleClasses(rule: CompiledRule): BitSet {
    let set = this.rulePeerSets.get(rule);
    if (!set) {
      if (rule.selectorPeers.length === 1) {
        set = this.peerClasses(rule.policy, rule.selectorPeers[0]);
      } else {
        set = new BitSet(this.classes.length);
        for (const peer of rule.selectorPeers) set.addAll(this.peerClasses(rule.policy, peer));
      }
      this.rulePeerSets.set(rule, set);
    }
    return set;
  }

  /** Whether the rule's peers include the class. */
  public ruleMatchesClass(rule: CompiledRule, cls: WorkloadClass): boolean {
    return rule.allPeers || this.ruleClasses(rule).has(cls.index);
  }

  /** Whether the rule's peers include the address (only `allPeers` or an ipBlock can). */
  public ruleMatchesAddress(rule: CompiledRule, address: Address): boolean {
    return rule.allPeers || rule.ipBlockPeers.some(p => p.block.containsAddress(address.address, address.family));
  }

  /** Whether the rule's peers include a whole range of the direction's partition. */
  public ruleMatchesRange(rule: CompiledRule, rangeIndex: number): boolean {
    if (rule.allPeers) return true;
    if (rule.ipBlockPeers.length === 0) return false;
    let cover = this.rangeCover.get(rule);
    if (!cover) {
      const ranges = rule.direction === PolicyType.INGRESS ? this.ingressRanges : this.egressRanges;
      cover = new BitSet(ranges.length);
      ranges.forEach((range, i) => {
        if (rule.ipBlockPeers.some(p => p.block.containsAddress(BigInt(range.first), 4))) cover!.add(i);
      });
      this.rangeCover.set(rule, cover);
    }
    return cover.has(rangeIndex);
  }

  /** The ports a rule allows towards a destination class, or towards an external destination (undefined). */
  public rulePorts(rule: CompiledRule, destination: WorkloadClass | undefined): ConnectionSet {
    if (rule.ports.named.length === 0 || !destination) return rule.ports.numeric;
    let byPorts = this.portCache.get(rule);
    if (!byPorts) {
      byPorts = new Map();
      this.portCache.set(rule, byPorts);
    }
    let result = byPorts.get(destination.portsKey);
    if (!result) {
      result = resolvePorts(rule.ports, destination.namedPorts);
      byPorts.set(destination.portsKey, result);
    }
    return result;
  }

  /** What egress from `src` allows towards the class `dst` (ALL when `src` is not egress-isolated). */
  public egressToClass(src: WorkloadClass, dst: WorkloadClass): ConnectionSet {
    const side = this.side(PolicyType.EGRESS, src);
    if (!side.isolated) return ConnectionSet.ALL;
    let result = ConnectionSet.NONE;
    for (const rule of side.rules) {
      if (this.ruleMatchesClass(rule, dst)) result = result.union(this.rulePorts(rule, dst));
    }
    return result;
  }

  /** What ingress at `dst` allows from the class `src` (ALL when `dst` is not ingress-isolated). */
  public ingressFromClass(dst: WorkloadClass, src: WorkloadClass): ConnectionSet {
    const side = this.side(PolicyType.INGRESS, dst);
    if (!side.isolated) return ConnectionSet.ALL;
    let result = ConnectionSet.NONE;
    for (const rule of side.rules) {
      if (this.ruleMatchesClass(rule, src)) result = result.union(this.rulePorts(rule, dst));
    }
    return result;
  }

  /** The connections from class `src` to class `dst`: egress at the source AND ingress at the destination. */
  public classToClass(src: WorkloadClass, dst: WorkloadClass): ConnectionSet {
    const egress = this.egressToClass(src, dst);
    if (egress.isEmpty()) return egress;
    return egress.intersect(this.ingressFromClass(dst, src));
  }

  /** The connections from class `src` to an address outside the cluster. */
  public classToAddress(src: WorkloadClass, address: Address): ConnectionSet {
    return this.sideToAddress(PolicyType.EGRESS, src, address);
  }

  /** The connections from an address outside the cluster to class `dst`. */
  public addressToClass(address: Address, dst: WorkloadClass): ConnectionSet {
    return this.sideToAddress(PolicyType.INGRESS, dst, address);
  }

  /** The connections between a class and range `rangeIndex` of the direction's partition. */
  public classAndRange(direction: PolicyType, cls: WorkloadClass, rangeIndex: number): ConnectionSet {
    const side = this.side(direction, cls);
    if (!side.isolated) return ConnectionSet.ALL;
    let result = ConnectionSet.NONE;
    for (const rule of side.rules) {
      if (this.ruleMatchesRange(rule, rangeIndex)) result = result.union(this.rulePorts(rule, direction === PolicyType.INGRESS ? cls : undefined));
    }
    return result;
  }

  /**
   * The destination classes worth evaluating for a source: every class, unless the source is egress-isolated by
   * rules that all name selector peers, in which case only the classes those peers match.
   */
  public candidateDestinations(src: WorkloadClass): readonly WorkloadClass[] {
    const side = this.side(PolicyType.EGRESS, src);
    if (!side.isolated || side.hasAnyPeerRule) return this.classes;
    const union = new BitSet(this.classes.length);
    for (const rule of side.rules) if (rule.selectorPeers.length > 0) union.addAll(this.ruleClasses(rule));
    return union.toArray().map(i => this.classes[i]);
  }

  private sideToAddress(direction: PolicyType, cls: WorkloadClass, address: Address): ConnectionSet {
    const side = this.side(direction, cls);
    if (!side.isolated) return ConnectionSet.ALL;
    let result = ConnectionSet.NONE;
    for (const rule of side.rules) {
      if (this.ruleMatchesAddress(rule, address)) result = result.union(this.rulePorts(rule, direction === PolicyType.INGRESS ? cls : undefined));
    }
    return result;
  }
}

/** Whether a protocol/port pair is valid input. */
export function checkProtocolPort(protocol: Protocol, port: number): void {
  if (![Protocol.TCP, Protocol.UDP, Protocol.SCTP].includes(protocol)) throw new Error(`protocol ${JSON.stringify(protocol)} is not one of TCP, UDP, SCTP`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`port ${JSON.stringify(port)} is not an integer from 1 to 65535`);
}
