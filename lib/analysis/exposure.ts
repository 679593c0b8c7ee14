/**
 * Exposure analysis: what each workload is open to beyond the workloads of the manifests. An app whose peers are
 * deployed elsewhere (a Helm chart, another team's namespace) still gets an answer: "api accepts TCP 9090 from pods
 * labelled app=prometheus in any namespace labelled purpose=monitoring", whether or not such pods are in the input.
 * The result and its text follow np-guard netpol-analyzer's `k8snetpolicy list --exposure`.
 *
 * The rules, in our words:
 *
 * 1. **Unprotected.** A workload that no policy selects for a direction is open in that direction to the entire
 *    cluster on all connections, and to every address outside it (the connection list's external lines).
 * 2. **Entire cluster.** For a protected direction, the rules that admit every pod of every namespace are a rule
 *    without peers, and a peer with `namespaceSelector: {}` and no or an empty `podSelector`. The union of their
 *    ports is the workload's `entire-cluster` exposure (left out when empty).
 * 3. **Exposure peers.** Every other pod/namespace selector peer of every rule, of every policy (whether or not it
 *    selects a workload), in every direction the policy affects, describes a set of pods that may exist beyond the
 *    input: `podSelector` alone means those pods in the policy's namespace, `namespaceSelector` alone every pod of
 *    the matching namespaces, both together the matching pods of the matching namespaces. Peers with the same
 *    requirements are one exposure peer (requirements compare as Kubernetes parses them: order of labels, of
 *    expressions and of values does not matter, `In` with one value equals a `matchLabels` entry, a missing
 *    `namespaceSelector` equals one naming the policy's namespace by `kubernetes.io/metadata.name`); the first one
 *    written gives the printed form. A rule with an entire-cluster peer (rule 2) adds no exposure peer.
 * 4. **A real workload answers instead.** An exposure peer written with `matchLabels` only (no expressions), with a
 *    non-empty pod selector and a namespace selector (or the policy's namespace), is dropped when a workload of the
 *    input matches it: that workload's connections are in the connection list. Peers with expressions, peers of
 *    every pod of some namespaces and peers of any namespace are kept, since pods beyond the input may match them.
 * 5. **Which rules admit an exposure peer.** A rule's peer admits an exposure peer when each of its selectors is
 *    empty or has exactly the exposure peer's requirements (a missing `namespaceSelector`: the exposure peer is
 *    in the policy's namespace); a rule without peers admits every exposure peer. This is a match of the written
 *    selectors, not of label sets: `app=x` does not admit the exposure peer `app=x,tier=web`.
 * 6. **Connections.** A workload's exposure to a peer is the union of the ports of the rules of its selecting
 *    policies that admit the peer; it is listed when not empty and not contained in the workload's entire-cluster
 *    exposure. Ingress named ports resolve against the workload's own container ports (name and protocol; one that
 *    does not resolve adds nothing, as in the connection list). Egress named ports stay names (`TCP http`): the
 *    destination pods are unknown.
 * 7. **Addresses.** A workload's exposure to addresses outside the cluster is its external lines of the connection
 *    list. The text lists a workload only when it is exposed to more than addresses; its address lines then come
 *    with it.
 *
 * Where np-guard's code depends on input order or on a named port's protocol, we follow Kubernetes instead: a
 * namespace-by-name exposure peer is admitted by a rule without `namespaceSelector` in that namespace however it was
 * first written; an ingress named port resolves only with a matching protocol, and one that does not resolve adds
 * nothing (np-guard prints it by name on the entire-cluster line); containment compares named ports by name.
 * Cluster-scoped policies (AdminNetworkPolicy, ...) are not covered by these rules: with any of them, `exposureOf`
 * throws rather than answer for the NetworkPolicies alone.
 */
