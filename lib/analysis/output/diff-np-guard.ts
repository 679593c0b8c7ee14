/**
 * np-guard netpol-analyzer's diff formats (`k8snetpolicy diff -o txt|csv|md`), line for line: one line or row per
 * entry, in the diff's order (changed, added, removed; each by source then destination), `ref1`/`ref2` for the old and
 * new connections, `No Connections` on the side that has none. An empty diff is an empty text in every one of them.
 * Each is written entry by entry (`writeDiffText`, ...), so a diff of any size is never held as one string.
 */
import { ConnectionDiff, DiffEntries, diffSize } from '../diff';
import { endpointName } from '../endpoints';
import { csvField } from './csv';
import { collectText, Write } from './write';

/**
 * netpol-analyzer's `workloads-diff-info` of an entry: `workload ns/a[Deployment] added`,
 * `workload ns/a[Deployment] and ns/b[Deployment] removed`, or `''` when both peers exist on both sides.
 */
export function workloadsDiffInfo(entry: ConnectionDiff): string {
  if (entry.addedOrRemovedWorkloads.length === 0) return '';
  return `workload ${entry.addedOrRemovedWorkloads.map(endpointName).join(' and ')} ${entry.type}`;
}

/** The six fields netpol-analyzer prints for an entry, in its column order. */
export function diffFields(entry: ConnectionDiff): [string, string, string, string, string, string] {
  return [entry.type, endpointName(entry.src), endpointName(entry.dst), entry.oldConns.toString(), entry.newConns.toString(), workloadsDiffInfo(entry)];
}

/** One line of the text format, without a newline. */
export function diffTextLine(entry: ConnectionDiff): string {
  const [type, src, dst, ref1, ref2, info] = diffFields(entry);
  const line = `diff-type: ${type}, source: ${src}, destination: ${dst}, ref1: ${ref1}, ref2: ${ref2}`;
  return info === '' ? line : `${line}, workloads-diff-info: ${info}`;
}

/** The text format: `Connectivity diff:` and one line per entry, each ending with a newline; empty for no entry. */
export function formatDiffText(diff: DiffEntries): string {
  return collectText(write => writeDiffText(diff, write));
}

/** Writes the text format (`formatDiffText`) line by line. */
export function writeDiffText(diff: DiffEntries, write: Write): void {
  if (diffSize(diff) === 0) return;
  write('Connectivity diff:\n');
  for (const e of diff.entries) write(`${diffTextLine(e)}\n`);
}

/** The CSV format: a header row and one RFC 4180 row per entry (`\n` line ends); empty for no entry. */
export function formatDiffCsv(diff: DiffEntries): string {
  return collectText(write => writeDiffCsv(diff, write));
}

/** Writes the CSV format (`formatDiffCsv`) row by row. */
export function writeDiffCsv(diff: DiffEntries, write: Write): void {
  if (diffSize(diff) === 0) return;
  const row = (fields: readonly string[]) => write(`${fields.map(csvField).join(',')}\n`);
  row(['diff-type', 'source', 'destination', 'ref1', 'ref2', 'workloads-diff-info']);
  for (const e of diff.entries) row(diffFields(e));
}

/** Escapes a Markdown table cell. */
export function markdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

/**
 * netpol-analyzer's Markdown format: one table, a row per entry in the diff's order, ending with a newline; empty for
 * no entry. `formatDiffMarkdown` is the one written for pull-request reviews.
 */
export function formatDiffMarkdownNpGuard(diff: DiffEntries): string {
  return collectText(write => writeDiffMarkdownNpGuard(diff, write));
}

/** Writes netpol-analyzer's Markdown format (`formatDiffMarkdownNpGuard`) row by row. */
export function writeDiffMarkdownNpGuard(diff: DiffEntries, write: Write): void {
  if (diffSize(diff) === 0) return;
  write('| diff-type | source | destination | ref1 | ref2 | workloads-diff-info |\n');
  write('|-----------|--------|-------------|------|------|---------------------|\n');
  for (const e of diff.entries) write(`| ${diffFields(e).map(markdownCell).join(' | ')} |\n`);
}
