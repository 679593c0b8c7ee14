/**
 * Connectivity diff: what a change to the manifests does to who may connect to whom. Two versions of a cluster (two
 * `Analysis`es, two `ClusterModel`s, or two plain connection lists) give, per pair of peers whose connections differ,
 * the connections before and after, whether the pair was added, removed or changed, and which of its workloads exist
 * on one side only: np-guard netpol-analyzer's semantic diff (`k8snetpolicy diff`).
 *
 * Decisions:
 * - Peers are matched by their connlist names (`ns/name[Kind]`): a workload renamed, moved to another namespace or
 *   turned into another kind is one workload removed and one added.
 * - A pair is `added` when it had no connection before, `removed` when it has none after, `changed` when both sides
 *   allow something but not the same thing. Pairs with equal connections are left out.
 * - External peers: each side's connection list cuts the IPv4 space at its own ipBlock boundaries. Per workload and
 *   direction, the two sides are compared over the common refinement of both cuts, and neighbouring ranges whose
 *   (before, after) connections are equal are merged, so each entry is a maximal range (as netpol-analyzer does). The
 *   result does not depend on how either side happened to cut the space.
 * - Cost: neither connection list is made. Two analyses are compared source by source: each source's destination
 *   lists (one per side, as positions in each side's name order, matched by name once) are merged by position, so no
 *   connection becomes an object and no name is compared per connection. A snapshot is read as a connection list, in
 *   the common order (a merge-join, no pairwise comparison). Memory is the two analyses, the entries, and each
 *   workload's external ranges as a destination (shared by the workloads treated alike). One sweep per pair of
 *   classes (or workload, for a snapshot) and direction over the external ranges, and one sort of the entries for the
 *   output order.
 * - A diff of any size (`streamConnectivityDiff`): the first pass counts the entries and keeps them up to a limit.
 *   Beyond it, the entries are read again from the two analyses whenever they are iterated, one pass per type: per
 *   source (in name order) its pairs of that type sorted by destination, merged by name with the pairs whose source is
 *   an external range (worked out first; as many as the workloads times the ranges). Memory is then the analyses and
 *   one source's pairs.
 *
 * @example
 * const result = diffConnectivity(Analysis.of(before), Analysis.of(after));
 * result.counts;                                         // { changed: 1, added: 1, removed: 0 }
 * result.entries.filter(e => !e.gained.isEmpty());       // every pair that may now connect on something new
 * formatDiff(result, 'txt');                             // netpol-analyzer's text format, line for line
 */
import { formatAddress } from '../model/cidr';
import type { ClusterModel } from '../model/types';
import { _ConnectionLists, Analysis, Connection } from './analysis';
import { ConnectionSet } from './connection-set';
import { Endpoint, endpointName, ExternalEndpoint, WorkloadEndpoint } from './endpoints';
import type { AnalysisOptions } from './engine';
import { MAX_IPV4 } from './external';
import { compareStrings } from './compare';

export * from './output/diff-formats';

/** The kinds of difference, in the order netpol-analyzer lists them. */
export const DIFF_TYPES = ['changed', 'added', 'removed'] as const;

/**
 * How a pair of peers differs: `added` (no connection before), `removed` (no connection after) or `changed` (both
 * sides allow something, not the same thing).
 */
export type DiffType = typeof DIFF_TYPES[number];

/** One side of a comparison as plain data: the allowed connections and the workloads that exist. */
export interface ConnectivitySnapshot {
  /**
   * The allowed connections, as `Analysis.connections()` lists them. A pair listed twice counts as the union of its
   * entries; the external ranges of one workload and direction must not overlap.
   */
  readonly connections: readonly Connection[];
  /** Every workload of that side, with or without connections (to tell a new workload from a newly reachable one). */
  readonly workloads: readonly WorkloadEndpoint[];
}

/** What `diffConnectivity` compares: an analysis, a cluster model (analysed with `DiffOptions.analysis`) or a snapshot. */
export type DiffInput = Analysis | ClusterModel | ConnectivitySnapshot;

/** Options of `diffConnectivity`. */
export interface DiffOptions {
  /**
   * How cluster models are analysed (ignored for an `Analysis` or a snapshot).
   * @default - the defaults of `Analysis.of`
   */
  readonly analysis?: AnalysisOptions;
}

/** One pair of peers whose connections differ. */
export interface ConnectionDiff {
  /** How the pair differs. */
  readonly type: DiffType;
  /** The source. */
  readonly src: Endpoint;
  /** The destination. */
  readonly dst: Endpoint;
  /** The connections allowed before (`ConnectionSet.NONE` for an added pair). */
  readonly oldConns: ConnectionSet;
  /** The connections allowed after (`ConnectionSet.NONE` for a removed pair). */
  readonly newConns: ConnectionSet;
  /** What is allowed after but was not before (empty when nothing was gained). */
  readonly gained: ConnectionSet;
  /** What was allowed before but is not after (empty when nothing was lost). */
  readonly lost: ConnectionSet;
  /**
   * The pair's workloads (source first) that exist on one side only: for an added pair those that are new, for a
   * removed pair those that are gone; always empty for a changed pair.
   */
  readonly addedOrRemovedWorkloads: readonly WorkloadEndpoint[];
}

/** The number of entries of each type. */
export interface DiffCounts {
  /** Pairs whose connections changed. */
  readonly changed: number;
  /** Pairs that had no connection before. */
  readonly added: number;
  /** Pairs that have no connection after. */
  readonly removed: number;
}

/** The difference between two versions of a cluster's connectivity. */
export interface ConnectivityDiff {
  /**
   * Every pair whose connections differ: changed first, then added, then removed (netpol-analyzer's order), each
   * group sorted by source name, then destination name.
   */
  readonly entries: readonly ConnectionDiff[];
  /** The number of entries of each type. */
  readonly counts: DiffCounts;
}

/**
 * What `diffConnectivity` compares for one side: an analysis's connection list and workloads, those of a cluster
 * model (analysed with `options.analysis`), or a snapshot as it is. This materialises the whole list;
 * `diffConnectivity` itself reads an analysis's connections one at a time.
 */
