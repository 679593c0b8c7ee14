/**
 * The grouped connection list: each line must say exactly what holds for how many workload pairs, so it is checked
 * against the ungrouped list (itself checked against the reference evaluator in property.test.ts), and on a small
 * cluster whose answer follows from the Kubernetes documentation.
 */
import * as fc from 'fast-check';
import { Analysis, ConnectionGrouping, endpointName, formatGroupedConnections, groupConnections } from '../../lib/analysis';
import { clusterArb } from '../support/arbitraries';
import { webToApiOnly } from '../support/clusters';

describe('groupConnections against the ungrouped list (random clusters)', () => {
  test.each([ConnectionGrouping.NAMESPACE, ConnectionGrouping.CLASS])('--group %s: every line counts exactly the pairs with that set', grouping => {
    fc.assert(fc.property(clusterArb, cluster => {
      const analysis = Analysis.of(cluster);
      const groupOf = new Map<string, string>();
      const lines = groupConnections(analysis, grouping);
      for (const line of lines) for (const g of [line.src, line.dst]) for (const w of g.workloads) groupOf.set(w, g.name);
      // Count the ungrouped connections per (source group, destination group, connections).
      const counts = new Map<string, number>();
      for (const c of Analysis.of(cluster).connections()) {
        const key = [c.src, c.dst].map(e => groupOf.get(endpointName(e)) ?? endpointName(e)).join(' => ') + ` : ${c.conns.toString()}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const grouped = new Map(lines.map(l => [`${l.src.name} => ${l.dst.name} : ${l.conns.toString()}`, l.pairs]));
      expect(grouped).toEqual(counts);
      for (const l of lines) {
        const size = (g: typeof l.src) => (g.external ? 1 : g.workloads.length);
        expect(l.of).toBe(l.src === l.dst ? size(l.src) * (size(l.src) - 1) : size(l.src) * size(l.dst));
        expect(l.pairs).toBeLessThanOrEqual(l.of);
        // A class holds workloads every policy treats alike: each of its lines holds for all pairs.
        if (grouping === ConnectionGrouping.CLASS) expect(l.pairs).toBe(l.of);
      }
    }), { numRuns: 150 });
  });
});

describe('groupConnections on a documented case', () => {
  const shop = webToApiOnly();

  test('by namespace: the web pods reach api on 8080 only, everything else on all ports, with pair counts', () => {
    const text = formatGroupedConnections(groupConnections(shop, ConnectionGrouping.NAMESPACE), 'connlist');
    expect(text.split('\n')).toEqual([
      '0.0.0.0-255.255.255.255[External] => ops (1 workload) : All Connections (all 1 pair)',
      // only web-1 and web-2 (not api): 2 of the 3 pods in shop
      '0.0.0.0-255.255.255.255[External] => shop (3 workloads) : All Connections (2 of 3 pairs)',
      'ops (1 workload) => 0.0.0.0-255.255.255.255[External] : All Connections (all 1 pair)',
      // tool reaches web-1 and web-2, not api (api admits only web pods)
      'ops (1 workload) => shop (3 workloads) : All Connections (2 of 3 pairs)',
      'shop (3 workloads) => 0.0.0.0-255.255.255.255[External] : All Connections (all 3 pairs)',
      'shop (3 workloads) => ops (1 workload) : All Connections (all 3 pairs)',
      // of the 6 ordered pairs in shop: web-1<->web-2 and api->web-* have everything; web-* -> api has TCP 8080
      'shop (3 workloads) => shop (3 workloads) : All Connections (4 of 6 pairs)',
      'shop (3 workloads) => shop (3 workloads) : TCP 8080 (2 of 6 pairs)',
      '',
    ]);
  });

  test('by class: one line per pair of label sets, for all their pairs', () => {
    const lines = groupConnections(shop, ConnectionGrouping.CLASS).filter(l => l.dst.name === 'shop/[pods labelled {app=api}]');
    expect(lines.map(l => `${l.src.name} : ${l.conns.toString()} ${l.pairs}/${l.of}`)).toEqual(['shop/[pods labelled {app=web}] : TCP 8080 2/2']);
  });

  test('json lists the groups with their workloads', () => {
    const json = JSON.parse(formatGroupedConnections(groupConnections(shop, ConnectionGrouping.CLASS), 'json'));
    expect(json.groups.find((g: { name: string }) => g.name === 'shop/[pods labelled {app=web}]')).toEqual({ name: 'shop/[pods labelled {app=web}]', namespace: 'shop', workloads: ['shop/web-1[Pod]', 'shop/web-2[Pod]'] });
    expect(json.connections).toContainEqual({ src: 'shop/[pods labelled {app=web}]', dst: 'shop/[pods labelled {app=api}]', conn: 'TCP 8080', all: false, pairs: 2, of: 2 });
  });
});
