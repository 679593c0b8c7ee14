/**
 * The public entry point of the analysis engine: who may connect to whom in a cluster model, under exact
 * networking.k8s.io/v1 NetworkPolicy semantics.
 *
 * @example
 * const analysis = Analysis.of(cluster);
 * analysis.allowed('shop/frontend', 'shop/api', 8080);           // true or false
 * analysis.explain('shop/frontend', 'shop/api', 8080).text;      // which policy allowed or isolated it
 * analysis.connections();                                        // every allowed connection, sorted
 */
import { formatAddress } from '../model/cidr';
import { ClusterModel, PolicyType, Protocol, WorkloadModel } from '../model/types';
import { WorkloadClass } from './classes';
import { ConnectionSet } from './connection-set';
import { Endpoint, endpointName, ExternalEndpoint, WorkloadEndpoint } from './endpoints';
import { Address, AnalysisOptions, checkProtocolPort, Engine } from './engine';
import { Explanation, explainConnection } from './explain';
import { exposureOf, WorkloadExposure } from './exposure';
import { formatIpv4Range, Ipv4Range, parseAddress } from './external';
import type { EachConnection } from './output/write';
import { compareStrings } from './compare';

/** One allowed connection between two endpoints. */
export interface Connection {
  /** The source. */
  readonly src: Endpoint;
  /** The destination. */
  readonly dst: Endpoint;
  /** The allowed protocols and ports; never empty. */
  readonly conns: ConnectionSet;
}

/** An endpoint given to `allowed`/`explain`, resolved (a workload with its class in the engine it was resolved in). */
export type ResolvedEndpoint =
  | { readonly type: 'workload'; readonly endpoint: WorkloadEndpoint; readonly cls: WorkloadClass }
  | { readonly type: 'address'; readonly endpoint: ExternalEndpoint; readonly address: Address };

function workloadEndpoint(w: WorkloadModel): WorkloadEndpoint {
  return { type: 'workload', namespace: w.namespaceName, name: w.name, kind: w.kind };
}

function rangeEndpoint(range: Ipv4Range): ExternalEndpoint {
  const [first, last] = formatIpv4Range(range).split('-');
  return { type: 'external', first, last };
}

/** By default, at most this many destination entries are kept for reuse across sources of the same class. */
const DESTINATION_CACHE_ENTRIES = 4_000_000;

/** An endpoint reference: `namespace/name` or `namespace/name[Kind]`. */
const WORKLOAD_REF = /^([^/\s]+)\/([^/[\s]+)(?:\[([^\]]+)\])?$/;

/** A workload with its class, as `resolve` finds it by name. */
interface NamedWorkload {
  /** The workload. */
  readonly workload: WorkloadModel;
  /** Its class, in the engine it was found in. */
  readonly cls: WorkloadClass;
}

/** The workloads of some classes by name, in class order then cluster order. */
function workloadsByName(classes: readonly WorkloadClass[]): Map<string, NamedWorkload[]> {
  const index = new Map<string, NamedWorkload[]>();
  for (const cls of classes) {
    for (const workload of cls.workloads) {
      const list = index.get(workload.name);
      if (list) list.push({ workload, cls });
      else index.set(workload.name, [{ workload, cls }]);
    }
  }
  return index;
}

/**
 * The analysis of one cluster model. Immutable; results are computed on demand and cached.
 *
 * The engine over the whole cluster (`engine`) is built on first use. Until then the pair queries (`allowed`,
 * `explain`, `connectionsBetween`) each answer from an engine over only the workloads their two references name,
 * which gives the same answer: a connection depends only on its two ends (which policies select each, whether the
 * rules' peers match the other, the destination's named ports), never on the other workloads. Such an engine costs
 * about the namespaces and policies of the cluster, not its workloads; once the pair queries together have cost as
 * much as the whole engine would, it is built and answers the next ones.
 */
export class Analysis {
  /**
   * Analyses a cluster model (from `loadPaths`, `loadObjects` or constructs). The policies are compiled now (so an
   * ipBlock that does not parse throws here); the workloads are grouped into classes on first use of `engine`.
   */
  public static of(cluster: ClusterModel, options: AnalysisOptions = {}): Analysis {
    return new Analysis(cluster, options);
  }

