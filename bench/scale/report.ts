/**
 * The scale benchmark's results and their tables: per size and command the median wall and CPU time, the peak RSS,
 * the ratio to the library analysis of the same cluster (median [min, max] over rounds), the output size and the
 * budget's verdict; the growth factor per doubling of the cluster; and the budgets per size.
 */
import { RunStatus } from './measure';

/** What the ratios, the budgets and the growth factors are computed on. */
export type Basis = 'cpu' | 'wall';

/** One measurement of a row (one round). */
export interface Sample {
  /** How the run ended. */
  readonly status: RunStatus;
  /** Why it did not end OK. */
  readonly message?: string;
  /** Wall seconds. */
  readonly wall: number;
  /** CPU seconds. */
  readonly cpu: number;
  /** Peak RSS of the process, bytes (0: not measured). */
  readonly maxRss: number;
  /** Bytes of output (commands only). */
  readonly outputBytes?: number;
  /** The basis time over the library analysis's basis time of the same round. */
  readonly ratio?: number;
  /** For explain: its basis seconds minus the library's load of the same round (an estimate of the time after loading). */
  readonly afterLoad?: number;
  /** The process ran lib/ through ts-node (a source was newer than the compiled JavaScript): seconds of start-up more. */
  readonly tsNode?: boolean;
}

/** How a row is judged. */
export type Budget =
  /** Median ratio to the library analysis at most `max`. */
  | { readonly kind: 'ratio'; readonly max: number; readonly text: string }
  /** Median wall seconds under `max`. */
  | { readonly kind: 'seconds'; readonly max: number; readonly text: string }
  /**
   * Median `afterLoad` seconds, shown against `max` but not judged: the difference of two processes' times swings by
   * more than the budget on a shared machine.
   */
  | { readonly kind: 'estimate'; readonly max: number; readonly text: string };

/** One line of a size's table: a command, or a step of the library baseline. */
export interface Row {
  /** The command (`analyze -o json`) or step (`library: analysis`). */
  readonly name: string;
  /** The rounds' measurements. */
  readonly samples: Sample[];
  /** Why there are fewer samples than rounds (skipped, or not repeated after a failure). */
  note?: string;
  /** The budget, if the issue sets one. */
  readonly budget?: Budget;
}

/** The results of one cluster size. */
export interface SizeReport {
  /** Pods. */
  readonly pods: number;
  /** Namespaces. */
  readonly namespaces: number;
  /** NetworkPolicies. */
  readonly policies: number;
  /** Connections of the analysis (0 if the library baseline failed). */
  connections: number;
  /** Bytes of manifests (one version). */
  readonly manifestBytes: number;
  /** The rows, library steps first. */
  readonly rows: Row[];
}

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Seconds, with fewer decimals as they grow. */
export function seconds(s: number): string {
  return s < 1 ? `${s.toFixed(3)} s` : s < 10 ? `${s.toFixed(2)} s` : `${s.toFixed(1)} s`;
}

/** Bytes in B, KB, MB or GB (powers of 1,000 for output sizes). */
export function bytes(b: number): string {
  if (b < 1e3) return `${b} B`;
  if (b < 1e6) return `${(b / 1e3).toFixed(1)} KB`;
  if (b < 1e9) return `${(b / 1e6).toFixed(1)} MB`;
  return `${(b / 1e9).toFixed(2)} GB`;
}

/** Memory in MiB or GiB. */
export function memory(b: number): string {
  return b >= 1024 ** 3 ? `${(b / 1024 ** 3).toFixed(2)} GiB` : `${Math.round(b / 1024 ** 2)} MiB`;
}

/** A count with thousands separators. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

const ok = (row: Row) => row.samples.filter(s => s.status === RunStatus.OK);

/** The row's median basis time over its successful samples, if any. */
export function medianTime(row: Row, basis: Basis): number | undefined {
  const good = ok(row);
  return good.length > 0 ? median(good.map(s => s[basis])) : undefined;
}

/** The first failure of the row, as "status: message". */
function failure(row: Row): string | undefined {
  const bad = row.samples.find(s => s.status !== RunStatus.OK);
  return bad ? `${bad.status}${bad.message ? ` (${bad.message})` : ''}` : undefined;
}

