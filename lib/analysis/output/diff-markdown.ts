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

/** GitHub's limit on the body of a pull-request comment, in characters: the `md` diff is cut to fit it by default. */
export const PR_COMMENT_MAX_LENGTH = 65_536;

/** The smallest `maxLength`: room for the summary line, a table's head and the closing note. */
const MIN_MAX_LENGTH = 1_000;

/** Room kept free for the closing note of a cut diff. */
const NOTE_ROOM = 600;

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

interface Section {
  /** The kind of row, as the closing note counts them (`removed`). */
  readonly kind: string;
  readonly entries: readonly ConnectionDiff[];
  /** The title and the table's head. */
  readonly top: string;
  readonly rowText: (e: ConnectionDiff) => string;
}

const dash = (text: string) => (text === 'No Connections' ? '—' : text);

/**
 * The review Markdown: the summary line, then `Newly allowed`, `Changed` and `Removed` tables (each only when it has
 * rows, each sorted by source then destination), cut to `options.maxLength` characters. Ends with a newline.
 */
export function formatDiffMarkdown(diff: ConnectivityDiff, options: DiffMarkdownOptions = {}): string {
  return collectText(write => writeDiffMarkdown(diff, write, options));
}

/** Writes the review Markdown (`formatDiffMarkdown`) row by row. */
export function writeDiffMarkdown(diff: ConnectivityDiff, write: Write, options: DiffMarkdownOptions = {}): void {
  const maxLength = options.maxLength ?? PR_COMMENT_MAX_LENGTH;
  if (!(maxLength >= MIN_MAX_LENGTH) || (Number.isFinite(maxLength) && !Number.isInteger(maxLength))) {
    throw new Error(`maxLength: ${maxLength} is not allowed; use a whole number of characters of at least ${MIN_MAX_LENGTH.toLocaleString('en-US')} (GitHub's comment limit is ${PR_COMMENT_MAX_LENGTH.toLocaleString('en-US')}), or Infinity for every row`);
  }
  const of = (type: string) => diff.entries.filter(e => e.type === type);
  const sections = [
    section('newly allowed', 'Newly allowed', of('added'), ['allowed now'], e => [e.newConns.toString()]),
    section('changed', 'Changed', of('changed'), ['before', 'after', 'now also allowed', 'no longer allowed'],
      e => [e.oldConns.toString(), e.newConns.toString(), dash(e.gained.toString()), dash(e.lost.toString())]),
    section('removed', 'Removed', of('removed'), ['allowed before'], e => [e.oldConns.toString()]),
  ].filter(s => s.entries.length > 0);
  const summary = `${diffSummaryLine(diff)}\n`;
  // Rows are rendered twice when there is a limit: once to learn whether everything fits, then to write.
  let whole = summary.length;
  if (Number.isFinite(maxLength)) for (const s of sections) for (const e of s.entries) if (whole <= maxLength) whole += s.rowText(e).length;
  for (const s of sections) whole += s.top.length;
  const budget = whole <= maxLength ? Infinity : maxLength - NOTE_ROOM;
  let length = 0;
  const put = (text: string) => { length += text.length; write(text); };
  put(summary);
  const left: string[] = [];
  let full = false;
  for (const { kind, entries, top, rowText } of sections) {
    let shown = 0;
    if (!full) {
      // A section is started only when its head and first row fit.
      let next = rowText(entries[0]);
      if (length + top.length + next.length <= budget) {
        put(top);
        while (true) {
          put(next);
          if (++shown === entries.length) break;
          next = rowText(entries[shown]);
          if (length + next.length > budget) break;
        }
      }
      full = shown < entries.length;
    }
    if (shown < entries.length) left.push(`${(entries.length - shown).toLocaleString('en-US')} ${kind}`);
  }
  if (left.length > 0) {
    const list = left.length === 1 ? left[0] : `${left.slice(0, -1).join(', ')} and ${left[left.length - 1]}`;
    put(`\n_Cut to fit a pull-request comment (${maxLength.toLocaleString('en-US')} characters): ${list} rows are not shown. `
      + 'For every row, run the same `cdk8s-netpol diff` with `--output txt` or `--output json`._\n');
  }
}

/** A table of the review Markdown: its head (title and column names) and how its rows are written. */
function section(kind: string, title: string, entries: readonly ConnectionDiff[], head: string[], row: (e: ConnectionDiff) => string[]): Section {
  const withInfo = entries.some(e => e.addedOrRemovedWorkloads.length > 0);
  const columns = ['source', 'destination', ...head, ...(withInfo ? ['workloads'] : [])];
  return {
    kind,
    entries,
    top: `\n### ${title} (${entries.length})\n\n| ${columns.join(' | ')} |\n|${columns.map(h => '-'.repeat(h.length + 2)).join('|')}|\n`,
    rowText: e => {
      const cells = [endpointName(e.src), endpointName(e.dst), ...row(e), ...(withInfo ? [workloadsDiffInfo(e)] : [])];
      return `| ${cells.map(markdownCell).join(' | ')} |\n`;
    },
  };
}
