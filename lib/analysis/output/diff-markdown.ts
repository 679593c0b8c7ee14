/**
 * The Markdown diff for pull-request comments: a summary line with the counts first, then one table per kind of
 * difference, newly allowed connections first (what a security reviewer must see), then changed ones with what each
 * now also allows and no longer allows, then removed ones.
 */
import type { ConnectionDiff, ConnectivityDiff } from '../diff';
import { endpointName } from '../endpoints';
import { markdownCell, workloadsDiffInfo } from './diff-np-guard';
import { collectText, Write } from './write';

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The summary line: `**Connectivity diff:** 2 connections newly allowed, 1 changed (1 allows more), 1 removed.` */
export function diffSummaryLine(diff: ConnectivityDiff): string {
  if (diff.entries.length === 0) {
    return '**Connectivity diff:** no change. The new manifests allow exactly the connections the old ones do.';
  }
  const { added, changed, removed } = diff.counts;
  const wider = diff.entries.filter(e => e.type === 'changed' && !e.gained.isEmpty()).length;
  const changedText = changed > 0 && wider > 0 ? `${changed} changed (${wider} ${wider === 1 ? 'allows' : 'allow'} more)` : `${changed} changed`;
  return `**Connectivity diff:** ${plural(added, 'connection', 'connections')} newly allowed, ${changedText}, ${removed} removed.`;
}

/** Writes a section: its title and a table with a row per entry (nothing when there is no entry). */
function section(write: Write, title: string, entries: readonly ConnectionDiff[], head: string[], row: (e: ConnectionDiff) => string[]): void {
  if (entries.length === 0) return;
  const withInfo = entries.some(e => e.addedOrRemovedWorkloads.length > 0);
  const columns = ['source', 'destination', ...head, ...(withInfo ? ['workloads'] : [])];
  write(`\n### ${title} (${entries.length})\n\n`);
  write(`| ${columns.join(' | ')} |\n`);
  write(`|${columns.map(h => '-'.repeat(h.length + 2)).join('|')}|\n`);
  for (const e of entries) {
    const cells = [endpointName(e.src), endpointName(e.dst), ...row(e), ...(withInfo ? [workloadsDiffInfo(e)] : [])];
    write(`| ${cells.map(markdownCell).join(' | ')} |\n`);
  }
}

const dash = (text: string) => (text === 'No Connections' ? '—' : text);

/**
 * The review Markdown: the summary line, then `Newly allowed`, `Changed` and `Removed` tables (each only when it has
 * rows, each sorted by source then destination). Ends with a newline.
 */
export function formatDiffMarkdown(diff: ConnectivityDiff): string {
  return collectText(write => writeDiffMarkdown(diff, write));
}

/** Writes the review Markdown (`formatDiffMarkdown`) row by row. */
export function writeDiffMarkdown(diff: ConnectivityDiff, write: Write): void {
  const of = (type: string) => diff.entries.filter(e => e.type === type);
  write(`${diffSummaryLine(diff)}\n`);
  section(write, 'Newly allowed', of('added'), ['allowed now'], e => [e.newConns.toString()]);
  section(write, 'Changed', of('changed'), ['before', 'after', 'now also allowed', 'no longer allowed'],
    e => [e.oldConns.toString(), e.newConns.toString(), dash(e.gained.toString()), dash(e.lost.toString())]);
  section(write, 'Removed', of('removed'), ['allowed before'], e => [e.oldConns.toString()]);
}
