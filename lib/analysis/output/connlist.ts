/**
 * The connlist text format of np-guard netpol-analyzer (`k8snetpolicy list`): one line per allowed connection,
 * `src => dst : conns`, sorted by source then destination.
 */
import type { Connection } from '../analysis';
import { endpointName } from '../endpoints';
import { memoizedByText, Pieces, textPieces } from './pieces';
import { collectText, EachConnection, eachOf, memoized, Write } from './write';

/** One connlist line, without a newline. */
export function connlistLine(connection: Connection): string {
  return `${endpointName(connection.src)} => ${endpointName(connection.dst)} : ${connection.conns.toString()}`;
}

/** Writes every line followed by a newline (nothing for no connections), as the connections come. */
export function writeConnlist(connections: Iterable<Connection>, write: Write): void {
  writeConnlistOf(eachOf(connections), write);
}

/** `writeConnlist` of connections given one by one. */
export function writeConnlistOf(each: EachConnection, write: Write): void {
  _writeConnlistPieces(each, textPieces(write));
}

/**
 * `writeConnlistOf` as pieces (text or bytes).
 * @internal
 */
export function _writeConnlistPieces<P>(each: EachConnection, out: Pieces<P>): void {
  const name = memoized((e: Connection['dst']) => out.piece(endpointName(e)));
  const conn = memoizedByText(conns => out.piece(` : ${conns.toString()}\n`));
  let source: Connection['src'] | undefined;
  let prefix = out.piece('');
  each((src, dst, conns) => {
    // A list is sorted by source: the source's part of the line is rendered once per run of lines.
    if (src !== source) {
      source = src;
      prefix = out.piece(`${endpointName(src)} => `);
    }
    out.put(prefix);
    out.put(name(dst));
    out.put(conn(conns));
  });
}

/** The connlist text: every line followed by a newline (empty text for no connections). */
export function formatConnlist(connections: readonly Connection[]): string {
  return collectText(write => writeConnlist(connections, write));
}
