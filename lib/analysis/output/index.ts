/** The output formats of the connection list, by name. */
import type { Analysis, Connection } from '../analysis';
import { writeConnlistOf } from './connlist';
import { writeCsvOf } from './csv';
import { writeDotOf } from './dot';
import { GraphNode, graphNodes, graphNodesWith } from './graph';
import { writeJsonOf } from './json';
import { writeMarkdownOf } from './markdown';
import { writeMermaidOf } from './mermaid';
import { bufferedWrite, chunkedWrite, collectText, EachConnection, eachOf, Write } from './write';

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
const WRITERS: { [F in OutputFormat]: (each: EachConnection, nodes: () => ReadonlyMap<string, GraphNode>, write: Write) => void } = {
  connlist: (each, _, write) => writeConnlistOf(each, write),
  json: (each, _, write) => writeJsonOf(each, write),
  md: (each, _, write) => writeMarkdownOf(each, write),
  csv: (each, _, write) => writeCsvOf(each, write),
  dot: (each, nodes, write) => writeDotOf(each, nodes(), write),
  mermaid: (each, nodes, write) => writeMermaidOf(each, nodes(), write),
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
  return collectText(write => writer(eachOf(connections), () => graphNodesWith(connections), write));
}

/**
 * Writes every connection of the analysis in the named format, as `formatConnections(analysis.connections(), format)`
 * would, but as the connections are produced (`Analysis.eachConnection()`) and in chunks of about 64 KiB: memory stays
 * bounded by the cluster model, never by the length of the list. Throws for an unknown format name before writing.
 * With `filter`, only the connections it keeps (the graph formats then hold the kept list, to know their nodes).
 * Returns the number of connections written.
 */
export function writeConnections(analysis: Analysis, format: string, write: Write, filter?: (connection: Connection) => boolean): number {
  return writeThrough(chunkedWrite(write), analysis, format, filter);
}

/**
 * `writeConnections` as UTF-8 bytes, in buffers of about 1 MiB that `writeBytes` owns once it has them (each one whole
 * text): the quickest way to write a long list to a file or stream, as the CLI does. Returns the number of
 * connections written.
 */
export function writeConnectionBytes(analysis: Analysis, format: string, writeBytes: (bytes: Uint8Array) => void, filter?: (connection: Connection) => boolean): number {
  return writeThrough(bufferedWrite(writeBytes), analysis, format, filter);
}

function writeThrough(chunks: { readonly write: Write; flush(): void }, analysis: Analysis, format: string, filter?: (connection: Connection) => boolean): number {
  const writer = WRITERS[checkFormat(format)];
  let count = 0;
  if (!filter) {
    const each = analysis._eachConnectionOf();
    writer(visit => each((src, dst, conns) => { count++; visit(src, dst, conns); }), () => graphNodes([], analysis.connectedEndpoints()), chunks.write);
  } else {
    // The drawn nodes must be those of the kept connections, so a filtered list is gathered first for the graph formats.
    const kept = filtered(analysis.eachConnection(), filter);
    const connections = format === 'dot' || format === 'mermaid' ? [...kept] : kept;
    writer(visit => { for (const c of connections) { count++; visit(c.src, c.dst, c.conns); } }, () => graphNodesWith([...connections]), chunks.write);
  }
  chunks.flush();
  return count;
}

function* filtered(connections: Iterable<Connection>, keep: (connection: Connection) => boolean): Generator<Connection> {
  for (const c of connections) if (keep(c)) yield c;
}
