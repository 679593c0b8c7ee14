/** The output formats of the connection list, by name. */
import type { Analysis, Connection } from '../analysis';
import { writeConnlist } from './connlist';
import { writeCsv } from './csv';
import { writeDot } from './dot';
import { GraphNode, graphNodes, graphNodesWith } from './graph';
import { writeJson } from './json';
import { writeMarkdown } from './markdown';
import { writeMermaid } from './mermaid';
import { chunkedWrite, collectText, Write } from './write';

export * from './connlist';
export * from './csv';
export * from './dot';
export * from './graph';
export * from './json';
export * from './markdown';
export * from './mermaid';
export * from './write';

/** The names of the output formats. */
export const OUTPUT_FORMATS = ['connlist', 'json', 'md', 'csv', 'dot', 'mermaid'] as const;

/** One of the output format names. */
export type OutputFormat = typeof OUTPUT_FORMATS[number];

/** The writers by format; the graph formats also take their nodes. */
const WRITERS: { [F in OutputFormat]: (connections: Iterable<Connection>, nodes: () => ReadonlyMap<string, GraphNode>, write: Write) => void } = {
  connlist: (connections, _, write) => writeConnlist(connections, write),
  json: (connections, _, write) => writeJson(connections, write),
  md: (connections, _, write) => writeMarkdown(connections, write),
  csv: (connections, _, write) => writeCsv(connections, write),
  dot: (connections, nodes, write) => writeDot(connections, nodes(), write),
  mermaid: (connections, nodes, write) => writeMermaid(connections, nodes(), write),
};

function checkFormat(format: string): OutputFormat {
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new Error(`unknown output format "${format}"; use one of ${OUTPUT_FORMATS.join(', ')}`);
  }
  return format as OutputFormat;
}

/** Renders the connections in the named format; throws for an unknown name, listing the known ones. */
export function formatConnections(connections: readonly Connection[], format: string): string {
  const writer = WRITERS[checkFormat(format)];
  return collectText(write => writer(connections, () => graphNodesWith(connections), write));
}

/**
 * Writes every connection of the analysis in the named format, as `formatConnections(analysis.connections(), format)`
 * would, but as the connections are produced (`Analysis.eachConnection()`) and in chunks of about 64 KiB: memory stays
 * bounded by the cluster model, never by the length of the list. Throws for an unknown format name before writing.
 * With `filter`, only the connections it keeps (the graph formats then hold the kept list, to know their nodes).
 * Returns the number of connections written.
 */
export function writeConnections(analysis: Analysis, format: string, write: Write, filter?: (connection: Connection) => boolean): number {
  const writer = WRITERS[checkFormat(format)];
  const chunks = chunkedWrite(write);
  let count = 0;
  const counted = (connections: Iterable<Connection>) => counting(connections, () => { count++; });
  if (!filter) {
    writer(counted(analysis.eachConnection()), () => graphNodes([], analysis.connectedEndpoints()), chunks.write);
  } else {
    // The drawn nodes must be those of the kept connections, so a filtered list is gathered first for the graph formats.
    const kept = filtered(analysis.eachConnection(), filter);
    const connections = format === 'dot' || format === 'mermaid' ? [...kept] : kept;
    writer(counted(connections), () => graphNodesWith([...connections]), chunks.write);
  }
  chunks.flush();
  return count;
}

function* counting(connections: Iterable<Connection>, count: () => void): Generator<Connection> {
  for (const c of connections) {
    count();
    yield c;
  }
}

function* filtered(connections: Iterable<Connection>, keep: (connection: Connection) => boolean): Generator<Connection> {
  for (const c of connections) if (keep(c)) yield c;
}
