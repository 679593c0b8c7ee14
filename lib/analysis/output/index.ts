/** The output formats of the connection list, by name. */
import type { Connection } from '../analysis';
import { formatConnlist } from './connlist';
import { formatCsv } from './csv';
import { formatDot } from './dot';
import { formatJson } from './json';
import { formatMarkdown } from './markdown';
import { formatMermaid } from './mermaid';

export * from './connlist';
export * from './csv';
export * from './dot';
export * from './graph';
export * from './json';
export * from './markdown';
export * from './mermaid';

/** The names of the output formats. */
export const OUTPUT_FORMATS = ['connlist', 'json', 'md', 'csv', 'dot', 'mermaid'] as const;

/** One of the output format names. */
export type OutputFormat = typeof OUTPUT_FORMATS[number];

const FORMATTERS: { [F in OutputFormat]: (connections: readonly Connection[]) => string } = {
  connlist: formatConnlist,
  json: formatJson,
  md: formatMarkdown,
  csv: formatCsv,
  dot: formatDot,
  mermaid: formatMermaid,
};

/** Renders the connections in the named format; throws for an unknown name, listing the known ones. */
export function formatConnections(connections: readonly Connection[], format: string): string {
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new Error(`unknown output format "${format}"; use one of ${OUTPUT_FORMATS.join(', ')}`);
  }
  return FORMATTERS[format as OutputFormat](connections);
}
