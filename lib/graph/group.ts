/**
 * Grouping, so that a large cluster still gives a picture Graphviz lays out in seconds.
 *
 * A group is a set of workloads (or of address ranges) with the same connections: to and from every other node the
 * same ports, the same declared-but-denied ports and policies, and between any two members of the group the same
 * ports again. So an edge between two groups holds for every pair of their members, exactly, and a group's edge to
 * itself holds for every pair of distinct members; nothing is summarised or dropped. `namespace` grouping keeps each
 * group inside one namespace (a namespace whose workloads all behave alike becomes one node, "all N workloads");
 * `class` grouping lets a group span namespaces.
 *
 * Groups are computed on the engine's workload classes (workloads every policy treats alike), never on workload
 * pairs, so the cost grows with the number of distinct label sets: the per-workload edges are only listed when the
 * per-workload picture is drawn. Two classes fall in one group when they are "twins": equal rows and columns of the
 * class-to-class connection matrix, where the entries between the two (and each one's entry with itself) must all
 * be the same. Twinship is an equivalence, found by hashing each row and column and comparing the candidates.
 */
import {
  Analysis, ConnectionSet, Endpoint, endpointName, WorkloadClass, WorkloadEndpoint,
} from '../analysis';
import { ClusterModel, PolicyType, WorkloadModel } from '../model/types';
import { buildGraph, ConnectivityGraph, deniedEdges, DeniedEdgeInfo, EdgeKind, GraphOptions } from './graph';
import { buildOverview } from './overview';

/** How workloads become the nodes of the picture. */
export enum Grouping {
  /** One node per workload and per address range. */
  NONE = 'none',
  /** One node per set of workloads of one namespace with the same connections (and per set of such ranges). */
  NAMESPACE = 'namespace',
  /** One node per set of workloads with the same connections, across namespaces (and per set of such ranges). */
  CLASS = 'class',
}

/**
 * One node per namespace, edges listing how many workload pairs have each set of ports (see ./overview): the picture
 * of a cluster too large for the others.
 */
export const OVERVIEW = 'overview';

/** The values `--group` accepts: `auto`, one of the `Grouping`s, or `overview`. */
export const GROUP_MODES = ['auto', Grouping.NONE, Grouping.NAMESPACE, Grouping.CLASS, OVERVIEW] as const;

/** One of `GROUP_MODES`. */
export type GroupMode = typeof GROUP_MODES[number];

/** A number of nodes and edges. */
export interface GraphSize {
  /** The nodes. */
  readonly nodes: number;
  /** The edges (solid and dashed). */
  readonly edges: number;
}

/** `auto` draws one node per workload up to this size, and groups by `class` above it. */
export const AUTO_GROUP_LIMIT: GraphSize = { nodes: 100, edges: 200 };

/**
 * The largest picture drawn: Graphviz usually lays out this many nodes and edges in a few seconds (straight edges,
 * bounded optimisation). A larger one is refused rather than left to run for minutes; within it, a layout is still
 * stopped after `LAYOUT_TIME_LIMIT_MS`.
 */
export const MAX_GRAPH_SIZE: GraphSize = { nodes: 1000, edges: 2000 };

/**
 * The most workload classes (workloads that some policy could tell apart: distinct namespace, pod labels, named ports
 * or host network) a picture is built for: grouping compares every class with every other, so time and memory grow
 * with their square (about two seconds and 40 MB at this limit). More stop with `TooManyClassesError`.
 */
export const MAX_WORKLOAD_CLASSES = 3000;

/** A node of a grouped picture: one workload or address range, or several with the same connections. */
export interface GroupNode {
  /** `g0`, `g1`, ... in the order of the first member's name. */
  readonly id: string;
  /** Whether the members are address ranges outside the cluster (else workloads). */
  readonly external: boolean;
  /** The members, sorted by connlist name (`ns/name[Kind]`, `first-last[External]`). */
  readonly members: readonly Endpoint[];
  /** The namespaces of the members, sorted; empty for address ranges. */
  readonly namespaces: readonly string[];
  /** Whether the members are all the drawn workloads of their namespaces. */
  readonly wholeNamespaces: boolean;
  /** The label: the workload or range itself, or the member count and the first members (lines split by `\n`). */
  readonly label: string;
}