export function connectivitySnapshot(input: DiffInput, options: DiffOptions = {}): ConnectivitySnapshot {
  // By shape, not `instanceof`: an Analysis from another copy of the package (or another realm) is one too.
  if (typeof (input as Analysis).connections === 'function') {
    const analysis = input as Analysis;
    return { connections: analysis.connections(), workloads: analysis.workloads() };
  }
  if (Array.isArray((input as ConnectivitySnapshot).connections)) return input as ConnectivitySnapshot;
  return connectivitySnapshot(Analysis.of(input as ClusterModel, options.analysis));
}

/** One side as `diffConnectivity` reads it: the connections in connection-list order, and the workloads' names. */
interface DiffSide {
  readonly connections: Iterator<Connection>;
  readonly workloads: ReadonlySet<string>;
  /** Which side it is, for messages. */
  readonly label: 'old' | 'new';
}

function isAnalysis(input: DiffInput): input is Analysis {
  return typeof (input as Analysis).connections === 'function';
}

function isSnapshot(input: DiffInput): input is ConnectivitySnapshot {
  return Array.isArray((input as ConnectivitySnapshot).connections);
}

/** The two analyses (or snapshots) to compare; two cluster models with the same policies share their compiled form. */
function analysesOf(before: DiffInput, after: DiffInput, options: DiffOptions): [Analysis | ConnectivitySnapshot, Analysis | ConnectivitySnapshot] {
  const analyse = (input: DiffInput) => (isAnalysis(input) || isSnapshot(input) ? input : Analysis.of(input, options.analysis));
  const oldSide = analyse(before);
  if (oldSide !== before && options.analysis === undefined && !isAnalysis(after) && !isSnapshot(after)
    && samePolicyObjects((before as ClusterModel).policies, after.policies)) {
    // The same policy objects in the same order (e.g. only workloads changed): compiled policies and address
    // partitions are reused (cluster-scoped policies are compared by the engine itself).
    return [oldSide, Analysis._ofSamePolicies(oldSide as Analysis, after)];
  }
  return [oldSide, analyse(after)];
}

function samePolicyObjects(a: ClusterModel['policies'], b: ClusterModel['policies']): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

/** What the diff needs of an endpoint: its connlist name and, for an IPv4 range outside the cluster, its addresses. */
interface EndpointInfo {
  readonly name: string;
  readonly range?: { readonly first: number; readonly last: number };
}

/**
 * The `EndpointInfo` of each endpoint object, worked out once: an analysis lists the same few endpoint objects over
 * and over (memory grows with its endpoints, not its connections).
 */
class EndpointInfos {
  private readonly cache = new Map<Endpoint, EndpointInfo>();
  /** One string per name, so that the two sides' names of one endpoint are the same string (compared at once). */
  private readonly names = new Map<string, string>();

  public of(e: Endpoint): EndpointInfo {
    let info = this.cache.get(e);
    if (!info) {
      const text = endpointName(e);
      let name = this.names.get(text);
      if (name === undefined) {
        name = text;
        this.names.set(text, name);
      }
      const range = ipv4Range(e);
      info = range ? { name, range } : { name };
      this.cache.set(e, info);
    }
    return info;
  }
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseIpv4(text: string): number | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  if (octets.some(o => o > 255)) return undefined;
  return ((octets[0] * 256 + octets[1]) * 256 + octets[2]) * 256 + octets[3];
}

/** An IPv4 external endpoint as numbers; undefined for anything else (matched by name instead). */
function ipv4Range(e: Endpoint): { first: number; last: number } | undefined {
  if (e.type !== 'external') return undefined;
  const first = parseIpv4(e.first);
  const last = parseIpv4(e.last);
  return first !== undefined && last !== undefined && first <= last ? { first, last } : undefined;
}

function externalEndpoint(first: number, last: number): ExternalEndpoint {
  return { type: 'external', first: formatAddress(BigInt(first), 4), last: formatAddress(BigInt(last), 4) };
}

/**
 * A snapshot's connections in connection-list order: as they are when already sorted (as `Analysis.connections()`
 * lists them), else a sorted copy (equal pairs keep their order).
 */
function sortedConnections(connections: readonly Connection[], infos: EndpointInfos): readonly Connection[] {
  let sorted = true;
  for (let i = 1; i < connections.length && sorted; i++) {
    const a = connections[i - 1];
    const b = connections[i];
    sorted = (compareStrings(infos.of(a.src).name, infos.of(b.src).name) || compareStrings(infos.of(a.dst).name, infos.of(b.dst).name)) <= 0;
  }
  if (sorted) return connections;
  const keyed = connections.map((c, i) => ({ c, i, src: infos.of(c.src).name, dst: infos.of(c.dst).name }));
  keyed.sort((x, y) => compareStrings(x.src, y.src) || compareStrings(x.dst, y.dst) || x.i - y.i);
  return keyed.map(k => k.c);
}

/** One side as a stream: an analysis's `eachConnection()` (or `connections()`), or a snapshot's sorted list. */
function sideOf(input: Analysis | ConnectivitySnapshot, label: 'old' | 'new', infos: EndpointInfos): DiffSide {
  if (isAnalysis(input)) {
    const connections = typeof input.eachConnection === 'function' ? input.eachConnection() : input.connections()[Symbol.iterator]();
    return { connections, workloads: new Set(input.workloads().map(endpointName)), label };
  }
  return {
    connections: sortedConnections(input.connections, infos)[Symbol.iterator](),
    workloads: new Set(input.workloads.map(endpointName)),
    label,
  };
}

/** A side's connections one at a time, with the names of the current one's ends. */
class Reader {
  /** The current connection; undefined at the end. */
  public current?: Connection;
  public src!: EndpointInfo;
  public dst!: EndpointInfo;
  /** Whether the current connection is between a workload and an IPv4 range (compared by addresses, not by name). */
  public isRange = false;
  private srcEndpoint?: Endpoint;

  constructor(private readonly side: DiffSide, private readonly infos: EndpointInfos) {
    this.advance();
  }

