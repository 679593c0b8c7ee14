/**
 * A diff larger than it keeps (`streamConnectivityDiff` with `keepEntries`): its counts are known at once, and its
 * entries are read again from the two analyses, in the diff's order, each time they are iterated. Checked against
 * `diffConnectivity` (which keeps every entry, and is itself checked against a straightforward diff in
 * streaming.test.ts), through the writers and the CLI, where a diff of more than `DIFF_ENTRIES_KEPT` entries is
 * written as it is read.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import {
  ConnectionDiff, ConnectionSet, DIFF_ENTRIES_KEPT, DIFF_OUTPUT_FORMATS, DIFF_TYPES, diffConnectivity, DiffStream, DiffType, endpointName, formatDiff,
  formatDiffMarkdown, formatGroupedDiff, groupDiffByNamespace, streamConnectivityDiff,
} from '../../lib/analysis';
import { DIFF_FAIL_ON, DiffFailOn, failingEntries } from '../../lib/cli/diff';
import { loadPaths } from '../../lib/model/load';
import { cli } from '../cli/support';
import { clusterPairArb } from '../support/arbitraries';

const lineOf = (e: ConnectionDiff) => `${e.type} ${endpointName(e.src)} -> ${endpointName(e.dst)} : ${e.oldConns} => ${e.newConns} (+${e.gained} -${e.lost}) [${e.addedOrRemovedWorkloads.map(endpointName).join(' ')}]`;

describe('a diff that keeps none of its entries', () => {
  test('reads the entries of diffConnectivity, in order, every time, with the same counts', () => {
    fc.assert(fc.property(clusterPairArb, ([a, b]) => {
      // GIVEN a random cluster and a mutated copy, and the diff that keeps every entry
      const kept = diffConnectivity(a, b);
      // WHEN diffed keeping none
      const stream = streamConnectivityDiff(a, b, { keepEntries: 0 });
      // THEN it kept nothing (unless there is nothing), and reads the same entries, twice over
      expect(stream.kept).toBe(kept.entries.length === 0);
      const expected = kept.entries.map(lineOf);
      expect([...stream.entries].map(lineOf)).toEqual(expected);
      expect([...stream.entries].map(lineOf)).toEqual(expected);
      // AND the counts, the changed entries that gain, and each type's entries are the kept diff's
      expect(stream.counts).toEqual(kept.counts);
      expect(stream.changedGaining).toBe(kept.entries.filter(e => e.type === 'changed' && !e.gained.isEmpty()).length);
      for (const type of DIFF_TYPES) expect([...stream.entriesOf(type)].map(lineOf)).toEqual(kept.entries.filter(e => e.type === type).map(lineOf));
    }), { numRuns: 150 });
  });

  test('is written and grouped as the diff that keeps them, in every format', () => {
    fc.assert(fc.property(clusterPairArb, ([a, b]) => {
      // GIVEN both diffs of a random pair
      const kept = diffConnectivity(a, b);
      const stream = streamConnectivityDiff(a, b, { keepEntries: 0 });
      // WHEN written in each format, the review Markdown also cut short, and grouped
      // THEN the same text
      for (const format of DIFF_OUTPUT_FORMATS) expect(formatDiff(stream, format)).toBe(formatDiff(kept, format));
      expect(formatDiffMarkdown(stream, { maxLength: 1200 })).toBe(formatDiffMarkdown(kept, { maxLength: 1200 }));
      expect(groupDiffByNamespace(stream)).toEqual(groupDiffByNamespace(kept));
      for (const format of ['txt', 'md', 'json'] as const) {
        expect(formatGroupedDiff(stream, groupDiffByNamespace(stream), format)).toBe(formatGroupedDiff(kept, groupDiffByNamespace(kept), format));
      }
    }), { numRuns: 60 });
  });

  test('keeps its entries up to keepEntries, and refuses a limit that is not a number of entries', () => {
    // GIVEN a pair with a few entries
    const [a, b] = fc.sample(clusterPairArb.filter(([x, y]) => diffConnectivity(x, y).entries.length >= 2), { numRuns: 1, seed: 11 })[0];
    const size = diffConnectivity(a, b).entries.length;
    // WHEN diffed keeping exactly that many, one fewer, and without a limit
    // THEN only the last two keep them
    expect(streamConnectivityDiff(a, b, { keepEntries: size }).kept).toBe(true);
    expect(streamConnectivityDiff(a, b, { keepEntries: size - 1 }).kept).toBe(false);
    expect(streamConnectivityDiff(a, b, { keepEntries: Infinity }).kept).toBe(true);
    for (const bad of [-1, 1.5, NaN]) {
      expect(() => streamConnectivityDiff(a, b, { keepEntries: bad })).toThrow(`keepEntries must be a whole number of entries, 0 or more, or Infinity; got ${bad}`);
    }
  });

  test('the review Markdown reads only the rows it can show of each type', () => {
    // GIVEN a diff of 5,000 added entries that counts what is read of it
    const endpoint = (i: number) => ({ type: 'workload', namespace: 'ns', name: `w${i}`, kind: 'Pod' } as const);
    const kept = diffConnectivity({ connections: [], workloads: [] }, {
      connections: Array.from({ length: 5000 }, (_, i) => ({ src: endpoint(i), dst: endpoint(i + 1), conns: ConnectionSet.ALL })),
      workloads: Array.from({ length: 5001 }, (_, i) => endpoint(i)),
    });
    let read = 0;
    const counting: DiffStream = {
      counts: kept.counts, changedGaining: 0, kept: false, typesWithOneSidedWorkloads: ['added'],
      entries: { [Symbol.iterator]: () => { throw new Error('the writer should read the entries by type'); } },
      *entriesOf(type: DiffType) {
        for (const e of kept.entries) if (e.type === type) { read++; yield e; }
      },
    };
    // WHEN written as the review Markdown, cut at 2,000 characters
    const text = formatDiffMarkdown(counting, { maxLength: 2000 });
    // THEN no more than a tenth of the limit (and a few) were read, and the text is the kept diff's
    expect(read).toBeLessThanOrEqual(202);
    expect(text).toBe(formatDiffMarkdown(kept, { maxLength: 2000 }));
    expect(text).toContain('Newly allowed (5,000)');
  });
});

describe('--fail-on, from the counts', () => {
  test('counts the entries of the kinds it names, as filtering the entries does', () => {
    const subsets = fc.subarray([...DIFF_FAIL_ON], { minLength: 1 });
    fc.assert(fc.property(clusterPairArb, subsets, ([a, b], failOn: DiffFailOn[]) => {
      // GIVEN a diff kept and one that keeps nothing
      const kept = diffConnectivity(a, b);
      const stream = streamConnectivityDiff(a, b, { keepEntries: 0 });
      // WHEN the failing entries are counted
      // THEN as many as the entries that match a named kind (gained: anything newly allowed)
      const expected = kept.entries.filter(e => failOn.some(f => f === 'any' || f === e.type || (f === 'gained' && !e.gained.isEmpty()))).length;
      expect(failingEntries(kept, failOn)).toBe(expected);
      expect(failingEntries(stream, failOn)).toBe(expected);
    }), { numRuns: 100 });
  });

  test('counts, for gained, the changed entries that allow something new (and not those that only lose)', () => {
    // GIVEN pairs whose diff has a changed entry that gains (rare among random pairs, so they are picked out)
    const gaining = clusterPairArb.filter(([a, b]) => diffConnectivity(a, b).entries.some(e => e.type === 'changed' && !e.gained.isEmpty()));
    fc.assert(fc.property(gaining, ([a, b]) => {
      const kept = diffConnectivity(a, b);
      const stream = streamConnectivityDiff(a, b, { keepEntries: 0 });
      // WHEN counted for gained
      // THEN every added entry and the changed ones that gain
      const expected = kept.counts.added + kept.entries.filter(e => e.type === 'changed' && !e.gained.isEmpty()).length;
      expect(failingEntries(stream, ['gained'])).toBe(expected);
      expect(failingEntries(kept, ['gained', 'removed'])).toBe(expected + kept.counts.removed);
    }), { numRuns: 15 });
  });
});

describe('cdk8s-netpol diff of more entries than it keeps', () => {
  // 460 pods in one namespace, isolated both ways by a default deny before, open after: every ordered pair of pods
  // (460 x 459) and each pod's ranges outside the cluster are newly allowed, more than DIFF_ENTRIES_KEPT entries.
  const PODS = 460;
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-diff-bounded-'));
    const pods = Array.from({ length: PODS }, (_, i) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-${i}\n  namespace: big\n  labels:\n    app: a${i % 7}\nspec:\n  containers:\n    - name: c\n      image: nginx\n`);
    const namespace = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: big\n';
    const deny = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: big\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n';
    fs.writeFileSync(path.join(dir, 'old.yaml'), [namespace, ...pods, deny].join('---\n'));
    fs.writeFileSync(path.join(dir, 'new.yaml'), [namespace, ...pods].join('---\n'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const side = (name: string) => loadPaths([path.join(dir, name)]).cluster;

  test('writes every entry as the library\'s kept diff does', async () => {
    // GIVEN the diff the library keeps whole
    const kept = diffConnectivity(side('old.yaml'), side('new.yaml'));
    expect(kept.entries.length).toBeGreaterThan(DIFF_ENTRIES_KEPT);
    expect(kept.counts).toEqual({ changed: 0, added: kept.entries.length, removed: 0 });
    // WHEN the CLI writes it, as text and as JSON
    const txt = await cli('diff', path.join(dir, 'old.yaml'), path.join(dir, 'new.yaml'));
    const json = await cli('diff', path.join(dir, 'old.yaml'), path.join(dir, 'new.yaml'), '--output', 'json');
    // THEN the same text, and a JSON document with the counts and every entry
    expect(txt.code).toBe(0);
    expect(txt.stdout).toBe(formatDiff(kept, 'txt'));
    const doc = JSON.parse(json.stdout);
    expect(doc.counts).toEqual(kept.counts);
    expect(doc.diffs.length).toBe(kept.entries.length);
    expect(doc.diffs[doc.diffs.length - 1].src).toBe(endpointName(kept.entries[kept.entries.length - 1].src));
  });

  test('summarises it in a cut review comment and by namespace, judges --fail-on, and refuses to draw it', async () => {
    const args = ['diff', path.join(dir, 'old.yaml'), path.join(dir, 'new.yaml')];
    const total = PODS * (PODS - 1) + 2 * PODS;
    // WHEN written as the review Markdown, grouped, with --fail-on gained, and as a picture
    const md = await cli(...args, '--output', 'md');
    const grouped = await cli(...args, '--group', 'namespace', '--output', 'json');
    const failing = await cli(...args, '--fail-on', 'gained,removed');
    const dot = await cli(...args, '--output', 'dot');
    // THEN the comment counts every entry and fits GitHub's limit
    expect(md.code).toBe(0);
    expect(md.stdout.startsWith(`**Connectivity diff:** ${total.toLocaleString('en-US')} connections newly allowed, 0 changed, 0 removed.`)).toBe(true);
    expect(md.stdout.length).toBeLessThanOrEqual(65536);
    // AND the groups hold every pair: pod to pod in the namespace, and the namespace with the ranges outside
    const doc = JSON.parse(grouped.stdout);
    expect(doc.groups.map((g: { src: string; dst: string; pairs: number }) => [g.src, g.dst, g.pairs])).toEqual([
      ['0.0.0.0-255.255.255.255[External]', 'big', PODS],
      ['big', '0.0.0.0-255.255.255.255[External]', PODS],
      ['big', 'big', PODS * (PODS - 1)],
    ]);
    // AND --fail-on counts them all
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain(`the diff has ${total} entries of the kinds --fail-on gained,removed names (of ${total} added, 0 changed, 0 removed)`);
    // AND a picture is refused, with what to use instead
    expect(dot.code).toBe(2);
    expect(dot.stdout).toBe('');
    expect(dot.stderr).toContain(`the diff has ${total.toLocaleString('en-US')} entries, too many to draw (a picture holds every entry; at most 200,000): use --group namespace --output md`);
  });
});