import { ErrorCode, NetpolError } from '../errors';
import { LabelOperator, PolicyType, Protocol, SelectorModel } from '../model/types';
import type { Analysis } from './analysis';
import { NAMESPACE_NAME_LABEL, WorkloadClass } from './classes';
import { CompiledPolicy, CompiledRule, NamedPortRef, SelectorPeer } from './compiled';
import { ConnectionSet, PROTOCOLS } from './connection-set';
import { endpointName, ExternalEndpoint, WorkloadEndpoint } from './endpoints';
import type { Engine } from './engine';
import { formatIpv4Range, Ipv4Range } from './external';
import { isEmptySelector, Labels, matchesSelector } from './selectors';

/** The connections of one exposure: numbered ports, plus named ports that could not be resolved to numbers. */
export class ExposureConnections {
  /** No connections. */
  public static readonly NONE = new ExposureConnections(ConnectionSet.NONE, []);
  /** Every port of every protocol. */
  public static readonly ALL = new ExposureConnections(ConnectionSet.ALL, []);

  /** Connections of numbered ports only. */
  public static of(ports: ConnectionSet, namedPorts: readonly NamedPortRef[] = []): ExposureConnections {
    if (namedPorts.length === 0) return ports.isEmpty() ? ExposureConnections.NONE : new ExposureConnections(ports, []);
    const unique = new Map<string, NamedPortRef>();
    for (const p of namedPorts) unique.set(`${p.protocol}/${p.name}`, { name: p.name, protocol: p.protocol });
    const sorted = [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
    return new ExposureConnections(ports, sorted);
  }

  private constructor(
    /** The numbered ports. */
    public readonly ports: ConnectionSet,
    /** Named ports not resolved to numbers (egress: the destination pods are unknown), sorted by protocol and name. */
    public readonly namedPorts: readonly NamedPortRef[],
  ) {}

  /** Whether there is no connection at all. */
  public isEmpty(): boolean {
    return this.ports.isEmpty() && this.namedPorts.length === 0;
  }

  /** Whether every port of every protocol is included. */
  public isAll(): boolean {
    return this.ports.isAll();
  }

  /** Connections in this set or in `other`. */
  public union(other: ExposureConnections): ExposureConnections {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    return ExposureConnections.of(this.ports.union(other.ports), [...this.namedPorts, ...other.namedPorts]);
  }

  /** Whether every connection of this set is in `other` (named ports compare by protocol and name). */
  public containedIn(other: ExposureConnections): boolean {
    if (other.isAll()) return true;
    if (!this.ports.subtract(other.ports).isEmpty()) return false;
    return this.namedPorts.every(p => other.namedPorts.some(o => o.name === p.name && o.protocol === p.protocol));
  }

  /** Whether the set holds the numbered port of the protocol (named ports never match a number). */
  public contains(protocol: Protocol, port: number): boolean {
    return this.ports.contains(protocol, port);
  }

  /**
   * The text np-guard prints: `All Connections`, or protocol groups in SCTP, TCP, UDP order, each with its
   * numbered ranges and then its named ports (`TCP 80,8080-8081,http`).
   */
  public toString(): string {
    let text = connectionTexts.get(this);
    if (text === undefined) {
      text = connectionsText(this);
      connectionTexts.set(this, text);
    }
    return text;
  }
}

/** Each set's text, worked out once: the workloads of a class share their sets, and the exposure text repeats them. */
const connectionTexts = new WeakMap<ExposureConnections, string>();

function connectionsText(conns: ExposureConnections): string {
  if (conns.isAll()) return 'All Connections';
  if (conns.isEmpty()) return 'No Connections';
  const groups: string[] = [];
  for (const protocol of PROTOCOLS) {
    const parts = conns.ports.ranges(protocol).map(r => (r.first === r.last ? `${r.first}` : `${r.first}-${r.last}`));
    for (const p of conns.namedPorts) if (p.protocol === protocol) parts.push(p.name);
    if (parts.length > 0) groups.push(`${protocol} ${parts.join(',')}`);
  }
  return groups.join(',');
}

/** Every pod of every namespace of the cluster, whether or not the input holds them. */
export interface EntireClusterPeer {
  /** Discriminator. */
  readonly type: 'entire-cluster';
  /** The printed name: `entire-cluster`. */
  readonly name: string;
}

/** A range of addresses outside the cluster (one of the connection list's external ranges). */
export interface ExternalPeer {
  /** Discriminator. */
  readonly type: 'external';
  /** The printed name: `first-last[External]`. */
  readonly name: string;
  /** The range. */
  readonly endpoint: ExternalEndpoint;
}

/**
 * Pods a policy rule admits beyond the workloads of the input: the pods matching `podSelector` (every pod when
 * absent) in the namespaces `namespaceName` names or `namespaceSelector` matches (every namespace when empty).
 */
export interface PodsPeer {
  /** Discriminator. */
  readonly type: 'pods';
  /**
   * The printed name, as np-guard writes it: `ns/[all pods]`, `ns/[pod with {app=x}]`,
   * `[namespace with {team=a}]/[all pods]`, `[all namespaces]/[pod with {app=x}]`, with expressions as
   * `{Key:app,Operator:In,Values:[a b],}`.
   */
  readonly name: string;
  /** The one namespace the pods are in, when the selector names it (`kubernetes.io/metadata.name` alone). */
  readonly namespaceName?: string;
  /** The namespaces' selector, as written (for a rule without one: the policy's namespace by name). */
  readonly namespaceSelector: SelectorModel;
  /** The pods' selector as written; absent for every pod of the namespaces. */
  readonly podSelector?: SelectorModel;
}

/** Who a workload is exposed to. */
export type ExposurePeer = EntireClusterPeer | ExternalPeer | PodsPeer;

/** One exposure of a workload in one direction. */
export interface Exposure {
  /** The peer the workload is open to (ingress: from; egress: to). */
  readonly peer: ExposurePeer;
  /** The connections. */
  readonly conns: ExposureConnections;
}

/** What a workload is open to in one direction. */
export interface DirectionExposure {
  /** Whether a policy selects the workload for this direction (otherwise it is open to everything). */
  readonly protected: boolean;
  /** The exposures, sorted by the peer's printed name. */
  readonly exposures: readonly Exposure[];
}

/** What one workload is open to, per direction. */
export interface WorkloadExposure {
  /** The workload. */
  readonly workload: WorkloadEndpoint;
  /** Who may connect to it. */
  readonly ingress: DirectionExposure;
  /** Who it may connect to. */
  readonly egress: DirectionExposure;
}

/** The printed name of the entire-cluster peer. */
export const ENTIRE_CLUSTER = 'entire-cluster';

const ENTIRE_CLUSTER_PEER: EntireClusterPeer = { type: 'entire-cluster', name: ENTIRE_CLUSTER };

/** An exposure peer with its matching keys. */
interface Representative {
  readonly peer: PodsPeer;
  /** The canonical requirements of the namespace selector. */
  readonly nsKey: string;
  /** The canonical requirements of the pod selector ('' for every pod). */
  readonly podKey: string;
}

/**
 * The requirements of a selector as Kubernetes parses them (`labels.Selector`), in a canonical order: `k=v` for a
 * matchLabels entry and for `In` with one value, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`.
 */
export function selectorRequirements(selector: SelectorModel | undefined): string[] {
  if (!selector) return [];
  const out: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) out.push({ key, text: `${key}=${value}` });
  for (const e of selector.matchExpressions ?? []) {
    const values = [...new Set(e.values ?? [])].sort();
    let text: string;
    switch (e.op) {
      case LabelOperator.IN: text = values.length === 1 ? `${e.key}=${values[0]}` : `${e.key} in (${values.join(',')})`; break;
      case LabelOperator.NOT_IN: text = `${e.key} notin (${values.join(',')})`; break;
      case LabelOperator.EXISTS: text = e.key; break;
      case LabelOperator.DOES_NOT_EXIST: text = `!${e.key}`; break;
      default: text = `${e.key} ${String(e.op)} (${values.join(',')})`;
    }
    out.push({ key: e.key, text });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.text < b.text ? -1 : a.text > b.text ? 1 : 0)).map(r => r.text);
}

