/**
 * The grouped connection list (`eachGroupedConnection`) in the text formats: connlist-style lines with the number of
 * workload pairs each holds for, JSON with the groups' members, CSV and Markdown. Each is written line by line through
 * a `Write`, so a list of any length is never one string.
 */
import { compareStrings } from '../compare';
import type { EndpointGroup, GroupedConnection } from '../grouped';
import { csvField } from './csv';
import { collectText, memoized, Write } from './write';

/** The formats the grouped list is written in. */
export const GROUPED_FORMATS = ['connlist', 'json', 'md', 'csv'] as const;

/** How many of the pairs a line holds for: `all 150 pairs` or `15 of 5,625 pairs`. */
export function pairsText(line: GroupedConnection): string {
  return line.pairs === line.of ? `all ${thousands(line.of)} pair${line.of === 1 ? '' : 's'}` : `${thousands(line.pairs)} of ${thousands(line.of)} pairs`;
}

/** A whole number with commas between groups of three digits, as `toLocaleString('en-US')` writes it, faster. */
function thousands(n: number): string {
  const digits = String(n);
  if (n < 1000 || !Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  let text = digits.slice(0, digits.length % 3 || 3);
  for (let i = text.length; i < digits.length; i += 3) text += `,${digits.slice(i, i + 3)}`;
  return text;
}

/** `name (N workloads)`, or the range's name. */
function groupText(group: EndpointGroup): string {
  return group.external ? group.name : `${group.name} (${group.workloads.length} workload${group.workloads.length === 1 ? '' : 's'})`;
}

/** `src (N workloads) => dst (M workloads) : conns (K of L pairs)`, one line each. */
function writeGroupedConnlist(lines: Iterable<GroupedConnection>, write: Write): void {
  const name = memoized(groupText);
  for (const l of lines) write(`${name(l.src)} => ${name(l.dst)} : ${l.conns.toString()} (${pairsText(l)})\n`);
}

/** CSV with the header `src,dst,conn,pairs,of`. */
function writeGroupedCsv(lines: Iterable<GroupedConnection>, write: Write): void {
  const name = memoized((g: EndpointGroup) => csvField(g.name));
  write('src,dst,conn,pairs,of\n');
  for (const l of lines) write(`${name(l.src)},${name(l.dst)},${csvField(l.conns.toString())},${l.pairs},${l.of}\n`);
}

/** A Markdown table with columns src, dst, conn, pairs. */
function writeGroupedMarkdown(lines: Iterable<GroupedConnection>, write: Write): void {
  const cell = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
  const name = memoized((g: EndpointGroup) => cell(groupText(g)));
  write('| src | dst | conn | pairs |\n|-----|-----|------|-------|\n');
  for (const l of lines) write(`| ${name(l.src)} | ${name(l.dst)} | ${cell(l.conns.toString())} | ${pairsText(l)} |\n`);
}

/**
 * JSON: `{"connections": [{src, dst, conn, all, pairs, of}], "groups": [{name, namespace, workloads} or {name,
 * external}]}`, the connections naming groups by name, each on a line of its own as compact JSON; then the groups they
 * name, sorted by name, each on a line of its own. Memory holds the groups, not the list.
 */
function writeGroupedJson(lines: Iterable<GroupedConnection>, write: Write): void {
  const groups = new Map<string, EndpointGroup>();
  const name = memoized((g: EndpointGroup) => {
    groups.set(g.name, g);
    return JSON.stringify(g.name);
  });
  write('{\n  "connections": [');
  let first = true;
  for (const l of lines) {
    write(`${first ? '' : ','}\n    {"src":${name(l.src)},"dst":${name(l.dst)},"conn":${JSON.stringify(l.conns.toString())},"all":${l.conns.isAll()},"pairs":${l.pairs},"of":${l.of}}`);
    first = false;
  }
  write(first ? '],\n  "groups": [' : '\n  ],\n  "groups": [');
  first = true;
  for (const key of [...groups.keys()].sort(compareStrings)) {
    const g = groups.get(key)!;
    const entry = g.external ? { name: key, external: g.external } : { name: key, namespace: g.namespace, workloads: g.workloads };
    write(`${first ? '' : ','}\n    ${JSON.stringify(entry)}`);
    first = false;
  }
  write(first ? ']\n}\n' : '\n  ]\n}\n');
}

/** Writes the grouped list in one of `GROUPED_FORMATS`, line by line (`eachGroupedConnection` gives the lines so). */
export function writeGroupedConnections(lines: Iterable<GroupedConnection>, format: typeof GROUPED_FORMATS[number], write: Write): void {
  switch (format) {
    case 'json': return writeGroupedJson(lines, write);
    case 'md': return writeGroupedMarkdown(lines, write);
    case 'csv': return writeGroupedCsv(lines, write);
    default: return writeGroupedConnlist(lines, write);
  }
}

/** The grouped list in one of `GROUPED_FORMATS`, as one string (`writeGroupedConnections`). */
export function formatGroupedConnections(lines: Iterable<GroupedConnection>, format: typeof GROUPED_FORMATS[number]): string {
  return collectText(write => writeGroupedConnections(lines, format, write));
}