  /**
   * `Analysis.of(cluster)` (default options) for a cluster whose policies are those `base` was built from (the same
   * objects, in the same order): the compiled policies and address partitions of `base` are reused.
   * @internal
   */
  public static _ofSamePolicies(base: Analysis, cluster: ClusterModel): Analysis {
    return new Analysis(cluster, {}, base.policyEngine);
  }

  private cachedConnections?: Connection[];
  private cachedExposure?: WorkloadExposure[];
  /** Per namespace, its workloads by name with their classes in `engine` (see `workloadsIn`). */
  private readonly workloadIndex = new Map<string, Map<string, NamedWorkload[]>>();
  /** An engine over the policies alone (no workloads): the compiled policies, address partitions and tiers every other engine of this analysis reuses. */
  private readonly policyEngine: Engine;
  /** The engine over the whole cluster, once built. */
  private wholeEngine?: Engine;
  /** The workloads of each namespace, in cluster order (built on the first pair query answered without `engine`). */
  private workloadsByNamespace?: Map<string, WorkloadModel[]>;
  /** The order of the connection list, once sorted. */
  private endpointOrder?: EndpointOrder;
  /** What the pair queries' own engines have cost so far, in namespaces, policies and workloads visited. */
  private pairEnginesCost = 0;

  private constructor(private readonly cluster: ClusterModel, private readonly options: AnalysisOptions, base?: Engine) {
    this.policyEngine = new Engine({ ...cluster, workloads: [] }, options, base);
  }

  /**
   * The evaluation core over the whole cluster (for rules and tests that need classes or compiled policies). Built on
   * first use, which groups every workload into classes: the pair queries do without it.
   */
  public get engine(): Engine {
    this.wholeEngine ??= new Engine(this.cluster, this.options, this.policyEngine);
    return this.wholeEngine;
  }

  /** A pass over the connection list, in its order (sorted once per analysis), keeping `budget` destination entries. */
  private orderOf(budget: number): ConnectionOrder {
    this.endpointOrder ??= new EndpointOrder(this.engine);
    return new ConnectionOrder(this.engine, this.endpointOrder, budget);
  }

  /** The workloads of a namespace by name, with their classes in `engine` (built on first use per namespace). */
  private workloadsIn(namespace: string): Map<string, NamedWorkload[]> {
    let index = this.workloadIndex.get(namespace);
    if (!index) {
      index = workloadsByName(this.engine._classesIn(namespace));
      this.workloadIndex.set(namespace, index);
    }
    return index;
  }

  /** Every workload of the cluster as an endpoint, sorted by name. */
  public workloads(): WorkloadEndpoint[] {
    return this.engine.classes
      .flatMap(c => c.workloads.map(workloadEndpoint))
      .sort((a, b) => compareStrings(endpointName(a), endpointName(b)));
  }

  /**
   * The IPv4 ranges outside the cluster, as the connection list splits them: sources for Ingress, destinations for
   * Egress.
   */
  public externalRanges(direction: PolicyType): ExternalEndpoint[] {
    // The partitions depend on the policies alone: every engine of this analysis shares the policy engine's.
    const engine = this.policyEngine;
    return (direction === PolicyType.INGRESS ? engine.ingressRanges : engine.egressRanges).map(rangeEndpoint);
  }

  /**
   * Every allowed connection, sorted by source then destination name. Workload pairs are listed once per pair of
   * distinct workloads (never a workload to itself); external ranges as the conformance README describes (IPv4 only).
   * The list is built once and kept: for a large cluster, `eachConnection()` gives the same connections without
   * holding them all.
   */
  public connections(): Connection[] {
    this.cachedConnections ??= [...this.eachConnection()];
    return this.cachedConnections;
  }

  /**
   * The connections of `connections()`, in the same order, one at a time: memory stays bounded by the cluster model
   * (and the destination lists of a few workload classes), never by the number of connections, so the list of a
   * cluster of any size can be written out as it is produced.
   *
   * @param destinationCacheEntries how many destination entries are kept for the next workloads of the same class
   * (bounds the memory; the default holds a few million)
   */
  public *eachConnection(destinationCacheEntries = DESTINATION_CACHE_ENTRIES): Generator<Connection> {
    if (this.cachedConnections) {
      yield* this.cachedConnections;
      return;
    }
    const order = this.orderOf(destinationCacheEntries);
    const { destinations } = order;
    for (const src of order.sources) {
      const { ranks, conns, skip } = order.listOf(src);
      for (let i = 0; i < ranks.length; i++) {
        if (ranks[i] !== skip) yield { src: src.endpoint, dst: destinations[ranks[i]].endpoint, conns: conns[i] };
      }
    }
  }

