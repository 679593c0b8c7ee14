/**
 * The Markdown diff for pull-request comments: a summary line with the counts first, then one table per kind of
 * difference, newly allowed connections first (what a security reviewer must see), then changed ones with what each
 * now also allows and no longer allows, then removed ones; cut at a row to fit a pull-request comment (./comment).
 * The grouped diff (./grouped-diff) writes its tables with the same writer.
 */
import type { ConnectionSet } from '../connection-set';
import { _hasOneSidedWorkloads, changedGaining, ConnectionDiff, DiffEntries, diffEntriesOf, diffSize, DiffType } from '../diff';
import { endpointName } from '../endpoints';
import { _checkMaxLength, _cutNote, _NOTE_ROOM, PR_COMMENT_MAX_LENGTH } from './comment';
import { markdownCell, workloadsDiffInfo } from './diff-np-guard';
import { collectText, Write } from './write';

/** A count as the review Markdown writes it: with thousands separators (`25,018,464`). */
function count(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * A count and its noun, as the review Markdown writes them (`25,018,464 pairs`, `1 row`).
 * @internal
 */
export function _plural(n: number, one: string, many: string): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** The summary line: `**Connectivity diff:** 2 connections newly allowed, 1 changed (1 allows more), 1 removed.` */
export function diffSummaryLine(diff: DiffEntries): string {
  if (diffSize(diff) === 0) {
    return '**Connectivity diff:** no change. The new manifests allow exactly the connections the old ones do.';
  }
  const { added, changed, removed } = diff.counts;
  const wider = changedGaining(diff);
  const changedText = changed > 0 && wider > 0 ? `${count(changed)} changed (${count(wider)} ${wider === 1 ? 'allows' : 'allow'} more)` : `${count(changed)} changed`;
  return `**Connectivity diff:** ${_plural(added, 'connection', 'connections')} newly allowed, ${changedText}, ${count(removed)} removed.`;
}

/** Options of the review Markdown. */
export interface DiffMarkdownOptions {
  /**
   * The most characters (UTF-16 code units) to write. Rows that would go past it are left out, and a closing note
   * counts them by kind and names the formats that list every row; the summary line always has the full counts.
   * `Infinity` writes every row.
   * @default PR_COMMENT_MAX_LENGTH
   */
  readonly maxLength?: number;
}

/**
 * A table of the review Markdown: the kind of its rows (as the closing note of a cut diff counts them), its title,
 * column names and rows.
 * @internal
 */
export interface _MarkdownTable {
  readonly kind: string;
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: number;
  /** The cells of row `i` (escaped here). */
  readonly cells: (i: number) => string[];
}

const dash = (text: string) => (text === 'No Connections' ? '—' : text);

/** What a row of the review Markdown shows of a difference: its type and the connections before and after. */
interface DiffRow {
  readonly type: string;
  readonly oldConns: ConnectionSet;
  readonly newConns: ConnectionSet;
  readonly gained: ConnectionSet;
  readonly lost: ConnectionSet;
}

/** Columns a table of the review Markdown adds after the connections, and their cells per row. */
interface ExtraColumns<E> {
  readonly columns: readonly string[];
  readonly cells: (e: E) => string[];
}

/** A table's rows of one type: the first ones (at least as many as can be written), and how many there are. */
interface TableRows<E> {
  readonly rows: readonly E[];
  readonly count: number;
}

/**
 * The tables of the review Markdown, by diff type (what is newly allowed first), each row the two ends (`ends`), the
 * connections, and the extra columns `extra` gives for the table (none when it gives undefined). `rowsOf` gives a
 * type's rows: all of them, or the first ones when the Markdown is cut (see `rowsToRead`), and how many there are.
 * @internal
 */
export function _diffTables<E extends DiffRow>(rowsOf: (type: DiffType) => TableRows<E>, ends: (e: E) => string[],
  extra: (type: DiffType) => ExtraColumns<E> | undefined = () => undefined): _MarkdownTable[] {
  const table = (type: DiffType, kind: string, title: string, head: string[], row: (e: E) => string[]): _MarkdownTable => {
    const { rows, count } = rowsOf(type);
    const more = count > 0 ? extra(type) : undefined;
    const cells = (i: number) => {
      if (i >= rows.length) throw new Error(`internal error: row ${i} of the ${kind} table was not read (${rows.length} of ${count} were)`);
      return [...ends(rows[i]), ...row(rows[i]), ...(more ? more.cells(rows[i]) : [])];
    };
    return { kind, title, columns: ['source', 'destination', ...head, ...(more?.columns ?? [])], rows: count, cells };
  };
  return [
    table('added', 'newly allowed', 'Newly allowed', ['allowed now'], e => [e.newConns.toString()]),
    table('changed', 'changed', 'Changed', ['before', 'after', 'now also allowed', 'no longer allowed'],
      e => [e.oldConns.toString(), e.newConns.toString(), dash(e.gained.toString()), dash(e.lost.toString())]),
    table('removed', 'removed', 'Removed', ['allowed before'], e => [e.oldConns.toString()]),
  ].filter(t => t.rows > 0);
}

/**
 * How many rows of a table the Markdown can show within `maxLength` characters: every row is longer than 10 (three
 * cells at least), so no more than a tenth of the limit, and all of them without a limit.
 */
function rowsToRead(maxLength: number): number {
  return Number.isFinite(maxLength) ? Math.floor(maxLength / 10) + 2 : Infinity;
}

/** The first `n` entries of an iterable (all of them for `Infinity`). */
function firstOf<T>(items: Iterable<T>, n: number): T[] {
  const out: T[] = [];
  if (n <= 0) return out;
  for (const item of items) {
    out.push(item);
    if (out.length >= n) break;
  }
  return out;
}

/**
 * The review Markdown: the summary line, then `Newly allowed`, `Changed` and `Removed` tables (each only when it has
 * rows, each sorted by source then destination), cut to `options.maxLength` characters. Ends with a newline.
 */
export function formatDiffMarkdown(diff: DiffEntries, options: DiffMarkdownOptions = {}): string {
  return collectText(write => writeDiffMarkdown(diff, write, options));
}

/**
 * Writes the review Markdown (`formatDiffMarkdown`) row by row. Of each type, only the rows that can be shown are
 * read (a `DiffStream` stops reading there); the summary and the table titles give the full counts.
 */
export function writeDiffMarkdown(diff: DiffEntries, write: Write, options: DiffMarkdownOptions = {}): void {
  const maxLength = options.maxLength ?? PR_COMMENT_MAX_LENGTH;
  _checkMaxLength(maxLength);
  const rowsOf = (type: DiffType) => ({ rows: firstOf(diffEntriesOf(diff, type), Math.min(diff.counts[type], rowsToRead(maxLength))), count: diff.counts[type] });
  // The workloads column is there when an entry of the table names a workload that exists on one side only.
  const tables = _diffTables<ConnectionDiff>(rowsOf, e => [endpointName(e.src), endpointName(e.dst)],
    type => (_hasOneSidedWorkloads(diff, type) ? { columns: ['workloads'], cells: e => [workloadsDiffInfo(e)] } : undefined));
  _writeMarkdownTables(`${diffSummaryLine(diff)}\n`, tables, write, maxLength,
    'For every row, run the same `cdk8s-netpol diff` with `--output txt` or `--output json`; `--group namespace` gives one row per pair of namespaces.');
}

/**
 * Writes the summary and the tables, cut at a row to `maxLength` characters when they are longer, with a closing note
 * that counts the rows left out by kind and ends with `hint`.
 * @internal
 */
export function _writeMarkdownTables(summary: string, tables: readonly _MarkdownTable[], write: Write, maxLength = PR_COMMENT_MAX_LENGTH, hint: string): void {
  _checkMaxLength(maxLength);
  const top = (t: _MarkdownTable) => `\n### ${t.title} (${count(t.rows)})\n\n| ${t.columns.join(' | ')} |\n|${t.columns.map(h => '-'.repeat(h.length + 2)).join('|')}|\n`;
  const rowText = (t: _MarkdownTable, i: number) => `| ${t.cells(i).map(markdownCell).join(' | ')} |\n`;
  // Rows are rendered twice when there is a limit: once to learn whether everything fits, then to write.
  let whole = summary.length;
  for (const t of tables) {
    whole += top(t).length;
    if (Number.isFinite(maxLength)) for (let i = 0; i < t.rows && whole <= maxLength; i++) whole += rowText(t, i).length;
  }
  const budget = whole <= maxLength ? Infinity : maxLength - _NOTE_ROOM;
  let length = 0;
  const put = (text: string) => { length += text.length; write(text); };
  put(summary);
  const left: string[] = [];
  let full = false;
  for (const t of tables) {
    let shown = 0;
    if (!full) {
      // A table is started only when its head and first row fit.
      const head = top(t);
      let next = rowText(t, 0);
      if (length + head.length + next.length <= budget) {
        put(head);
        while (true) {
          put(next);
          if (++shown === t.rows) break;
          next = rowText(t, shown);
          if (length + next.length > budget) break;
        }
      }
      full = shown < t.rows;
    }
    if (shown < t.rows) left.push(`${(t.rows - shown).toLocaleString('en-US')} ${t.kind}`);
  }
  if (left.length > 0) put(_cutNote(maxLength, left, 'rows', hint));
}
