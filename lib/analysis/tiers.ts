/**
 * The tiers of cluster-scoped policies around NetworkPolicies (kubernetes-sigs/network-policy-api): the Admin tier
 * decides first, NetworkPolicies next, the Baseline tier last, and whatever no tier decides is allowed.
 *
 * Per direction, per connection and port:
 * 1. Admin tier rules of the policies whose subject holds the pod (egress: the source, ingress: the destination),
 *    by priority (lower first; equal priorities in name order) and rule order: the first rule whose peers hold the
 *    other end and whose ports hold the port decides. Allow/Accept: allowed; Deny: denied; Pass: on to step 2.
 * 2. If a NetworkPolicy isolates the pod in this direction, its rules decide (allowed if any allows).
 * 3. Otherwise Baseline tier rules, in the same order: Allow/Accept: allowed; Deny: denied; Pass: allowed.
 * 4. Otherwise allowed.
 *
 * Decisions per port are independent, so each tier's outcome is computed for all ports at once as connection sets.
 * Pods with `hostNetwork: true` are neither subjects nor peers of cluster policies (the API says so); `networks`
 * peers match addresses outside the cluster only, since pod IPs are not modelled; `nodes` and `domainNames` peers
 * match nothing (the loader warns).
 */
import {
  ClusterPolicyAction, ClusterPolicyModel, ClusterPolicyPortModel, ClusterPolicyRuleModel, ClusterPolicyTier,
} from '../model/cluster-policy';
import { PolicyType, Protocol, SelectorModel } from '../model/types';
import { BitSet } from './bitset';
import { NamespaceView, WorkloadClass } from './classes';
import { ConnectionSet } from './connection-set';
import { CompiledIpBlock, Ipv4Range } from './external';
import { matchesSelector, selectorKey } from './selectors';

/** What a matching cluster-policy rule does, with Allow (v1alpha1) and Accept (v1alpha2) as one. */
export enum TierAction {
  /** The connection is allowed; nothing later is consulted. */
  ALLOW = 'allow',
  /** The connection is denied; nothing later is consulted. */
  DENY = 'deny',
  /** The rest of the tier is skipped; the next tier decides. */
  PASS = 'pass',
}

/** A pods-in-namespaces peer (or a `namespaces` peer, without pod selector). */
export interface ClusterSelectorPeer {
  /** The namespaces. */
  readonly namespaceSelector: SelectorModel;
  /** The pods in them; absent: every pod. */
  readonly podSelector?: SelectorModel;
}

/** A rule's ports, ready for evaluation. */
export interface ClusterRulePorts {
  /** Whether the rule lists no ports (every port of every protocol). */
  readonly all: boolean;
  /** The numbered ports and ranges. */
  readonly numeric: ConnectionSet;
  /** The named container ports, resolved against the destination (any protocol: the container port's). */
  readonly named: readonly string[];
}

/** One rule of a cluster-scoped policy, compiled. */
export interface CompiledClusterRule {
  /** The policy holding the rule. */
  readonly policy: CompiledClusterPolicy;
  /** Ingress or Egress. */
  readonly direction: PolicyType;
  /** The index of the rule in `spec.ingress` / `spec.egress`. */
  readonly index: number;
  /** The rule as written. */
  readonly model: ClusterPolicyRuleModel;
  /** The action. */
  readonly action: TierAction;
  /** The peers that match pods. */
  readonly selectorPeers: readonly ClusterSelectorPeer[];
  /** The `networks` peers' ranges. */
  readonly networks: readonly CompiledIpBlock[];
  /** The ports. */
  readonly ports: ClusterRulePorts;
}

/** A cluster-scoped policy, compiled. */
export interface CompiledClusterPolicy {
  /** The policy as written. */
  readonly model: ClusterPolicyModel;
  /** Its tier. */
  readonly tier: ClusterPolicyTier;
  /** Its place in its tier's evaluation order (0 first). */
  readonly order: number;
  /** The ingress rules, in order. */
  readonly ingress: readonly CompiledClusterRule[];
  /** The egress rules, in order. */
  readonly egress: readonly CompiledClusterRule[];
}

/** The compiled cluster-scoped policies of a cluster, each tier in evaluation order. Depends on the policies only. */
export interface CompiledTiers {
  /** The models, in cluster order (to tell whether another cluster has the same). */
  readonly models: readonly ClusterPolicyModel[];
  /** The Admin tier, in evaluation order. */
  readonly admin: readonly CompiledClusterPolicy[];
  /** The Baseline tier, in evaluation order. */
  readonly baseline: readonly CompiledClusterPolicy[];
}

/** The other end of a connection, as a tier rule's peers see it. */
export type TierPeer =
  | { readonly cls: WorkloadClass }
  | { readonly rangeIndex: number }
  | { readonly address: bigint; readonly family: 4 | 6 };