  /** Moves to the next connection; throws if the side is not in connection-list order (a merge-join needs it). */
  public advance(): void {
    const next = this.side.connections.next();
    if (next.done) {
      this.current = undefined;
      return;
    }
    const c = next.value;
    const previousSrc = this.current ? this.src.name : undefined;
    const previousDst = this.current ? this.dst.name : undefined;
    this.current = c;
    // A source's connections come one after the other: its info is looked up once for all of them.
    if (c.src !== this.srcEndpoint) {
      this.src = this.infos.of(c.src);
      this.srcEndpoint = c.src;
    }
    this.dst = this.infos.of(c.dst);
    this.isRange = (c.src.type === 'workload' && this.dst.range !== undefined) || (c.dst.type === 'workload' && this.src.range !== undefined);
    if (previousSrc !== undefined && (compareStrings(previousSrc, this.src.name) || compareStrings(previousDst!, this.dst.name)) > 0) {
      throw new Error(`the ${this.side.label} connections are not sorted by source, then destination name: ${previousSrc} -> ${previousDst} comes before ${this.src.name} -> ${this.dst.name}`);
    }
  }
}

/** An external range with its connections, as numbers. */
interface RangeConns {
  readonly first: number;
  readonly last: number;
  readonly conns: ConnectionSet;
}

/** Sorts one side's ranges of a workload and direction, and checks they do not overlap. */
function sortedRanges(ranges: readonly RangeConns[], workloadName: string, side: string): RangeConns[] {
  const sorted = [...ranges].sort((a, b) => a.first - b.first);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].first <= sorted[i - 1].last) {
      const r = (x: RangeConns) => `${formatAddress(BigInt(x.first), 4)}-${formatAddress(BigInt(x.last), 4)}`;
      throw new Error(`the ${side} connections of ${workloadName} list overlapping external ranges ${r(sorted[i - 1])} and ${r(sorted[i])}; `
        + 'each range of one workload and direction must be listed once, as Analysis.connections() does');
    }
  }
  return sorted;
}

/** A maximal run of addresses whose (before, after) connections are equal and differ from each other. */
interface RangeChange {
  readonly range: ExternalEndpoint;
  readonly rangeName: string;
  readonly before: ConnectionSet;
  readonly after: ConnectionSet;
}

/**
 * Walks the IPv4 space once over both sides' sorted ranges (two pointers), and lists every maximal run of addresses
 * whose (before, after) connections are equal and differ from each other.
 */
function sweepRanges(a: readonly RangeConns[], b: readonly RangeConns[]): RangeChange[] {
  const out: RangeChange[] = [];
  let i = 0;
  let j = 0;
  let pos = 0;
  let run: { first: number; last: number; before: ConnectionSet; after: ConnectionSet } | undefined;
  const flush = () => {
    if (run && !sameConns(run.before, run.after)) {
      const range = externalEndpoint(run.first, run.last);
      out.push({ range, rangeName: endpointName(range), before: run.before, after: run.after });
    }
  };
  while (pos <= MAX_IPV4) {
    while (i < a.length && a[i].last < pos) i++;
    while (j < b.length && b[j].last < pos) j++;
    let end = MAX_IPV4;
    let before = ConnectionSet.NONE;
    let after = ConnectionSet.NONE;
    if (i < a.length) {
      if (a[i].first <= pos) { before = a[i].conns; end = Math.min(end, a[i].last); } else end = Math.min(end, a[i].first - 1);
    }
    if (j < b.length) {
      if (b[j].first <= pos) { after = b[j].conns; end = Math.min(end, b[j].last); } else end = Math.min(end, b[j].first - 1);
    }
    if (run && sameConns(run.before, before) && sameConns(run.after, after)) {
      run.last = end;
    } else {
      flush();
      run = { first: pos, last: end, before, after };
    }
    pos = end + 1;
  }
  flush();
  return out;
}

function sameConns(a: ConnectionSet, b: ConnectionSet): boolean {
  return a === b || a.equals(b);
}

/**
 * The external ranges of the workloads as destinations (ingress), kept until both sides are read: they come from
 * every range source of the list, spread over it. Each workload's ranges on each side are a path in a trie of
 * (range, connections) steps, in the order the list gives them, so workloads treated alike (all those of a workload
 * class) share one path: memory grows with the distinct paths, not with the connections. Each distinct pair of
 * (old, new) paths is compared once, for all its workloads.
 */
class IngressRanges {
  /** Per trie node (0 is the root): its parent, its step and its children by step. */
  private readonly parent: number[] = [-1];
  private readonly steps: number[] = [-1];
  private readonly children: (Map<number, number> | undefined)[] = [undefined];
  /** The (range, connections) steps, by id; and their ids by range and connections object. */
  private readonly stepRanges: RangeConns[] = [];
  private readonly stepIds = new Map<string, Map<ConnectionSet, number>>();
  /** Per workload name: the workload and its path on each side. */
  private readonly workloads = new Map<string, { workload: WorkloadEndpoint; old: number; new: number }>();

  /** Appends a range source's connections to a workload, on one side. */
  public add(workload: WorkloadEndpoint, workloadName: string, range: { first: number; last: number }, conns: ConnectionSet, side: 'old' | 'new'): void {
    let row = this.workloads.get(workloadName);
    if (!row) {
      row = { workload, old: 0, new: 0 };
      this.workloads.set(workloadName, row);
    }
    const step = this.stepId(range.first, range.last, conns);
    const node = row[side];
    let children = this.children[node];
    if (!children) {
      children = new Map();
      this.children[node] = children;
    }
    let child = children.get(step);
    if (child === undefined) {
      child = this.parent.length;
      this.parent.push(node);
      this.steps.push(step);
      this.children.push(undefined);
      children.set(step, child);
    }
    row[side] = child;
  }

