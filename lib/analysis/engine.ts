/**
 * The evaluation core: classes, compiled policies, which policies isolate which class, rule peer sets (one bit set
 * of classes per distinct selector, computed once) and the connections between two classes or a class and an
 * external address or range. `Analysis` is the public face; this module has no printing.
 */
import { ClusterModel, PolicyType, Protocol, RuleModel, SelectorModel } from '../model/types';
import { BitSet } from './bitset';
import { buildClasses, namespaceViews, NamespaceView, WorkloadClass } from './classes';
import { CompiledPolicy, CompiledRule, compilePolicy, resolvePorts, SelectorPeer } from './compiled';
import { ConnectionSet } from './connection-set';
import { CompiledIpBlock, Ipv4Range, partitionIpv4 } from './external';
import { matchesSelector, selectorKey } from './selectors';
import { ClusterTiers, compileTiers, CompiledTiers, sameClusterPolicies, TierPeer, tierIpBlocks } from './tiers';

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
  /**
   * The cluster-scoped policies' tiers (Admin before NetworkPolicies, Baseline after), or undefined when the cluster
   * has none: then every answer is the NetworkPolicies' alone.
   */
  public readonly tiers?: ClusterTiers;

  private readonly classesByNamespace = new Map<string, WorkloadClass[]>();
  private readonly policiesByNamespace: Map<string, CompiledPolicy[]>;
  private readonly sides: { [direction: string]: (SideRules | undefined)[] };
  private readonly peerSetCache = new Map<string, BitSet>();
  private readonly peerSets = new Map<SelectorPeer, { readonly namespace: string; readonly set: BitSet }>();
  private readonly namespaceMatches = new Map<string, string[]>();
  private readonly rulePeerSets = new Map<CompiledRule, BitSet>();
  private readonly portCache = new Map<CompiledRule, Map<string, ConnectionSet>>();
  private readonly rangeCover = new Map<CompiledRule, BitSet>();

  /**
   * @param base an engine over the same policies (the same `PolicyModel` objects, in the same order) whose compiled
   * policies and address partitions are reused instead of being built again
   */
  constructor(cluster: ClusterModel, options: AnalysisOptions = {}, base?: Engine) {
    this.hostNetwork = options.hostNetwork ?? HostNetworkMode.AS_POD;
    this.namespaces = namespaceViews(cluster);
    this.classes = buildClasses(cluster, this.namespaces);
    for (const cls of this.classes) {
      const list = this.classesByNamespace.get(cls.namespace.name);
      if (list) list.push(cls);
      else this.classesByNamespace.set(cls.namespace.name, [cls]);
    }
    const clusterPolicies = cluster.clusterPolicies ?? [];
    // Reused only when the cluster-scoped policies are the same too (the egress partition depends on them).
    if (base && !sameClusterPolicies(base.tiers?.compiled.models ?? [], clusterPolicies)) base = undefined;
    let compiledTiers: CompiledTiers | undefined;
    if (base) {
      // Compiled policies and the address partitions depend on the policies alone.
      this.policies = base.policies;
      this.policiesByNamespace = base.policiesByNamespace;
      this.ingressRanges = base.ingressRanges;
      this.egressRanges = base.egressRanges;
      compiledTiers = base.tiers?.compiled;
    } else {
      this.policiesByNamespace = new Map();
      const policies: CompiledPolicy[] = [];
      for (const model of cluster.policies) {
        const policy = compilePolicy(model);
        policies.push(policy);
        const list = this.policiesByNamespace.get(policy.namespace);
        if (list) list.push(policy);
        else this.policiesByNamespace.set(policy.namespace, [policy]);
      }
      this.policies = policies;
      // Every ipBlock of every rule cuts the space, whether or not its policy selects a pod or affects the direction.
      const ingress: CompiledIpBlock[] = [];
      const egress: CompiledIpBlock[] = [];
      for (const p of cluster.policies) {
        addIpBlocks(p.ingress, ingress);
        addIpBlocks(p.egress, egress);
      }
      // So does every `networks` peer of a cluster-scoped policy (egress only: ingress peers have no networks).
      if (clusterPolicies.length > 0) {
        compiledTiers = compileTiers(clusterPolicies);
        egress.push(...tierIpBlocks(compiledTiers));
      }
      this.ingressRanges = partitionIpv4(ingress);
      this.egressRanges = partitionIpv4(egress);
    }
    if (compiledTiers) this.tiers = new ClusterTiers(compiledTiers, this);
    this.sides = { [PolicyType.INGRESS]: new Array(this.classes.length), [PolicyType.EGRESS]: new Array(this.classes.length) };
  }

  /**
   * The classes of a namespace, in class order (shared: do not modify).
   * @internal
   */
  public _classesIn(namespace: string): readonly WorkloadClass[] {
    return this.classesByNamespace.get(namespace) ?? NO_CLASSES;
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
      const ingress = direction === PolicyType.INGRESS;
      const policies: CompiledPolicy[] = [];
      const rules: CompiledRule[] = [];
      let hasAnyPeerRule = false;
      if (!this.isUnpolicied(cls)) {
        for (const p of this.policiesByNamespace.get(cls.namespace.name) ?? NO_POLICIES) {
          if (!(ingress ? p.affectsIngress : p.affectsEgress) || !matchesSelector(p.model.podSelector, cls.podLabels)) continue;
          policies.push(p);
          for (const r of ingress ? p.ingress : p.egress) {
            rules.push(r);
            if (r.allPeers) hasAnyPeerRule = true;
          }
        }
      }
      side = { isolated: policies.length > 0, policies, rules, hasAnyPeerRule };
      cache[cls.index] = side;
    }
    return side;
  }

  /** The classes one selector peer of a policy matches (cached per peer, and per distinct namespace and pod selector). */
  public peerClasses(policy: CompiledPolicy, peer: SelectorPeer): BitSet {
    // Remembered per peer (and the namespace it is read in); equal selectors share one set.
    const known = this.peerSets.get(peer);
    if (known && known.namespace === policy.namespace) return known.set;
    let set: BitSet | undefined;
    if (!peer.namespaceSelector) {
      // Pods of the policy's namespace: a few classes, quicker matched than looked up.
      set = this.classesMatching([policy.namespace], peer.podSelector);
    } else {
      const scope = `ns:${selectorKey(peer.namespaceSelector)}`;
      const key = `${scope}|${peer.podSelector ? selectorKey(peer.podSelector) : '*'}`;
      set = this.peerSetCache.get(key);
      if (!set) {
        set = this.classesMatching(this.namespacesMatching(scope, peer.namespaceSelector), peer.podSelector);
        this.peerSetCache.set(key, set);
      }
    }
    this.peerSets.set(peer, { namespace: policy.namespace, set });
    return set;
  }

  /** The classes of the namespaces that the pod selector (if any) matches, host-network ones in NODE mode left out. */
  private classesMatching(namespaces: readonly string[], podSelector: SelectorModel | undefined): BitSet {
    const set = new BitSet(this.classes.length);
    for (const ns of namespaces) {
      for (const cls of this.classesByNamespace.get(ns) ?? NO_CLASSES) {
        if (this.isUnpolicied(cls)) continue;
        if (!podSelector || matchesSelector(podSelector, cls.podLabels)) set.add(cls.index);
      }
    }
    return set;
  }

  /** The names of the namespaces a namespace selector matches (cached per selector key). */
  private namespacesMatching(key: string, selector: SelectorModel): string[] {
    let names = this.namespaceMatches.get(key);
    if (!names) {
      names = [];
      for (const ns of this.namespaces.values()) if (matchesSelector(selector, ns.labels)) names.push(ns.name);
      this.namespaceMatches.set(key, names);
    }
    return names;
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

  /** Whether the rule's peers include the class (making the rule's class set, see `ruleMatchesOneClass`). */
  public ruleMatchesClass(rule: CompiledRule, cls: WorkloadClass): boolean {
    return rule.allPeers || this.ruleClasses(rule).has(cls.index);
  }

  /**
   * `ruleMatchesClass` for a query about a few classes (an explanation, a lint check against the DNS pods): from the
   * rule's class set when it is made, otherwise by matching its peers against the class alone. Making the set matches
   * every class of the namespaces the peers reach, which pays off only when most classes are asked.
   */
  public ruleMatchesOneClass(rule: CompiledRule, cls: WorkloadClass): boolean {
    if (rule.allPeers) return true;
    const set = this.rulePeerSets.get(rule);
    if (set) return set.has(cls.index);
    if (this.isUnpolicied(cls)) return false;
    for (const peer of rule.selectorPeers) if (this.peerMatchesClass(rule.policy, peer, cls)) return true;
    return false;
  }

  /** Whether a selector peer of the policy matches the class's pods, as `peerClasses` decides (host network aside). */
  private peerMatchesClass(policy: CompiledPolicy, peer: SelectorPeer, cls: WorkloadClass): boolean {
    const inNamespaces = peer.namespaceSelector
      ? matchesSelector(peer.namespaceSelector, cls.namespace.labels)
      : cls.namespace.name === policy.namespace;
    return inNamespaces && (!peer.podSelector || matchesSelector(peer.podSelector, cls.podLabels));
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

  /**
   * What egress from `src` allows towards the class `dst`: the cluster-scoped policies' tiers around what the
   * NetworkPolicies allow (ALL when no tier decides and `src` is not egress-isolated).
   */
  public egressToClass(src: WorkloadClass, dst: WorkloadClass): ConnectionSet {
    if (!this.tiers) return this.networkPolicyEgressToClass(src, dst);
    return this.tiers.resolve(PolicyType.EGRESS, src, { cls: dst }, dst, this.side(PolicyType.EGRESS, src).isolated, () => this.networkPolicyEgressToClass(src, dst));
  }

  /** What ingress at `dst` allows from the class `src`: the tiers around what the NetworkPolicies allow. */
  public ingressFromClass(dst: WorkloadClass, src: WorkloadClass): ConnectionSet {
    if (!this.tiers) return this.networkPolicyIngressFromClass(dst, src);
    return this.tiers.resolve(PolicyType.INGRESS, dst, { cls: src }, dst, this.side(PolicyType.INGRESS, dst).isolated, () => this.networkPolicyIngressFromClass(dst, src));
  }

  /** What the NetworkPolicies alone allow for egress from `src` towards `dst` (ALL when `src` is not egress-isolated). */
  public networkPolicyEgressToClass(src: WorkloadClass, dst: WorkloadClass): ConnectionSet {
    const side = this.side(PolicyType.EGRESS, src);
    if (!side.isolated) return ConnectionSet.ALL;
    let result = ConnectionSet.NONE;
    for (const rule of side.rules) {
      if (this.ruleMatchesClass(rule, dst)) result = result.union(this.rulePorts(rule, dst));
    }
    return result;
  }

  /** What the NetworkPolicies alone allow for ingress at `dst` from `src` (ALL when `dst` is not ingress-isolated). */
  public networkPolicyIngressFromClass(dst: WorkloadClass, src: WorkloadClass): ConnectionSet {
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
    return this.withTiers(direction, cls, { rangeIndex }, () => this.networkPolicyClassAndRange(direction, cls, rangeIndex));
  }

  /** The tiers around `allowedByNetworkPolicies` for a class and an address or range (no tiers: that alone). */
  private withTiers(direction: PolicyType, cls: WorkloadClass, other: TierPeer, allowedByNetworkPolicies: () => ConnectionSet): ConnectionSet {
    if (!this.tiers) return allowedByNetworkPolicies();
    return this.tiers.resolve(direction, cls, other, direction === PolicyType.INGRESS ? cls : undefined, this.side(direction, cls).isolated, allowedByNetworkPolicies);
  }

  private networkPolicyClassAndRange(direction: PolicyType, cls: WorkloadClass, rangeIndex: number): ConnectionSet {
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
    // An Admin tier Allow rule reaches its peers whatever the NetworkPolicies say (Pass and no match leave it to them).
    const admitted = this.tiers?.adminAllowedClasses(src);
    if (admitted) union.addAll(admitted);
    return union.toArray().map(i => this.classes[i]);
  }

  private sideToAddress(direction: PolicyType, cls: WorkloadClass, address: Address): ConnectionSet {
    return this.withTiers(direction, cls, { address: address.address, family: address.family }, () => this.networkPolicySideToAddress(direction, cls, address));
  }

  private networkPolicySideToAddress(direction: PolicyType, cls: WorkloadClass, address: Address): ConnectionSet {
    const side = this.side(direction, cls);
    if (!side.isolated) return ConnectionSet.ALL;
    let result = ConnectionSet.NONE;
    for (const rule of side.rules) {
      if (this.ruleMatchesAddress(rule, address)) result = result.union(this.rulePorts(rule, direction === PolicyType.INGRESS ? cls : undefined));
    }
    return result;
  }
}

const NO_POLICIES: readonly CompiledPolicy[] = [];
const NO_CLASSES: readonly WorkloadClass[] = [];

function addIpBlocks(rules: readonly RuleModel[] | undefined, out: CompiledIpBlock[]): void {
  if (!rules) return;
  for (const rule of rules) {
    if (!rule.peers) continue;
    for (const peer of rule.peers) if (peer.ipBlock) out.push(CompiledIpBlock.of(peer.ipBlock));
  }
}

/** Whether a protocol/port pair is valid input. */
export function checkProtocolPort(protocol: Protocol, port: number): void {
  if (![Protocol.TCP, Protocol.UDP, Protocol.SCTP].includes(protocol)) throw new Error(`protocol ${JSON.stringify(protocol)} is not one of TCP, UDP, SCTP`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`port ${JSON.stringify(port)} is not an integer from 1 to 65535`);
}
