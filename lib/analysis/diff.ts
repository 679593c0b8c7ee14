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
 * - Cost: one pass over each connection list with hash joins (no pairwise comparison), one sweep per workload and
 *   direction over its external ranges, and one sort of the entries for the output order.
 *
 * @example
 * const result = diffConnectivity(Analysis.of(before), Analysis.of(after));
 * result.counts;                                         // { changed: 1, added: 1, removed: 0 }
 * result.entries.filter(e => !e.gained.isEmpty());       // every pair that may now connect on something new
 * formatDiff(result, 'txt');                             // netpol-analyzer's text format, line for line
 */
import { formatAddress } from '../model/cidr';
import type { ClusterModel } from '../model/types';
import { Analysis, Connection } from './analysis';
import { ConnectionSet } from './connection-set';
import { Endpoint, endpointName, ExternalEndpoint, WorkloadEndpoint } from './endpoints';
import type { AnalysisOptions } from './engine';
import { MAX_IPV4 } from './external';

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
 * model (analysed with `options.analysis`), or a snapshot as it is.
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

/** A pair of endpoints matched by name, with its connections on each side. */
interface PairRecord {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly srcName: string;
  readonly dstName: string;
  old?: ConnectionSet;
  new?: ConnectionSet;
}

/** An external range with its connections, as numbers. */
interface RangeConns {
  readonly first: number;
  readonly last: number;
  readonly conns: ConnectionSet;
}

/** The external ranges of one workload in one direction, on each side. */
interface RangeBucket {
  readonly workload: WorkloadEndpoint;
  readonly workloadName: string;
  /** Whether the workload is the source (egress to the ranges) rather than the destination. */
  readonly workloadIsSource: boolean;
  readonly old: RangeConns[];
  readonly new: RangeConns[];
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

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Reads one side's connections into the pair map and the range buckets. */
function collect(snapshot: ConnectivitySnapshot, side: 'old' | 'new', pairs: Map<string, PairRecord>, buckets: Map<string, RangeBucket>): void {
  for (const c of snapshot.connections) {
    const srcName = endpointName(c.src);
    const dstName = endpointName(c.dst);
    const dstRange = c.src.type === 'workload' ? ipv4Range(c.dst) : undefined;
    const srcRange = c.dst.type === 'workload' ? ipv4Range(c.src) : undefined;
    const range = dstRange ?? srcRange;
    if (range) {
      const workloadIsSource = dstRange !== undefined;
      const workloadName = workloadIsSource ? srcName : dstName;
      const key = `${workloadIsSource ? '>' : '<'}${workloadName}`;
      let bucket = buckets.get(key);
      if (!bucket) {
        bucket = { workload: (workloadIsSource ? c.src : c.dst) as WorkloadEndpoint, workloadName, workloadIsSource, old: [], new: [] };
        buckets.set(key, bucket);
      }
      bucket[side].push({ ...range, conns: c.conns });
      continue;
    }
    const key = `${srcName}\n${dstName}`;
    let pair = pairs.get(key);
    if (!pair) {
      pair = { src: c.src, dst: c.dst, srcName, dstName };
      pairs.set(key, pair);
    }
    const before = pair[side];
    pair[side] = before ? before.union(c.conns) : c.conns;
  }
}

/** Sorts one side's ranges of a bucket and checks they do not overlap. */
function sortedRanges(ranges: RangeConns[], bucket: RangeBucket, side: string): RangeConns[] {
  const sorted = [...ranges].sort((a, b) => a.first - b.first);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].first <= sorted[i - 1].last) {
      const r = (x: RangeConns) => `${formatAddress(BigInt(x.first), 4)}-${formatAddress(BigInt(x.last), 4)}`;
      throw new Error(`the ${side} connections of ${bucket.workloadName} list overlapping external ranges ${r(sorted[i - 1])} and ${r(sorted[i])}; `
        + 'each range of one workload and direction must be listed once, as Analysis.connections() does');
    }
  }
  return sorted;
}

