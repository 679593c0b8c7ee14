/**
 * A JSON rendering of the connection list: one connection per line as netpol-analyzer's `{src, dst, conn}`, and the
 * structure of each endpoint and connection set once, in tables after the list. Stable for diffing, for line tools
 * (`grep`, `wc -l`) and for JSON tools, and about a quarter of the size of repeating the structure on every line.
 */
import type { Connection } from '../analysis';
import { compareStrings } from '../compare';
import type { ConnectionSet } from '../connection-set';
import { Endpoint, endpointName } from '../endpoints';
import { memoizedByText, Pieces, textPieces } from './pieces';
import { collectText, EachConnection, eachOf, memoized, Write } from './write';

/** One connection in the JSON output, as netpol-analyzer writes it. */
export interface JsonConnection {
  /** The source name (`ns/name[Kind]` or `first-last[External]`): a key of `endpoints`. */
  readonly src: string;
  /** The destination name: a key of `endpoints`. */
  readonly dst: string;
  /** The connlist text of the connections (`TCP 80,UDP 53`, `All Connections`): a key of `connectionSets`. */
  readonly conn: string;
}

/** The ports of a connection set, structured. */
export interface JsonPorts {
  /** Whether every port of every protocol is allowed. */
  readonly all: boolean;
  /** Per protocol, the allowed inclusive port ranges as `[first, last]` pairs (no key for a protocol without ports). */
  readonly ports: { readonly [protocol: string]: [number, number][] };
}

/** The JSON document of a connection list. */
export interface JsonConnectionList {
  /** The connections, in the list's order. */
  readonly connections: JsonConnection[];
  /** Every endpoint the connections name, structured, by name (names in code-unit order). */
  readonly endpoints: { readonly [name: string]: Endpoint };
  /** Every connection set the connections hold, structured, by connlist text (texts in code-unit order). */
  readonly connectionSets: { readonly [conn: string]: JsonPorts };
}

/** One connection as a plain JSON-ready object. */
export function toJsonConnection(c: Connection): JsonConnection {
  return { src: endpointName(c.src), dst: endpointName(c.dst), conn: c.conns.toString() };
}

/** The ports of a connection set as plain JSON-ready data. */
export function toJsonPorts(set: ConnectionSet): JsonPorts {
  const ports: { [protocol: string]: [number, number][] } = {};
  for (const p of set.protocols()) ports[p.protocol] = p.ranges.map(r => [r.first, r.last]);
  return { all: set.isAll(), ports };
}

/** The document `formatJson` writes for the connections (given in their sorted order), as a plain value. */
export function toJsonConnectionList(connections: readonly Connection[]): JsonConnectionList {
  const endpoints = new Map<string, Endpoint>();
  const sets = new Map<string, JsonPorts>();
  const list = connections.map(c => {
    const line = toJsonConnection(c);
    endpoints.set(line.src, c.src);
    endpoints.set(line.dst, c.dst);
    if (!sets.has(line.conn)) sets.set(line.conn, toJsonPorts(c.conns));
    return line;
  });
  return { connections: list, endpoints: sortedObject(endpoints), connectionSets: sortedObject(sets) };
}

/** A map's entries as an object, keys in code-unit order. */
function sortedObject<V>(map: ReadonlyMap<string, V>): { [key: string]: V } {
  const object: { [key: string]: V } = {};
  for (const key of [...map.keys()].sort(compareStrings)) object[key] = map.get(key)!;
  return object;
}