/** The outcome of one tier for one direction: the ports its rules allow, deny and pass (disjoint sets). */
export interface TierOutcome {
  /** Ports a rule allows. */
  readonly allow: ConnectionSet;
  /** Ports a rule denies. */
  readonly deny: ConnectionSet;
  /** Ports a rule passes to the next tier. */
  readonly pass: ConnectionSet;
}

/** What the engine tells the tiers about the cluster. */
export interface TierClusterView {
  /** Every class. */
  readonly classes: readonly WorkloadClass[];
  /** The namespaces by name. */
  readonly namespaces: Map<string, NamespaceView>;
  /** The classes of one namespace. */
  _classesIn(namespace: string): readonly WorkloadClass[];
  /** The IPv4 ranges destinations outside the cluster are split into. */
  readonly egressRanges: readonly Ipv4Range[];
}

/** The display name of a cluster policy's kind and name: `AdminNetworkPolicy deny-dev`. */
export function clusterPolicyLabel(policy: ClusterPolicyModel): string {
  return `${policy.kind} ${policy.name}`;
}

/** A rule as explanations name it: `AdminNetworkPolicy pass-monitoring ingress rule 0 (priority 10): Pass`. */
export function clusterRuleLabel(rule: CompiledClusterRule): string {
  const p = rule.policy.model;
  const name = rule.model.name ? ` "${rule.model.name}"` : '';
  const priority = p.priority !== undefined ? ` (priority ${p.priority})` : '';
  return `${clusterPolicyLabel(p)} ${rule.direction === PolicyType.INGRESS ? 'ingress' : 'egress'} rule ${rule.index}${name}${priority}: ${rule.model.action}`;
}

function tierAction(action: ClusterPolicyAction): TierAction {
  switch (action) {
    case ClusterPolicyAction.ALLOW:
    case ClusterPolicyAction.ACCEPT: return TierAction.ALLOW;
    case ClusterPolicyAction.PASS: return TierAction.PASS;
    // Deny, and (on a model that skipped validation) anything unknown: fail closed, as the API asks.
    default: return TierAction.DENY;
  }
}

function compilePorts(ports: readonly ClusterPolicyPortModel[] | undefined): ClusterRulePorts {
  if (!ports) return { all: true, numeric: ConnectionSet.ALL, named: [] };
  let numeric = ConnectionSet.NONE;
  const named: string[] = [];
  for (const port of ports) {
    if (port.portName !== undefined) named.push(port.portName);
    else if (port.port !== undefined) numeric = numeric.union(ConnectionSet.ports(port.protocol ?? Protocol.TCP, port.port, port.endPort ?? port.port));
  }
  return { all: false, numeric, named };
}

