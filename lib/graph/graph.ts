/**
 * The connectivity graph of a cluster model: workloads grouped by namespace, external address ranges as their own
 * nodes, one solid edge per allowed workload pair labelled with its ports, and one dashed edge per pair a rule
 * declares but the other end denies (the connections rule NP009 reports), labelled with the declared ports and the
 * declaring policies.
 *
 * Nodes and edges come from the analysis engine (`Analysis.connections()`) and the rule (`oneSidedConnections`);
 * nothing here re-derives NetworkPolicy semantics. The DOT and Mermaid texts are the analysis output formats given
 * the denied edges and the workload list, so node ids agree between the model and every rendering.
 */
import {
  Analysis, ConnectionSet, Connection, DeniedEdge, Endpoint, endpointName, graphNodesWith, GraphNode,
  GraphFormatOptions, nodesByNamespace, WorkloadEndpoint,
} from '../analysis';
import { ClusterModel, WorkloadModel } from '../model/types';
import { RuleContext } from '../rules/context';
import { oneSidedConnections } from '../rules/one-sided';

/** How an edge came about. */
export enum EdgeKind {
  /** Both ends allow the connection: a solid edge. */
  ALLOWED = 'allowed',
  /** A rule on one end allows it explicitly, the other end denies all of it: a dashed edge. */
  DENIED = 'denied',
}

/** One edge of the graph: a merged workload pair. */
export interface GraphEdge {
  /** `allowed` (solid) or `denied` (dashed). */
  readonly kind: EdgeKind;
  /** The node id of the source. */
  readonly from: string;
  /** The node id of the destination. */
  readonly to: string;
  /** The source endpoint. */
  readonly src: Endpoint;
  /** The destination endpoint. */
  readonly dst: Endpoint;
  /** The ports: allowed ones, or the declared ones of a denied edge. */
  readonly conns: ConnectionSet;
  /** The edge label: `TCP 8080`, or `TCP 8080 (declared by production/api-ingress)` for a denied edge. */
  readonly label: string;
  /** For a denied edge, the policies that declare it (`namespace/name`, sorted); empty for an allowed edge. */
  readonly declaredBy: readonly string[];
  /** For a denied edge, the policies isolating the end that denies it (sorted); empty for an allowed edge. */
  readonly deniedBy: readonly string[];
}

/** A namespace and its nodes. */
export interface GraphGroup {
  /** The namespace. */
  readonly namespace: string;
  /** Its nodes, in name order. */
  readonly nodes: readonly GraphNode[];
}

/** The connectivity graph: what every graph format draws. */
export interface ConnectivityGraph {
  /** Every node in name order (ids `n0`, `n1`, ... in that order). */
  readonly nodes: readonly GraphNode[];
  /** The workload nodes by namespace, namespaces sorted. */
  readonly groups: readonly GraphGroup[];
  /** The external range nodes, in name order. */
  readonly external: readonly GraphNode[];
  /** Allowed edges (sorted by source then destination name), then denied edges (same order). */
  readonly edges: readonly GraphEdge[];
  /** The allowed connections, as the analysis lists them. */
  readonly connections: readonly Connection[];
  /** What the analysis formats need besides `connections` to draw this graph. */
  readonly formatOptions: GraphFormatOptions;
}

/** Options of `buildGraph`. */
export interface GraphOptions {
  /**
   * An analysis of the same cluster, to reuse.
   * @default - built from the cluster
   */
  readonly analysis?: Analysis;
  /**
   * Draw declared-but-denied connections as dashed edges.
   * @default true
   */
  readonly denied?: boolean;
  /**
   * The declared-but-denied edges, as `deniedEdges` returns them for this cluster and analysis, to reuse.
   * @default - computed
   */
  readonly deniedEdges?: readonly DeniedEdgeInfo[];
}