/** A failure message cut to its gist: `exit 2: internal error: Invalid string length`. */
function shortReason(message: string): string {
  const gist = message.replace('cdk8s-netpol: ', '').replace(/ \(this is a bug.*$/, '');
  return gist.length > 80 ? `${gist.slice(0, 77)}...` : gist;
}

/** A budget's verdict: PASS or FAIL on a measured value, FAIL for a failed run (with the reason), or no verdict. */
interface Judgement {
  /** `PASS`, `FAIL`, `not judged`, or `not run` with the reason. */
  readonly verdict: string;
  /** The measured value the verdict rests on (`7.01x`, `0.380 s`). */
  readonly value?: string;
  /** Why a run failed. */
  readonly reason?: string;
}

/** Judges the row against its budget; undefined for a row without one. */
function judge(row: Row): Judgement | undefined {
  const b = row.budget;
  if (!b) return undefined;
  if (row.samples.length === 0) return { verdict: `not run${row.note ? `: ${row.note}` : ''}` };
  const bad = row.samples.find(s => s.status !== RunStatus.OK);
  if (bad) return { verdict: 'FAIL', reason: bad.status === RunStatus.FAILED && bad.message ? shortReason(bad.message) : bad.status };
  if (b.kind === 'ratio') {
    const value = median(row.samples.map(s => s.ratio ?? Infinity));
    return { verdict: value <= b.max ? 'PASS' : 'FAIL', value: `${value.toFixed(2)}x` };
  }
  if (b.kind === 'seconds') {
    const value = median(row.samples.map(s => s.wall));
    return { verdict: value < b.max ? 'PASS' : 'FAIL', value: seconds(value) };
  }
  const estimates = row.samples.map(s => s.afterLoad).filter((v): v is number => v !== undefined);
  return estimates.length > 0 ? { verdict: 'not judged', value: `≈ ${seconds(median(estimates))}` } : { verdict: 'not judged' };
}

/** A judgement as text; with `budget`, the value is followed by the budget: `FAIL (7.01x, <= 2x analysis)`. */
function judgementText(j: Judgement, budget?: Budget): string {
  if (j.reason) return `${j.verdict}: ${j.reason}`;
  if (j.value) return `${j.verdict} (${j.value}${budget ? `, ${budget.text}` : ''})`;
  return j.verdict;
}

/** The verdict of the row's budget with the value and the budget, e.g. `FAIL (7.01x, <= 2x analysis)`; '' without one. */
export function verdict(row: Row): string {
  const j = judge(row);
  return j ? judgementText(j, row.budget) : '';
}

function spread(values: number[]): string {
  return `${median(values).toFixed(2)}x [${Math.min(...values).toFixed(2)}, ${Math.max(...values).toFixed(2)}]`;
}

/** The cells of a row: wall, CPU, peak RSS, ratio, output, budget; a failed row says why in the ratio cell. */
function cells(row: Row): string[] {
  const good = ok(row);
  if (good.length === 0) {
    const tsNode = row.samples.some(s => s.tsNode) ? '; lib/ through ts-node' : '';
    const why = failure(row) ? `${failure(row)}${row.note ? `; ${row.note}` : ''}${tsNode}` : `not run${row.note ? `: ${row.note}` : ''}`;
    const first = row.samples[0];
    const time = first && first.status !== RunStatus.TIMEOUT ? seconds(first.wall) : first ? `> ${seconds(first.wall)}` : '';
    return [time, first?.cpu ? seconds(first.cpu) : '', first?.maxRss ? memory(first.maxRss) : '', why, '', first ? verdict(row) : ''];
  }
  const ratios = good.map(s => s.ratio).filter((r): r is number => r !== undefined);
  const outputs = good.map(s => s.outputBytes).filter((b): b is number => b !== undefined);
  const rss = Math.max(...good.map(s => s.maxRss));
  const tsNode = row.samples.filter(s => s.tsNode).length;
  const notes = [
    failure(row) ? `; also ${failure(row)}` : '', row.note ? `; ${row.note}` : '',
    tsNode > 0 ? `; lib/ through ts-node in ${tsNode} of ${row.samples.length}` : '',
  ].join('');
  return [
    seconds(median(good.map(s => s.wall))), seconds(median(good.map(s => s.cpu))), rss > 0 ? memory(rss) : '',
    `${ratios.length > 0 ? spread(ratios) : ''}${notes}`, outputs.length > 0 ? bytes(median(outputs)) : '', verdict(row),
  ];
}

/** How the measured processes loaded lib/: `compiled`, or how many ran it through ts-node. */
export function libModes(sizes: readonly SizeReport[]): string {
  const samples = sizes.flatMap(size => size.rows.flatMap(row => row.samples));
  const tsNode = samples.filter(s => s.tsNode).length;
  return tsNode === 0 ? 'compiled' : `compiled, but ${tsNode} of ${samples.length} measurements ran it through ts-node (marked)`;
}

/** The header line of a size. */
export function sizeHeader(size: SizeReport): string {
  return `${count(size.pods)} pods, ${count(size.namespaces)} namespaces, ${count(size.policies)} NetworkPolicies, `
    + `${bytes(size.manifestBytes)} of YAML, ${count(size.connections)} connections`;
}

/** A size's results as an aligned text table. */
export function sizeTable(size: SizeReport, basis: Basis, rounds: number): string {
  const header = ['', 'wall', 'CPU', 'peak RSS', `x analysis (${basis})`, 'output', 'budget'];
  const lines = [header, ...size.rows.map(r => [r.name, ...cells(r)])];
  const widths = header.map((_, i) => Math.max(...lines.map(l => l[i].length)));
  const text = lines.map(l => l.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : i === 4 || i === 6 ? c : c.padStart(widths[i]))).join('  ').trimEnd());
  return [`${sizeHeader(size)}; median of ${rounds} round${rounds === 1 ? '' : 's'} (peak RSS: max)`, ...text].join('\n');
}

