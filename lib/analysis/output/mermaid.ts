/** A Mermaid flowchart rendering: one subgraph per namespace, external ranges as separate nodes. */
import type { Connection } from '../analysis';
import { endpointName } from '../endpoints';
import { graphNodes, nodesByNamespace } from './graph';

function label(text: string): string {
  // Mermaid labels are quoted; a double quote inside is written as an HTML entity.
  return `"${text.replace(/"/g, '#quot;')}"`;
}

/** A `flowchart LR` in Mermaid syntax. */
export function formatMermaid(connections: readonly Connection[]): string {
  const nodes = graphNodes(connections);
  const lines = ['flowchart LR'];
  nodesByNamespace(nodes).forEach(([ns, list], i) => {
    lines.push(`  subgraph ns${i}[${label(ns)}]`);
    for (const n of list) lines.push(`    ${n.id}(${label(n.label)})`);
    lines.push('  end');
  });
  for (const n of nodes.values()) if (n.namespace === undefined) lines.push(`  ${n.id}[${label(n.label)}]`);
  for (const c of connections) {
    lines.push(`  ${nodes.get(endpointName(c.src))!.id} -->|${label(c.conns.toString())}| ${nodes.get(endpointName(c.dst))!.id}`);
  }
  return `${lines.join('\n')}\n`;
}
