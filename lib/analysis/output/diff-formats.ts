/** The output formats of a connectivity diff, by name. */
import type { DiffEntries } from '../diff';
import { formatDiffDot, formatDiffMermaid } from './diff-graph';
import { writeDiffJson } from './diff-json';
import { writeDiffMarkdown } from './diff-markdown';
import { writeDiffCsv, writeDiffMarkdownNpGuard, writeDiffText } from './diff-np-guard';
import { collectText, Write } from './write';

export * from './diff-graph';
export * from './diff-json';
export * from './diff-markdown';
export * from './diff-np-guard';

/**
 * The names of the diff formats: `txt`, `csv` and `md-np-guard` are np-guard netpol-analyzer's (empty for an empty
 * diff); `md` is the pull-request review table; `json`; `dot` and `mermaid` draw the diff.
 */
export const DIFF_OUTPUT_FORMATS = ['txt', 'md', 'md-np-guard', 'csv', 'json', 'dot', 'mermaid'] as const;

/** One of the diff format names. */
export type DiffOutputFormat = typeof DIFF_OUTPUT_FORMATS[number];

/** The writers by format; the pictures are drawn whole, then written. */
const WRITERS: { [F in DiffOutputFormat]: (diff: DiffEntries, write: Write) => void } = {
  'txt': writeDiffText,
  'md': writeDiffMarkdown,
  'md-np-guard': writeDiffMarkdownNpGuard,
  'csv': writeDiffCsv,
  'json': writeDiffJson,
  'dot': (diff, write) => write(formatDiffDot(diff)),
  'mermaid': (diff, write) => write(formatDiffMermaid(diff)),
};

function checkFormat(format: string): DiffOutputFormat {
  if (!(DIFF_OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new Error(`unknown diff output format "${format}"; use one of ${DIFF_OUTPUT_FORMATS.join(', ')}`);
  }
  return format as DiffOutputFormat;
}

/** Renders a diff in the named format; throws for an unknown name, listing the known ones. */
export function formatDiff(diff: DiffEntries, format: string): string {
  const writer = WRITERS[checkFormat(format)];
  return collectText(write => writer(diff, write));
}

/**
 * Writes a diff in the named format, as `formatDiff` renders it, entry by entry (the text formats and JSON), so the
 * output of a large diff is never held as one string; throws for an unknown name before writing anything.
 */
export function writeDiff(diff: DiffEntries, format: string, write: Write): void {
  WRITERS[checkFormat(format)](diff, write);
}