/** A table cell's text with the characters markdown tables take for structure escaped. */
function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** All sizes' results as one markdown table. */
export function markdownResults(sizes: readonly SizeReport[], basis: Basis): string {
  const lines = [
    `| pods | command | wall | CPU | peak RSS | x analysis (${basis}) | output | budget |`,
    '| ---: | --- | ---: | ---: | ---: | --- | ---: | --- |',
  ];
  for (const size of sizes) {
    size.rows.forEach((row, i) => lines.push(`| ${i === 0 ? count(size.pods) : ''} | ${row.name} | ${cells(row).map(escapeCell).join(' | ')} |`));
  }
  return lines.join('\n');
}

/**
 * The growth factor per doubling of every row between consecutive sizes: (t(N2) / t(N1)) ^ (1 / log2(N2 / N1)) of
 * the median basis times, so a linear cost shows 2.0 and a quadratic one 4.0 whatever the step.
 */
export function markdownGrowth(sizes: readonly SizeReport[], basis: Basis): string {
  if (sizes.length < 2) return '(one size only: no growth factor)';
  const steps = sizes.slice(1).map((s, i) => [sizes[i], s] as const);
  const names = sizes[0].rows.map(r => r.name);
  const lines = [
    `| command (${basis} time) | ${steps.map(([a, b]) => `${count(a.pods)} → ${count(b.pods)}`).join(' | ')} |`,
    `| --- | ${steps.map(() => '---:').join(' | ')} |`,
  ];
  for (const name of names) {
    const factors = steps.map(([a, b]) => {
      const ta = a.rows.find(r => r.name === name);
      const tb = b.rows.find(r => r.name === name);
      const ma = ta && medianTime(ta, basis);
      const mb = tb && medianTime(tb, basis);
      if (!ma || !mb) return '—';
      return `${Math.pow(mb / ma, 1 / Math.log2(b.pods / a.pods)).toFixed(2)}x`;
    });
    lines.push(`| ${name} | ${factors.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The budgets per size: PASS or FAIL with the value. */
export function markdownBudgets(sizes: readonly SizeReport[]): string {
  const names = sizes[0]?.rows.filter(r => r.budget).map(r => r.name) ?? [];
  const lines = [
    `| command | budget | ${sizes.map(s => `${count(s.pods)} pods`).join(' | ')} |`,
    `| --- | --- | ${sizes.map(() => '---').join(' | ')} |`,
  ];
  for (const name of names) {
    const budget = sizes[0].rows.find(r => r.name === name)!.budget!;
    const verdicts = sizes.map(s => {
      const row = s.rows.find(r => r.name === name);
      const j = row && judge(row);
      return j ? escapeCell(judgementText(j)) : '';
    });
    lines.push(`| ${name} | ${budget.text} | ${verdicts.join(' | ')} |`);
  }
  return lines.join('\n');
}
