/**
 * The connlist text format of np-guard netpol-analyzer (`k8snetpolicy list`): one line per allowed connection,
 * `src => dst : conns`, sorted by source then destination.
 */
import type { Connection } from '../analysis';
import { endpointName } from '../endpoints';

/** One connlist line, without a newline. */
export function connlistLine(connection: Connection): string {
  return `${endpointName(connection.src)} => ${endpointName(connection.dst)} : ${connection.conns.toString()}`;
}

/** The connlist text: every line followed by a newline (empty text for no connections). */
export function formatConnlist(connections: readonly Connection[]): string {
  return connections.map(c => `${connlistLine(c)}\n`).join('');
}
