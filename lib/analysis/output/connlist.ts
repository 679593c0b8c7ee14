/**
 * The connlist text format of np-guard netpol-analyzer (`k8snetpolicy list`): one line per allowed connection,
 * `src => dst : conns`, sorted by source then destination.
 */
import type { Connection } from '../analysis';
import { endpointName } from '../endpoints';
import { collectText, memoized, Write } from './write';

/** One connlist line, without a newline. */
export function connlistLine(connection: Connection): string {
  return `${endpointName(connection.src)} => ${endpointName(connection.dst)} : ${connection.conns.toString()}`;
}

/** Writes every line followed by a newline (nothing for no connections), as the connections come. */
export function writeConnlist(connections: Iterable<Connection>, write: Write): void {
  const name = memoized(endpointName);
  for (const c of connections) write(`${name(c.src)} => ${name(c.dst)} : ${c.conns.toString()}\n`);
}

/** The connlist text: every line followed by a newline (empty text for no connections). */
export function formatConnlist(connections: readonly Connection[]): string {
  return collectText(write => writeConnlist(connections, write));
}