/** A declared-but-denied workload pair, as `deniedEdges` lists it. */
export interface DeniedEdgeInfo {
  /** The pair, with its label (`TCP 5432 (declared by shop/db-ingress)`). */
  readonly edge: DeniedEdge;
  /** The declared ports. */
  readonly conns: ConnectionSet;
  /** The policies that declare it (`namespace/name`, sorted). */
  readonly declaredBy: string[];
  /** The policies isolating the end that denies it (sorted). */
  readonly deniedBy: string[];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function workloadEndpoint(w: WorkloadModel): WorkloadEndpoint {
  return { type: 'workload', namespace: w.namespaceName, name: w.name, kind: w.kind };
}

/**
 * The declared-but-denied edges: NP009's pairs, expanded from classes to the workloads of the input (imagined pods,
 * which the rule invents for namespaces without workloads, are left out, as they are no nodes of the picture), and
 * merged per workload pair. Suppressing NP009 does not hide an edge: the picture shows the cluster as it is.
 */
export function deniedEdges(cluster: ClusterModel, analysis: Analysis = Analysis.of(cluster)): DeniedEdgeInfo[] {
  const context = new RuleContext(cluster, { analysis });
  const merged = new Map<string, { src: Endpoint; dst: Endpoint; conns: ConnectionSet; declaredBy: Set<string>; deniedBy: Set<string> }>();
  for (const { policy, pairs } of oneSidedConnections(context)) {
    for (const pair of pairs) {
      for (const ws of pair.src.workloads) {
        if (context.isImagined(ws)) continue;
        for (const wd of pair.dst.workloads) {
          if (context.isImagined(wd)) continue;
          const src = workloadEndpoint(ws);
          const dst = workloadEndpoint(wd);
          const key = `${endpointName(src)}\u0000${endpointName(dst)}`;
          if (endpointName(src) === endpointName(dst)) continue;
          const entry = merged.get(key);
          if (entry) {
            entry.conns = entry.conns.union(pair.conns);
            entry.declaredBy.add(policy.id);
            pair.blockedBy.forEach(p => entry.deniedBy.add(p));
          } else {
            merged.set(key, { src, dst, conns: pair.conns, declaredBy: new Set([policy.id]), deniedBy: new Set(pair.blockedBy) });
          }
        }
      }
    }
  }
  return [...merged.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([, e]) => {
      const declaredBy = [...e.declaredBy].sort(compare);
      const deniedBy = [...e.deniedBy].sort(compare);
      return {
        edge: { src: e.src, dst: e.dst, label: `${e.conns.toString()} (declared by ${declaredBy.join(', ')})` },
        conns: e.conns, declaredBy, deniedBy,
      };
    });
}

/** Builds the connectivity graph of a cluster model (from `loadPaths`, `loadObjects` or `clusterOf`). */
export function buildGraph(cluster: ClusterModel, options: GraphOptions = {}): ConnectivityGraph {
  const analysis = options.analysis ?? Analysis.of(cluster);
  const connections = analysis.connections();
  const denied = options.denied === false ? [] : options.deniedEdges ?? deniedEdges(cluster, analysis);
  const formatOptions: GraphFormatOptions = { endpoints: analysis.workloads(), denied: denied.map(d => d.edge) };
  const byName = graphNodesWith(connections, formatOptions);
  const id = (e: Endpoint) => byName.get(endpointName(e))!.id;
  const nodes = [...byName.values()];
  const edges: GraphEdge[] = [
    ...connections.map(c => ({
      kind: EdgeKind.ALLOWED, from: id(c.src), to: id(c.dst), src: c.src, dst: c.dst, conns: c.conns,
      label: c.conns.toString(), declaredBy: [], deniedBy: [],
    })),
    ...denied.map(d => ({
      kind: EdgeKind.DENIED, from: id(d.edge.src), to: id(d.edge.dst), src: d.edge.src, dst: d.edge.dst, conns: d.conns,
      label: d.edge.label, declaredBy: d.declaredBy, deniedBy: d.deniedBy,
    })),
  ];
  return {
    nodes,
    groups: nodesByNamespace(byName).map(([namespace, list]) => ({ namespace, nodes: list })),
    external: nodes.filter(n => n.namespace === undefined),
    edges,
    connections,
    formatOptions,
  };
}
