/** An RFC 4180 CSV rendering of the connection list. */
import type { Connection } from '../analysis';
import { endpointName } from '../endpoints';
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
  const name = memoized((e: Connection['src']) => csvField(endpointName(e)));
  const conn = memoized((conns: Connection['conns']) => `,${csvField(conns.toString())}\n`);
  write('src,dst,conn\n');
  let source: Connection['src'] | undefined;
  let prefix = '';
  each((src, dst, conns) => {
    if (src !== source) {
      source = src;
      prefix = `${name(src)},`;
    }
    write(prefix);
    write(name(dst));
    write(conn(conns));
  });
}

/** CSV with the header `src,dst,conn` and CRLF-free lines (`\n`). */
export function formatCsv(connections: readonly Connection[]): string {
  return collectText(write => writeCsv(connections, write));
}