const requirementKeys = new WeakMap<SelectorModel, string>();

function requirementsKey(selector: SelectorModel | undefined): string {
  if (!selector) return '[]';
  let key = requirementKeys.get(selector);
  if (key === undefined) {
    key = JSON.stringify(selectorRequirements(selector));
    requirementKeys.set(selector, key);
  }
  return key;
}

/** A selector as np-guard prints it: sorted `k=v` entries, then the sorted expressions in Go's struct syntax. */
function selectorText(selector: SelectorModel): string {
  const labels = Object.entries(selector.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`);
  const exprs = (selector.matchExpressions ?? []).map(e => `{Key:${e.key},Operator:${e.op},Values:[${(e.values ?? []).join(' ')}],}`).sort();
  return [...labels, ...exprs].join(',');
}

/** The printed name of a pods peer: `<namespaces>/<pods>`. */
export function podsPeerName(namespaceSelector: SelectorModel, podSelector: SelectorModel | undefined): string {
  const labels = Object.keys(namespaceSelector.matchLabels ?? {});
  const byName = labels.length === 1 && labels[0] === NAMESPACE_NAME_LABEL && (namespaceSelector.matchExpressions ?? []).length === 0;
  const namespaces = byName
    ? namespaceSelector.matchLabels![NAMESPACE_NAME_LABEL]
    : isEmptySelector(namespaceSelector) ? '[all namespaces]' : `[namespace with {${selectorText(namespaceSelector)}}]`;
  const pods = !podSelector || isEmptySelector(podSelector) ? '[all pods]' : `[pod with {${selectorText(podSelector)}}]`;
  return `${namespaces}/${pods}`;
}

/** Whether a selector peer admits every pod of every namespace (`namespaceSelector: {}`, no or an empty podSelector). */
function isEntireClusterPeer(peer: SelectorPeer): boolean {
  return peer.namespaceSelector !== undefined && isEmptySelector(peer.namespaceSelector)
    && (peer.podSelector === undefined || isEmptySelector(peer.podSelector));
}

/** Whether the rule admits the entire cluster (rule 2). */
function admitsEntireCluster(rule: CompiledRule): boolean {
  return rule.allPeers || rule.selectorPeers.some(isEntireClusterPeer);
}

function hasOnlyLabels(selector: SelectorModel): boolean {
  return (selector.matchExpressions ?? []).length === 0;
}

/** The exposure peers of every policy (rule 3), less those a workload of the input answers for (rule 4). */
function representatives(engine: Engine): Representative[] {
  const byKey = new Map<string, Representative>();
  const add = (policy: CompiledPolicy, peer: SelectorPeer) => {
    const namespaceSelector: SelectorModel = peer.namespaceSelector ?? { matchLabels: { [NAMESPACE_NAME_LABEL]: policy.namespace } };
    const nsKey = requirementsKey(namespaceSelector);
    const podKey = requirementsKey(peer.podSelector);
    const key = `${nsKey}/${podKey}`;
    if (byKey.has(key)) return;
    const nsRequirements = selectorRequirements(namespaceSelector);
    const pinned = nsRequirements.length === 1 && nsRequirements[0].startsWith(`${NAMESPACE_NAME_LABEL}=`) ? nsRequirements[0].slice(NAMESPACE_NAME_LABEL.length + 1) : undefined;
    const pods: PodsPeer = {
      type: 'pods', name: podsPeerName(namespaceSelector, peer.podSelector),
      ...(pinned !== undefined ? { namespaceName: pinned } : {}), namespaceSelector,
      ...(peer.podSelector ? { podSelector: peer.podSelector } : {}),
    };
    byKey.set(key, { peer: pods, nsKey, podKey });
  };
  for (const policy of engine.policies) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
      if (admitsEntireCluster(rule)) continue;
      for (const peer of rule.selectorPeers) add(policy, peer);
    }
  }
  const classes = new ClassesByLabel(engine.classes);
  return [...byKey.values()].filter(rep => !answeredByWorkload(classes, rep.peer));
}

/**
 * The workload classes by each of their pod labels and by each of their namespace's labels: a selector of plain
 * labels can only match the classes listed under every one of its labels, so it is checked against the shortest such
 * list instead of every class.
 */
class ClassesByLabel {
  private readonly byPodLabel = new Map<string, WorkloadClass[]>();
  private readonly byNamespaceLabel = new Map<string, WorkloadClass[]>();

  constructor(classes: readonly WorkloadClass[]) {
    for (const cls of classes) {
      for (const [key, value] of Object.entries(cls.podLabels)) listUnder(this.byPodLabel, labelKey(key, value), cls);
      for (const [key, value] of Object.entries(cls.namespace.labels)) listUnder(this.byNamespaceLabel, labelKey(key, value), cls);
    }
  }

  /** The fewest classes that can match both selectors' `matchLabels` (each with at least one label). */
  public candidates(pods: Labels, namespaces: Labels): readonly WorkloadClass[] {
    let fewest: readonly WorkloadClass[] | undefined;
    const narrow = (index: Map<string, WorkloadClass[]>, labels: Labels) => {
      for (const [key, value] of Object.entries(labels)) {
        const listed = index.get(labelKey(key, value)) ?? [];
        if (fewest === undefined || listed.length < fewest.length) fewest = listed;
      }
    };
    narrow(this.byPodLabel, pods);
    narrow(this.byNamespaceLabel, namespaces);
    return fewest ?? [];
  }
}

/** Adds `value` to the list under `key`, making the list on first use. */
function listUnder<K, V>(index: Map<K, V[]>, key: K, value: V): void {
  const listed = index.get(key);
  if (listed) listed.push(value);
  else index.set(key, [value]);
}

/** Numbered ports as exposure connections, one object per set (the workloads of a class share their sets). */
function numberedPorts(ports: ConnectionSet): ExposureConnections {
  let conns = numbered.get(ports);
  if (!conns) {
    conns = ExposureConnections.of(ports);
    numbered.set(ports, conns);
  }
  return conns;
}

const numbered = new WeakMap<ConnectionSet, ExposureConnections>();

/** A label as one string (no label key or value holds a NUL). */
function labelKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

/** Rule 4: a peer of plain labels that a workload of the input matches. */
function answeredByWorkload(classes: ClassesByLabel, peer: PodsPeer): boolean {
  const pods = peer.podSelector;
  const namespaces = peer.namespaceSelector;
  if (!pods || !hasOnlyLabels(pods) || !hasOnlyLabels(namespaces)) return false;
  if (Object.keys(pods.matchLabels ?? {}).length === 0 || Object.keys(namespaces.matchLabels ?? {}).length === 0) return false;
  return classes.candidates(pods.matchLabels!, namespaces.matchLabels!)
    .some(cls => matchesSelector(pods, cls.podLabels) && matchesSelector(namespaces, cls.namespace.labels));
}

/** Computes the exposure of every workload of an analysis. */
class ExposureComputation {
  private readonly reps: Representative[];
  private readonly admitted = new Map<CompiledRule, readonly Representative[]>();
  /** Each exposure peer's position in `reps`. */
  private readonly positions = new Map<Representative, number>();
  /**
   * The exposure peers by the requirements of both selectors, of the pod selector, of the namespace selector, by the
   * namespace they are pinned to, and by that namespace and the pod selector's requirements; each list in `reps` order.
   */
  private readonly byKeys = new Map<string, Representative>();
  private readonly byPodKey = new Map<string, Representative[]>();
  private readonly byNsKey = new Map<string, Representative[]>();
  private readonly byNamespaceName = new Map<string, Representative[]>();
  private readonly byNamespaceNameAndPodKey = new Map<string, Representative[]>();
  /** The peers of the address ranges, per direction (ingress, egress) and range index. */
  private readonly rangePeers: ExposurePeer[][] = [[], []];
  /** The egress ports of each rule, made once (egress ports do not depend on the workload). */
  private readonly egressPorts = new Map<CompiledRule, ExposureConnections>();

  constructor(private readonly engine: Engine) {
    this.reps = representatives(engine);
    this.reps.forEach((rep, i) => {
      this.positions.set(rep, i);
      this.byKeys.set(`${rep.nsKey}/${rep.podKey}`, rep);
      listUnder(this.byPodKey, rep.podKey, rep);
      listUnder(this.byNsKey, rep.nsKey, rep);
      if (rep.peer.namespaceName !== undefined) {
        listUnder(this.byNamespaceName, rep.peer.namespaceName, rep);
        listUnder(this.byNamespaceNameAndPodKey, `${rep.peer.namespaceName}\u0000${rep.podKey}`, rep);
      }
    });
  }

  /** The exposure peers a rule admits, in `reps` order (cached per rule). */
  private admittedBy(rule: CompiledRule): readonly Representative[] {
    let reps = this.admitted.get(rule);
    if (!reps) {
      if (rule.allPeers) {
        reps = this.reps;
      } else if (rule.selectorPeers.length === 1) {
        reps = this.admittedByPeer(rule.policy, rule.selectorPeers[0]);
      } else {
        const found = new Set<Representative>();
        for (const peer of rule.selectorPeers) for (const rep of this.admittedByPeer(rule.policy, peer)) found.add(rep);
        reps = [...found].sort((a, b) => this.positions.get(a)! - this.positions.get(b)!);
      }
      this.admitted.set(rule, reps);
    }
    return reps;
  }

  /**
   * Rule 5: the exposure peers one selector peer of a rule admits, in `reps` order. Each of the peer's selectors is
   * empty (admits any) or has exactly the exposure peer's requirements; a missing `namespaceSelector` admits the
   * exposure peers pinned to the policy's namespace.
   */
  private admittedByPeer(policy: CompiledPolicy, peer: SelectorPeer): readonly Representative[] {
    const podKey = peer.podSelector === undefined || isEmptySelector(peer.podSelector) ? undefined : requirementsKey(peer.podSelector);
    if (peer.namespaceSelector === undefined) {
      return (podKey === undefined ? this.byNamespaceName.get(policy.namespace) : this.byNamespaceNameAndPodKey.get(`${policy.namespace}\u0000${podKey}`)) ?? [];
    }
    if (isEmptySelector(peer.namespaceSelector)) return podKey === undefined ? this.reps : this.byPodKey.get(podKey) ?? [];
    const nsKey = requirementsKey(peer.namespaceSelector);
    if (podKey === undefined) return this.byNsKey.get(nsKey) ?? [];
    const rep = this.byKeys.get(`${nsKey}/${podKey}`);
    return rep ? [rep] : [];
  }

  /** The ports of a rule towards the exposure (rule 6). */
  private rulePorts(rule: CompiledRule, direction: PolicyType, cls: WorkloadClass): ExposureConnections {
    if (direction === PolicyType.INGRESS) return numberedPorts(this.engine.rulePorts(rule, cls));
    let ports = this.egressPorts.get(rule);
    if (!ports) {
      ports = ExposureConnections.of(rule.ports.numeric, rule.ports.named);
      this.egressPorts.set(rule, ports);
    }
    return ports;
  }

  /** The peer of an address range of a direction, made once and shared by the classes exposed to it. */
  private rangePeer(direction: PolicyType, index: number, range: Ipv4Range): ExposurePeer {
    const peers = this.rangePeers[direction === PolicyType.INGRESS ? 0 : 1];
    let peer = peers[index];
    if (!peer) {
      const [first, last] = formatIpv4Range(range).split('-');
      const endpoint: ExternalEndpoint = { type: 'external', first, last };
      peer = { type: 'external', name: endpointName(endpoint), endpoint };
      peers[index] = peer;
    }
    return peer;
  }

  /** The exposures of a class in one direction. */
  public classSide(direction: PolicyType, cls: WorkloadClass): DirectionExposure {
    const engine = this.engine;
    const side = engine.side(direction, cls);
    const exposures: Exposure[] = [];
    const ranges = direction === PolicyType.INGRESS ? engine.ingressRanges : engine.egressRanges;
    ranges.forEach((range, i) => {
      const conns = engine.classAndRange(direction, cls, i);
      if (conns.isEmpty()) return;
      exposures.push({ peer: this.rangePeer(direction, i, range), conns: numberedPorts(conns) });
    });
    if (!side.isolated) {
      exposures.push({ peer: ENTIRE_CLUSTER_PEER, conns: ExposureConnections.ALL });
    } else {
      // A rule that admits the entire cluster admits every exposure peer too: its ports are in each peer's
      // connections, and a peer that no narrower rule admits beyond them is not listed.
      let entire = ExposureConnections.NONE;
      const byRep = new Map<Representative, ExposureConnections>();
      for (const rule of side.rules) {
        const ports = this.rulePorts(rule, direction, cls);
        if (ports.isEmpty()) continue;
        if (admitsEntireCluster(rule)) {
          entire = entire.union(ports);
          continue;
        }
        for (const rep of this.admittedBy(rule)) byRep.set(rep, (byRep.get(rep) ?? ExposureConnections.NONE).union(ports));
      }
      if (!entire.isEmpty()) exposures.push({ peer: ENTIRE_CLUSTER_PEER, conns: entire });
      for (const [rep, conns] of byRep) {
        if (!entire.isEmpty() && conns.containedIn(entire)) continue;
        exposures.push({ peer: rep.peer, conns: conns.union(entire) });
      }
    }
    exposures.sort((a, b) => (a.peer.name < b.peer.name ? -1 : a.peer.name > b.peer.name ? 1 : 0));
    return { protected: side.isolated, exposures };
  }
}

/**
 * What every workload of the analysis is open to beyond the workloads of the input, per direction, sorted by the
 * workload's name (a workload listed twice under one name appears once). See the module's rules. Throws a
 * NetpolError (UNMODELLED_POLICY) when the cluster holds cluster-scoped policies, which the rules do not cover.
 */
export function exposureOf(analysis: Analysis): WorkloadExposure[] {
  const engine = analysis.engine;
  // Cluster-scoped policies (AdminNetworkPolicy, ...) can allow or deny around the NetworkPolicies; the rules above
  // do not cover them, so an answer would be wrong rather than partial.
  if ((engine as unknown as { readonly tiers?: unknown }).tiers !== undefined) {
    throw new NetpolError(ErrorCode.UNMODELLED_POLICY, 'exposure analysis covers NetworkPolicies only, and the input holds cluster-scoped policies (AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy), which can allow or deny around them; analyse the exposure without those policies');
  }
  const computation = new ExposureComputation(engine);
  // Each class's two directions, worked out once for its workloads.
  const sides = new Map<WorkloadClass, { ingress: DirectionExposure; egress: DirectionExposure }>();
  const out: WorkloadExposure[] = [];
  // The workloads in name order, each name once (its first workload in class order), as the connection list has them.
  for (const source of analysis._connectionLists(0).sources) {
    const cls = source.cls;
    if (!cls) continue;
    let side = sides.get(cls);
    if (!side) {
      side = { ingress: computation.classSide(PolicyType.INGRESS, cls), egress: computation.classSide(PolicyType.EGRESS, cls) };
      sides.set(cls, side);
    }
    out.push({ workload: source.endpoint as WorkloadEndpoint, ingress: side.ingress, egress: side.egress });
  }
  return out;
}

/** Whether the exposure names more than addresses (np-guard lists only such workloads in its exposure section). */
export function hasClusterExposure(exposure: WorkloadExposure): boolean {
  return [exposure.ingress, exposure.egress].some(d => !d.protected || d.exposures.some(e => e.peer.type !== 'external'));
}
