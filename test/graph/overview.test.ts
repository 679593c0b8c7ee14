/**
 * The namespace overview (`graph --group overview`, and what `auto` falls back to): one node per namespace, each edge
 * listing per set of ports how many workload pairs have exactly it. Checked against the per-workload connection list
 * on random clusters, on a small documented case, and through the CLI.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { Analysis, endpointName } from '../../lib/analysis';
import { buildOverview, buildPicture, GraphTooLargeError, GroupedGraph, OVERVIEW, renderGraph } from '../../lib/graph';
import { loadPaths } from '../../lib/model/load';
import { clusterArb } from '../support/arbitraries';
import { namespace, pod, webToApiOnly } from '../support/clusters';
import { cli } from '../cli/support';

const NO_LIMIT = { nodes: 1e9, edges: 1e9 };

describe('the overview against the connection list (random clusters)', () => {
  test('each edge line counts exactly the workload pairs of its two namespaces with that set of ports', () => {
    fc.assert(fc.property(clusterArb, cluster => {
      const analysis = Analysis.of(cluster);
      const graph = buildOverview(analysis, NO_LIMIT).graph!;
      const nodeOf = new Map<string, string>();
      for (const n of graph.nodes) for (const m of n.members) nodeOf.set(endpointName(m), n.id);
      // Expected: per (source node, destination node), `conns: count` of the per-workload connections.
      const expected = new Map<string, Map<string, number>>();
      for (const c of analysis.connections()) {
        const key = `${nodeOf.get(endpointName(c.src))} -> ${nodeOf.get(endpointName(c.dst))}`;
        const counts = expected.get(key) ?? new Map<string, number>();
        counts.set(c.conns.toString(), (counts.get(c.conns.toString()) ?? 0) + 1);
        expected.set(key, counts);
      }
      const actual = new Map(graph.edges.map(e => [`${e.from} -> ${e.to}`, new Map(e.label.split('\n').map(line => {
        const m = /^(.*): (?:all ([\d,]+) pairs?|([\d,]+) of [\d,]+ pairs)$/.exec(line)!;
        return [m[1], Number((m[2] ?? m[3]).replace(/,/g, ''))] as [string, number];
      }))]));
      expect(actual).toEqual(expected);
    }), { numRuns: 100 });
  });
});

describe('the overview of a documented case', () => {
  const analysis = webToApiOnly();

  test('one node per namespace and range; the shop-to-shop edge splits its 6 pairs by ports', () => {
    const graph = buildOverview(analysis, NO_LIMIT).graph!;
    expect(graph.grouping).toBe(OVERVIEW);
    expect(graph.nodes.map(n => n.label)).toEqual(['ops\ntool[Pod]', 'shop\n3 workloads', '0.0.0.0-255.255.255.255']);
    const shop = graph.nodes[1].id;
    expect(graph.edges.find(e => e.from === shop && e.to === shop)!.label).toBe('All Connections: 4 of 6 pairs\nTCP 8080: 2 of 6 pairs');
    // ops -> shop: tool reaches the two web pods, not api
    expect(graph.edges.find(e => e.from === graph.nodes[0].id && e.to === shop)!.label).toBe('All Connections: 2 of 3 pairs');
  });

  test('over the limit, it gives its size and no picture; buildPicture throws naming the overview', () => {
    expect(buildOverview(analysis, { nodes: 2, edges: 100 })).toEqual({ size: { nodes: 3, edges: 7 } });
    expect(() => buildPicture({ namespaces: [], workloads: [], policies: [] }, { group: OVERVIEW, limit: { nodes: -1, edges: 0 } })).toThrow(GraphTooLargeError);
  });

  test('renders as SVG with the overview statement', async () => {
    const svg = await renderGraph(buildOverview(analysis, NO_LIMIT).graph as GroupedGraph, 'svg');
    expect(svg).toContain('Overview by namespace: 4 workloads drawn as 2 namespace nodes.');
    expect(svg).toContain('TCP 8080: 2 of 6 pairs');
  });
});

describe('graph on a cluster too large for class grouping', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-overview-'));
  const file = path.join(dir, 'cluster.yaml');
  // A chain of 60 pods in 2 namespaces: pod i admits only pod i-1, so no two pods have the same connections and
  // grouping by class draws 60 nodes, while the overview draws 2 namespaces and the address range.
  const docs = [namespace('a'), namespace('b')];
  for (let i = 0; i < 60; i++) {
    const ns = i % 2 ? 'b' : 'a';
    docs.push(pod(ns, `p${i}`, { app: `p${i}` }));
    if (i > 0) {
      docs.push(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-p${i - 1}, namespace: ${ns}}
spec:
  podSelector: {matchLabels: {app: p${i}}}
  ingress: [{from: [{namespaceSelector: {}, podSelector: {matchLabels: {app: p${i - 1}}}}]}]
`);
    }
  }
  fs.writeFileSync(file, docs.map(d => d.replace(/^---\n/, '')).join('---\n'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('auto falls back to the overview when grouping by class is over the limit, saying so', () => {
    const picture = buildPicture(loadPaths([file]).cluster, { limit: { nodes: 40, edges: 2000 } });
    expect(picture.grouping).toBe(OVERVIEW);
    expect(picture.note).toMatch(/^60 workloads drawn as 2 namespace nodes automatically, as grouping by class would make 6\d nodes/);
    const graph = picture.graph as GroupedGraph;
    expect(graph.nodes.map(n => n.label)).toEqual(['a\n30 workloads', 'b\n30 workloads', '0.0.0.0-255.255.255.255']);
  });

  test('the CLI draws it with --group overview', async () => {
    const result = await cli('graph', file, '--group', 'overview', '-o', 'dot');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('label="Overview by namespace: 60 workloads drawn as 2 namespace nodes.');
    // b -> a: each of a's pods p2, p4, ... admits exactly one pod of b; p0 admits everyone (no policy selects it)
    expect(result.stdout).toContain('g1 -> g0 [label="All Connections: 59 of 900 pairs"]');
  });
});
