/** A Graphviz DOT rendering: one cluster per namespace, external ranges as boxes, edges labelled with ports. */
import type { Connection } from '../analysis';
import { endpointName } from '../endpoints';
import { graphNodes, nodesByNamespace } from './graph';

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A `digraph` in DOT syntax. */
export function formatDot(connections: readonly Connection[]): string {
  const nodes = graphNodes(connections);
  const lines = ['digraph connectivity {', '  rankdir=LR;', '  node [shape=ellipse, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  nodesByNamespace(nodes).forEach(([ns, list], i) => {
    lines.push(`  subgraph cluster_${i} {`, `    label=${quote(ns)};`);
    for (const n of list) lines.push(`    ${n.id} [label=${quote(n.label)}];`);
    lines.push('  }');
  });
  for (const n of nodes.values()) if (n.namespace === undefined) lines.push(`  ${n.id} [label=${quote(n.label)}, shape=box, style=dashed];`);
  for (const c of connections) {
    lines.push(`  ${nodes.get(endpointName(c.src))!.id} -> ${nodes.get(endpointName(c.dst))!.id} [label=${quote(c.conns.toString())}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