  /** Calls `emit` for every workload and each of its changed runs of addresses. */
  public compare(emit: (workload: WorkloadEndpoint, workloadName: string, change: RangeChange) => void): void {
    const swept = new Map<string, RangeChange[]>();
    for (const [name, row] of this.workloads) {
      const key = `${row.old},${row.new}`;
      let changes = swept.get(key);
      if (!changes) {
        changes = sweepRanges(sortedRanges(this.path(row.old), name, 'old'), sortedRanges(this.path(row.new), name, 'new'));
        swept.set(key, changes);
      }
      for (const change of changes) emit(row.workload, name, change);
    }
  }

  private path(node: number): RangeConns[] {
    const out: RangeConns[] = [];
    for (let n = node; n > 0; n = this.parent[n]) out.push(this.stepRanges[this.steps[n]]);
    return out;
  }

  /** The id of a (range, connections) step, the same for every workload that has it. */
  private stepId(first: number, last: number, conns: ConnectionSet): number {
    const key = `${first}-${last}`;
    let byConns = this.stepIds.get(key);
    if (!byConns) {
      byConns = new Map();
      this.stepIds.set(key, byConns);
    }
    let id = byConns.get(conns);
    if (id === undefined) {
      id = this.stepRanges.length;
      this.stepRanges.push({ first, last, conns });
      byConns.set(conns, id);
    }
    return id;
  }
}

/** A pair of peers whose connections differ, before it becomes a `ConnectionDiff`. */
interface DifferingPair {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly srcName: string;
  readonly dstName: string;
  readonly oldConns: ConnectionSet;
  readonly newConns: ConnectionSet;
}

/** What a pass over the differing pairs calls for each (without making an object per pair). */
type PairVisitor = (src: Endpoint, dst: Endpoint, srcName: string, dstName: string, oldConns: ConnectionSet, newConns: ConnectionSet) => void;

/** The visitor called only for the pairs whose connections differ. */
function differing(visit: PairVisitor): PairVisitor {
  return (src, dst, srcName, dstName, oldConns, newConns) => {
    if (!sameConns(oldConns, newConns)) visit(src, dst, srcName, dstName, oldConns, newConns);
  };
}

/** Collects the pairs a pass visits. */
class DifferingPairs {
  private out: DifferingPair[] = [];

  /** A `PairVisitor` that keeps the pair. */
  public readonly add: PairVisitor = (src, dst, srcName, dstName, oldConns, newConns) => {
    this.out.push({ src, dst, srcName, dstName, oldConns, newConns });
  };

  /** The pairs collected since the last call. */
  public take(): DifferingPair[] {
    const out = this.out;
    this.out = [];
    return out;
  }
}

/** The type of a differing pair: nothing before (added), nothing after (removed), or both (changed). */
function typeOf(oldConns: ConnectionSet, newConns: ConnectionSet): DiffType {
  return oldConns.isEmpty() ? 'added' : newConns.isEmpty() ? 'removed' : 'changed';
}

/** Pairs in the diff's order within a type: by source name, then destination name. */
function byNames(a: DifferingPair, b: DifferingPair): number {
  return compareStrings(a.srcName, b.srcName) || compareStrings(a.dstName, b.dstName);
}

/**
 * Makes the entries of differing pairs: their type, what each gains and loses, and their workloads that exist on one
 * side only. Connection sets are shared objects, so what a pair of them gains and loses is worked out once (within a
 * bound) and shared by the entries.
 */
class EntryMaker {
  private readonly differences = new Map<ConnectionSet, Map<ConnectionSet, { gained: ConnectionSet; lost: ConnectionSet }>>();
  private differencesKept = 0;

  /** Whether both sides have the same workloads (then no pair has a workload on one side only). */
  public readonly sameWorkloads: boolean;

  constructor(private readonly oldWorkloads: ReadonlySet<string>, private readonly newWorkloads: ReadonlySet<string>) {
    this.sameWorkloads = oldWorkloads.size === newWorkloads.size && [...oldWorkloads].every(w => newWorkloads.has(w));
  }

  /** What `after` allows that `before` does not, and the other way round. */
  public difference(before: ConnectionSet, after: ConnectionSet): { gained: ConnectionSet; lost: ConnectionSet } {
    let byAfter = this.differences.get(before);
    let found = byAfter?.get(after);
    if (!found) {
      if (this.differencesKept >= 100_000) {
        this.differences.clear();
        this.differencesKept = 0;
        byAfter = undefined;
      }
      if (!byAfter) {
        byAfter = new Map();
        this.differences.set(before, byAfter);
      }
      found = { gained: after.subtract(before), lost: before.subtract(after) };
      byAfter.set(after, found);
      this.differencesKept++;
    }
    return found;
  }

  /** The pair's workloads (source first) that exist on one side only; none for a changed pair. */
  public oneSided(src: Endpoint, dst: Endpoint, srcName: string, dstName: string, type: DiffType): WorkloadEndpoint[] {
    const out: WorkloadEndpoint[] = [];
    if (type === 'changed' || this.sameWorkloads) return out;
    const otherSide = type === 'added' ? this.oldWorkloads : this.newWorkloads;
    if (src.type === 'workload' && !otherSide.has(srcName)) out.push(src);
    if (dst.type === 'workload' && !otherSide.has(dstName)) out.push(dst);
    return out;
  }

  /** The entry of a differing pair of the given type. */
  public entry(src: Endpoint, dst: Endpoint, srcName: string, dstName: string, oldConns: ConnectionSet, newConns: ConnectionSet, type: DiffType): ConnectionDiff {
    const { gained, lost } = this.difference(oldConns, newConns);
    return { type, src, dst, oldConns, newConns, gained, lost, addedOrRemovedWorkloads: this.oneSided(src, dst, srcName, dstName, type) };
  }

  /** The entry of a pair kept as an object. */
  public entryOf(pair: DifferingPair, type: DiffType): ConnectionDiff {
    return this.entry(pair.src, pair.dst, pair.srcName, pair.dstName, pair.oldConns, pair.newConns, type);
  }
}

/**
 * A diff as the writers read it: the counts, and the entries in the diff's order (changed, added, removed; each by
 * source, then destination). A `ConnectivityDiff` is one; so is a `DiffStream`, which reads its entries anew when it
 * did not keep them.
 */