  /**
   * The connections of `eachConnection()`, in the same order, for the output writers: each passed to `visit` as its
   * source, destination and connections, without a `Connection` object (a list of millions writes faster).
   * @internal
   */
  public _eachConnectionOf(destinationCacheEntries = DESTINATION_CACHE_ENTRIES): EachConnection {
    return visit => {
      if (this.cachedConnections) {
        for (const c of this.cachedConnections) visit(c.src, c.dst, c.conns);
        return;
      }
      const order = this.orderOf(destinationCacheEntries);
      const { destinations } = order;
      for (const src of order.sources) {
        const { ranks, conns, skip } = order.listOf(src);
        for (let i = 0; i < ranks.length; i++) if (ranks[i] !== skip) visit(src.endpoint, destinations[ranks[i]].endpoint, conns[i]);
      }
    };
  }

  /**
   * The connection list as one destination list per source, for the diff: the same connections as `eachConnection()`,
   * with the ends as positions in name order rather than as objects.
   * @internal
   */
  public _connectionLists(destinationCacheEntries = DESTINATION_CACHE_ENTRIES): _ConnectionLists {
    return this.orderOf(destinationCacheEntries);
  }

  /**
   * The endpoints that take part in at least one connection of `connections()`, sorted by name: the nodes of a
   * drawing of the list. Found on the workload classes, without listing the connections.
   */
  public connectedEndpoints(): Endpoint[] {
    return this.orderOf(0).connectedEndpoints();
  }

  /**
   * What every workload is open to beyond the workloads of the cluster model (the entire cluster, pods of namespaces
   * with given labels, addresses outside the cluster, ...), per direction, sorted by workload name: np-guard's
   * exposure analysis. See `lib/analysis/exposure.ts` for the rules.
   */
  public exposure(): WorkloadExposure[] {
    this.cachedExposure ??= exposureOf(this);
    return this.cachedExposure;
  }

  /**
   * Resolves an endpoint reference: `ns/name`, `ns/name[Kind]` (when several kinds share a name), or an IPv4/IPv6
   * address, a workload with its class in `engine` (which this builds for a workload). Throws with the known
   * workloads' names if nothing matches.
   */
  public resolve(ref: string): ResolvedEndpoint {
    return this.resolveIn(undefined, ref);
  }

  /**
   * Resolves a reference against the engine of a pair query, whose classes hold every workload the reference names,
   * or (`pairEngine` undefined) against `engine`. Errors are the same either way.
   */
  private resolveIn(pairEngine: Engine | undefined, ref: string): ResolvedEndpoint {
    const address = parseAddress(ref);
    if (address) {
      const text = formatAddress(address.address, address.family);
      return { type: 'address', endpoint: { type: 'external', first: text, last: text }, address };
    }
    const match = WORKLOAD_REF.exec(ref);
    if (!match) throw new Error(`endpoint "${ref}" is neither "namespace/name", "namespace/name[Kind]" nor an IP address`);
    const [, ns, name, kind] = match;
    const named = pairEngine ? workloadsByName(pairEngine._classesIn(ns)) : this.workloadsIn(ns);
    const candidates = (named.get(name) ?? []).filter(c => !kind || c.workload.kind === kind);
    if (candidates.length === 0) {
      const known = (pairEngine ? this.workloadNamesIn(ns) : [...named.keys()]).slice(0, 10).map(n => `${ns}/${n}`);
      throw new Error(`no workload "${ref}" in the cluster${known.length ? `; workloads in namespace "${ns}": ${known.join(', ')}` : `; namespace "${ns}" has no workloads`}`);
    }
    const kinds = [...new Set(candidates.map(c => c.workload.kind))];
    if (kinds.length > 1) throw new Error(`"${ref}" is ambiguous: it names a ${kinds.join(' and a ')}; write "${ns}/${name}[${kinds[0]}]"`);
    return { type: 'workload', endpoint: workloadEndpoint(candidates[0].workload), cls: candidates[0].cls };
  }