/** `JSON.stringify(value, null, 2)` for a value nested `depth` levels deep in a pretty-printed document. */
function nestedJson(value: unknown, depth: number): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${'  '.repeat(depth)}`);
}

/**
 * Writes the `JsonConnectionList` document, one connection at a time: each connection on a line of its own as compact
 * JSON (`JSON.stringify(toJsonConnection(c))`, indented by four spaces), then each entry of `endpoints` and
 * `connectionSets` on a line of its own the same way, the document around them pretty-printed. `more` adds members
 * after `connectionSets`, pretty-printed; `lists` adds arrays after those, each element (compact JSON text, as given)
 * on a line of its own (e.g. `exposure`). Memory holds the distinct endpoints and sets, not the list.
 */
export function writeJson(connections: Iterable<Connection>, write: Write, more: { readonly [key: string]: unknown } = {}, lists: JsonLists = {}): void {
  writeJsonOf(eachOf(connections), write, more, lists);
}

/** Arrays written after the tables, by member name: each element as compact JSON text. */
export type JsonLists = { readonly [key: string]: Iterable<string> };

/** `writeJson` of connections given one by one. */
export function writeJsonOf(each: EachConnection, write: Write, more: { readonly [key: string]: unknown } = {}, lists: JsonLists = {}): void {
  _writeJsonPieces(each, textPieces(write), more, lists);
}

/**
 * `writeJsonOf` as pieces (text or bytes).
 * @internal
 */
export function _writeJsonPieces<P>(each: EachConnection, out: Pieces<P>, more: { readonly [key: string]: unknown } = {}, lists: JsonLists = {}): void {
  // The tables, filled as the connections name their entries: by name and by text, since equal endpoints or sets
  // may be distinct objects.
  const endpoints = new Map<string, Endpoint>();
  const sets = new Map<string, ConnectionSet>();
  // A line is put together from pieces rendered once: the source's part up to the destination's name (for every line
  // but the first, which has no comma before it), the destination's name, and the set's part to the end of the line.
  const endpoint = memoized((e: Endpoint) => {
    const name = endpointName(e);
    endpoints.set(name, e);
    return { name: out.piece(JSON.stringify(name)), lineStart: out.piece(`,\n    {"src":${JSON.stringify(name)},"dst":`) };
  });
  const conn = memoizedByText(set => {
    const text = set.toString();
    sets.set(text, set);
    return out.piece(`,"conn":${JSON.stringify(text)}}`);
  });
  out.text('{\n  "connections": [');
  let first = true;
  // Lines come in runs of one source: its line start is looked up once per run.
  let source: Endpoint | undefined;
  let lineStart = out.piece('');
  each((src, dst, set) => {
    if (src !== source) {
      source = src;
      lineStart = endpoint(src).lineStart;
    }
    if (first) {
      out.text(`\n    {"src":${JSON.stringify(endpointName(src))},"dst":`);
      first = false;
    } else {
      out.put(lineStart);
    }
    out.put(endpoint(dst).name);
    out.put(conn(set));
  });
  out.text(first ? '],' : '\n  ],');
  writeTable(out, 'endpoints', endpoints, e => JSON.stringify(e));
  out.text(',');
  writeTable(out, 'connectionSets', sets, set => JSON.stringify(toJsonPorts(set)));
  for (const [key, value] of Object.entries(more)) out.text(`,\n  ${JSON.stringify(key)}: ${nestedJson(value, 1)}`);
  for (const [key, elements] of Object.entries(lists)) {
    out.text(`,\n  ${JSON.stringify(key)}: [`);
    let none = true;
    for (const element of elements) {
      out.text(`${none ? '' : ','}\n    ${element}`);
      none = false;
    }
    out.text(none ? ']' : '\n  ]');
  }
  out.text('\n}\n');
}

/** Writes `"name": {` and the entries in key order, each compact on a line of its own, and `}`. */
function writeTable<P, V>(out: Pieces<P>, name: string, entries: ReadonlyMap<string, V>, json: (value: V) => string): void {
  out.text(`\n  ${JSON.stringify(name)}: {`);
  let first = true;
  for (const key of [...entries.keys()].sort(compareStrings)) {
    out.text(`${first ? '' : ','}\n    ${JSON.stringify(key)}: ${json(entries.get(key)!)}`);
    first = false;
  }
  out.text(first ? '}' : '\n  }');
}

/** The connection list as the JSON document `writeJson` writes, with a trailing newline. */
export function formatJson(connections: readonly Connection[]): string {
  return collectText(write => writeJson(connections, write));
}
