/**
 * The streaming diff (`diffConnectivity` reads two analyses source by source, and snapshots one connection at a time)
 * against a straightforward diff of the two materialised lists, on random pairs of clusters: a cluster and a mutated
 * copy (policies removed or added, workloads removed, added or relabelled), so the two sides share most names and cut
 * the address space at different ipBlock boundaries.
 *
 * The reference joins pairs by name in a Map, and compares each workload's external ranges per direction over the
 * elementary intervals of both sides' boundaries (no sweep), merging neighbouring intervals with the same (before,
 * after) connections.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import {
  Analysis, Connection, ConnectionDiff, ConnectionSet, DIFF_OUTPUT_FORMATS, diffConnectivity, Endpoint, endpointName, formatDiff, toJsonDiff,
  workloadsDiffInfo, writeDiff,
} from '../../lib/analysis';
import { formatAddress } from '../../lib/model/cidr';
import { loadPaths } from '../../lib/model/load';
import { cli } from '../cli/support';
import { Protocol } from '../../lib/model/types';
import { clusterPairArb } from '../support/arbitraries';

/** An entry as one line with every field: type, ends, old and new, gained and lost, workload info. */
function entryLine(e: { type: string; src: string; dst: string; oldConns: ConnectionSet; newConns: ConnectionSet; info: string }): string {
  return `${e.type} ${e.src} -> ${e.dst} : ${e.oldConns} => ${e.newConns} (+${e.newConns.subtract(e.oldConns)} -${e.oldConns.subtract(e.newConns)}) [${e.info}]`;
}

function lineOf(e: ConnectionDiff): string {
  return entryLine({ type: e.type, src: endpointName(e.src), dst: endpointName(e.dst), oldConns: e.oldConns, newConns: e.newConns, info: workloadsDiffInfo(e) });
}

