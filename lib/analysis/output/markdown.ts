/** A Markdown table of the connection list, for pull-request comments and docs. */
import type { Connection } from '../analysis';
import { endpointName } from '../endpoints';

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

/** A Markdown table with columns src, dst, conn (a header row only when there are no connections). */
export function formatMarkdown(connections: readonly Connection[]): string {
  const lines = ['| src | dst | conn |', '|-----|-----|------|'];
  for (const c of connections) lines.push(`| ${cell(endpointName(c.src))} | ${cell(endpointName(c.dst))} | ${cell(c.conns.toString())} |`);
  return `${lines.join('\n')}\n`;
}
