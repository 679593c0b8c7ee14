/**
 * A Mermaid flowchart rendering: one subgraph per namespace, external ranges as separate nodes, and (optionally)
 * declared-but-denied connections as dotted edges.
 */
import type { Connection } from '../analysis';
import { endpointName } from '../endpoints';
import { GraphFormatOptions, graphNodesWith, nodesByNamespace } from './graph';

function label(text: string): string {
  // Mermaid labels are quoted; a double quote inside is written as an HTML entity.
  return `"${text.replace(/"/g, '#quot;')}"`;
}

/** A `flowchart LR` in Mermaid syntax. */
export function formatMermaid(connections: readonly Connection[], options: GraphFormatOptions = {}): string {
  const nodes = graphNodesWith(connections, options);
  const id = (e: Connection['src']) => nodes.get(endpointName(e))!.id;
  const lines = ['flowchart LR'];
  nodesByNamespace(nodes).forEach(([ns, list], i) => {
    lines.push(`  subgraph ns${i}[${label(ns)}]`);
    for (const n of list) lines.push(`    ${n.id}(${label(n.label)})`);
    lines.push('  end');
  });
  for (const n of nodes.values()) if (n.namespace === undefined) lines.push(`  ${n.id}[${label(n.label)}]`);
  for (const c of connections) {
    lines.push(`  ${id(c.src)} -->|${label(c.conns.toString())}| ${id(c.dst)}`);
  }
  const denied = options.denied ?? [];
  for (const d of denied) lines.push(`  ${id(d.src)} -.->|${label(d.label)}| ${id(d.dst)}`);
  if (denied.length > 0) {
    // Edges are numbered in order of appearance; the dotted ones come last.
    const first = connections.length;
    const indexes = denied.map((_, i) => first + i).join(',');
    lines.push(`  linkStyle ${indexes} stroke:#c0392b,color:#c0392b`);
  }
  return `${lines.join('\n')}\n`;
}