  /**
   * The names of a namespace's workloads in the order `engine` lists them (its classes in class order), without
   * building `engine`: class order follows each class's first workload in cluster order, so an engine over the
   * namespace's workloads alone has the same order.
   */
  private workloadNamesIn(namespace: string): string[] {
    this.workloadsByNamespace ??= groupByNamespace(this.cluster.workloads);
    const workloads = this.workloadsByNamespace.get(namespace) ?? [];
    const own = new Engine({ ...this.cluster, workloads }, this.options, this.policyEngine);
    return [...workloadsByName(own._classesIn(namespace)).keys()];
  }

  /**
   * The engine and the two resolved endpoints of a pair query: `engine` once built, otherwise an engine over only the
   * workloads the two references name (every kind of each `namespace/name`, so that an ambiguous name is reported as
   * `resolve` reports it). Errors are those of `resolve`, the source's first.
   */
  private pair(from: string, to: string): { engine: Engine; src: ResolvedEndpoint; dst: ResolvedEndpoint } {
    const engine = this.wholeEngine ?? this.pairEngine([from, to]);
    const own = engine === this.wholeEngine ? undefined : engine;
    return { engine, src: this.resolveIn(own, from), dst: this.resolveIn(own, to) };
  }

  /**
   * An engine over only the workloads the references name, sharing the policy engine's compiled policies. Its cost is
   * that of the namespace views and policy lookups (about the namespaces and policies of the cluster) plus the
   * references' namespaces; once the pair queries have together cost about what the whole engine does (every
   * workload more), the whole engine is built and returned instead, so that many queries never cost much more than
   * it.
   */
  private pairEngine(refs: readonly string[]): Engine {
    this.workloadsByNamespace ??= groupByNamespace(this.cluster.workloads);
    const wanted = new Map<string, Set<string>>();
    for (const ref of refs) {
      const match = parseAddress(ref) ? null : WORKLOAD_REF.exec(ref);
      if (!match) continue;
      const names = wanted.get(match[1]) ?? new Set<string>();
      names.add(match[2]);
      wanted.set(match[1], names);
    }
    const { namespaces, policies, workloads: all } = this.cluster;
    let cost = namespaces.length + policies.length;
    const workloads: WorkloadModel[] = [];
    for (const [namespace, names] of wanted) {
      const inNamespace = this.workloadsByNamespace.get(namespace) ?? [];
      cost += inNamespace.length;
      for (const w of inNamespace) if (names.has(w.name)) workloads.push(w);
    }
    if (this.pairEnginesCost + cost > namespaces.length + policies.length + all.length) return this.engine;
    this.pairEnginesCost += cost;
    return new Engine({ ...this.cluster, workloads }, this.options, this.policyEngine);
  }

  /**
   * The connections allowed from one endpoint to another (`ns/name` or an IP address; at least one must be a
   * workload). Between two workloads this holds even for a workload and itself. Answered without building `engine`
   * (see the class).
   */
  public connectionsBetween(from: string, to: string): ConnectionSet {
    const { engine, src, dst } = this.pair(from, to);
    if (src.type === 'workload' && dst.type === 'workload') return engine.classToClass(src.cls, dst.cls);
    if (src.type === 'workload' && dst.type === 'address') return engine.classToAddress(src.cls, dst.address);
    if (src.type === 'address' && dst.type === 'workload') return engine.addressToClass(src.address, dst.cls);
    throw new Error(`connections between two addresses outside the cluster ("${from}", "${to}") are not governed by NetworkPolicies`);
  }

  /**
   * Whether a connection on the port and protocol (default TCP) is allowed from one endpoint to the other. Answered
   * without building `engine` (see the class).
   */
  public allowed(from: string, to: string, port: number, protocol: Protocol = Protocol.TCP): boolean {
    checkProtocolPort(protocol, port);
    return this.connectionsBetween(from, to).contains(protocol, port);
  }

  /**
   * Why a connection is allowed or denied: for each side (egress at the source, ingress at the destination) whether
   * it is isolated, by which policies, which rules allow the connection, and which rules came close. Answered without
   * building `engine` (see the class).
   */
  public explain(from: string, to: string, port: number, protocol: Protocol = Protocol.TCP): Explanation {
    checkProtocolPort(protocol, port);
    const { engine, src, dst } = this.pair(from, to);
    if (src.type === 'address' && dst.type === 'address') {
      throw new Error(`connections between two addresses outside the cluster ("${from}", "${to}") are not governed by NetworkPolicies`);
    }
    return explainConnection(engine, src, dst, protocol, port);
  }
}