/**
 * Walks the IPv4 space once over both sides' ranges (two pointers), and calls `emit` for every maximal run of
 * addresses whose (before, after) connections are equal and differ from each other.
 */
function sweepRanges(a: readonly RangeConns[], b: readonly RangeConns[], emit: (first: number, last: number, before: ConnectionSet, after: ConnectionSet) => void): void {
  let i = 0;
  let j = 0;
  let pos = 0;
  let run: { first: number; last: number; before: ConnectionSet; after: ConnectionSet } | undefined;
  const flush = () => {
    if (run && !run.before.equals(run.after)) emit(run.first, run.last, run.before, run.after);
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
    if (run && run.before.equals(before) && run.after.equals(after)) {
      run.last = end;
    } else {
      flush();
      run = { first: pos, last: end, before, after };
    }
    pos = end + 1;
  }
  flush();
}

interface SortableEntry {
  readonly entry: ConnectionDiff;
  readonly rank: number;
  readonly srcName: string;
  readonly dstName: string;
}

/**
 * The connectivity difference from `before` to `after`: every pair of peers whose allowed connections differ, with
 * both sides' connections, the diff type and the workloads that exist on one side only.
 *
 * Linear in the two connection lists apart from the final sort of the entries (hash joins by peer names, one sweep
 * per workload and direction over its external ranges). Throws when a snapshot lists overlapping external ranges for
 * one workload and direction.
 */
export function diffConnectivity(before: DiffInput, after: DiffInput, options: DiffOptions = {}): ConnectivityDiff {
  const oldSide = connectivitySnapshot(before, options);
  const newSide = connectivitySnapshot(after, options);
  const oldWorkloads = new Set(oldSide.workloads.map(endpointName));
  const newWorkloads = new Set(newSide.workloads.map(endpointName));
  const pairs = new Map<string, PairRecord>();
  const buckets = new Map<string, RangeBucket>();
  collect(oldSide, 'old', pairs, buckets);
  collect(newSide, 'new', pairs, buckets);

  const out: SortableEntry[] = [];
  const add = (src: Endpoint, dst: Endpoint, srcName: string, dstName: string, oldConns: ConnectionSet, newConns: ConnectionSet) => {
    if (oldConns.equals(newConns)) return;
    const type: DiffType = oldConns.isEmpty() ? 'added' : newConns.isEmpty() ? 'removed' : 'changed';
    const otherSide = type === 'added' ? oldWorkloads : newWorkloads;
    const addedOrRemovedWorkloads = type === 'changed'
      ? []
      : [[src, srcName] as const, [dst, dstName] as const]
        .filter(([e, name]) => e.type === 'workload' && !otherSide.has(name))
        .map(([e]) => e as WorkloadEndpoint);
    const entry: ConnectionDiff = {
      type, src, dst, oldConns, newConns, gained: newConns.subtract(oldConns), lost: oldConns.subtract(newConns), addedOrRemovedWorkloads,
    };
    out.push({ entry, rank: DIFF_TYPES.indexOf(type), srcName, dstName });
  };

  for (const p of pairs.values()) add(p.src, p.dst, p.srcName, p.dstName, p.old ?? ConnectionSet.NONE, p.new ?? ConnectionSet.NONE);
  for (const bucket of buckets.values()) {
    const a = sortedRanges(bucket.old, bucket, 'old');
    const b = sortedRanges(bucket.new, bucket, 'new');
    sweepRanges(a, b, (first, last, oldConns, newConns) => {
      const range = externalEndpoint(first, last);
      const rangeName = endpointName(range);
      if (bucket.workloadIsSource) add(bucket.workload, range, bucket.workloadName, rangeName, oldConns, newConns);
      else add(range, bucket.workload, rangeName, bucket.workloadName, oldConns, newConns);
    });
  }

  out.sort((x, y) => x.rank - y.rank || compareStrings(x.srcName, y.srcName) || compareStrings(x.dstName, y.dstName));
  const entries = out.map(e => e.entry);
  const count = (type: DiffType) => entries.filter(e => e.type === type).length;
  return { entries, counts: { changed: count('changed'), added: count('added'), removed: count('removed') } };
}