/** An edge of a grouped picture: one connection that every member pair of its two nodes has. */
export interface GroupEdge {
  /** `allowed` (solid) or `denied` (dashed: declared by one side, denied by the other). */
  readonly kind: EdgeKind;
  /** The source node id. */
  readonly from: string;
  /** The destination node id. */
  readonly to: string;
  /** The ports: allowed ones, or the declared ones of a denied edge. */
  readonly conns: ConnectionSet;
  /** The edge label: the ports, and for a denied edge the declaring policies. */
  readonly label: string;
  /** For a denied edge, the policies that declare it (sorted); empty for an allowed edge. */
  readonly declaredBy: readonly string[];
  /** For a denied edge, the policies isolating the end that denies it (sorted); empty for an allowed edge. */
  readonly deniedBy: readonly string[];
  /** How many member pairs (distinct source and destination) the edge stands for; each has exactly this edge. */
  readonly pairs: number;
}

/** A picture whose nodes are groups: what every format draws when workloads were grouped. */
export interface GroupedGraph {
  /** How the workloads were grouped. */
  readonly grouping: Grouping.NAMESPACE | Grouping.CLASS | typeof OVERVIEW;
  /** Every node, in id order. */
  readonly nodes: readonly GroupNode[];
  /** The nodes inside one namespace, by namespace (sorted), drawn in a box per namespace. */
  readonly boxes: readonly { readonly namespace: string; readonly nodes: readonly GroupNode[] }[];
  /** The nodes drawn outside the boxes: groups spanning namespaces, then address ranges. */
  readonly outside: readonly GroupNode[];
  /** Allowed edges, then denied edges, each sorted by source then destination id. */
  readonly edges: readonly GroupEdge[];
  /** The number of workloads drawn. */
  readonly workloads: number;
  /** The size of the same picture with one node per workload. */
  readonly ungrouped: GraphSize;
}

/** Whether a picture is grouped. */
export function isGrouped(graph: ConnectivityGraph | GroupedGraph): graph is GroupedGraph {
  return (graph as GroupedGraph).grouping !== undefined;
}

/** Options of `buildPicture`. */
export interface PictureOptions extends GraphOptions {
  /**
   * How to group workloads.
   * @default 'auto'
   */
  readonly group?: GroupMode;
  /**
   * The largest picture to build; a larger one throws `GraphTooLargeError`.
   * @default MAX_GRAPH_SIZE
   */
  readonly limit?: GraphSize;
}

/** A picture ready to render, and how it came about. */
export interface GraphPicture {
  /** The graph: per workload (`ConnectivityGraph`) or grouped (`GroupedGraph`). */
  readonly graph: ConnectivityGraph | GroupedGraph;
  /** The grouping applied: `none` also when grouping was asked for but no two workloads behave alike. */
  readonly grouping: Grouping | typeof OVERVIEW;
  /**
   * The size of the picture under each grouping; only the overview's when the cluster has more workload classes than
   * `MAX_WORKLOAD_CLASSES` (the others are not computed).
   */
  readonly sizes: { readonly [G in Grouping]?: GraphSize } & { readonly [OVERVIEW]?: GraphSize };
  /** Whether the grouping was chosen by `auto`. */
  readonly automatic: boolean;
  /** One sentence saying what was grouped, when something was; undefined for a per-workload picture. */
  readonly note?: string;
}

/** Thrown by `buildPicture` when the picture would exceed the limit. */
export class GraphTooLargeError extends Error {
  constructor(
    /** The grouping that was asked for (or chosen by `auto`). */
    public readonly grouping: Grouping | typeof OVERVIEW,
    /** The size of the picture under each grouping (those computed). */
    public readonly sizes: GraphPicture['sizes'],
    /** The limit. */
    public readonly limit: GraphSize,
  ) {
    super(`the picture would have ${sizeText(sizes[grouping]!)} with grouping "${grouping}", more than the ${sizeText(limit)} it may have`);
    this.name = 'GraphTooLargeError';
  }
}