/** Workloads by namespace name, each list in cluster order. */
function groupByNamespace(workloads: readonly WorkloadModel[]): Map<string, WorkloadModel[]> {
  const byNamespace = new Map<string, WorkloadModel[]>();
  for (const w of workloads) {
    const list = byNamespace.get(w.namespaceName);
    if (list) list.push(w);
    else byNamespace.set(w.namespaceName, [w]);
  }
  return byNamespace;
}

/** An endpoint in the sorted order of the connection list. */
interface OrderedEndpoint {
  /** The endpoint. */
  readonly endpoint: Endpoint;
  /** Its connlist name. */
  readonly text: string;
  /** Its workload class, for a workload. */
  readonly cls?: WorkloadClass;
  /** Its index in the direction's range partition, for an external range. */
  readonly rangeIndex?: number;
  /** Its addresses, for an external range. */
  readonly range?: Ipv4Range;
  /** Its position in the destination order (workloads only; -1 for a range). */
  readonly rank: number;
}

/** Destinations of one source, sorted by name: positions in `ConnectionOrder.destinations`, each with its connections. */
interface DestinationList {
  /** The positions, ascending. */
  readonly ranks: Int32Array;
  /** The connections to each. */
  readonly conns: readonly ConnectionSet[];
}

/**
 * The connection list as one destination list per source (see `Analysis._connectionLists`): the sources (workloads
 * and ingress ranges) and the destinations (workloads and egress ranges), each in name order, and per source its
 * destinations as positions in `destinations`, ascending, with the position of the source itself to skip.
 * @internal
 */
export interface _ConnectionLists {
  /** The sources, in name order. */
  readonly sources: readonly OrderedEndpoint[];
  /** The destinations, in name order. */
  readonly destinations: readonly OrderedEndpoint[];
  /** The destinations of a source, and the position to skip in them (the source itself), -1 for none. */
  listOf(source: OrderedEndpoint): DestinationList & { readonly skip: number };
}

/**
 * The order of the connection list: sources are the workloads and the ingress ranges, destinations the workloads and
 * the egress ranges, each sorted by connlist name. A workload listed twice under one name (e.g. in two classes) is
 * taken once, as its first occurrence in class order. Built once per analysis.
 */
class EndpointOrder {
  /** The sources, in name order. */
  public readonly sources: OrderedEndpoint[];
  /** The destinations, in name order. */
  public readonly destinations: OrderedEndpoint[];
  /** Per class index, the destination positions of its workloads. */
  public readonly membersByClass: number[][];
  /** Per egress range index, its destination position. */
  public readonly egressRank: number[];

  constructor(engine: Engine) {
    const byText = (a: { text: string }, b: { text: string }) => compareStrings(a.text, b.text);
    // One object per endpoint, shared by the two orders, all of one shape.
    const workloads: OrderedEndpoint[] = [];
    const seen = new Set<string>();
    for (const cls of engine.classes) {
      for (const w of cls.workloads) {
        const endpoint = workloadEndpoint(w);
        const text = endpointName(endpoint);
        if (seen.has(text)) continue;
        seen.add(text);
        workloads.push({ endpoint, text, cls, rangeIndex: undefined, range: undefined, rank: -1 });
      }
    }
    workloads.sort(byText);
    const ranges = (direction: PolicyType) => (direction === PolicyType.INGRESS ? engine.ingressRanges : engine.egressRanges)
      .map((range, rangeIndex): OrderedEndpoint => {
        const endpoint = rangeEndpoint(range);
        return { endpoint, text: endpointName(endpoint), cls: undefined, rangeIndex, range, rank: -1 };
      })
      .sort(byText);
    // The workloads are sorted once; each order merges them with its ranges (no range has a workload's name).
    this.destinations = mergeSorted(workloads, ranges(PolicyType.EGRESS));
    this.membersByClass = engine.classes.map(() => []);
    this.egressRank = new Array(engine.egressRanges.length);
    this.destinations.forEach((d, rank) => {
      if (d.cls) {
        (d as { rank: number }).rank = rank; // set once, here: the position the sources need too
        this.membersByClass[d.cls.index].push(rank);
      } else {
        this.egressRank[d.rangeIndex!] = rank;
      }
    });
    this.sources = mergeSorted(workloads, ranges(PolicyType.INGRESS));
  }
}