function compileRule(policy: CompiledClusterPolicy, direction: PolicyType, model: ClusterPolicyRuleModel, index: number): CompiledClusterRule {
  const selectorPeers: ClusterSelectorPeer[] = [];
  const networks: CompiledIpBlock[] = [];
  for (const peer of model.peers ?? []) {
    if (peer.namespaces) selectorPeers.push({ namespaceSelector: peer.namespaces });
    else if (peer.pods) selectorPeers.push({ namespaceSelector: peer.pods.namespaceSelector, podSelector: peer.pods.podSelector });
    else if (peer.networks && direction === PolicyType.EGRESS) for (const cidr of peer.networks) networks.push(CompiledIpBlock.of({ cidr }));
  }
  return { policy, direction, index, model, action: tierAction(model.action), selectorPeers, networks, ports: compilePorts(model.ports) };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Compiles the cluster-scoped policies into the two tiers, each in evaluation order: by priority (a
 * BaselineAdminNetworkPolicy, which has none, after the others), then kind and name. Throws on a network that does
 * not parse (validate policies first).
 */
export function compileTiers(models: readonly ClusterPolicyModel[]): CompiledTiers {
  const sorted = [...models].sort((a, b) =>
    (a.priority ?? Infinity) - (b.priority ?? Infinity) || compare(a.kind, b.kind) || compare(a.name, b.name));
  const tiers: { [tier: string]: CompiledClusterPolicy[] } = { [ClusterPolicyTier.ADMIN]: [], [ClusterPolicyTier.BASELINE]: [] };
  for (const model of sorted) {
    const list = tiers[model.tier] ?? tiers[ClusterPolicyTier.ADMIN];
    const ingress: CompiledClusterRule[] = [];
    const egress: CompiledClusterRule[] = [];
    const policy: CompiledClusterPolicy = { model, tier: model.tier, order: list.length, ingress, egress };
    (model.ingress ?? []).forEach((rule, i) => ingress.push(compileRule(policy, PolicyType.INGRESS, rule, i)));
    (model.egress ?? []).forEach((rule, i) => egress.push(compileRule(policy, PolicyType.EGRESS, rule, i)));
    list.push(policy);
  }
  return { models: [...models], admin: tiers[ClusterPolicyTier.ADMIN], baseline: tiers[ClusterPolicyTier.BASELINE] };
}

/** The `networks` ranges of every egress rule: they cut the address space the connection list prints. */
export function tierIpBlocks(compiled: CompiledTiers): CompiledIpBlock[] {
  const out: CompiledIpBlock[] = [];
  for (const policy of [...compiled.admin, ...compiled.baseline]) for (const rule of policy.egress) out.push(...rule.networks);
  return out;
}

const NO_RULES: readonly CompiledClusterRule[] = [];
const EMPTY_OUTCOME: TierOutcome = { allow: ConnectionSet.NONE, deny: ConnectionSet.NONE, pass: ConnectionSet.NONE };

/** The tiers over one cluster's classes: which rules apply to which class, and what they decide. */
export class ClusterTiers {
  private readonly rules: { [key: string]: (readonly CompiledClusterRule[] | undefined)[] } = {};
  private readonly peerSets = new Map<string, BitSet>();
  private readonly ruleSets = new Map<CompiledClusterRule, BitSet>();
  private readonly rangeCover = new Map<CompiledClusterRule, BitSet>();
  private readonly portCache = new Map<CompiledClusterRule, Map<string, ConnectionSet>>();

  constructor(
    /** The compiled policies. */
    public readonly compiled: CompiledTiers,
    private readonly view: TierClusterView,
  ) {
    for (const tier of [ClusterPolicyTier.ADMIN, ClusterPolicyTier.BASELINE]) {
      for (const direction of [PolicyType.INGRESS, PolicyType.EGRESS]) this.rules[`${tier}/${direction}`] = new Array(view.classes.length);
    }
  }

  /** Whether the policy's subject holds the class (never a host-network class). */
  public subjectSelects(policy: CompiledClusterPolicy, cls: WorkloadClass): boolean {
    if (cls.hostNetwork) return false;
    const subject = policy.model.subject;
    if (subject.namespaces) return matchesSelector(subject.namespaces, cls.namespace.labels);
    if (subject.pods) return matchesSelector(subject.pods.namespaceSelector, cls.namespace.labels) && matchesSelector(subject.pods.podSelector, cls.podLabels);
    return false;
  }

  /** The rules of the tier that apply to the class in the direction, in evaluation order (cached). */
  public rulesFor(tier: ClusterPolicyTier, direction: PolicyType, cls: WorkloadClass): readonly CompiledClusterRule[] {
    const cache = this.rules[`${tier}/${direction}`];
    let rules = cache[cls.index];
    if (!rules) {
      const list: CompiledClusterRule[] = [];
      for (const policy of tier === ClusterPolicyTier.ADMIN ? this.compiled.admin : this.compiled.baseline) {
        const own = direction === PolicyType.INGRESS ? policy.ingress : policy.egress;
        if (own.length > 0 && this.subjectSelects(policy, cls)) list.push(...own);
      }
      rules = list.length > 0 ? list : NO_RULES;
      cache[cls.index] = rules;
    }
    return rules;
  }

  /** The classes the rule's pod-matching peers hold (never host-network classes; cached per rule and per selector pair). */
  public ruleClasses(rule: CompiledClusterRule): BitSet {
    let set = this.ruleSets.get(rule);
    if (!set) {
      set = new BitSet(this.view.classes.length);
      for (const peer of rule.selectorPeers) set.addAll(this.peerClasses(peer));
      this.ruleSets.set(rule, set);
    }
    return set;
  }

  private peerClasses(peer: ClusterSelectorPeer): BitSet {
    const key = `${selectorKey(peer.namespaceSelector)}|${peer.podSelector ? selectorKey(peer.podSelector) : '*'}`;
    let set = this.peerSets.get(key);
    if (!set) {
      set = new BitSet(this.view.classes.length);
      for (const ns of this.view.namespaces.values()) {
        if (!matchesSelector(peer.namespaceSelector, ns.labels)) continue;
        for (const cls of this.view._classesIn(ns.name)) {
          if (!cls.hostNetwork && (!peer.podSelector || matchesSelector(peer.podSelector, cls.podLabels))) set.add(cls.index);
        }
      }
      this.peerSets.set(key, set);
    }
    return set;
  }

  /** Whether the rule's peers hold the other end. */
  public ruleMatches(rule: CompiledClusterRule, other: TierPeer): boolean {
    if ('cls' in other) return this.ruleClasses(rule).has(other.cls.index);
    if (rule.networks.length === 0) return false;
    if ('address' in other) return rule.networks.some(n => n.containsAddress(other.address, other.family));
    let cover = this.rangeCover.get(rule);
    if (!cover) {
      const ranges = this.view.egressRanges;
      const made = new BitSet(ranges.length);
      ranges.forEach((range, i) => {
        if (rule.networks.some(n => n.containsAddress(BigInt(range.first), 4))) made.add(i);
      });
      cover = made;
      this.rangeCover.set(rule, cover);
    }
    return cover.has(other.rangeIndex);
  }

  /** The ports the rule names towards a destination class, or an address outside the cluster (undefined). */
  public rulePorts(rule: CompiledClusterRule, destination: WorkloadClass | undefined): ConnectionSet {
    const ports = rule.ports;
    if (ports.named.length === 0 || !destination) return ports.numeric;
    let byPorts = this.portCache.get(rule);
    if (!byPorts) {
      byPorts = new Map();
      this.portCache.set(rule, byPorts);
    }
    let result = byPorts.get(destination.portsKey);
    if (!result) {
      result = ports.numeric;
      for (const name of ports.named) {
        for (const cp of destination.namedPorts) if (cp.name === name) result = result.union(ConnectionSet.port(cp.protocol ?? Protocol.TCP, cp.containerPort));
      }
      byPorts.set(destination.portsKey, result);
    }
    return result;
  }

  /** First match per port over the rules: the ports each action takes. */
  public outcome(rules: readonly CompiledClusterRule[], other: TierPeer, destination: WorkloadClass | undefined): TierOutcome {
    if (rules.length === 0) return EMPTY_OUTCOME;
    let remaining = ConnectionSet.ALL;
    let allow = ConnectionSet.NONE;
    let deny = ConnectionSet.NONE;
    let pass = ConnectionSet.NONE;
    for (const rule of rules) {
      if (!this.ruleMatches(rule, other)) continue;
      const taken = this.rulePorts(rule, destination).intersect(remaining);
      if (taken.isEmpty()) continue;
      if (rule.action === TierAction.ALLOW) allow = allow.union(taken);
      else if (rule.action === TierAction.DENY) deny = deny.union(taken);
      else pass = pass.union(taken);
      remaining = remaining.subtract(taken);
      if (remaining.isEmpty()) break;
    }
    return { allow, deny, pass };
  }

  /** The first rule whose peers hold the other end and whose ports hold the port, or undefined. */
  public decidingRule(rules: readonly CompiledClusterRule[], other: TierPeer, destination: WorkloadClass | undefined, protocol: Protocol, port: number): CompiledClusterRule | undefined {
    return rules.find(rule => this.ruleMatches(rule, other) && this.rulePorts(rule, destination).contains(protocol, port));
  }

  /**
   * What one direction allows, all tiers together. `subject` is the pod whose side is evaluated (the source for
   * egress, the destination for ingress), `other` the other end, `destination` the destination class (for named
   * ports; undefined for an address), `isolated` whether a NetworkPolicy isolates the subject in this direction and
   * `allowedByNetworkPolicies` what they allow (called only when needed).
   */
  public resolve(direction: PolicyType, subject: WorkloadClass, other: TierPeer, destination: WorkloadClass | undefined,
    isolated: boolean, allowedByNetworkPolicies: () => ConnectionSet): ConnectionSet {
    const admin = this.rulesFor(ClusterPolicyTier.ADMIN, direction, subject);
    const baseline = isolated ? NO_RULES : this.rulesFor(ClusterPolicyTier.BASELINE, direction, subject);
    if (admin.length === 0 && baseline.length === 0) return isolated ? allowedByNetworkPolicies() : ConnectionSet.ALL;
    const first = this.outcome(admin, other, destination);
    const undecided = ConnectionSet.ALL.subtract(first.allow).subtract(first.deny);
    if (undecided.isEmpty()) return first.allow;
    const lower = isolated
      ? allowedByNetworkPolicies()
      : ConnectionSet.ALL.subtract(this.outcome(baseline, other, destination).deny);
    return first.allow.union(undecided.intersect(lower));
  }

  /** The classes an Admin tier Allow/Accept rule lets the class reach whatever NetworkPolicies say. */
  public adminAllowedClasses(cls: WorkloadClass): BitSet | undefined {
    const rules = this.rulesFor(ClusterPolicyTier.ADMIN, PolicyType.EGRESS, cls).filter(r => r.action === TierAction.ALLOW);
    if (rules.length === 0) return undefined;
    const set = new BitSet(this.view.classes.length);
    for (const rule of rules) set.addAll(this.ruleClasses(rule));
    return set;
  }
}

/** Whether two lists hold the same cluster-policy models in the same order. */
export function sameClusterPolicies(a: readonly ClusterPolicyModel[], b: readonly ClusterPolicyModel[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}
