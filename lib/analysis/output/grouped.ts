/**
 * The grouped connection list (`groupConnections`) in the text formats: connlist-style lines with the number of
 * workload pairs each holds for, JSON with the groups' members, CSV and Markdown.
 */
import type { EndpointGroup, GroupedConnection } from '../grouped';
import { csvField } from './csv';

/** The formats the grouped list is written in. */
export const GROUPED_FORMATS = ['connlist', 'json', 'md', 'csv'] as const;

/** How many of the pairs a line holds for: `all 150 pairs` or `15 of 5,625 pairs`. */
export function pairsText(line: GroupedConnection): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return line.pairs === line.of ? `all ${n(line.of)} pair${line.of === 1 ? '' : 's'}` : `${n(line.pairs)} of ${n(line.of)} pairs`;
}

function groupText(group: EndpointGroup): string {
  return group.external ? group.name : `${group.name} (${group.workloads.length} workload${group.workloads.length === 1 ? '' : 's'})`;
}

/** `src (N workloads) => dst (M workloads) : conns (K of L pairs)`, one line each. */
export function formatGroupedConnlist(lines: readonly GroupedConnection[]): string {
  return lines.map(l => `${groupText(l.src)} => ${groupText(l.dst)} : ${l.conns.toString()} (${pairsText(l)})\n`).join('');
}

/** CSV with the header `src,dst,conn,pairs,of`. */
export function formatGroupedCsv(lines: readonly GroupedConnection[]): string {
  const rows = ['src,dst,conn,pairs,of', ...lines.map(l => [l.src.name, l.dst.name, l.conns.toString(), String(l.pairs), String(l.of)].map(csvField).join(','))];
  return `${rows.join('\n')}\n`;
}

/** A Markdown table with columns src, dst, conn, pairs. */
export function formatGroupedMarkdown(lines: readonly GroupedConnection[]): string {
  const cell = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
  const rows = ['| src | dst | conn | pairs |', '|-----|-----|------|-------|', ...lines.map(l => `| ${cell(groupText(l.src))} | ${cell(groupText(l.dst))} | ${cell(l.conns.toString())} | ${pairsText(l)} |`)];
  return `${rows.join('\n')}\n`;
}

/**
 * JSON: `{"groups": [{name, namespace?, workloads}], "connections": [{src, dst, conn, all, pairs, of}]}`, groups sorted
 * by name, connections naming groups by name.
 */
export function formatGroupedJson(lines: readonly GroupedConnection[]): string {
  const groups = new Map<string, EndpointGroup>();
  for (const l of lines) for (const g of [l.src, l.dst]) groups.set(g.name, g);
  const out = {
    groups: [...groups.keys()].sort().map(name => {
      const g = groups.get(name)!;
      return g.external ? { name, external: g.external } : { name, namespace: g.namespace, workloads: g.workloads };
    }),
    connections: lines.map(l => ({ src: l.src.name, dst: l.dst.name, conn: l.conns.toString(), all: l.conns.isAll(), pairs: l.pairs, of: l.of })),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** The grouped list in one of `GROUPED_FORMATS`. */
export function formatGroupedConnections(lines: readonly GroupedConnection[], format: typeof GROUPED_FORMATS[number]): string {
  switch (format) {
    case 'json': return formatGroupedJson(lines);
    case 'md': return formatGroupedMarkdown(lines);
    case 'csv': return formatGroupedCsv(lines);
    default: return formatGroupedConnlist(lines);
  }
}