/** Thrown by `buildPicture` when the cluster has more workload classes than `MAX_WORKLOAD_CLASSES`. */
export class TooManyClassesError extends Error {
  constructor(
    /** The number of workload classes. */
    public readonly classes: number,
    /** The number of workloads. */
    public readonly workloads: number,
    /** The limit. */
    public readonly limit: number,
  ) {
    super(`the cluster has ${classes} workload classes (of ${workloads} workloads), more than the ${limit} a picture is built for`);
    this.name = 'TooManyClassesError';
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `12 nodes and 30 edges`. */
export function sizeText(size: GraphSize): string {
  return `${plural(size.nodes, 'node')} and ${plural(size.edges, 'edge')}`;
}

function fits(size: GraphSize, limit: GraphSize): boolean {
  return size.nodes <= limit.nodes && size.edges <= limit.edges;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Builds the picture of a cluster: per workload, or grouped as asked (`auto`: per workload up to
 * `AUTO_GROUP_LIMIT`, else `class`, whose groups stay in their namespace's box unless they span several, else the
 * namespace overview when `class` exceeds `limit` or the input has more than `MAX_WORKLOAD_CLASSES` classes). Throws
 * `GraphTooLargeError` when the chosen picture exceeds `limit`; sizes are known before any per-workload edge is
 * listed, so a huge input fails fast. Throws `TooManyClassesError` above `MAX_WORKLOAD_CLASSES` unless the overview
 * is asked for or chosen.
 */
export function buildPicture(cluster: ClusterModel, options: PictureOptions = {}): GraphPicture {
  const analysis = options.analysis ?? Analysis.of(cluster);
  const limit = options.limit ?? MAX_GRAPH_SIZE;
  const mode = options.group ?? 'auto';
  if (!(GROUP_MODES as readonly string[]).includes(mode)) {
    throw new Error(`unknown grouping "${mode}"; use one of ${GROUP_MODES.join(', ')}`);
  }
  const classes = analysis.engine.classes;
  const automatic = mode === 'auto';
  if (mode === OVERVIEW || (automatic && classes.length > MAX_WORKLOAD_CLASSES)) return overviewPicture(analysis, limit, automatic, {});
  if (classes.length > MAX_WORKLOAD_CLASSES) {
    throw new TooManyClassesError(classes.length, classes.reduce((n, c) => n + c.workloads.length, 0), MAX_WORKLOAD_CLASSES);
  }
  const denied = options.denied === false ? [] : options.deniedEdges ?? deniedEdges(cluster, analysis);
  const matrix = ClassMatrix.of(analysis, denied);
  const byNamespace = matrix.group(Grouping.NAMESPACE);
  const byClass = matrix.group(Grouping.CLASS);
  const sizes = { [Grouping.NONE]: matrix.ungrouped, [Grouping.NAMESPACE]: byNamespace.size, [Grouping.CLASS]: byClass.size };
  let grouping: Grouping;
  if (mode !== 'auto') grouping = mode;
  else grouping = fits(sizes[Grouping.NONE], AUTO_GROUP_LIMIT) ? Grouping.NONE : Grouping.CLASS;
  if (!fits(sizes[grouping], limit)) {
    if (automatic) return overviewPicture(analysis, limit, automatic, sizes);
    throw new GraphTooLargeError(grouping, sizes, limit);
  }
  const groups = grouping === Grouping.NAMESPACE ? byNamespace : grouping === Grouping.CLASS ? byClass : undefined;
  if (!groups || !groups.merges) {
    const graph = buildGraph(cluster, { analysis, denied: options.denied, deniedEdges: denied });
    return { graph, grouping: Grouping.NONE, sizes, automatic };
  }
  const graph = matrix.grouped(grouping as Grouping.NAMESPACE | Grouping.CLASS, groups.groups);
  const ranges = graph.nodes.filter(n => n.external).length;
  const why = automatic ? ` automatically, as one node per workload would make ${sizeText(sizes[Grouping.NONE])}` : '';
  const note = `${plural(graph.workloads, 'workload')} drawn as ${plural(graph.nodes.length - ranges, 'node')}`
    + `${ranges > 0 ? ` (and ${plural(ranges, 'address range node')})` : ''}, grouped by ${grouping}${why}: `
    + 'a node with a double outline stands for workloads with the same connections, and each of its edges holds for every pair of members';
  return { graph, grouping, sizes, automatic, note };
}

/** The namespace overview as a picture, or `GraphTooLargeError` (with every size computed) when it exceeds `limit`. */
function overviewPicture(analysis: Analysis, limit: GraphSize, automatic: boolean, sizes: GraphPicture['sizes']): GraphPicture {
  const { graph, size } = buildOverview(analysis, limit);
  const all = { ...sizes, [OVERVIEW]: size };
  if (!graph) throw new GraphTooLargeError(OVERVIEW, all, limit);
  const classes = analysis.engine.classes.length;
  const why = !automatic ? '' : sizes[Grouping.CLASS]
    ? ` automatically, as grouping by class would make ${sizeText(sizes[Grouping.CLASS])}`
    : ` automatically, as the input has ${classes} workload classes, more than the ${MAX_WORKLOAD_CLASSES} that grouping compares`;
  const namespaces = graph.nodes.filter(n => !n.external).length;
  const note = `${plural(graph.workloads, 'workload')} drawn as ${plural(namespaces, 'namespace node')}${why}: `
    + 'each edge lists, for each set of ports, how many of the workload pairs between the two namespaces have exactly it (the other pairs have none), '
    + 'and declared-but-denied connections are not drawn; --namespace NAME draws namespaces workload by workload';
  return { graph, grouping: OVERVIEW, sizes: all, automatic, note };
}

/** A drawn node before grouping: a workload class (its workloads that are nodes), or one address range. */
interface Atom {
  readonly external: boolean;
  readonly namespace?: string;
  /** The members, sorted by name. */
  readonly members: { readonly endpoint: Endpoint; readonly name: string }[];
  readonly cls?: WorkloadClass;
  /** The range's index in the ingress (source) partition, if it is one. */
  ingress?: number;
  /** The range's index in the egress (destination) partition, if it is one. */
  egress?: number;
}

/** What every member pair of two atoms has: allowed ports and/or one declared-but-denied edge. */
interface PairLabel {
  readonly allowed: ConnectionSet;
  readonly denied?: DeniedEdgeInfo;
}

function workloadEndpoint(w: WorkloadModel): WorkloadEndpoint {
  return { type: 'workload', namespace: w.namespaceName, name: w.name, kind: w.kind };
}

function mix(position: number, label: number, seed: number): number {
  let h = Math.imul(position + 1, 0x9e3779b1) ^ Math.imul(label + seed, 0x85ebca77);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return (h ^ (h >>> 15)) | 0;
}

/** Groups found in a matrix: lists of atom indexes. */
interface Groups {
  readonly groups: number[][];
  readonly size: GraphSize;
  /** Whether some group has more than one member. */
  readonly merges: boolean;
}

/** The connections between atoms (classes and ranges) as label ids, with the grouping algorithm. */
class ClassMatrix {
  /** Builds the matrix; classes whose declared-but-denied edges differ between their workloads are split. */
  public static of(analysis: Analysis, denied: readonly DeniedEdgeInfo[]): ClassMatrix {
    const split = new Set<number>();
    for (;;) {
      const matrix = new ClassMatrix(analysis, denied, split);
      const before = split.size;
      matrix.uneven.forEach(i => split.add(i));
      if (split.size === before) return matrix;
    }
  }

  public readonly atoms: Atom[] = [];
  /** Label ids, `k * k`, row = source atom; 0 = no edge. */
  public readonly cells: Int32Array;
  public readonly labels: PairLabel[] = [{ allowed: ConnectionSet.NONE }];
  /** The size of the per-workload picture. */
  public readonly ungrouped: GraphSize;
  /** Classes whose workloads differ in their declared-but-denied edges (to be split into one atom per workload). */
  public readonly uneven = new Set<number>();
  private readonly labelIds = new Map<string, number>([['', 0]]);
  private readonly setIds = new Map<ConnectionSet, string>();
  private readonly allowedIds = new Map<ConnectionSet, number>();
  private hashes?: { rows: Int32Array; columns: Int32Array };

  private constructor(analysis: Analysis, denied: readonly DeniedEdgeInfo[], split: ReadonlySet<number>) {
    const engine = analysis.engine;
    const atomOf = new Map<string, number>();
    const seen = new Set<string>();
    // Workload atoms: one per class (or per workload of a split class); a name listed twice is drawn once, as the
    // analysis lists it once: in its first class.
    for (const cls of engine.classes) {
      const members = cls.workloads.map(workloadEndpoint).map(endpoint => ({ endpoint, name: endpointName(endpoint) }))
        .filter(m => !seen.has(m.name) && (seen.add(m.name), true))
        .sort((a, b) => compare(a.name, b.name));
      const parts = split.has(cls.index) ? members.map(m => [m]) : members.length > 0 ? [members] : [];
      for (const part of parts) {
        part.forEach(m => atomOf.set(m.name, this.atoms.length));
        this.atoms.push({ external: false, namespace: cls.namespace.name, members: part, cls });
      }
    }
    // Range atoms: sources of the ingress partition and destinations of the egress partition, one node per name.
    const rangeAtom = (endpoint: Endpoint): Atom => {
      const name = endpointName(endpoint);
      let index = atomOf.get(name);
      if (index === undefined) {
        index = this.atoms.length;
        atomOf.set(name, index);
        this.atoms.push({ external: true, members: [{ endpoint, name }] });
      }
      return this.atoms[index];
    };
    analysis.externalRanges(PolicyType.INGRESS).forEach((r, i) => { rangeAtom(r).ingress = i; });
    analysis.externalRanges(PolicyType.EGRESS).forEach((r, i) => { rangeAtom(r).egress = i; });

    const k = this.atoms.length;
    // Declared-but-denied edges per atom pair: each pair of members must have the same one (checked below).
    const deniedAt = new Map<number, Map<number, { info: DeniedEdgeInfo; key: string; count: number; uneven: boolean }>>();
    for (const d of denied) {
      const a = atomOf.get(endpointName(d.edge.src));
      const b = atomOf.get(endpointName(d.edge.dst));
      if (a === undefined || b === undefined) continue;
      const key = `${d.edge.label}\u0000${d.deniedBy.join(',')}`;
      let row = deniedAt.get(a);
      if (!row) deniedAt.set(a, row = new Map());
      const known = row.get(b);
      if (!known) row.set(b, { info: d, key, count: 1, uneven: false });
      else if (known.key === key) known.count++;
      else known.uneven = true;
    }
    const pairs = (a: number, b: number) => {
      const n = this.atoms[a].members.length;
      return a === b ? n * (n - 1) : n * this.atoms[b].members.length;
    };
    for (const [a, row] of deniedAt) {
      for (const [b, d] of row) {
        if (d.uneven || d.count !== pairs(a, b)) {
          for (const atom of [this.atoms[a], this.atoms[b]]) if (atom.cls && atom.members.length > 1) this.uneven.add(atom.cls.index);
        }
      }
    }

    this.cells = new Int32Array(k * k);
    let edges = 0;
    const connected = new Array<boolean>(k).fill(false);
    const candidate = new Uint8Array(engine.classes.length);
    for (let a = 0; a < k; a++) {
      const src = this.atoms[a];
      if (src.cls) {
        candidate.fill(0);
        for (const c of engine.candidateDestinations(src.cls)) candidate[c.index] = 1;
      }
      const deniedRow = deniedAt.get(a);
      for (let b = 0; b < k; b++) {
        const dst = this.atoms[b];
        let allowed = ConnectionSet.NONE;
        if (src.cls && dst.cls) {
          if (candidate[dst.cls.index] === 1) allowed = engine.classToClass(src.cls, dst.cls);
        } else if (src.cls && dst.egress !== undefined) {
          allowed = engine.classAndRange(PolicyType.EGRESS, src.cls, dst.egress);
        } else if (dst.cls && src.ingress !== undefined) {
          allowed = engine.classAndRange(PolicyType.INGRESS, dst.cls, src.ingress);
        }
        const d = deniedRow?.get(b);
        const id = d ? this.labelId(allowed, d.info, d.key) : this.allowedId(allowed);
        this.cells[a * k + b] = id;
        if (id !== 0) {
          const n = pairs(a, b);
          edges += n * ((allowed.isEmpty() ? 0 : 1) + (d ? 1 : 0));
          if (n > 0) connected[a] = connected[b] = true;
        }
      }
    }
    const workloads = this.atoms.filter(a => !a.external).reduce((n, a) => n + a.members.length, 0);
    const ranges = this.atoms.filter((a, i) => a.external && connected[i]).length;
    this.ungrouped = { nodes: workloads + ranges, edges };
    this.connected = connected;
  }

  private readonly connected: boolean[];

  /** The label id of allowed ports alone (cached per set object: the engine shares them). */
  private allowedId(allowed: ConnectionSet): number {
    let id = this.allowedIds.get(allowed);
    if (id === undefined) {
      id = this.labelId(allowed, undefined, undefined);
      this.allowedIds.set(allowed, id);
    }
    return id;
  }

  private labelId(allowed: ConnectionSet, denied: DeniedEdgeInfo | undefined, deniedKey: string | undefined): number {
    let text = this.setIds.get(allowed);
    if (text === undefined) {
      text = allowed.isEmpty() ? '' : allowed.toString();
      this.setIds.set(allowed, text);
    }
    const key = denied ? `${text}\u0001${deniedKey}` : text;
    let id = this.labelIds.get(key);
    if (id === undefined) {
      id = this.labels.length;
      this.labels.push({ allowed, denied });
      this.labelIds.set(key, id);
    }
    return id;
  }

  /** The groups of a grouping: twins within the scope (a namespace, or all workloads; ranges apart). */
  public group(grouping: Grouping.NAMESPACE | Grouping.CLASS): Groups {
    const k = this.atoms.length;
    const cells = this.cells;
    const live = this.atoms.map((a, i) => !a.external || this.connected[i]);
    const scope = this.atoms.map(a => (a.external ? 'range' : grouping === Grouping.NAMESPACE ? `ns:${a.namespace}` : 'workload'));
    const parent = this.atoms.map((_, i) => i);
    const find = (i: number): number => {
      while (parent[i] !== i) i = parent[i] = parent[parent[i]];
      return i;
    };
    const { rows: rowHash, columns: colHash } = this.rowAndColumnHashes(live);
    // Twins a, b share one label L: between them both ways, and between members of either. An atom with several
    // members has L fixed (its diagonal); a single member may take any L it has both ways with an atom of its scope.
    const buckets = new Map<string, { atom: number; label: number }[]>();
    for (let a = 0; a < k; a++) {
      if (!live[a]) continue;
      const candidates = new Set<number>();
      if (this.atoms[a].members.length > 1) candidates.add(cells[a * k + a]);
      else {
        for (let b = 0; b < k; b++) {
          if (b !== a && live[b] && scope[b] === scope[a] && cells[a * k + b] === cells[b * k + a]) candidates.add(cells[a * k + b]);
        }
      }
      for (const label of candidates) {
        const key = `${scope[a]}\u0000${label}\u0000${(rowHash[a] + mix(a, label, 0)) | 0}\u0000${(colHash[a] + mix(a, label, 1)) | 0}`;
        const list = buckets.get(key);
        if (list) list.push({ atom: a, label });
        else buckets.set(key, [{ atom: a, label }]);
      }
    }
    const same = (a: number, b: number, label: number) => {
      for (let x = 0; x < k; x++) {
        if (!live[x]) continue;
        const ra = x === a ? label : cells[a * k + x];
        const rb = x === b ? label : cells[b * k + x];
        const ca = x === a ? label : cells[x * k + a];
        const cb = x === b ? label : cells[x * k + b];
        if (ra !== rb || ca !== cb) return false;
      }
      return true;
    };
    for (const list of buckets.values()) {
      if (list.length < 2) continue;
      const representatives: number[] = [];
      for (const { atom, label } of list) {
        const twin = representatives.find(r => same(r, atom, label));
        if (twin === undefined) representatives.push(atom);
        else parent[find(atom)] = find(twin);
      }
    }
    const byRoot = new Map<number, number[]>();
    for (let a = 0; a < k; a++) {
      if (!live[a]) continue;
      const root = find(a);
      const list = byRoot.get(root);
      if (list) list.push(a);
      else byRoot.set(root, [a]);
    }
    const groups = [...byRoot.values()];
    this.checkExact(groups);
    let edges = 0;
    for (const g of groups) {
      for (const h of groups) {
        const label = this.labels[this.groupLabel(g, h)];
        edges += (label.allowed.isEmpty() ? 0 : 1) + (label.denied ? 1 : 0);
      }
    }
    const members = this.atoms.reduce((n, a, i) => n + (live[i] ? a.members.length : 0), 0);
    return { groups, size: { nodes: groups.length, edges }, merges: groups.length < members };
  }

  /** The hashes of each live atom's row and column, without the diagonal (the same for every grouping). */
  private rowAndColumnHashes(live: readonly boolean[]): { rows: Int32Array; columns: Int32Array } {
    if (this.hashes) return this.hashes;
    const k = this.atoms.length;
    const cells = this.cells;
    const rows = new Int32Array(k);
    const columns = new Int32Array(k);
    for (let a = 0; a < k; a++) {
      if (!live[a]) continue;
      for (let x = 0; x < k; x++) {
        if (x === a || !live[x]) continue;
        rows[a] = (rows[a] + mix(x, cells[a * k + x], 0)) | 0;
        columns[x] = (columns[x] + mix(a, cells[a * k + x], 1)) | 0;
      }
    }
    this.hashes = { rows, columns };
    return this.hashes;
  }

  /** The label id every member pair of two groups has (0 when they have no pair, i.e. one group of one member). */
  private groupLabel(g: readonly number[], h: readonly number[]): number {
    if (g !== h) return this.cells[g[0] * this.atoms.length + h[0]];
    if (g.length > 1) return this.cells[g[0] * this.atoms.length + g[1]];
    return this.atoms[g[0]].members.length > 1 ? this.cells[g[0] * this.atoms.length + g[0]] : 0;
  }

  /** Throws unless every member pair of every two groups has one and the same label: the grouping is exact. */
  private checkExact(groups: readonly number[][]): void {
    const k = this.atoms.length;
    for (const g of groups) {
      for (const h of groups) {
        const expected = this.groupLabel(g, h);
        for (const a of g) {
          for (const b of h) {
            if (a === b && this.atoms[a].members.length < 2) continue;
            if (this.cells[a * k + b] !== expected) {
              throw new Error(`internal error: grouping is not exact between ${this.atoms[a].members[0].name} and ${this.atoms[b].members[0].name}; please report it, and use --group none meanwhile`);
            }
          }
        }
      }
    }
  }

  /** The grouped picture of groups of atoms. */
  public grouped(grouping: Grouping.NAMESPACE | Grouping.CLASS, groups: readonly number[][]): GroupedGraph {
    const perNamespace = new Map<string, number>();
    for (const atom of this.atoms) {
      if (atom.external) continue;
      perNamespace.set(atom.namespace!, (perNamespace.get(atom.namespace!) ?? 0) + atom.members.length);
    }
    const ordered = groups
      .map(g => ({ atoms: g, members: g.flatMap(a => this.atoms[a].members).sort((x, y) => compare(x.name, y.name)) }))
      .sort((x, y) => compare(x.members[0].name, y.members[0].name));
    const nodes: GroupNode[] = ordered.map((g, i) => {
      const external = this.atoms[g.atoms[0]].external;
      const count = new Map<string, number>();
      for (const a of g.atoms) if (!external) count.set(this.atoms[a].namespace!, (count.get(this.atoms[a].namespace!) ?? 0) + this.atoms[a].members.length);
      const namespaces = [...count.keys()].sort(compare);
      const wholeNamespaces = !external && namespaces.every(ns => count.get(ns) === perNamespace.get(ns));
      const members = g.members.map(m => m.endpoint);
      return { id: `g${i}`, external, members, namespaces, wholeNamespaces, label: groupNodeLabel(members, namespaces, wholeNamespaces) };
    });
    const allowed: GroupEdge[] = [];
    const denied: GroupEdge[] = [];
    ordered.forEach((g, i) => {
      ordered.forEach((h, j) => {
        const label = this.labels[this.groupLabel(g.atoms, i === j ? g.atoms : h.atoms)];
        const pairs = i === j ? g.members.length * (g.members.length - 1) : g.members.length * h.members.length;
        const from = nodes[i].id;
        const to = nodes[j].id;
        if (!label.allowed.isEmpty()) {
          allowed.push({ kind: EdgeKind.ALLOWED, from, to, conns: label.allowed, label: label.allowed.toString(), declaredBy: [], deniedBy: [], pairs });
        }
        if (label.denied) {
          const d = label.denied;
          denied.push({ kind: EdgeKind.DENIED, from, to, conns: d.conns, label: d.edge.label, declaredBy: d.declaredBy, deniedBy: d.deniedBy, pairs });
        }
      });
    });
    const inBox = (n: GroupNode) => !n.external && n.namespaces.length === 1;
    const boxNames = [...new Set(nodes.filter(inBox).map(n => n.namespaces[0]))].sort(compare);
    return {
      grouping,
      nodes,
      boxes: boxNames.map(namespace => ({ namespace, nodes: nodes.filter(n => inBox(n) && n.namespaces[0] === namespace) })),
      outside: [...nodes.filter(n => !n.external && !inBox(n)), ...nodes.filter(n => n.external)],
      edges: [...allowed, ...denied],
      workloads: [...perNamespace.values()].reduce((a, b) => a + b, 0),
      ungrouped: this.ungrouped,
    };
  }
}

/** How many member names a group label lists before `… (+N)`. */
const LISTED_MEMBERS = 3;

/** Orders names naturally (`app2` before `app10`), the same in every locale; for listing group members. */
export function naturalCompare(a: string, b: string): number {
  const parts = (text: string) => text.match(/\d+|\D+/g) ?? [];
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const numeric = /^\d/.test(x[i]) && /^\d/.test(y[i]);
    const order = numeric ? Number(x[i]) - Number(y[i]) || compare(x[i], y[i]) : compare(x[i], y[i]);
    if (order !== 0) return order;
  }
  return x.length - y.length;
}

function listed(names: readonly string[]): string {
  const shown = names.slice(0, LISTED_MEMBERS).join(', ');
  return names.length > LISTED_MEMBERS ? `${shown}, … (+${names.length - LISTED_MEMBERS})` : shown;
}

/**
 * The label of a node: the member itself (`api[Deployment]`, `10.0.0.0-10.255.255.255`), or for a group the count
 * and the first members: `all 30 workloads\napi, web, worker, … (+27)` (all: every workload of the namespace),
 * `300 workloads in 10 namespaces\nall of ns0, ns1, ns2, … (+7)`, `4 address ranges\n...`.
 */
export function groupNodeLabel(members: readonly Endpoint[], namespaces: readonly string[], wholeNamespaces: boolean): string {
  if (members.length === 1) {
    const e = members[0];
    return e.type === 'workload' ? `${e.name}[${e.kind}]` : `${e.first}-${e.last}`;
  }
  if (members[0].type === 'external') {
    return `${members.length} address ranges\n${listed(members.map(e => (e.type === 'external' ? `${e.first}-${e.last}` : '')))}`;
  }
  const all = wholeNamespaces ? 'all ' : '';
  if (namespaces.length === 1) {
    const names = [...new Set(members.map(e => (e.type === 'workload' ? e.name : '')))].sort(naturalCompare);
    return `${all}${members.length} workloads\n${listed(names)}`;
  }
  return `${members.length} workloads in ${namespaces.length} namespaces\n${wholeNamespaces ? 'all of ' : 'in '}${listed([...namespaces].sort(naturalCompare))}`;
}
