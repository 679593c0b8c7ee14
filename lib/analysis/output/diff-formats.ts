/** The output formats of a connectivity diff, by name. */
import type { ConnectivityDiff } from '../diff';
import { formatDiffDot, formatDiffMermaid } from './diff-graph';
import { formatDiffJson } from './diff-json';
import { formatDiffMarkdown } from './diff-markdown';
import { formatDiffCsv, formatDiffMarkdownNpGuard, formatDiffText } from './diff-np-guard';

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

const FORMATTERS: { [F in DiffOutputFormat]: (diff: ConnectivityDiff) => string } = {
  'txt': formatDiffText,
  'md': formatDiffMarkdown,
  'md-np-guard': formatDiffMarkdownNpGuard,
  'csv': formatDiffCsv,
  'json': formatDiffJson,
  'dot': formatDiffDot,
  'mermaid': formatDiffMermaid,
};

/** Renders a diff in the named format; throws for an unknown name, listing the known ones. */
export function formatDiff(diff: ConnectivityDiff, format: string): string {
  if (!(DIFF_OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new Error(`unknown diff output format "${format}"; use one of ${DIFF_OUTPUT_FORMATS.join(', ')}`);
  }
  return FORMATTERS[format as DiffOutputFormat](diff);
}
