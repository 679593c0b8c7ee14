/**
 * A Graphviz DOT rendering: one cluster per namespace, external ranges as boxes, edges labelled with ports, and
 * (optionally) declared-but-denied connections as dashed red edges.
 */
import type { Connection } from '../analysis';
import { endpointName } from '../endpoints';
import { GraphFormatOptions, graphNodesWith, nodesByNamespace } from './graph';

/** The colour of declared-but-denied edges. */
export const DENIED_EDGE_COLOR = '#c0392b';

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A `digraph` in DOT syntax. */
export function formatDot(connections: readonly Connection[], options: GraphFormatOptions = {}): string {
  const nodes = graphNodesWith(connections, options);
  const id = (e: Connection['src']) => nodes.get(endpointName(e))!.id;
  const lines = ['digraph connectivity {', '  rankdir=LR;', '  graph [fontname="Helvetica"];', '  node [shape=ellipse, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  nodesByNamespace(nodes).forEach(([ns, list], i) => {
    lines.push(`  subgraph cluster_${i} {`, `    label=${quote(ns)};`);
    for (const n of list) lines.push(`    ${n.id} [label=${quote(n.label)}];`);
    lines.push('  }');
  });
  for (const n of nodes.values()) if (n.namespace === undefined) lines.push(`  ${n.id} [label=${quote(n.label)}, shape=box, style=dashed];`);
  for (const c of connections) {
    lines.push(`  ${id(c.src)} -> ${id(c.dst)} [label=${quote(c.conns.toString())}];`);
  }
  for (const d of options.denied ?? []) {
    lines.push(`  ${id(d.src)} -> ${id(d.dst)} [label=${quote(d.label)}, style=dashed, color="${DENIED_EDGE_COLOR}", fontcolor="${DENIED_EDGE_COLOR}"];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
