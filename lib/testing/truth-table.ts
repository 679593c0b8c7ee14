/**
 * A stable connectivity matrix of a construct tree (or any analysis), for snapshot tests and reviews: one row per
 * source workload, one column per destination, each cell the allowed connections in connlist notation.
 */
import { IConstruct } from 'constructs';
import { Analysis, endpointName } from '../analysis';
import { analyze } from '../cluster-of';

/** Options of `truthTable`. */
export interface TruthTableOptions {
  /** Only these workloads (`namespace/name`), in this order; default every workload, sorted. */
  readonly workloads?: string[];
  /** Show the cell of a workload to itself; default false (shown as `·`). */
  readonly includeSelf?: boolean;
  /**
   * Answer although the tree holds policy kinds the analysis does not model (as `analyze()`'s option); default the
   * app's `Checker.configure(app, { ignoreUnmodelled })`, else false, and such policies make it throw.
   */
  readonly ignoreUnmodelled?: boolean;
}

/** Renders the matrix as fixed-width text: `-` for nothing allowed, `·` for a workload to itself. */
export function truthTable(source: IConstruct | Analysis, options: TruthTableOptions = {}): string {
  const analysis = source instanceof Analysis ? source : analyze(source, { ignoreUnmodelled: options.ignoreUnmodelled });
  const names = options.workloads ?? analysis.workloads().map(endpointName).map(n => n.replace(/\[[^\]]*\]$/, ''));
  const unique = [...new Set(names)];
  const cells = unique.map(from => unique.map(to => {
    if (from === to && !options.includeSelf) return '·';
    const conns = analysis.connectionsBetween(from, to);
    return conns.isEmpty() ? '-' : conns.toString();
  }));
  const header = ['from \\ to', ...unique];
  const rows = unique.map((from, i) => [from, ...cells[i]]);
  const widths = header.map((_, c) => Math.max(...[header, ...rows].map(r => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => cell.padEnd(widths[c])).join(' | ').trimEnd();
  return [line(header), widths.map(w => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n') + '\n';
}
