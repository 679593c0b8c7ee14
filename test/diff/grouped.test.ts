/**
 * `groupDiffByNamespace` against a reference that buckets the diff's text lines: each entry belongs to the group of
 * its kind, its ends' namespaces (an external range is its own group) and its connections before and after.
 */
import * as fc from 'fast-check';
import { ConnectionDiff, diffConnectivity, Endpoint, endpointName, formatGroupedDiff, groupDiffByNamespace } from '../../lib/analysis';
import { clusterPairArb } from '../support/arbitraries';

const groupOf = (e: Endpoint) => (e.type === 'workload' ? e.namespace : endpointName(e));

/** The reference: entries keyed by their group's fields as one line, counted. */
function referenceGroups(entries: readonly ConnectionDiff[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of entries) {
    const line = `${e.type} ${groupOf(e.src)} -> ${groupOf(e.dst)} : ${e.oldConns} => ${e.newConns}`;
    counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return counts;
}

describe('the diff grouped by namespace', () => {
  test('has one group per kind, pair of namespaces and connections before and after, counting its entries', () => {
    fc.assert(fc.property(clusterPairArb, ([a, b]) => {
      // GIVEN the diff of a random cluster and a mutated copy
      const diff = diffConnectivity(a, b);
      // WHEN grouped
      const groups = groupDiffByNamespace(diff);
      // THEN the groups and their counts are the reference's, each group once
      const lines = groups.map(g => `${g.type} ${g.src} -> ${g.dst} : ${g.oldConns} => ${g.newConns}`);
      expect(new Map(groups.map((g, i) => [lines[i], g.pairs]))).toEqual(referenceGroups(diff.entries));
      expect(new Set(lines).size).toBe(groups.length);
      expect(groups.reduce((n, g) => n + g.pairs, 0)).toBe(diff.entries.length);
      // AND each group's gained and lost are what its before and after imply
      for (const g of groups) {
        expect(g.gained.toString()).toBe(g.newConns.subtract(g.oldConns).toString());
        expect(g.lost.toString()).toBe(g.oldConns.subtract(g.newConns).toString());
      }
      // AND they come in the diff's kind order, then by source and destination
      const rank = { changed: 0, added: 1, removed: 2 };
      const keys = groups.map(g => [rank[g.type], g.src, g.dst] as const);
      const sorted = [...keys].sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0) || (x[2] < y[2] ? -1 : x[2] > y[2] ? 1 : 0));
      expect(keys).toEqual(sorted);
      // AND the text format has one line per group after its title, none for an empty diff
      const text = formatGroupedDiff(diff, groups, 'txt');
      expect(text === '' ? 0 : text.split('\n').length - 2).toBe(groups.length);
    }), { numRuns: 150 });
  });
});