export interface DiffEntries {
  /** The number of entries of each type. */
  readonly counts: DiffCounts;
  /** The entries in the diff's order. */
  readonly entries: Iterable<ConnectionDiff>;
}

/**
 * A diff whose entries need not all be in memory (`streamConnectivityDiff`): the counts are known, and the entries
 * are read in the diff's order each time they are iterated.
 */
export interface DiffStream extends DiffEntries {
  /** Changed entries that allow something new (`gained` not empty). */
  readonly changedGaining: number;
  /** Whether every entry is held in memory (iterating the entries then costs nothing more). */
  readonly kept: boolean;
  /** The types of which an entry names a workload that exists on one side only (`addedOrRemovedWorkloads`). */
  readonly typesWithOneSidedWorkloads: readonly DiffType[];
  /** The entries of one type, by source, then destination. */
  entriesOf(type: DiffType): Iterable<ConnectionDiff>;
}

/** Options of `streamConnectivityDiff`. */
export interface DiffStreamOptions extends DiffOptions {
  /**
   * The most entries held in memory. A diff with more is read again from the two analyses each time its entries are
   * iterated (once per type of difference), so memory stays bounded by the analyses whatever the size of the diff.
   * @default DIFF_ENTRIES_KEPT
   */
  readonly keepEntries?: number;
}

/** How many entries `streamConnectivityDiff` holds in memory by default (about 300 bytes each). */
export const DIFF_ENTRIES_KEPT = 200_000;

/** The number of entries of a diff. */
export function diffSize(diff: DiffEntries): number {
  return diff.counts.changed + diff.counts.added + diff.counts.removed;
}

function isStream(diff: DiffEntries): diff is DiffStream {
  return typeof (diff as DiffStream).entriesOf === 'function';
}

/** The entries of one type, in the diff's order. */
export function diffEntriesOf(diff: DiffEntries, type: DiffType): Iterable<ConnectionDiff> {
  if (isStream(diff)) return diff.entriesOf(type);
  const entries = diff.entries;
  return { *[Symbol.iterator]() { for (const e of entries) if (e.type === type) yield e; } };
}

/** The number of changed entries that allow something new. */
export function changedGaining(diff: DiffEntries): number {
  if (isStream(diff)) return diff.changedGaining;
  let n = 0;
  for (const e of diff.entries) if (e.type === 'changed' && !e.gained.isEmpty()) n++;
  return n;
}

/** The diff with every entry in memory: a `ConnectivityDiff` as it is, the entries of a `DiffStream` read into a list. */
export function diffInMemory(diff: DiffEntries): ConnectivityDiff {
  return Array.isArray(diff.entries) ? diff as ConnectivityDiff : { counts: diff.counts, entries: [...diff.entries] };
}

/** Whether an entry of the type names a workload that exists on one side only (known without reading the entries). */
export function _hasOneSidedWorkloads(diff: DiffEntries, type: DiffType): boolean {
  if (isStream(diff)) return diff.typesWithOneSidedWorkloads.includes(type);
  for (const e of diff.entries) if (e.type === type && e.addedOrRemovedWorkloads.length > 0) return true;
  return false;
}

/** What `_forEachDifference` calls per entry. */
type DifferenceVisitor = (type: DiffType, src: Endpoint, dst: Endpoint, oldConns: ConnectionSet, newConns: ConnectionSet) => void;

/**
 * Calls `visit` with every entry's type, ends and connections, in no particular order and without making the entries:
 * one pass over the two analyses for a `DiffStream` that did not keep them (where iterating its entries takes one
 * pass per type, and makes each entry).
 * @internal
 */
export function _forEachDifference(diff: DiffEntries, visit: DifferenceVisitor): void {
  if (diff instanceof StreamedDiff) return diff.eachDifference(visit);
  for (const e of diff.entries) visit(e.type, e.src, e.dst, e.oldConns, e.newConns);
}

/** A `DiffStream`: the entries kept in order, or the two analyses' lists to read them from again. */
class StreamedDiff implements DiffStream {
  public readonly counts: DiffCounts;
  public readonly changedGaining: number;
  public readonly typesWithOneSidedWorkloads: readonly DiffType[];
  private readonly keptEntries?: readonly ConnectionDiff[];

  /** @param lists where to read the entries again (undefined when they are kept) */
  constructor(private readonly lists: ListsDiff | undefined, private readonly maker: EntryMaker, found: Found) {
    this.counts = found.counts;
    this.changedGaining = found.changedGaining;
    this.typesWithOneSidedWorkloads = DIFF_TYPES.filter(type => found.oneSided.has(type));
    this.keptEntries = found.kept;
  }

  public get kept(): boolean {
    return this.keptEntries !== undefined;
  }

  public get entries(): Iterable<ConnectionDiff> {
    if (this.keptEntries) return this.keptEntries;
    return { [Symbol.iterator]: () => this.each() };
  }

  public entriesOf(type: DiffType): Iterable<ConnectionDiff> {
    if (this.keptEntries) return this.keptEntries.filter(e => e.type === type);
    return { [Symbol.iterator]: () => this.ofType(type) };
  }

  /** See `_forEachDifference`. */
  public eachDifference(visit: DifferenceVisitor): void {
    if (this.keptEntries) {
      for (const e of this.keptEntries) visit(e.type, e.src, e.dst, e.oldConns, e.newConns);
      return;
    }
    this.lists!.forEachPair((src, dst, _srcName, _dstName, oldConns, newConns) => visit(typeOf(oldConns, newConns), src, dst, oldConns, newConns));
  }

  private *each(): Generator<ConnectionDiff> {
    for (const type of DIFF_TYPES) if (this.counts[type] > 0) yield* this.ofType(type);
  }

