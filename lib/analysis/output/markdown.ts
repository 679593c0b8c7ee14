/** A Markdown table of the connection list, for pull-request comments and docs. */
import type { Connection } from '../analysis';
import { endpointName } from '../endpoints';
import { memoizedByText, Pieces, textPieces } from './pieces';
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
  _writeMarkdownPieces(each, textPieces(write));
}

/**
 * `writeMarkdownOf` as pieces (text or bytes).
 * @internal
 */
export function _writeMarkdownPieces<P>(each: EachConnection, out: Pieces<P>): void {
  const name = memoized((e: Connection['dst']) => out.piece(cell(endpointName(e))));
  const conn = memoizedByText(conns => out.piece(` | ${cell(conns.toString())} |\n`));
  out.text('| src | dst | conn |\n|-----|-----|------|\n');
  let source: Connection['src'] | undefined;
  let prefix = out.piece('');
  each((src, dst, conns) => {
    if (src !== source) {
      source = src;
      prefix = out.piece(`| ${cell(endpointName(src))} | `);
    }
    out.put(prefix);
    out.put(name(dst));
    out.put(conn(conns));
  });
}

/** A Markdown table with columns src, dst, conn (a header row only when there are no connections). */
export function formatMarkdown(connections: readonly Connection[]): string {
  return collectText(write => writeMarkdown(connections, write));
}
