/**
 * A Graphviz DOT rendering: one cluster per namespace, external ranges as boxes, edges labelled with ports, and
 * (optionally) declared-but-denied connections as dashed red edges.
 */
import type { Connection } from '../analysis';
import { _nodeIdOf, GraphFormatOptions, GraphNode, graphNodesWith, nodesByNamespace } from './graph';
import { memoizedByText, Pieces, textPieces } from './pieces';
import { collectText, EachConnection, eachOf, memoized, Write } from './write';

/** The colour of declared-but-denied edges. */
export const DENIED_EDGE_COLOR = '#c0392b';

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Writes a `digraph` in DOT syntax: the nodes first (they must hold every endpoint of the connections), then one edge
 * per connection as the connections come.
 */
export function writeDot(connections: Iterable<Connection>, nodes: ReadonlyMap<string, GraphNode>, write: Write, options: GraphFormatOptions = {}): void {
  writeDotOf(eachOf(connections), nodes, write, options);
}

/** `writeDot` of connections given one by one. */
export function writeDotOf(each: EachConnection, nodes: ReadonlyMap<string, GraphNode>, write: Write, options: GraphFormatOptions = {}): void {
  _writeDotPieces(each, nodes, textPieces(write), options);
}

/**
 * `writeDotOf` as pieces (text or bytes).
 * @internal
 */
export function _writeDotPieces<P>(each: EachConnection, nodes: ReadonlyMap<string, GraphNode>, out: Pieces<P>, options: GraphFormatOptions = {}): void {
  const write = (text: string) => out.text(text);
  const id = _nodeIdOf(nodes);
  write('digraph connectivity {\n  rankdir=LR;\n  graph [fontname="Helvetica"];\n  node [shape=ellipse, fontname="Helvetica"];\n  edge [fontname="Helvetica", fontsize=10];\n');
  nodesByNamespace(nodes).forEach(([ns, list], i) => {
    write(`  subgraph cluster_${i} {\n    label=${quote(ns)};\n`);
    for (const n of list) write(`    ${n.id} [label=${quote(n.label)}];\n`);
    write('  }\n');
  });
  for (const n of nodes.values()) if (n.namespace === undefined) write(`  ${n.id} [label=${quote(n.label)}, shape=box, style=dashed];\n`);
  const dstId = memoized((e: Connection['dst']) => out.piece(id(e)));
  const conn = memoizedByText(conns => out.piece(` [label=${quote(conns.toString())}];\n`));
  let source: Connection['src'] | undefined;
  let prefix = out.piece('');
  each((src, dst, conns) => {
    if (src !== source) {
      source = src;
      prefix = out.piece(`  ${id(src)} -> `);
    }
    out.put(prefix);
    out.put(dstId(dst));
    out.put(conn(conns));
  });
  for (const d of options.denied ?? []) {
    write(`  ${id(d.src)} -> ${id(d.dst)} [label=${quote(d.label)}, style=dashed, color="${DENIED_EDGE_COLOR}", fontcolor="${DENIED_EDGE_COLOR}"];\n`);
  }
  write('}\n');
}

/** A `digraph` in DOT syntax. */
export function formatDot(connections: readonly Connection[], options: GraphFormatOptions = {}): string {
  return collectText(write => writeDot(connections, graphNodesWith(connections, options), write, options));
}
