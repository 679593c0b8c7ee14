/** An RFC 4180 CSV rendering of the connection list. */
import type { Connection } from '../analysis';
import { endpointName } from '../endpoints';
import { memoizedByText, Pieces, textPieces } from './pieces';
import { collectText, EachConnection, eachOf, memoized, Write } from './write';

/** Quotes a CSV field when it holds a comma, a quote or a line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Writes the header `src,dst,conn` and one line per connection (`\n` line ends), as the connections come. */
export function writeCsv(connections: Iterable<Connection>, write: Write): void {
  writeCsvOf(eachOf(connections), write);
}

/** `writeCsv` of connections given one by one. */
export function writeCsvOf(each: EachConnection, write: Write): void {
  _writeCsvPieces(each, textPieces(write));
}

/**
 * `writeCsvOf` as pieces (text or bytes).
 * @internal
 */
export function _writeCsvPieces<P>(each: EachConnection, out: Pieces<P>): void {
  const name = memoized((e: Connection['dst']) => out.piece(csvField(endpointName(e))));
  const conn = memoizedByText(conns => out.piece(`,${csvField(conns.toString())}\n`));
  out.text('src,dst,conn\n');
  let source: Connection['src'] | undefined;
  let prefix = out.piece('');
  each((src, dst, conns) => {
    if (src !== source) {
      source = src;
      prefix = out.piece(`${csvField(endpointName(src))},`);
    }
    out.put(prefix);
    out.put(name(dst));
    out.put(conn(conns));
  });
}

/** CSV with the header `src,dst,conn` and CRLF-free lines (`\n`). */
export function formatCsv(connections: readonly Connection[]): string {
  return collectText(write => writeCsv(connections, write));
}