/**
 * One pass over the connection list in its order (an `EndpointOrder`): the destinations of a workload depend only on
 * its class, so they are computed per class, sorted once, and kept for the next sources of that class within a
 * bounded budget.
 */
class ConnectionOrder implements _ConnectionLists {
  /** The sources, in name order. */
  public readonly sources: OrderedEndpoint[];
  /** The destinations, in name order. */
  public readonly destinations: OrderedEndpoint[];
  /** Per class index, the destination positions of its workloads. */
  private readonly membersByClass: number[][];
  /** Per egress range index, its destination position. */
  private readonly egressRank: number[];
  private readonly cache = new Map<number, DestinationList>();
  private cachedEntries = 0;

  /**
   * @param budget how many destination entries `destinationsOf` keeps for reuse
   */
  constructor(private readonly engine: Engine, order: EndpointOrder, private readonly budget: number) {
    this.sources = order.sources;
    this.destinations = order.destinations;
    this.membersByClass = order.membersByClass;
    this.egressRank = order.egressRank;
  }

  /** The destinations of the workloads of a class (including each one itself, which the caller skips). */
  public destinationsOf(src: WorkloadClass): DestinationList {
    const cached = this.cache.get(src.index);
    if (cached) return cached;
    const builder = new DestinationBuilder();
    for (const dst of this.engine.candidateDestinations(src)) {
      const members = this.membersByClass[dst.index];
      if (members.length === 0) continue;
      const conns = this.engine.classToClass(src, dst);
      if (!conns.isEmpty()) builder.add(members, conns);
    }
    for (let i = 0; i < this.egressRank.length; i++) {
      const conns = this.engine.classAndRange(PolicyType.EGRESS, src, i);
      if (!conns.isEmpty()) builder.add([this.egressRank[i]], conns);
    }
    const list = builder.build();
    this.remember(src.index, list);
    return list;
  }

  /** The destination list of a source, and the position to skip in it (the source itself), -1 for none. */
  public listOf(src: OrderedEndpoint): DestinationList & { readonly skip: number } {
    const list = src.cls ? this.destinationsOf(src.cls) : this.ingressDestinations(src.rangeIndex!);
    return { ranks: list.ranks, conns: list.conns, skip: src.cls ? src.rank : -1 };
  }

  /** The destinations (workloads) of ingress range `rangeIndex` as a source. */
  public ingressDestinations(rangeIndex: number): DestinationList {
    const builder = new DestinationBuilder();
    for (const dst of this.engine.classes) {
      const members = this.membersByClass[dst.index];
      if (members.length === 0) continue;
      const conns = this.engine.classAndRange(PolicyType.INGRESS, dst, rangeIndex);
      if (!conns.isEmpty()) builder.add(members, conns);
    }
    return builder.build();
  }

