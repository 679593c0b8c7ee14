/** The node list shared by the graph formats: every endpoint once, with a stable id, grouped by namespace. */
import type { Connection } from '../analysis';
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

/** The nodes of the connections, sorted by name, with ids assigned in that order. */
export function graphNodes(connections: readonly Connection[]): Map<string, GraphNode> {
  const endpoints = new Map<string, Endpoint>();
  for (const c of connections) {
    endpoints.set(endpointName(c.src), c.src);
    endpoints.set(endpointName(c.dst), c.dst);
  }
  const names = [...endpoints.keys()].sort();
  const nodes = new Map<string, GraphNode>();
  names.forEach((name, i) => {
    const e = endpoints.get(name)!;
    nodes.set(name, {
      id: `n${i}`, name, endpoint: e,
      label: e.type === 'workload' ? `${e.name}[${e.kind}]` : `${e.first}-${e.last}`,
      ...(e.type === 'workload' ? { namespace: e.namespace } : {}),
    });
  });
  return nodes;
}

/** The namespaces of the nodes, sorted, each with its nodes in name order. */
export function nodesByNamespace(nodes: Map<string, GraphNode>): [string, GraphNode[]][] {
  const groups = new Map<string, GraphNode[]>();
  for (const node of nodes.values()) {
    if (node.namespace === undefined) continue;
    const list = groups.get(node.namespace) ?? [];
    list.push(node);
    groups.set(node.namespace, list);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
