/** A JSON rendering of the connection list, stable for diffing and for other tools. */
import type { Connection } from '../analysis';
import { Endpoint, endpointName } from '../endpoints';

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

/** The connections as plain JSON-ready objects, in the given (sorted) order. */
export function toJsonConnections(connections: readonly Connection[]): JsonConnection[] {
  return connections.map(c => {
    const ports: { [protocol: string]: [number, number][] } = {};
    for (const p of c.conns.protocols()) ports[p.protocol] = p.ranges.map(r => [r.first, r.last]);
    return { src: endpointName(c.src), dst: endpointName(c.dst), source: c.src, destination: c.dst, conn: c.conns.toString(), all: c.conns.isAll(), ports };
  });
}

/** The connection list as pretty-printed JSON: `{"connections": [...]}` with a trailing newline. */
export function formatJson(connections: readonly Connection[]): string {
  return `${JSON.stringify({ connections: toJsonConnections(connections) }, null, 2)}\n`;
}