function ipv4(text: string): number {
  return text.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** The straightforward diff of two materialised connection lists, as sorted entry lines. */
function referenceDiff(before: Analysis, after: Analysis): string[] {
  const sides = [before, after];
  const workloads = sides.map(a => new Set(a.workloads().map(endpointName)));
  const pairs = new Map<string, { src: Endpoint; dst: Endpoint; conns: ConnectionSet[] }>();
  // Per workload and direction: the ranges of each side.
  const ranges = new Map<string, { workload: Endpoint; egress: boolean; sides: { first: number; last: number; conns: ConnectionSet }[][] }>();
  sides.forEach((analysis, side) => {
    for (const c of analysis.connections()) {
      const external = c.src.type === 'external' ? c.src : c.dst.type === 'external' ? c.dst : undefined;
      if (external) {
        const workload = external === c.dst ? c.src : c.dst;
        const key = `${external === c.dst ? '>' : '<'}${endpointName(workload)}`;
        const entry = ranges.get(key) ?? { workload, egress: external === c.dst, sides: [[], []] };
        entry.sides[side].push({ first: ipv4(external.first), last: ipv4(external.last), conns: c.conns });
        ranges.set(key, entry);
        continue;
      }
      const key = `${endpointName(c.src)} ${endpointName(c.dst)}`;
      const pair = pairs.get(key) ?? { src: c.src, dst: c.dst, conns: [ConnectionSet.NONE, ConnectionSet.NONE] };
      pair.conns[side] = pair.conns[side].union(c.conns);
      pairs.set(key, pair);
    }
  });
  const out: { rank: number; src: string; dst: string; line: string }[] = [];
  const add = (src: Endpoint, dst: Endpoint, oldConns: ConnectionSet, newConns: ConnectionSet) => {
    if (oldConns.equals(newConns)) return;
    const type = oldConns.isEmpty() ? 'added' : newConns.isEmpty() ? 'removed' : 'changed';
    const other = workloads[type === 'added' ? 0 : 1];
    const gone = type === 'changed' ? [] : [src, dst].filter(e => e.type === 'workload' && !other.has(endpointName(e)));
    const info = gone.length ? `workload ${gone.map(endpointName).join(' and ')} ${type}` : '';
    const [s, d] = [endpointName(src), endpointName(dst)];
    out.push({ rank: ['changed', 'added', 'removed'].indexOf(type), src: s, dst: d, line: entryLine({ type, src: s, dst: d, oldConns, newConns, info }) });
  };
  for (const p of pairs.values()) add(p.src, p.dst, p.conns[0], p.conns[1]);
  for (const r of ranges.values()) {
    // Every boundary of both sides; between two neighbours, each side has one set of connections (or none).
    const cuts = [...new Set([0, 2 ** 32, ...r.sides.flatMap(list => list.flatMap(x => [x.first, x.last + 1]))])].sort((a, b) => a - b);
    const at = (side: number, address: number) => r.sides[side].find(x => x.first <= address && address <= x.last)?.conns ?? ConnectionSet.NONE;
    const runs: { first: number; last: number; before: ConnectionSet; after: ConnectionSet }[] = [];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const before = at(0, cuts[i]);
      const after = at(1, cuts[i]);
      const last = runs[runs.length - 1];
      if (last && last.before.equals(before) && last.after.equals(after)) last.last = cuts[i + 1] - 1;
      else runs.push({ first: cuts[i], last: cuts[i + 1] - 1, before, after });
    }
    for (const run of runs) {
      const range: Endpoint = { type: 'external', first: formatAddress(BigInt(run.first), 4), last: formatAddress(BigInt(run.last), 4) };
      if (r.egress) add(r.workload, range, run.before, run.after);
      else add(range, r.workload, run.before, run.after);
    }
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return out.sort((a, b) => a.rank - b.rank || cmp(a.src, b.src) || cmp(a.dst, b.dst)).map(e => e.line);
}

describe('the streaming diff equals a straightforward diff of the materialised connection lists', () => {
  test('on a random cluster and a mutated copy, in both directions', () => {
    fc.assert(fc.property(clusterPairArb, ([a, b]) => {
      // GIVEN two versions of a cluster, analysed
      const before = Analysis.of(a);
      const after = Analysis.of(b);
      // WHEN diffed by streaming (fresh analyses: nothing materialised) and by the reference
      const streamed = diffConnectivity(Analysis.of(a), Analysis.of(b)).entries.map(lineOf);
      const reversed = diffConnectivity(Analysis.of(b), Analysis.of(a)).entries.map(lineOf);
      // THEN the same entries in the same order, both ways
      expect(streamed).toEqual(referenceDiff(before, after));
      expect(reversed).toEqual(referenceDiff(after, before));
    }), { numRuns: 150 });
  });

  test('with workloads treated alike on one side and not on the other (a twin of each workload, left as it was)', () => {
    // GIVEN a pair where each workload of the first cluster has a twin (same namespace, labels and ports: the same
    // class) on both sides, so that where the second cluster relabelled or dropped a workload, its twin did not follow
    const twinned = clusterPairArb.map(([a, b]) => {
      const twins = a.workloads.map(w => ({ ...w, name: `${w.name}-twin` }));
      return [{ ...a, workloads: [...a.workloads, ...twins] }, { ...b, workloads: [...b.workloads, ...twins] }];
    });
    fc.assert(fc.property(twinned, ([a, b]) => {
      // WHEN diffed both ways
      // THEN the entries of the reference
      expect(diffConnectivity(Analysis.of(a), Analysis.of(b)).entries.map(lineOf)).toEqual(referenceDiff(Analysis.of(a), Analysis.of(b)));
      expect(diffConnectivity(Analysis.of(b), Analysis.of(a)).entries.map(lineOf)).toEqual(referenceDiff(Analysis.of(b), Analysis.of(a)));
    }), { numRuns: 150 });
  });

  test('cluster models, analyses and shuffled snapshots of the same pair give the same diff', () => {
    fc.assert(fc.property(clusterPairArb, fc.integer(), ([a, b], seed) => {
      // GIVEN a pair as models (sharing policy objects when the copy kept them all), as analyses, and as snapshots
      // whose connections are listed in a scrambled order, each workload pair's TCP ports apart from its other ports
      const tcp = ConnectionSet.protocol(Protocol.TCP);
      const split = (c: Connection): Connection[] => {
        const [inTcp, rest] = [c.conns.intersect(tcp), c.conns.subtract(tcp)];
        return c.src.type === 'workload' && c.dst.type === 'workload' && !inTcp.isEmpty() && !rest.isEmpty() ? [{ ...c, conns: rest }, { ...c, conns: inTcp }] : [c];
      };
      const scramble = (analysis: Analysis) => {
        const connections: Connection[] = analysis.connections().flatMap(split).map((c, i) => ({ c, k: (i * 7919 + seed) % 104729 })).sort((x, y) => x.k - y.k).map(x => x.c);
        return { connections, workloads: analysis.workloads() };
      };
      const expected = diffConnectivity(Analysis.of(a), Analysis.of(b)).entries.map(lineOf);
      // WHEN diffed from each form
      // THEN the same entries
      expect(diffConnectivity(a, b).entries.map(lineOf)).toEqual(expected);
      expect(diffConnectivity(scramble(Analysis.of(a)), scramble(Analysis.of(b))).entries.map(lineOf)).toEqual(expected);
    }), { numRuns: 100 });
  });
});

describe('what the streaming diff keeps', () => {
  test('reads each analysis\'s connections one at a time and never materialises the lists', () => {
    // GIVEN a random pair of clusters whose diff is not empty
    const [a, b] = fc.sample(clusterPairArb.filter(([x, y]) => diffConnectivity(x, y).entries.length > 0), { numRuns: 1, seed: 42 })[0];
    const before = Analysis.of(a);
    const after = Analysis.of(b);
    const connections = jest.spyOn(Analysis.prototype, 'connections');
    try {
      // WHEN diffed
      const result = diffConnectivity(before, after);
      // THEN neither side's connections() (the whole list, kept by the analysis) was called
      expect(result.entries.length).toBeGreaterThan(0);
      expect(connections).not.toHaveBeenCalled();
    } finally {
      connections.mockRestore();
    }
  });

  test('refuses an analysis whose connections are not in connection-list order, naming the two out of order', () => {
    // GIVEN an analysis-like object listing b -> a before a -> b
    const a = { type: 'workload', namespace: 'ns', name: 'a', kind: 'Pod' } as const;
    const b = { type: 'workload', namespace: 'ns', name: 'b', kind: 'Pod' } as const;
    const tcp = ConnectionSet.port(Protocol.TCP, 80);
    const list = [{ src: b, dst: a, conns: tcp }, { src: a, dst: b, conns: tcp }];
    const unsorted = { connections: () => list, eachConnection: () => list[Symbol.iterator](), workloads: () => [a, b] } as unknown as Analysis;
    // WHEN diffed
    // THEN it throws rather than joining the wrong pairs
    expect(() => diffConnectivity(unsorted, { connections: [], workloads: [a, b] })).toThrow('the old connections are not sorted by source, then destination name: ns/b[Pod] -> ns/a[Pod] comes before ns/a[Pod] -> ns/b[Pod]');
  });
});

describe('the diff formats, written entry by entry', () => {
  test('the JSON written piece by piece is JSON.stringify of the whole document, for random pairs', () => {
    fc.assert(fc.property(clusterPairArb, ([a, b]) => {
      // GIVEN the diff of a random pair
      const diff = diffConnectivity(a, b);
      // WHEN written as JSON
      const pieces: string[] = [];
      writeDiff(diff, 'json', text => { pieces.push(text); });
      // THEN the text is the pretty-printed document, and each entry came as a piece of its own
      expect(pieces.join('')).toBe(`${JSON.stringify(toJsonDiff(diff), null, 2)}\n`);
      expect(pieces.length).toBe(diff.entries.length + 2);
    }), { numRuns: 60 });
  });

  test('every text format is written in one piece per entry or more, and reads as formatDiff renders it', () => {
    // GIVEN a pair of clusters with a few entries
    const [a, b] = fc.sample(clusterPairArb.filter(([x, y]) => diffConnectivity(x, y).entries.length >= 3), { numRuns: 1, seed: 7 })[0];
    const diff = diffConnectivity(a, b);
    for (const format of DIFF_OUTPUT_FORMATS.filter(f => f !== 'dot' && f !== 'mermaid')) {
      // WHEN written
      const pieces: string[] = [];
      writeDiff(diff, format, text => { pieces.push(text); });
      // THEN at least one piece per entry, which together are the rendered text
      expect(pieces.length).toBeGreaterThanOrEqual(diff.entries.length);
      expect(pieces.join('')).toBe(formatDiff(diff, format));
    }
    // AND an unknown format is refused before anything is written
    const written: string[] = [];
    expect(() => writeDiff(diff, 'yaml', text => { written.push(text); })).toThrow('unknown diff output format "yaml"; use one of txt, md, md-np-guard, csv, json, dot, mermaid');
    expect(written).toEqual([]);
  });
});

describe('cdk8s-netpol diff with the same policies on both sides', () => {
  const FIXTURES = path.join(__dirname, 'fixtures');
  const fx = (...parts: string[]) => path.join(FIXTURES, ...parts);

  /** The txt diff of two sets of paths as the library gives it, each side analysed on its own. */
  const expectedTxt = (oldPaths: string[], newPaths: string[]) =>
    formatDiff(diffConnectivity(Analysis.of(loadPaths(oldPaths).cluster), Analysis.of(loadPaths(newPaths).cluster)), 'txt');

  test('compiles the policies once when both sides read equal policies (even from different files), with the same diff', async () => {
    // GIVEN shop's policies on both sides, the new side's copy in another directory, and legacy replaced by tools
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-diff-same-'));
    try {
      fs.copyFileSync(fx('before', 'shop.yaml'), path.join(dir, 'shop.yaml'));
      const oldPaths = [fx('before', 'shop.yaml'), fx('before', 'legacy.yaml')];
      const newPaths = [path.join(dir, 'shop.yaml'), fx('after', 'tools.yaml')];
      const reuse = jest.spyOn(Analysis, '_ofSamePolicies');
      try {
        // WHEN diffed by the CLI
        const result = await cli('diff', '--old', ...oldPaths, '--new', ...newPaths);
        // THEN the new side reused the old side's compiled policies, and the diff is the one of two separate analyses
        expect(reuse).toHaveBeenCalledTimes(1);
        expect(result.stdout).toBe(expectedTxt(oldPaths, newPaths));
        expect(result.stdout).toContain('workload legacy/old-batch[Job] removed');
        expect(result.code).toBe(0);
      } finally {
        reuse.mockRestore();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('analyses each side on its own when the policies differ', async () => {
    // GIVEN the before/ and after/ fixtures, whose policies differ
    const reuse = jest.spyOn(Analysis, '_ofSamePolicies');
    try {
      // WHEN diffed by the CLI
      const result = await cli('diff', fx('before'), fx('after'));
      // THEN nothing is reused
      expect(reuse).not.toHaveBeenCalled();
      expect(result.stdout).toBe(expectedTxt([fx('before')], [fx('after')]));
    } finally {
      reuse.mockRestore();
    }
  });
});
