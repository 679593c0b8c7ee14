/** A Markdown table of the connection list, for pull-request comments and docs. */
import type { Connection } from '../analysis';
import { endpointName } from '../endpoints';
import { collectText, EachConnection, eachOf, memoized, Write } from './write';

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

/** Writes the table with columns src, dst, conn, a row per connection as the connections come. */
export function writeMarkdown(connections: Iterable<Connection>, write: Write): void {
  writeMarkdownOf(eachOf(connections), write);
}

/** `writeMarkdown` of connections given one by one. */
export function writeMarkdownOf(each: EachConnection, write: Write): void {
  const name = memoized((e: Connection['src']) => cell(endpointName(e)));
  const conn = memoized((conns: Connection['conns']) => ` | ${cell(conns.toString())} |\n`);
  write('| src | dst | conn |\n|-----|-----|------|\n');
  let source: Connection['src'] | undefined;
  let prefix = '';
  each((src, dst, conns) => {
    if (src !== source) {
      source = src;
      prefix = `| ${name(src)} | `;
    }
    write(prefix);
    write(name(dst));
    write(conn(conns));
  });
}

/** A Markdown table with columns src, dst, conn (a header row only when there are no connections). */
export function formatMarkdown(connections: readonly Connection[]): string {
  return collectText(write => writeMarkdown(connections, write));
}
