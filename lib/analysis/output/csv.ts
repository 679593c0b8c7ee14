/** An RFC 4180 CSV rendering of the connection list. */
import type { Connection } from '../analysis';
import { endpointName } from '../endpoints';

/** Quotes a CSV field when it holds a comma, a quote or a line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV with the header `src,dst,conn` and CRLF-free lines (`\n`). */
export function formatCsv(connections: readonly Connection[]): string {
  const lines = ['src,dst,conn'];
  for (const c of connections) lines.push([endpointName(c.src), endpointName(c.dst), c.conns.toString()].map(csvField).join(','));
  return `${lines.join('\n')}\n`;
}