  /**
   * The entries of one type, read again from the two analyses: the sources in name order, each one's pairs sorted by
   * destination, with the pairs whose source is an external range (worked out first) merged in by name.
   */
  private *ofType(type: DiffType): Generator<ConnectionDiff> {
    const lists = this.lists!;
    const pairs = new DifferingPairs();
    const ofType: PairVisitor = (src, dst, srcName, dstName, oldConns, newConns) => {
      if (typeOf(oldConns, newConns) === type) pairs.add(src, dst, srcName, dstName, oldConns, newConns);
    };
    lists.rangeSources(ofType);
    const ranged = pairs.take().sort(byNames);
    let k = 0;
    for (const name of lists.bySource(ofType)) {
      const mine = pairs.take();
      if (mine.length === 0) continue;
      while (k < ranged.length && compareStrings(ranged[k].srcName, name) < 0) yield this.maker.entryOf(ranged[k++], type);
      mine.sort((a, b) => compareStrings(a.dstName, b.dstName));
      for (const p of mine) yield this.maker.entryOf(p, type);
    }
    while (k < ranged.length) yield this.maker.entryOf(ranged[k++], type);
  }
}

/** What one pass over the differing pairs finds: counts, and the entries in order when there are few enough. */
interface Found {
  readonly counts: DiffCounts;
  readonly changedGaining: number;
  readonly oneSided: ReadonlySet<DiffType>;
  readonly kept?: readonly ConnectionDiff[];
}

/** Counts the pairs of a pass (`forEachPair`), and makes them into sorted entries unless there are more than `keep`. */
function findEntries(forEachPair: (visit: PairVisitor) => void, maker: EntryMaker, keep: number): Found {
  const counts = { changed: 0, added: 0, removed: 0 };
  let gaining = 0;
  const oneSided = new Set<DiffType>();
  let kept: { entry: ConnectionDiff; rank: number; srcName: string; dstName: string }[] | undefined = [];
  forEachPair((src, dst, srcName, dstName, oldConns, newConns) => {
    const type = typeOf(oldConns, newConns);
    counts[type]++;
    if (type === 'changed' && !maker.difference(oldConns, newConns).gained.isEmpty()) gaining++;
    if (type !== 'changed' && !maker.sameWorkloads && !oneSided.has(type) && maker.oneSided(src, dst, srcName, dstName, type).length > 0) oneSided.add(type);
    if (kept && kept.length < keep) {
      kept.push({ entry: maker.entry(src, dst, srcName, dstName, oldConns, newConns, type), rank: DIFF_TYPES.indexOf(type), srcName, dstName });
    } else {
      kept = undefined;
    }
  });
  kept?.sort((x, y) => x.rank - y.rank || compareStrings(x.srcName, y.srcName) || compareStrings(x.dstName, y.dstName));
  return { counts, changedGaining: gaining, oneSided, kept: kept?.map(k => k.entry) };
}

/**
 * The connectivity difference from `before` to `after`: every pair of peers whose allowed connections differ, with
 * both sides' connections, the diff type and the workloads that exist on one side only.
 *
 * Two analyses are compared source by source (`ListsDiff`): each source's destination lists, one per side, merged by
 * position, so neither connection list is made. Otherwise (a snapshot on either side) the two lists are read side by
 * side in their common order (source name, then destination name), as a merge-join: an analysis's connections one at
 * a time (`Analysis.eachConnection()`), a snapshot not in that order sorted first. Either way only the entries and,
 * per workload, its external ranges as a destination are kept. Two cluster models with the same policy objects are
 * analysed with the policies compiled once. Throws when a snapshot lists overlapping external ranges for one workload
 * and direction. Every entry is held in memory: for a diff of any size, see `streamConnectivityDiff`.
 */
export function diffConnectivity(before: DiffInput, after: DiffInput, options: DiffOptions = {}): ConnectivityDiff {
  const diff = streamConnectivityDiff(before, after, { ...options, keepEntries: Infinity });
  return { entries: diff.entries as readonly ConnectionDiff[], counts: diff.counts };
}

/**
 * The diff of `diffConnectivity`, with memory bounded by the two analyses whatever its size: its counts are worked
 * out at once, and its entries are held only when there are at most `options.keepEntries` of them. A larger diff
 * between two analyses is read again from them each time its entries are iterated, one pass per type of difference,
 * in the same order (a diff with a snapshot on either side is always held). The writers (`writeDiff`, ...) read either.
 * @example
 * const diff = streamConnectivityDiff(before, after);
 * diff.counts.added;                       // known at once
 * for (const e of diff.entries) print(e);  // read again, in order, if there were too many to keep
 */
export function streamConnectivityDiff(before: DiffInput, after: DiffInput, options: DiffStreamOptions = {}): DiffStream {
  const keep = options.keepEntries ?? DIFF_ENTRIES_KEPT;
  if (!(keep === Infinity || (Number.isInteger(keep) && keep >= 0))) {
    throw new Error(`keepEntries must be a whole number of entries, 0 or more, or Infinity; got ${keep}`);
  }
  const [oldInput, newInput] = analysesOf(before, after, options);
  if (hasConnectionLists(oldInput) && hasConnectionLists(newInput)) {
    const lists = new ListsDiff(oldInput._connectionLists(), newInput._connectionLists());
    const maker = new EntryMaker(lists.oldWorkloads, lists.newWorkloads);
    return new StreamedDiff(lists, maker, findEntries(visit => lists.forEachPair(visit), maker, keep));
  }
  const joined = mergeJoin(oldInput, newInput);
  const maker = new EntryMaker(joined.oldWorkloads, joined.newWorkloads);
  const forEachPair = (visit: PairVisitor) => {
    for (const p of joined.pairs) visit(p.src, p.dst, p.srcName, p.dstName, p.oldConns, p.newConns);
  };
  return new StreamedDiff(undefined, maker, findEntries(forEachPair, maker, Infinity));
}

/** Whether the input gives its connection list per source (an `Analysis` of this copy of the package). */
function hasConnectionLists(input: Analysis | ConnectivitySnapshot): input is Analysis {
  return typeof (input as Analysis)._connectionLists === 'function';
}

type ListedEndpoint = _ConnectionLists['sources'][number];

/**
 * The differing pairs of two analyses, source by source. Positions in the two sides' destination orders are matched
 * by name once (`matchPositions`); then each source's two destination lists (ascending positions, so ascending names)
 * are merged by position, without making a connection object or comparing a name per connection. A source's external
 * ranges are compared once per pair of (old, new) workload classes, since a class's list holds them all. Each call
 * reads the lists again, holding one source's pairs at a time.
 */
