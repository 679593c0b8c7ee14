/** The node list shared by the graph formats: every endpoint once, with a stable id, grouped by namespace. */
import { Endpoint, endpointName } from '../endpoints';

/** A node of the connectivity graph. */
export interface GraphNode {
  /** A stable identifier (`n0`, `n1`, ... in name order). */
  readonly id: string;
  /** The connlist name of the endpoint. */
  readonly name: string;
  /** A short label (`name[Kind]` or the address range). */
  readonly label: string;
  /** The namespace, or undefined for external endpoints. */
  readonly namespace?: string;
  /** The endpoint. */
  readonly endpoint: Endpoint;
}

/** Anything with two endpoints: a `Connection`, or an edge drawn next to the connections. */
export interface EndpointPair {
  /** The source. */
  readonly src: Endpoint;
  /** The destination. */
  readonly dst: Endpoint;
}

/**
 * A connection one side declares and the other side denies entirely (rule NP009), drawn dashed next to the allowed
 * connections.
 */
export interface DeniedEdge extends EndpointPair {
  /** The edge label: the declared ports and the declaring policies. */
  readonly label: string;
}

/** What the graph formats (`dot`, `mermaid`) draw besides the allowed connections. */
export interface GraphFormatOptions {
  /**
   * Endpoints drawn even when no edge touches them (e.g. every workload of the cluster, so isolated ones show).
   * @default - only the endpoints of the edges
   */
  readonly endpoints?: readonly Endpoint[];
  /**
   * Declared-but-denied connections, drawn dashed.
   * @default - none
   */
  readonly denied?: readonly DeniedEdge[];
}

/**
 * The nodes of the connections (and of any extra endpoints), sorted by name, with ids assigned in that order. Every
 * format given the same pairs and endpoints assigns the same ids.
 */
export function graphNodes(connections: readonly EndpointPair[], extra: readonly Endpoint[] = []): Map<string, GraphNode> {
  const endpoints = new Map<string, Endpoint>();
  for (const c of connections) {
    endpoints.set(endpointName(c.src), c.src);
    endpoints.set(endpointName(c.dst), c.dst);
  }
  for (const e of extra) endpoints.set(endpointName(e), e);
  const names = [...endpoints.keys()];
  // Often given sorted already (`Analysis.connectedEndpoints()`); a check is cheaper than a sort.
  if (!isSorted(names)) names.sort();
  const nodes = new Map<string, GraphNode>();
  names.forEach((name, i) => {
    const e = endpoints.get(name)!;
    const id = `n${i}`;
    nodes.set(name, e.type === 'workload'
      ? { id, name, endpoint: e, label: `${e.name}[${e.kind}]`, namespace: e.namespace }
      : { id, name, endpoint: e, label: `${e.first}-${e.last}` });
  });
  return nodes;
}

/** Whether each name sorts after the one before it, in the order of `Array.prototype.sort` (UTF-16 code units). */
function isSorted(names: readonly string[]): boolean {
  for (let i = 1; i < names.length; i++) if (names[i - 1] > names[i]) return false;
  return true;
}

/** The nodes of the connections plus the options' endpoints and denied edges: what `dot` and `mermaid` draw. */
export function graphNodesWith(connections: readonly EndpointPair[], options: GraphFormatOptions = {}): Map<string, GraphNode> {
  return graphNodes([...connections, ...(options.denied ?? [])], options.endpoints ?? []);
}

/** The namespaces of the nodes, sorted, each with its nodes in name order. */
export function nodesByNamespace(nodes: ReadonlyMap<string, GraphNode>): [string, GraphNode[]][] {
  const groups = new Map<string, GraphNode[]>();
  for (const node of nodes.values()) {
    if (node.namespace === undefined) continue;
    const list = groups.get(node.namespace) ?? [];
    list.push(node);
    groups.set(node.namespace, list);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The node id of a connection's endpoint, for the graph writers: the stream passes the nodes' own endpoint objects, so
 * they are found by identity, without rendering their names; another object by its name.
 * @internal
 */
export function _nodeIdOf(nodes: ReadonlyMap<string, GraphNode>): (endpoint: Endpoint) => string {
  const ids = new Map<Endpoint, string>();
  for (const node of nodes.values()) ids.set(node.endpoint, node.id);
  return endpoint => ids.get(endpoint) ?? nodes.get(endpointName(endpoint))!.id;
}
