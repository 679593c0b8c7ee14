/**
 * The diff grouped by namespace (`groupDiffByNamespace`) in the formats `diff --group namespace` writes: text lines in
 * the style of netpol-analyzer's diff with a `pairs` count, the review Markdown with a `pairs` column (cut to fit a
 * pull-request comment like the ungrouped one), and JSON.
 */
import { DiffCounts, DiffEntries, diffSize, DiffType } from '../diff';
import type { GroupedDiffEntry } from '../grouped-diff';
import { DiffMarkdownOptions, diffSummaryLine, _diffTables, _plural, _writeMarkdownTables } from './diff-markdown';
import { JsonConnectionSet, toJsonConnectionSet } from './diff-json';
import { collectText } from './write';

/** The formats of the grouped diff. */
export const GROUPED_DIFF_FORMATS = ['txt', 'md', 'json'] as const;

/** One of `GROUPED_DIFF_FORMATS`. */
export type GroupedDiffFormat = typeof GROUPED_DIFF_FORMATS[number];

/** One group in the JSON output. */
export interface JsonGroupedDiffEntry {
  /** `changed`, `added` or `removed`. */
  readonly type: string;
  /** The source namespace, or an external range's name. */
  readonly src: string;
  /** The destination namespace, or an external range's name. */
  readonly dst: string;
  /** The connections before. */
  readonly old: JsonConnectionSet;
  /** The connections after. */
  readonly new: JsonConnectionSet;
  /** Allowed after but not before. */
  readonly gained: JsonConnectionSet;
  /** Allowed before but not after. */
  readonly lost: JsonConnectionSet;
  /** How many pairs of peers have exactly this difference. */
  readonly pairs: number;
}

/**
 * `Connectivity diff by namespace:` then one line per group, `diff-type: removed, source: a, destination: b, ref1:
 * TCP 8080, ref2: No Connections, pairs: 12`; empty when the diff is.
 */
export function formatGroupedDiffText(groups: readonly GroupedDiffEntry[]): string {
  if (groups.length === 0) return '';
  const lines = groups.map(g => `diff-type: ${g.type}, source: ${g.src}, destination: ${g.dst}, ref1: ${g.oldConns}, ref2: ${g.newConns}, pairs: ${g.pairs}`);
  return `Connectivity diff by namespace:\n${lines.join('\n')}\n`;
}

/**
 * The review Markdown of the grouped diff: the diff's summary line, a line saying how many groups hold its pairs, then
 * the `Newly allowed`, `Changed` and `Removed` tables with a `pairs` column, cut to `options.maxLength` characters.
 */
export function formatGroupedDiffMarkdown(diff: DiffEntries, groups: readonly GroupedDiffEntry[], options: DiffMarkdownOptions = {}): string {
  const summary = groups.length === 0 ? `${diffSummaryLine(diff)}\n`
    : `${diffSummaryLine(diff)}\n\nGrouped by namespace: ${_plural(diffSize(diff), 'pair', 'pairs')} of peers in ${_plural(groups.length, 'row', 'rows')}.\n`;
  const rowsOf = (type: DiffType) => {
    const rows = groups.filter(g => g.type === type);
    return { rows, count: rows.length };
  };
  const tables = _diffTables(rowsOf, g => [g.src, g.dst], () => ({ columns: ['pairs'], cells: g => [String(g.pairs)] }));
  return collectText(write => _writeMarkdownTables(summary, tables, write, options.maxLength,
    'For every row, run the same `cdk8s-netpol diff --group namespace` with `--output txt` or `--output json`.'));
}

/** The grouped diff as JSON: `{"counts": {...}, "groups": [...]}`, pretty-printed, with a trailing newline. */
export function formatGroupedDiffJson(diff: DiffEntries, groups: readonly GroupedDiffEntry[]): string {
  const counts: DiffCounts = { changed: diff.counts.changed, added: diff.counts.added, removed: diff.counts.removed };
  const json: JsonGroupedDiffEntry[] = groups.map(g => ({
    type: g.type, src: g.src, dst: g.dst,
    old: toJsonConnectionSet(g.oldConns), new: toJsonConnectionSet(g.newConns), gained: toJsonConnectionSet(g.gained), lost: toJsonConnectionSet(g.lost),
    pairs: g.pairs,
  }));
  return `${JSON.stringify({ counts, groups: json }, null, 2)}\n`;
}

/** The grouped diff in one of `GROUPED_DIFF_FORMATS`. */
export function formatGroupedDiff(diff: DiffEntries, groups: readonly GroupedDiffEntry[], format: GroupedDiffFormat): string {
  switch (format) {
    case 'md': return formatGroupedDiffMarkdown(diff, groups);
    case 'json': return formatGroupedDiffJson(diff, groups);
    default: return formatGroupedDiffText(groups);
  }
}
