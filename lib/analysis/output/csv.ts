/** An RFC 4180 CSV rendering of the connection list. */
import type { Connection } from '../analysis';
import { endpointName } from '../endpoints';
import { collectText, memoized, Write } from './write';

/** Quotes a CSV field when it holds a comma, a quote or a line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Writes the header `src,dst,conn` and one line per connection (`\n` line ends), as the connections come. */
export function writeCsv(connections: Iterable<Connection>, write: Write): void {
  const name = memoized((e: Connection['src']) => csvField(endpointName(e)));
  const conn = memoized((conns: Connection['conns']) => csvField(conns.toString()));
  write('src,dst,conn\n');
  for (const c of connections) write(`${name(c.src)},${name(c.dst)},${conn(c.conns)}\n`);
}

/** CSV with the header `src,dst,conn` and CRLF-free lines (`\n`). */
export function formatCsv(connections: readonly Connection[]): string {
  return collectText(write => writeCsv(connections, write));
}