class ListsDiff {
  /** The names of each side's workloads. */
  public readonly oldWorkloads: ReadonlySet<string>;
  public readonly newWorkloads: ReadonlySet<string>;
  private readonly oldToNew: Int32Array;
  private readonly newToOld: Int32Array;

  constructor(private readonly oldLists: _ConnectionLists, private readonly newLists: _ConnectionLists) {
    [this.oldToNew, this.newToOld] = matchPositions(oldLists.destinations, newLists.destinations);
    const workloadNames = (lists: _ConnectionLists) => new Set(lists.destinations.filter(d => d.cls).map(d => d.text));
    this.oldWorkloads = workloadNames(oldLists);
    this.newWorkloads = workloadNames(newLists);
  }

  /** Visits every differing pair, in no order: the workload sources', then the external ranges'. */
  public forEachPair(visit: PairVisitor): void {
    for (const _ of this.bySource(visit)) { /* each source's pairs are visited as it is read */ }
    this.rangeSources(visit);
  }

  /**
   * Reads the workload sources of both sides in name order, visiting each one's differing pairs (in no order), and
   * yields each source's name once its pairs are visited.
   */
  public *bySource(visit: PairVisitor): Generator<string> {
    const { oldLists, newLists, oldToNew, newToOld } = this;
    const pairs = { add: differing(visit) };
    /** Per pair of (old, new) source classes (or one class of a one-sided source): the changed egress ranges. */
    const egressChanges = new Map<string, RangeChange[]>();

    /** A source's egress ranges, compared for its pair of classes the first time, then reused. */
    const addEgress = (src: ListedEndpoint, key: string, ranges: () => [RangeConns[], RangeConns[]]) => {
      let changes = egressChanges.get(key);
      if (!changes) {
        const [before, after] = ranges();
        changes = sweepRanges(sortedRanges(before, src.text, 'old'), sortedRanges(after, src.text, 'new'));
        egressChanges.set(key, changes);
      }
      for (const change of changes) pairs.add(src.endpoint, change.range, src.text, change.rangeName, change.before, change.after);
    };

    /** A workload source on one side only: each of its connections is added or removed. */
    const oneSided = (lists: _ConnectionLists, src: ListedEndpoint, side: 'old' | 'new') => {
      const { ranks, conns, skip } = lists.listOf(src);
      const ranges: RangeConns[] = [];
      for (let i = 0; i < ranks.length; i++) {
        if (ranks[i] === skip) continue;
        const dst = lists.destinations[ranks[i]];
        if (dst.range) {
          ranges.push({ first: dst.range.first, last: dst.range.last, conns: conns[i] });
        } else if (side === 'old') {
          pairs.add(src.endpoint, dst.endpoint, src.text, dst.text, conns[i], ConnectionSet.NONE);
        } else {
          pairs.add(src.endpoint, dst.endpoint, src.text, dst.text, ConnectionSet.NONE, conns[i]);
        }
      }
      addEgress(src, `${side} ${src.cls!.index}`, () => (side === 'old' ? [ranges, []] : [[], ranges]));
    };

    /** A workload source on both sides: its two destination lists merged by position. */
    const bothSides = (oldSrc: ListedEndpoint, newSrc: ListedEndpoint) => {
      const a = oldLists.listOf(oldSrc);
      const b = newLists.listOf(newSrc);
      const add = (dst: ListedEndpoint, oldConns: ConnectionSet, newConns: ConnectionSet) =>
        pairs.add(oldSrc.endpoint, dst.endpoint, oldSrc.text, dst.text, oldConns, newConns);
      let i = 0;
      let j = 0;
      for (;;) {
        // Past the source itself and the ranges (compared below); a destination on one side only is added or removed.
        while (i < a.ranks.length && (a.ranks[i] === a.skip || oldToNew[a.ranks[i]] < 0)) {
          if (oldToNew[a.ranks[i]] === ONE_SIDED && a.ranks[i] !== a.skip) add(oldLists.destinations[a.ranks[i]], a.conns[i], ConnectionSet.NONE);
          i++;
        }
        while (j < b.ranks.length && (b.ranks[j] === b.skip || newToOld[b.ranks[j]] < 0)) {
          if (newToOld[b.ranks[j]] === ONE_SIDED && b.ranks[j] !== b.skip) add(newLists.destinations[b.ranks[j]], ConnectionSet.NONE, b.conns[j]);
          j++;
        }
        if (i === a.ranks.length && j === b.ranks.length) break;
        // Both destinations are on both sides: compared by their new positions.
        const order = i === a.ranks.length ? 1 : j === b.ranks.length ? -1 : oldToNew[a.ranks[i]] - b.ranks[j];
        if (order < 0) {
          add(oldLists.destinations[a.ranks[i]], a.conns[i++], ConnectionSet.NONE);
        } else if (order > 0) {
          add(newLists.destinations[b.ranks[j]], ConnectionSet.NONE, b.conns[j++]);
        } else {
          add(oldLists.destinations[a.ranks[i]], a.conns[i++], b.conns[j++]);
        }
      }
      addEgress(oldSrc, `${oldSrc.cls!.index} ${newSrc.cls!.index}`, () => [rangesOf(oldLists, a), rangesOf(newLists, b)]);
    };

    const oldSources = oldLists.sources.filter(s => s.cls);
    const newSources = newLists.sources.filter(s => s.cls);
    let i = 0;
    let j = 0;
    while (i < oldSources.length || j < newSources.length) {
      const order = i === oldSources.length ? 1 : j === newSources.length ? -1 : compareStrings(oldSources[i].text, newSources[j].text);
      const name = order <= 0 ? oldSources[i].text : newSources[j].text;
      if (order < 0) oneSided(oldLists, oldSources[i++], 'old');
      else if (order > 0) oneSided(newLists, newSources[j++], 'new');
      else bothSides(oldSources[i++], newSources[j++]);
      yield name;
    }
  }