  /** The endpoints of every connection, sorted by name, found class by class. */
  public connectedEndpoints(): Endpoint[] {
    // Which classes and ranges take part: a pair is not asked when both its ends are known to, nor a class's
    // destinations once every class is known to.
    const classConnected = new Uint8Array(this.membersByClass.length);
    const egressConnected = new Uint8Array(this.egressRank.length);
    let classesNotKnown = this.membersByClass.filter(members => members.length > 0).length;
    const markClass = (cls: WorkloadClass) => {
      if (classConnected[cls.index]) return;
      classConnected[cls.index] = 1;
      classesNotKnown--;
    };
    let pending = this.engine.classes.filter(cls => this.membersByClass[cls.index].length > 0);
    for (const src of this.engine.classes) {
      const members = this.membersByClass[src.index];
      if (members.length === 0) continue;
      if (!classConnected[src.index] || classesNotKnown > 0) {
        let destinations = this.engine.candidateDestinations(src);
        if (classConnected[src.index] && destinations === this.engine.classes) {
          // The source is known to take part and may reach any class: only the classes not known yet are asked.
          pending = pending.filter(cls => !classConnected[cls.index]);
          destinations = pending;
        }
        for (const dst of destinations) {
          if (classConnected[src.index] && classConnected[dst.index]) continue;
          const others = this.membersByClass[dst.index];
          if (others.length === 0 || (dst === src && members.length < 2)) continue;
          if (this.engine.classToClass(src, dst).isEmpty()) continue;
          markClass(src);
          markClass(dst);
        }
      }
      for (let i = 0; i < this.egressRank.length; i++) {
        if (classConnected[src.index] && egressConnected[i]) continue;
        if (this.engine.classAndRange(PolicyType.EGRESS, src, i).isEmpty()) continue;
        markClass(src);
        egressConnected[i] = 1;
      }
    }
    const ingressSources: OrderedEndpoint[] = [];
    for (const source of this.sources) {
      if (source.cls) continue;
      let connected = false;
      for (const dst of this.engine.classes) {
        if (this.membersByClass[dst.index].length === 0 || (connected && classConnected[dst.index])) continue;
        if (this.engine.classAndRange(PolicyType.INGRESS, dst, source.rangeIndex!).isEmpty()) continue;
        markClass(dst);
        connected = true;
      }
      if (connected) ingressSources.push(source);
    }
    // Their endpoints: the destinations taking part and the ingress ranges, both in name order, merged.
    const destinationConnected = new Uint8Array(this.destinations.length);
    this.membersByClass.forEach((ranks, index) => {
      if (classConnected[index]) for (const rank of ranks) destinationConnected[rank] = 1;
    });
    this.egressRank.forEach((rank, i) => {
      if (egressConnected[i]) destinationConnected[rank] = 1;
    });
    return mergeByText(this.destinations.filter((_, rank) => destinationConnected[rank]), ingressSources);
  }

  /** Keeps a class's list for its next sources, forgetting the oldest lists beyond the budget. */
  private remember(index: number, list: DestinationList): void {
    if (list.ranks.length > this.budget) return;
    while (this.cachedEntries + list.ranks.length > this.budget) {
      const [oldest, dropped] = this.cache.entries().next().value as [number, DestinationList];
      this.cache.delete(oldest);
      this.cachedEntries -= dropped.ranks.length;
    }
    this.cache.set(index, list);
    this.cachedEntries += list.ranks.length;
  }
}

/** Two lists sorted by name, merged in name order (no name is in both). */
function mergeSorted(a: readonly OrderedEndpoint[], b: readonly OrderedEndpoint[]): OrderedEndpoint[] {
  const merged: OrderedEndpoint[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < merged.length; k++) {
    merged[k] = j === b.length || (i < a.length && compareStrings(a[i].text, b[j].text) <= 0) ? a[i++] : b[j++];
  }
  return merged;
}

/**
 * The endpoints of two lists sorted by name, in name order, each name once (the first list's endpoint when both have
 * it).
 */
function mergeByText(first: readonly OrderedEndpoint[], second: readonly OrderedEndpoint[]): Endpoint[] {
  const merged: Endpoint[] = [];
  let i = 0;
  let j = 0;
  while (i < first.length || j < second.length) {
    const order = i === first.length ? 1 : j === second.length ? -1 : compareStrings(first[i].text, second[j].text);
    if (order <= 0) merged.push(first[i].endpoint);
    else merged.push(second[j].endpoint);
    if (order <= 0) i++;
    if (order >= 0) j++;
  }
  return merged;
}

/** Collects destination positions with their connections, then sorts them by position. */
class DestinationBuilder {
  private readonly positions: number[][] = [];
  private readonly connections: ConnectionSet[] = [];
  private size = 0;

  /** Adds the positions, all with the same connections. */
  public add(positions: readonly number[], conns: ConnectionSet): void {
    this.positions.push(positions as number[]);
    this.connections.push(conns);
    this.size += positions.length;
  }

  /** The sorted list. Each entry is keyed position * groups + group, so one numeric sort orders both. */
  public build(): DestinationList {
    const groups = this.connections.length;
    const keys = new Float64Array(this.size);
    let k = 0;
    this.positions.forEach((list, group) => { for (const position of list) keys[k++] = position * groups + group; });
    keys.sort();
    const ranks = new Int32Array(this.size);
    const conns: ConnectionSet[] = new Array(this.size);
    for (let i = 0; i < keys.length; i++) {
      const position = Math.floor(keys[i] / groups);
      ranks[i] = position;
      conns[i] = this.connections[keys[i] - position * groups];
    }
    return { ranks, conns };
  }
}
