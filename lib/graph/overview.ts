/**
 * The namespace overview: the picture of a cluster too large to draw workload by workload or group by group. One
 * node per namespace (and per address range); an edge between two namespaces lists, for each set of ports, how many
 * of the workload pairs between them have exactly that set (`groupConnections` by namespace), so the picture stays
 * exact about what it summarises. `--namespace` then draws the namespaces of interest in detail.
 *
 * Its cost grows with the workload classes times the classes they may reach, never with pods squared, and it has no
 * class limit: it is what a cluster of Kubernetes' full size can still be drawn as.
 */
import { Analysis, ConnectionGrouping, ConnectionSet, EndpointGroup, endpointName, groupConnections, pairsText, WorkloadEndpoint } from '../analysis';
import { EdgeKind } from './graph';
import { GraphSize, GroupEdge, GroupedGraph, groupNodeLabel, GroupNode, naturalCompare, OVERVIEW } from './group';

/** The overview picture of the analysis, or its size alone when it is over `limit` (so the caller can say so). */
export function buildOverview(analysis: Analysis, limit: GraphSize): { graph?: GroupedGraph; size: GraphSize } {
  const lines = groupConnections(analysis, ConnectionGrouping.NAMESPACE);
  // Every namespace with workloads is a node, also one without any connection (it is drawn isolated).
  const workloads = new Map<string, WorkloadEndpoint[]>();
  for (const w of analysis.workloads()) workloads.set(w.namespace, [...(workloads.get(w.namespace) ?? []), w]);
  const groups = new Map<string, EndpointGroup>();
  for (const [ns, members] of workloads) groups.set(ns, { name: ns, namespace: ns, workloads: members.map(endpointName) });
  for (const line of lines) for (const g of [line.src, line.dst]) if (g.external) groups.set(g.name, g);
  const byPair = new Map<string, typeof lines>();
  for (const line of lines) {
    const key = `${line.src.name}\u0000${line.dst.name}`;
    byPair.set(key, [...(byPair.get(key) ?? []), line]);
  }
  const size = { nodes: groups.size, edges: byPair.size };
  if (size.nodes > limit.nodes || size.edges > limit.edges) return { size };

  // Nodes: namespaces, then address ranges, each in name order.
  const ordered = [...groups.values()].sort((a, b) => Number(!!a.external) - Number(!!b.external) || naturalCompare(a.name, b.name));
  const ids = new Map<string, string>();
  const nodes: GroupNode[] = ordered.map((g, i) => {
    const id = `g${i}`;
    ids.set(g.name, id);
    if (g.external) return { id, external: true, members: [g.external], namespaces: [], wholeNamespaces: false, label: groupNodeLabel([g.external], [], false) };
    const members = workloads.get(g.namespace!) ?? [];
    const label = members.length === 1 ? `${g.namespace}\n${groupNodeLabel(members, [g.namespace!], true)}` : `${g.namespace}\n${members.length} workloads`;
    return { id, external: false, members, namespaces: [g.namespace!], wholeNamespaces: true, label };
  });
  const edges: GroupEdge[] = [...byPair.values()].map(pairLines => {
    const first = pairLines[0];
    return {
      kind: EdgeKind.ALLOWED,
      from: ids.get(first.src.name)!,
      to: ids.get(first.dst.name)!,
      conns: pairLines.reduce((all, l) => all.union(l.conns), ConnectionSet.NONE),
      label: pairLines.map(l => `${l.conns.toString()}: ${pairsText(l)}`).join('\n'),
      declaredBy: [],
      deniedBy: [],
      pairs: pairLines.reduce((n, l) => n + l.pairs, 0),
    };
  }).sort((a, b) => naturalCompare(a.from, b.from) || naturalCompare(a.to, b.to));
  const graph: GroupedGraph = {
    grouping: OVERVIEW,
    nodes,
    boxes: [],
    outside: nodes,
    edges,
    workloads: nodes.reduce((n, node) => n + (node.external ? 0 : node.members.length), 0),
    // One node per workload and range, one edge per connection.
    ungrouped: { nodes: analysis.workloads().length + nodes.filter(n => n.external).length, edges: lines.reduce((n, l) => n + l.pairs, 0) },
  };
  return { graph, size };
}
