/**
 * The Markdown diff for pull-request comments: a summary line with the counts first, then one table per kind of
 * difference, newly allowed connections first (what a security reviewer must see), then changed ones with what each
 * now also allows and no longer allows, then removed ones.
 */
import type { ConnectionDiff, ConnectivityDiff } from '../diff';
import { endpointName } from '../endpoints';
import { markdownCell, workloadsDiffInfo } from './diff-np-guard';

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

function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(h => '-'.repeat(h.length + 2)).join('|')}|`,
    ...rows.map(r => `| ${r.map(markdownCell).join(' | ')} |`),
  ];
}

function section(title: string, entries: readonly ConnectionDiff[], head: string[], row: (e: ConnectionDiff) => string[]): string[] {
  if (entries.length === 0) return [];
  const withInfo = entries.some(e => e.addedOrRemovedWorkloads.length > 0);
  const rows = entries.map(e => [endpointName(e.src), endpointName(e.dst), ...row(e), ...(withInfo ? [workloadsDiffInfo(e)] : [])]);
  return ['', `### ${title} (${entries.length})`, '', ...table(['source', 'destination', ...head, ...(withInfo ? ['workloads'] : [])], rows)];
}

const dash = (text: string) => (text === 'No Connections' ? '—' : text);

/**
 * The review Markdown: the summary line, then `Newly allowed`, `Changed` and `Removed` tables (each only when it has
 * rows, each sorted by source then destination). Ends with a newline.
 */
export function formatDiffMarkdown(diff: ConnectivityDiff): string {
  const of = (type: string) => diff.entries.filter(e => e.type === type);
  const lines = [
    diffSummaryLine(diff),
    ...section('Newly allowed', of('added'), ['allowed now'], e => [e.newConns.toString()]),
    ...section('Changed', of('changed'), ['before', 'after', 'now also allowed', 'no longer allowed'],
      e => [e.oldConns.toString(), e.newConns.toString(), dash(e.gained.toString()), dash(e.lost.toString())]),
    ...section('Removed', of('removed'), ['allowed before'], e => [e.oldConns.toString()]),
  ];
  return `${lines.join('\n')}\n`;
}
