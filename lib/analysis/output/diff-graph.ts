/**
 * Pictures of a connectivity diff (DOT and Mermaid): the peers of the entries grouped by namespace, and one edge per
 * entry, told apart by colour and line style (added: thick green, labelled with the new ports; removed: dashed red,
 * with the old ports; changed: amber, `old → new`), with a legend. Workloads that exist on one side only are outlined
 * in the colour of their side and marked `(new)` or `(removed)`. Pairs whose connections did not change are not drawn.
 */
import { ConnectionDiff, ConnectivityDiff, DiffEntries, diffInMemory, DiffType } from '../diff';
import { Endpoint, endpointName } from '../endpoints';
import { GraphNode, graphNodes, nodesByNamespace } from './graph';

/** The colour of each kind of edge (and of the workloads added or removed). */
export const DIFF_COLORS: { readonly [T in DiffType]: string } = {
  added: '#1a7f37',
  removed: '#cf222e',
  changed: '#b35900',
};

/** The edge label of an entry: the new ports (added), the old ports (removed), or `old → new` (changed). */
export function diffEdgeLabel(entry: ConnectionDiff): string {
  if (entry.type === 'added') return entry.newConns.toString();
  if (entry.type === 'removed') return entry.oldConns.toString();
  return `${entry.oldConns.toString()} → ${entry.newConns.toString()}`;
}

/** The workloads (by name) that exist on one side only, with the side. */
function oneSidedWorkloads(diff: ConnectivityDiff): Map<string, 'added' | 'removed'> {
  const out = new Map<string, 'added' | 'removed'>();
  for (const e of diff.entries) {
    if (e.type === 'changed') continue;
    for (const w of e.addedOrRemovedWorkloads) out.set(endpointName(w), e.type);
  }
  return out;
}

function nodeLabel(node: GraphNode, side: 'added' | 'removed' | undefined): string {
  return side === undefined ? node.label : `${node.label} (${side === 'added' ? 'new' : 'removed'})`;
}

/** The legend's entries, in reading order. */
const LEGEND: readonly (readonly [DiffType, string])[] = [['added', 'added: newly allowed'], ['changed', 'changed: before → after'], ['removed', 'removed: no longer allowed']];

function dotQuote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const DOT_EDGE_STYLE: { readonly [T in DiffType]: string } = {
  added: `color="${DIFF_COLORS.added}", fontcolor="${DIFF_COLORS.added}", penwidth=2.5`,
  removed: `color="${DIFF_COLORS.removed}", fontcolor="${DIFF_COLORS.removed}", style=dashed`,
  changed: `color="${DIFF_COLORS.changed}", fontcolor="${DIFF_COLORS.changed}", penwidth=1.5`,
};

/**
 * A `digraph` in DOT syntax: namespaces as clusters, one styled edge per entry, and a legend cluster. A picture is
 * drawn whole: every entry is read into memory.
 */
export function formatDiffDot(input: DiffEntries): string {
  const diff = diffInMemory(input);
  const nodes = graphNodes(diff.entries);
  const sides = oneSidedWorkloads(diff);
  const id = (e: Endpoint) => nodes.get(endpointName(e))!.id;
  const lines = [
    'digraph connectivity_diff {',
    '  rankdir=LR;',
    `  graph [fontname="Helvetica", labelloc=t, label=${dotQuote(diff.entries.length === 0 ? 'Connectivity diff: no change' : 'Connectivity diff')}];`,
    '  node [shape=ellipse, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  const nodeLine = (n: GraphNode) => {
    const side = sides.get(n.name);
    const style = side === 'added' ? `, color="${DIFF_COLORS.added}", penwidth=2` : side === 'removed' ? `, color="${DIFF_COLORS.removed}", style=dashed` : '';
    return `${n.id} [label=${dotQuote(nodeLabel(n, side))}${style}]`;
  };
  nodesByNamespace(nodes).forEach(([ns, list], i) => {
    lines.push(`  subgraph cluster_${i} {`, `    label=${dotQuote(ns)};`);
    for (const n of list) lines.push(`    ${nodeLine(n)};`);
    lines.push('  }');
  });
  for (const n of nodes.values()) if (n.namespace === undefined) lines.push(`  ${n.id} [label=${dotQuote(n.label)}, shape=box, style=dashed];`);
  for (const e of diff.entries) lines.push(`  ${id(e.src)} -> ${id(e.dst)} [label=${dotQuote(diffEdgeLabel(e))}, ${DOT_EDGE_STYLE[e.type]}];`);
  lines.push(
    '  subgraph cluster_legend {',
    '    label="Legend"; fontsize=10; style=rounded; color="#999999";',
    '    node [shape=point, width=0.05, label=""];',
  );
  // Listed bottom-up: with rankdir=LR, dot stacks the legend's edges from the last to the first.
  [...LEGEND].reverse().forEach(([type, text], i) => {
    lines.push(`    legend_${i}a -> legend_${i}b [label=${dotQuote(text)}, ${DOT_EDGE_STYLE[type]}];`);
  });
  lines.push('  }', '}');
  return `${lines.join('\n')}\n`;
}

function mermaidLabel(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}

const MERMAID_ARROW: { readonly [T in DiffType]: string } = { added: '==>', removed: '-.->', changed: '-->' };

/** A `flowchart LR` in Mermaid syntax: namespaces as subgraphs, one styled edge per entry, and a legend subgraph (drawn whole, as DOT). */
export function formatDiffMermaid(input: DiffEntries): string {
  const diff = diffInMemory(input);
  const nodes = graphNodes(diff.entries);
  const sides = oneSidedWorkloads(diff);
  const id = (e: Endpoint) => nodes.get(endpointName(e))!.id;
  const lines = ['flowchart LR'];
  nodesByNamespace(nodes).forEach(([ns, list], i) => {
    lines.push(`  subgraph ns${i}[${mermaidLabel(ns)}]`);
    for (const n of list) {
      const side = sides.get(n.name);
      lines.push(`    ${n.id}(${mermaidLabel(nodeLabel(n, side))})${side ? `:::${side}` : ''}`);
    }
    lines.push('  end');
  });
  for (const n of nodes.values()) if (n.namespace === undefined) lines.push(`  ${n.id}[${mermaidLabel(n.label)}]`);
  // Edges are numbered in order of appearance: the entries', then the legend's.
  const types: DiffType[] = [];
  for (const e of diff.entries) {
    lines.push(`  ${id(e.src)} ${MERMAID_ARROW[e.type]}|${mermaidLabel(diffEdgeLabel(e))}| ${id(e.dst)}`);
    types.push(e.type);
  }
  lines.push(`  subgraph legend[${mermaidLabel(diff.entries.length === 0 ? 'Legend (no change)' : 'Legend')}]`, '    direction LR');
  LEGEND.forEach(([type, text], i) => {
    lines.push(`    legend${i}a[" "] ${MERMAID_ARROW[type]}|${mermaidLabel(text)}| legend${i}b[" "]`);
    types.push(type);
  });
  lines.push('  end');
  for (const type of ['added', 'changed', 'removed'] as const) {
    const indexes = types.map((t, i) => (t === type ? i : -1)).filter(i => i >= 0);
    lines.push(`  linkStyle ${indexes.join(',')} stroke:${DIFF_COLORS[type]},color:${DIFF_COLORS[type]}`);
  }
  lines.push(
    `  classDef added stroke:${DIFF_COLORS.added},stroke-width:3px`,
    `  classDef removed stroke:${DIFF_COLORS.removed},stroke-dasharray:5 5`,
  );
  return `${lines.join('\n')}\n`;
}
