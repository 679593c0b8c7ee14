/**
 * A Mermaid flowchart rendering: one subgraph per namespace, external ranges as separate nodes, and (optionally)
 * declared-but-denied connections as dotted edges.
 */
import type { Connection } from '../analysis';
import { _nodeIdOf, GraphFormatOptions, GraphNode, graphNodesWith, nodesByNamespace } from './graph';
import { memoizedByText, Pieces, textPieces } from './pieces';
import { collectText, EachConnection, eachOf, memoized, Write } from './write';

function label(text: string): string {
  // Mermaid labels are quoted; a double quote inside is written as an HTML entity.
  return `"${text.replace(/"/g, '#quot;')}"`;
}

/**
 * Writes a `flowchart LR` in Mermaid syntax: the nodes first (they must hold every endpoint of the connections), then
 * one edge per connection as the connections come.
 */
export function writeMermaid(connections: Iterable<Connection>, nodes: ReadonlyMap<string, GraphNode>, write: Write, options: GraphFormatOptions = {}): void {
  writeMermaidOf(eachOf(connections), nodes, write, options);
}

/** `writeMermaid` of connections given one by one. */
export function writeMermaidOf(each: EachConnection, nodes: ReadonlyMap<string, GraphNode>, write: Write, options: GraphFormatOptions = {}): void {
  _writeMermaidPieces(each, nodes, textPieces(write), options);
}

/**
 * `writeMermaidOf` as pieces (text or bytes).
 * @internal
 */
export function _writeMermaidPieces<P>(each: EachConnection, nodes: ReadonlyMap<string, GraphNode>, out: Pieces<P>, options: GraphFormatOptions = {}): void {
  const write = (text: string) => out.text(text);
  const id = _nodeIdOf(nodes);
  write('flowchart LR\n');
  nodesByNamespace(nodes).forEach(([ns, list], i) => {
    write(`  subgraph ns${i}[${label(ns)}]\n`);
    for (const n of list) write(`    ${n.id}(${label(n.label)})\n`);
    write('  end\n');
  });
  for (const n of nodes.values()) if (n.namespace === undefined) write(`  ${n.id}[${label(n.label)}]\n`);
  let edges = 0;
  const conn = memoizedByText(conns => out.piece(`${label(conns.toString())}| `));
  const dstId = memoized((e: Connection['dst']) => out.piece(`${id(e)}\n`));
  let source: Connection['src'] | undefined;
  let prefix = out.piece('');
  each((src, dst, conns) => {
    if (src !== source) {
      source = src;
      prefix = out.piece(`  ${id(src)} -->|`);
    }
    out.put(prefix);
    out.put(conn(conns));
    out.put(dstId(dst));
    edges++;
  });
  const denied = options.denied ?? [];
  for (const d of denied) write(`  ${id(d.src)} -.->|${label(d.label)}| ${id(d.dst)}\n`);
  if (denied.length > 0) {
    // Edges are numbered in order of appearance; the dotted ones come last.
    const indexes = denied.map((_, i) => edges + i).join(',');
    write(`  linkStyle ${indexes} stroke:#c0392b,color:#c0392b\n`);
  }
}

/** A `flowchart LR` in Mermaid syntax. */
export function formatMermaid(connections: readonly Connection[], options: GraphFormatOptions = {}): string {
  return collectText(write => writeMermaid(connections, graphNodesWith(connections, options), write, options));
}