  /**
   * The differing pairs whose source is an external range, in no order: each range source's connections filed per
   * destination workload, and compared once both sides are in.
   */
  public rangeSources(visit: PairVisitor): void {
    const add = differing(visit);
    const ingress = new IngressRanges();
    for (const [lists, side] of [[this.oldLists, 'old'], [this.newLists, 'new']] as const) {
      for (const src of lists.sources) {
        if (!src.range) continue;
        const { ranks, conns } = lists.listOf(src);
        for (let k = 0; k < ranks.length; k++) {
          const dst = lists.destinations[ranks[k]];
          ingress.add(dst.endpoint as WorkloadEndpoint, dst.text, src.range, conns[k], side);
        }
      }
    }
    ingress.compare((workload, name, change) => add(change.range, workload, change.rangeName, name, change.before, change.after));
  }
}

/** In `matchPositions`: a destination that is a range (compared by addresses, not by name). */
const RANGE = -2;
/** In `matchPositions`: a workload destination on this side only. */
const ONE_SIDED = -1;

/**
 * For each side's destinations (both in name order), the position of the same workload on the other side, or
 * `ONE_SIDED`, or `RANGE` for an external range.
 */
function matchPositions(a: readonly ListedEndpoint[], b: readonly ListedEndpoint[]): [Int32Array, Int32Array] {
  const aToB = new Int32Array(a.length).fill(ONE_SIDED);
  const bToA = new Int32Array(b.length).fill(ONE_SIDED);
  a.forEach((d, k) => { if (d.range) aToB[k] = RANGE; });
  b.forEach((d, k) => { if (d.range) bToA[k] = RANGE; });
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const order = compareStrings(a[i].text, b[j].text);
    if (order === 0 && !a[i].range && !b[j].range) {
      aToB[i] = j;
      bToA[j] = i;
    }
    if (order <= 0) i++;
    if (order >= 0) j++;
  }
  return [aToB, bToA];
}

/** The external ranges of a destination list, as numbers. */
function rangesOf(lists: _ConnectionLists, list: { readonly ranks: Int32Array; readonly conns: readonly ConnectionSet[] }): RangeConns[] {
  const out: RangeConns[] = [];
  for (let k = 0; k < list.ranks.length; k++) {
    const range = lists.destinations[list.ranks[k]].range;
    if (range) out.push({ first: range.first, last: range.last, conns: list.conns[k] });
  }
  return out;
}

/** The entries of two sides read side by side as connection lists in their common order (a merge-join). */
function mergeJoin(oldInput: Analysis | ConnectivitySnapshot, newInput: Analysis | ConnectivitySnapshot): { pairs: DifferingPair[]; oldWorkloads: ReadonlySet<string>; newWorkloads: ReadonlySet<string> } {
  const infos = new EndpointInfos();
  const oldSide = sideOf(oldInput, 'old', infos);
  const newSide = sideOf(newInput, 'new', infos);
  const collected = new DifferingPairs();
  const entries = { add: differing(collected.add) };
  const ingress = new IngressRanges();
  // The external ranges of the current source workload (egress): complete once both sides have passed that source.
  let egress: { workload: WorkloadEndpoint; name: string; old: RangeConns[]; new: RangeConns[] } | undefined;
  const flushEgress = () => {
    if (!egress) return;
    const { workload, name } = egress;
    for (const change of sweepRanges(sortedRanges(egress.old, name, 'old'), sortedRanges(egress.new, name, 'new'))) {
      entries.add(workload, change.range, name, change.rangeName, change.before, change.after);
    }
    egress = undefined;
  };

  /** Files the current connection of a reader between a workload and an IPv4 range. */
  const addRange = (r: Reader, side: 'old' | 'new') => {
    const c = r.current!;
    if (c.src.type === 'workload' && r.dst.range) {
      if (egress?.name !== r.src.name) {
        flushEgress();
        egress = { workload: c.src, name: r.src.name, old: [], new: [] };
      }
      egress[side].push({ first: r.dst.range.first, last: r.dst.range.last, conns: c.conns });
    } else {
      ingress.add(c.dst as WorkloadEndpoint, r.dst.name, r.src.range!, c.conns, side);
    }
  };

  /** The union of a reader's connections with the current pair of names (a snapshot may list a pair twice). */
  const takePair = (r: Reader, srcName: string, dstName: string): ConnectionSet => {
    let conns = r.current!.conns;
    r.advance();
    while (r.current && r.src.name === srcName && r.dst.name === dstName && !r.isRange) {
      conns = conns.union(r.current.conns);
      r.advance();
    }
    return conns;
  };

  const oldReader = new Reader(oldSide, infos);
  const newReader = new Reader(newSide, infos);
  while (oldReader.current || newReader.current) {
    const order = !oldReader.current ? 1 : !newReader.current ? -1
      : compareStrings(oldReader.src.name, newReader.src.name) || compareStrings(oldReader.dst.name, newReader.dst.name);
    const first = order <= 0 ? oldReader : newReader;
    if (first.isRange) {
      addRange(first, first === oldReader ? 'old' : 'new');
      first.advance();
      continue;
    }
    const c = first.current!;
    const srcName = first.src.name;
    const dstName = first.dst.name;
    if (order < 0) {
      entries.add(c.src, c.dst, srcName, dstName, takePair(oldReader, srcName, dstName), ConnectionSet.NONE);
    } else if (order > 0) {
      entries.add(c.src, c.dst, srcName, dstName, ConnectionSet.NONE, takePair(newReader, srcName, dstName));
    } else {
      const oldConns = takePair(oldReader, srcName, dstName);
      const both = newReader.current && !newReader.isRange;
      entries.add(c.src, c.dst, srcName, dstName, oldConns, both ? takePair(newReader, srcName, dstName) : ConnectionSet.NONE);
    }
  }
  flushEgress();
  ingress.compare((workload, name, change) => entries.add(change.range, workload, change.rangeName, name, change.before, change.after));
  return { pairs: collected.take(), oldWorkloads: oldSide.workloads, newWorkloads: newSide.workloads };
}
