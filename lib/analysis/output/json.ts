/** A JSON rendering of the connection list, one connection per line: stable for diffing, for line tools (`grep`, `wc -l`) and for JSON tools. */
import type { Connection } from '../analysis';
import { Endpoint, endpointName } from '../endpoints';
import { memoizedByText, Pieces, textPieces } from './pieces';
import { collectText, EachConnection, eachOf, memoized, Write } from './write';

/** One connection in the JSON output. */
export interface JsonConnection {
  /** The source name (`ns/name[Kind]` or `first-last[External]`). */
  readonly src: string;
  /** The destination name. */
  readonly dst: string;
  /** The source, structured. */
  readonly source: Endpoint;
  /** The destination, structured. */
  readonly destination: Endpoint;
  /** The connlist text of the connections. */
  readonly conn: string;
  /** Whether every port of every protocol is allowed. */
  readonly all: boolean;
  /** Per protocol, the allowed inclusive port ranges as `[first, last]` pairs. */
  readonly ports: { readonly [protocol: string]: [number, number][] };
}

/** One connection as a plain JSON-ready object. */
export function toJsonConnection(c: Connection): JsonConnection {
  const ports: { [protocol: string]: [number, number][] } = {};
  for (const p of c.conns.protocols()) ports[p.protocol] = p.ranges.map(r => [r.first, r.last]);
  return { src: endpointName(c.src), dst: endpointName(c.dst), source: c.src, destination: c.dst, conn: c.conns.toString(), all: c.conns.isAll(), ports };
}

/** The connections as plain JSON-ready objects, in the given (sorted) order. */
export function toJsonConnections(connections: readonly Connection[]): JsonConnection[] {
  return connections.map(toJsonConnection);
}

/** A stand-in endpoint, for rendering a connection set's members alone. */
const ANY: Endpoint = { type: 'external', first: '', last: '' };

/** `JSON.stringify(value, null, 2)` for a value nested `depth` levels deep in a pretty-printed document. */
function nestedJson(value: unknown, depth: number): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${'  '.repeat(depth)}`);
}

/**
 * Writes `{"connections": [...]}`, one connection at a time: each connection on a line of its own as compact JSON
 * (`JSON.stringify(toJsonConnection(c))`, indented by four spaces), the document around them pretty-printed. `more`
 * adds members after `connections` (e.g. `exposure`), pretty-printed.
 */
export function writeJson(connections: Iterable<Connection>, write: Write, more: { readonly [key: string]: unknown } = {}): void {
  writeJsonOf(eachOf(connections), write, more);
}

/** `writeJson` of connections given one by one. */
export function writeJsonOf(each: EachConnection, write: Write, more: { readonly [key: string]: unknown } = {}): void {
  _writeJsonPieces(each, textPieces(write), more);
}

/**
 * `writeJsonOf` as pieces (text or bytes).
 * @internal
 */
export function _writeJsonPieces<P>(each: EachConnection, out: Pieces<P>, more: { readonly [key: string]: unknown } = {}): void {
  // Each connection's line is put together from its endpoints' and connection set's JSON, each rendered once, in the
  // member order of `toJsonConnection`.
  const endpoint = memoized((e: Endpoint) => ({ name: out.piece(JSON.stringify(endpointName(e))), json: out.piece(JSON.stringify(e)) }));
  const conns = memoizedByText(set => {
    const { conn, all, ports } = toJsonConnection({ src: ANY, dst: ANY, conns: set });
    return out.piece(`,"conn":${JSON.stringify(conn)},"all":${all},"ports":${JSON.stringify(ports)}}`);
  });
  const [firstEntry, nextEntry, beforeDstName, beforeSource, beforeDestination] = [
    '\n    {"src":', ',\n    {"src":', ',"dst":', ',"source":', ',"destination":',
  ].map(text => out.piece(text));
  out.text('{\n  "connections": [');
  let first = true;
  // The source's parts of a line, rendered once per run of lines with that source: up to the destination's name, and
  // from there to the destination's JSON.
  let source: Endpoint | undefined;
  let sourceName = out.piece('');
  let beforeDst = sourceName;
  let beforeDstJson = sourceName;
  each((src, dst, set) => {
    if (src !== source) {
      source = src;
      const rendered = endpoint(src);
      sourceName = rendered.name;
      beforeDst = out.join([nextEntry, sourceName, beforeDstName]);
      beforeDstJson = out.join([beforeSource, rendered.json, beforeDestination]);
    }
    const d = endpoint(dst);
    if (first) {
      out.put(out.join([firstEntry, sourceName, beforeDstName]));
      first = false;
    } else {
      out.put(beforeDst);
    }
    out.put(d.name);
    out.put(beforeDstJson);
    out.put(d.json);
    out.put(conns(set));
  });
  out.text(first ? ']' : '\n  ]');
  for (const [key, value] of Object.entries(more)) out.text(`,\n  ${JSON.stringify(key)}: ${nestedJson(value, 1)}`);
  out.text('\n}\n');
}

/** The connection list as JSON: `{"connections": [...]}`, one connection per line (see `writeJson`), with a trailing newline. */
export function formatJson(connections: readonly Connection[]): string {
  return collectText(write => writeJson(connections, write));
}
