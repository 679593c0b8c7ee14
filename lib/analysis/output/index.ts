/** The output formats of the connection list, by name. */
import type { Analysis, Connection } from '../analysis';
import { _writeConnlistPieces } from './connlist';
import { _writeCsvPieces } from './csv';
import { _writeDotPieces } from './dot';
import { GraphNode, graphNodes, graphNodesWith } from './graph';
import { _writeJsonPieces } from './json';
import { _writeMarkdownPieces } from './markdown';
import { _writeMermaidPieces } from './mermaid';
import { BytePieces, Pieces, textPieces } from './pieces';
import { _filtered, chunkedWrite, collectText, EachConnection, eachOf, Write } from './write';

export * from './comment';
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

/** A writer of one format, into text or byte pieces; the graph formats also take their nodes. */
type PiecesWriter = <P>(each: EachConnection, nodes: () => ReadonlyMap<string, GraphNode>, out: Pieces<P>) => void;

/** The writers by format. */
const WRITERS: { [F in OutputFormat]: PiecesWriter } = {
  connlist: (each, _, out) => _writeConnlistPieces(each, out),
  json: (each, _, out) => _writeJsonPieces(each, out),
  md: (each, _, out) => _writeMarkdownPieces(each, out),
  csv: (each, _, out) => _writeCsvPieces(each, out),
  dot: (each, nodes, out) => _writeDotPieces(each, nodes(), out),
  mermaid: (each, nodes, out) => _writeMermaidPieces(each, nodes(), out),
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
  return collectText(write => writer(eachOf(connections), () => graphNodesWith(connections), textPieces(write)));
}

/**
 * Writes every connection of the analysis in the named format, as `formatConnections(analysis.connections(), format)`
 * would, but as the connections are produced (`Analysis.eachConnection()`) and in chunks of about 64 KiB: memory stays
 * bounded by the cluster model, never by the length of the list. Throws for an unknown format name before writing.
 * With `filter`, only the connections it keeps (the graph formats then hold the kept list, to know their nodes).
 * Returns the number of connections written.
 */
export function writeConnections(analysis: Analysis, format: string, write: Write, filter?: (connection: Connection) => boolean): number {
  const chunks = chunkedWrite(write);
  return writeThrough(textPieces(chunks.write), chunks, analysis, format, filter);
}

/** How `writeConnectionBytes` hands its buffers to `writeBytes`. */
export interface ByteWriteOptions {
  /**
   * Asked after each call of `writeBytes`: whether it is done with the buffer it was given (it wrote the bytes out
   * before returning, or copied them), so the next bytes may be gathered in the same memory. Saves allocating (and
   * collecting) a buffer per MiB of output when the sink is synchronous, e.g. `fs.writeSync`.
   * @default - never: each buffer is `writeBytes`'s to keep
   */
  readonly reusable?: () => boolean;
}

/**
 * `writeConnections` as UTF-8 bytes, in buffers of about 1 MiB that `writeBytes` owns once it has them (each one whole
 * text; see `options` to have them back): the quickest way to write a long list to a file or stream, as the CLI does.
 * The pieces every line repeats (endpoint names, connection texts) are encoded once and copied from then on. Returns
 * the number of connections written.
 */
export function writeConnectionBytes(
  analysis: Analysis, format: string, writeBytes: (bytes: Uint8Array) => void, filter?: (connection: Connection) => boolean, options: ByteWriteOptions = {},
): number {
  const bytes = new BytePieces(writeBytes, options.reusable);
  return writeThrough(bytes, bytes, analysis, format, filter);
}

/** Writes the connections of the analysis (those `filter` keeps) into `out`, then flushes `chunks`. */
function writeThrough<P>(out: Pieces<P>, chunks: { flush(): void }, analysis: Analysis, format: string, filter?: (connection: Connection) => boolean): number {
  const writer = WRITERS[checkFormat(format)];
  let count = 0;
  if (!filter) {
    const each = analysis._eachConnectionOf();
    writer(visit => each((src, dst, conns) => { count++; visit(src, dst, conns); }), () => graphNodes([], analysis.connectedEndpoints()), out);
  } else {
    // The drawn nodes must be those of the kept connections, so a filtered list is gathered first for the graph formats.
    const kept = _filtered(analysis.eachConnection(), filter);
    const connections = format === 'dot' || format === 'mermaid' ? [...kept] : kept;
    writer(visit => { for (const c of connections) { count++; visit(c.src, c.dst, c.conns); } }, () => graphNodesWith([...connections]), out);
  }
  chunks.flush();
  return count;
}
