/**
 * The review Markdown (`diff --output md`) is posted as a pull-request comment, whose body GitHub caps at 65,536
 * characters: a longer diff is cut at a row, and a closing note counts what was left out.
 */
import * as fc from 'fast-check';
import { ConnectionSet, diffConnectivity, Endpoint, formatDiffMarkdown, PR_COMMENT_MAX_LENGTH, WorkloadEndpoint } from '../../lib/analysis';
import { Protocol } from '../../lib/model/types';

const workload = (namespace: string, name: string): WorkloadEndpoint => ({ type: 'workload', namespace, name, kind: 'Deployment' });
const tcp = (port: number) => ConnectionSet.port(Protocol.TCP, port);

/**
 * Two versions of a cluster of `2 * (added + changed + removed)` workloads whose diff has that many entries of each
 * kind: pair i connects `ns-i/client` to `ns-i/server` on TCP 80 before, on 80 and 443 after (changed), only after
 * (added) or only before (removed).
 */
function diffOf(added: number, changed: number, removed: number) {
  const before: { src: Endpoint; dst: Endpoint; conns: ConnectionSet }[] = [];
  const after: typeof before = [];
  const workloads: WorkloadEndpoint[] = [];
  const kinds = [...Array(added).fill('added'), ...Array(changed).fill('changed'), ...Array(removed).fill('removed')];
  kinds.forEach((kind, i) => {
    const ns = `ns-${String(i).padStart(5, '0')}`;
    const [src, dst] = [workload(ns, 'client'), workload(ns, 'server')];
    workloads.push(src, dst);
    if (kind !== 'added') before.push({ src, dst, conns: tcp(80) });
    if (kind !== 'removed') after.push({ src, dst, conns: kind === 'changed' ? tcp(80).union(tcp(443)) : tcp(80) });
  });
  return diffConnectivity({ connections: before, workloads }, { connections: after, workloads });
}

/** The table rows of a review Markdown, by section title. */
function rowsBySection(text: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  let title = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('### ')) rows.set(title = line.replace(/^### (.*) \(\d+\)$/, '$1'), []);
    else if (line.startsWith('| ') && !line.startsWith('| source |')) rows.get(title)!.push(line);
  }
  return rows;
}

describe('the review Markdown fits a pull-request comment', () => {
  test('a diff longer than the limit is cut at a row, keeps the full counts, and its note counts the rows left out', () => {
    fc.assert(fc.property(fc.nat(120), fc.nat(120), fc.nat(120), fc.integer({ min: 1_000, max: 12_000 }), (added, changed, removed, maxLength) => {
      // GIVEN a diff, written whole and within a limit
      const diff = diffOf(added, changed, removed);
      const whole = formatDiffMarkdown(diff, { maxLength: Infinity });
      const cut = formatDiffMarkdown(diff, { maxLength });
      // THEN it is never longer than the limit, and is the whole text when that fits
      expect(cut.length).toBeLessThanOrEqual(maxLength);
      if (whole.length <= maxLength) {
        expect(cut).toBe(whole);
        return;
      }
      // AND otherwise it is the whole text up to the end of a row, then the note
      const at = cut.indexOf('\n_Cut to fit a pull-request comment');
      expect(at).toBeGreaterThan(0);
      expect(whole.startsWith(cut.slice(0, at))).toBe(true);
      expect(cut.slice(0, at).endsWith('|\n') || !cut.slice(0, at).includes('|')).toBe(true);
      expect(cut.split('\n')[0]).toBe(whole.split('\n')[0]);
      // AND the note names, per kind, how many of its rows are missing
      const [shown, all] = [rowsBySection(cut), rowsBySection(whole)];
      const missing = ([['Newly allowed', 'newly allowed'], ['Changed', 'changed'], ['Removed', 'removed']] as const)
        .map(([title, kind]) => [all.get(title)?.length ?? 0, shown.get(title)?.length ?? 0, kind] as const)
        .filter(([total, seen]) => seen < total)
        .map(([total, seen, kind]) => `${(total - seen).toLocaleString('en-US')} ${kind}`);
      const list = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}`;
      expect(cut.slice(at)).toBe(`\n_Cut to fit a pull-request comment (${maxLength.toLocaleString('en-US')} characters): ${list} rows are not shown. `
        + 'For every row, run the same `cdk8s-netpol diff` with `--output txt` or `--output json`; `--group namespace` gives one row per pair of namespaces._\n');
    }), { numRuns: 150 });
  });

  test('by default the limit is GitHub\'s 65,536 characters', () => {
    // GIVEN a diff of 3,000 removed connections (about 180,000 characters whole)
    const diff = diffOf(0, 0, 3_000);
    // WHEN written with the default options
    const text = formatDiffMarkdown(diff);
    // THEN it is cut to the comment limit, and says so
    expect(PR_COMMENT_MAX_LENGTH).toBe(65_536);
    expect(formatDiffMarkdown(diff, { maxLength: Infinity }).length).toBeGreaterThan(150_000);
    expect(text.length).toBeLessThanOrEqual(65_536);
    expect(text.length).toBeGreaterThan(60_000);
    expect(text).toMatch(/\n_Cut to fit a pull-request comment \(65,536 characters\): 2,\d{3} removed rows are not shown\./);
    expect(text.split('\n')[0]).toBe('**Connectivity diff:** 0 connections newly allowed, 0 changed, 3,000 removed.');
    expect(text).toContain('\n### Removed (3,000)\n');
  });

  test.each([[999], [0], [-1], [1500.5], [Number.NaN]])('refuses maxLength %p, naming what is allowed', maxLength => {
    expect(() => formatDiffMarkdown(diffOf(1, 0, 0), { maxLength })).toThrow(
      `maxLength: ${maxLength} is not allowed; use a whole number of characters of at least 1,000 (GitHub's comment limit is 65,536), or Infinity for every row`);
  });
});
