/**
 * Grouping for large pictures: a group is a set of workloads (or address ranges) with the same connections, and an
 * edge between groups holds for every member pair. Checked against the per-workload graph on random clusters, on
 * generated clusters of 300 workloads, and at the documented threshold and limit.
 */
import * as fc from 'fast-check';
import { endpointName } from '../../lib/analysis';
import {
  AUTO_GROUP_LIMIT, buildGraph, buildPicture, ConnectivityGraph, deniedEdges, EdgeKind, GraphTooLargeError, GroupedGraph,
  Grouping, groupNodeLabel, graphToDot, isGrouped, MAX_GRAPH_SIZE, MAX_WORKLOAD_CLASSES, naturalCompare, OVERVIEW, TooManyClassesError,
} from '../../lib/graph';
import { loadText } from '../../lib/model/load';
import { ClusterModel, PolicyModel, PolicyType, Protocol } from '../../lib/model/types';
import { clusterArb } from '../support/arbitraries';
import { generatedPolicies, generatedWorkloads, shopCluster, stream } from './support';

/** A limit no test cluster reaches. */
const NO_LIMIT = { nodes: 1e9, edges: 1e9 };

function load(docs: string[]): ClusterModel {
  return loadText(stream(docs), 'generated.yaml').cluster;
}

/** Each edge of a per-workload graph as one line: `kind src -> dst : label | declared by | denied by`. */
function pairLines(graph: ConnectivityGraph): string[] {
  return graph.edges.map(e => `${e.kind} ${endpointName(e.src)} -> ${endpointName(e.dst)} : ${e.label} | ${e.declaredBy.join(',')} | ${e.deniedBy.join(',')}`).sort();
}

/** Each edge of a grouped graph expanded to its member pairs (never a member to itself), as `pairLines` writes them. */
function expand(graph: GroupedGraph): string[] {
  const members = new Map(graph.nodes.map(n => [n.id, n.members.map(endpointName)]));
  const lines: string[] = [];
  for (const e of graph.edges) {
    let pairs = 0;
    for (const src of members.get(e.from)!) {
      for (const dst of members.get(e.to)!) {
        if (src === dst) continue;
        pairs++;
        lines.push(`${e.kind} ${src} -> ${dst} : ${e.label} | ${e.declaredBy.join(',')} | ${e.deniedBy.join(',')}`);
      }
    }
    if (pairs !== e.pairs) throw new Error(`edge ${e.from} -> ${e.to} says ${e.pairs} pairs, has ${pairs}`);
  }
  return lines.sort();
}

/** Whether every member pair of every two blocks has the same edges (brute force over the per-workload lines). */
function exact(blocks: readonly string[][], lines: readonly string[]): boolean {
  const between = new Map<string, string[]>();
  for (const line of lines) {
    const [, src, dst] = /^\w+ (\S+) -> (\S+) : /.exec(line)!;
    const key = `${src} ${dst}`;
    between.set(key, [...(between.get(key) ?? []), line.replace(/^(\w+) \S+ -> \S+/, '$1')]);
  }
  for (const b1 of blocks) {
    for (const b2 of blocks) {
      const seen = new Set<string>();
      for (const u of b1) for (const v of b2) if (u !== v) seen.add((between.get(`${u} ${v}`) ?? []).join('\n'));
      if (seen.size > 1) return false;
    }
  }
  return true;
}

/** Ingress to beta from alpha on TCP 80, which alpha's egress denies. */
const ONE_SIDED: PolicyModel[] = [
  { name: 'deny-egress', namespaceName: 'alpha', podSelector: {}, policyTypes: [PolicyType.EGRESS] },
  { name: 'from-alpha', namespaceName: 'beta', podSelector: {}, policyTypes: [PolicyType.INGRESS], ingress: [{ peers: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'alpha' } } }], ports: [{ protocol: Protocol.TCP, port: 80 }] }] },
];

/** The cluster with each workload `copies` times (same labels and ports, names `<name>-<i>`). */
function withCopies(cluster: ClusterModel, copies: number): ClusterModel {
  return { ...cluster, workloads: cluster.workloads.flatMap(w => Array.from({ length: copies }, (_, i) => ({ ...w, name: `${w.name}-${i}` }))) };
}

describe('grouping is exact and as coarse as it can be', () => {
  test('on random clusters, every grouped edge expands to exactly the per-workload edges, and no two groups could be one', () => {
    const seen = { grouped: 0, dashed: 0, ranges: 0 };
    fc.assert(fc.property(clusterArb, fc.integer({ min: 1, max: 3 }), fc.boolean(), (base, copies, denyEgress) => {
      // A default deny of egress in alpha makes rules that name alpha's pods one-sided (dashed edges), such as beta's.
      const cluster = withCopies(denyEgress ? { ...base, policies: [...base.policies, ...ONE_SIDED] } : base, copies);
      const ungrouped = buildGraph(cluster);
      const expected = pairLines(ungrouped);
      for (const grouping of [Grouping.NAMESPACE, Grouping.CLASS]) {
        const picture = buildPicture(cluster, { group: grouping, limit: NO_LIMIT });
        expect(picture.sizes[Grouping.NONE]).toEqual({ nodes: ungrouped.nodes.length, edges: ungrouped.edges.length });
        if (!isGrouped(picture.graph)) {
          // Nothing alike: the per-workload picture itself.
          expect(picture.grouping).toBe(Grouping.NONE);
          expect(pairLines(picture.graph)).toEqual(expected);
          continue;
        }
        const graph = picture.graph;
        seen.grouped++;
        if (graph.edges.some(e => e.kind === EdgeKind.DENIED && e.pairs > 1)) seen.dashed++;
        if (graph.nodes.some(n => n.external && n.members.length > 1)) seen.ranges++;
        expect(expand(graph)).toEqual(expected);
        expect(graph.nodes.flatMap(n => n.members.map(endpointName)).sort()).toEqual(ungrouped.nodes.map(n => n.name).sort());
        expect(picture.sizes[grouping]).toEqual({ nodes: graph.nodes.length, edges: graph.edges.length });
        if (grouping === Grouping.NAMESPACE) expect(graph.nodes.filter(n => n.namespaces.length > 1)).toEqual([]);
        // Maximal: merging any two groups of one scope breaks exactness.
        const blocks = graph.nodes.map(n => n.members.map(endpointName));
        const scope = (i: number) => (graph.nodes[i].external ? 'range' : grouping === Grouping.NAMESPACE ? graph.nodes[i].namespaces[0] : 'workload');
        for (let i = 0; i < blocks.length; i++) {
          for (let j = i + 1; j < blocks.length; j++) {
            if (scope(i) !== scope(j)) continue;
            const merged = [...blocks.filter((_, k) => k !== i && k !== j), [...blocks[i], ...blocks[j]]];
            expect({ merged: [i, j], exact: exact(merged, expected) }).toEqual({ merged: [i, j], exact: false });
          }
        }
      }
    }), { numRuns: 150 });
    // The runs drew groups, dashed edges between groups and groups of address ranges.
    expect(seen.grouped).toBeGreaterThan(50);
    expect(seen.dashed).toBeGreaterThan(10);
    expect(seen.ranges).toBeGreaterThan(0);
  });

  test('a class whose workloads differ in their dashed edges is split, and the picture stays exact', () => {
    // GIVEN three alike workloads in shop, and a dashed edge from only one of them (the engine's own edges are uniform
    // per class; this one is made up to exercise the check)
    const cluster = load([...generatedWorkloads(3, 1).map(d => d.replace(/tier: t\d/, 'tier: t0')), 'apiVersion: v1\nkind: Namespace\nmetadata: { name: other }', 'apiVersion: v1\nkind: Pod\nmetadata: { name: solo, namespace: other, labels: { app: solo } }\nspec: { containers: [{ name: c, image: x }] }']);
    const real = deniedEdges(cluster);
    expect(real).toEqual([]);
    const madeUp = buildGraph(shopCluster()).edges.find(e => e.kind === EdgeKind.DENIED)!;
    const fake = [{ edge: { src: { type: 'workload' as const, namespace: 'ns0', name: 'app1', kind: 'Deployment' }, dst: { type: 'workload' as const, namespace: 'other', name: 'solo', kind: 'Pod' }, label: madeUp.label }, conns: madeUp.conns, declaredBy: madeUp.declaredBy as string[], deniedBy: madeUp.deniedBy as string[] }];
    // WHEN
    const picture = buildPicture(cluster, { group: Grouping.NAMESPACE, deniedEdges: fake });
    // THEN app1 is apart from app0 and app2, which stay one node, and every edge is still exact
    const graph = picture.graph as GroupedGraph;
    expect(graph.nodes.map(n => n.members.map(m => (m.type === 'workload' ? m.name : 'range')).join('+'))).toEqual(['range', 'app0+app2', 'app1', 'solo']);
    expect(expand(graph)).toEqual(pairLines(buildGraph(cluster, { deniedEdges: fake })));
  });
});

describe('300 workloads', () => {
  const open = load(generatedWorkloads(300, 10));

  test('without policies: one node for all, one edge for every pair of them, and the outside both ways', () => {
    // WHEN
    const picture = buildPicture(open);
    // THEN
    expect(picture).toMatchObject({ grouping: Grouping.CLASS, automatic: true });
    expect(picture.sizes).toEqual({ none: { nodes: 301, edges: 90300 }, namespace: { nodes: 11, edges: 120 }, class: { nodes: 2, edges: 3 } });
    const graph = picture.graph as GroupedGraph;
    expect(graph.nodes.map(n => [n.id, n.label, n.members.length])).toEqual([
      ['g0', '0.0.0.0-255.255.255.255', 1],
      ['g1', '300 workloads in 10 namespaces\nall of ns0, ns1, ns2, … (+7)', 300],
    ]);
    expect(graph.edges.map(e => `${e.from} -> ${e.to} : ${e.label} (${e.pairs} pairs)`)).toEqual([
      'g0 -> g1 : All Connections (300 pairs)',
      'g1 -> g0 : All Connections (300 pairs)',
      'g1 -> g1 : All Connections (89700 pairs)',
    ]);
    expect({ boxes: graph.boxes, outside: graph.outside.map(n => n.id) }).toEqual({ boxes: [], outside: ['g1', 'g0'] });
    expect(picture.note).toBe('300 workloads drawn as 1 node (and 1 address range node), grouped by class automatically, as one node per workload would make 301 nodes and 90300 edges: a node with a double outline stands for workloads with the same connections, and each of its edges holds for every pair of members');
  });

  test('grouped by namespace: a node "all 30 workloads" in each namespace box', () => {
    // WHEN
    const graph = buildPicture(open, { group: Grouping.NAMESPACE }).graph as GroupedGraph;
    // THEN
    expect(graph.boxes.map(b => [b.namespace, b.nodes.map(n => n.label)])).toEqual(Array.from({ length: 10 }, (_, i) => [`ns${i}`, [`all 30 workloads\napp${i}, app${i + 10}, app${i + 20}, … (+27)`]]));
    expect(graph.nodes.every(n => n.external || n.wholeNamespaces)).toBe(true);
    expect(graph.edges.filter(e => e.from === e.to).map(e => e.pairs)).toEqual(Array(10).fill(30 * 29));
    expect(graph.edges).toHaveLength(10 * 10 + 2 * 10);
  });

  test('with policies: the tiers of the isolated namespaces apart, the open namespaces one node, the one-sided rule dashed', () => {
    // GIVEN default deny, t0 -> t1 on 8080, and t1's ingress from t2 on 9000 that t2 may not send, in ns0, ns2, ...
    const cluster = load([...generatedWorkloads(300, 10), ...generatedPolicies(10)]);
    // WHEN
    const picture = buildPicture(cluster);
    // THEN
    const graph = picture.graph as GroupedGraph;
    expect(picture.grouping).toBe(Grouping.CLASS);
    expect(graph.boxes.map(b => b.namespace)).toEqual(['ns0', 'ns2', 'ns4', 'ns6', 'ns8']);
    expect(graph.boxes.map(b => b.nodes.length)).toEqual([3, 3, 3, 3, 3]);
    expect(graph.outside.map(n => n.label)).toEqual(['150 workloads in 5 namespaces\nall of ns1, ns3, ns5, … (+2)', '0.0.0.0-255.255.255.255']);
    const label = (id: string) => graph.nodes.find(n => n.id === id)!.label.split('\n')[0];
    const ns0 = graph.edges.filter(e => graph.boxes[0].nodes.some(n => n.id === e.from));
    expect(ns0.map(e => `${e.kind} ${label(e.from)} -> ${label(e.to)} : ${e.label} (${e.pairs} pairs)`)).toEqual([
      'allowed 10 workloads -> 10 workloads : TCP 8080 (100 pairs)',
      'denied 10 workloads -> 10 workloads : TCP 9000 (declared by ns0/t1-ingress) (100 pairs)',
    ]);
    expect(expand(graph)).toEqual(pairLines(buildGraph(cluster)));
  });
});

describe('the automatic choice and the limit', () => {
  test(`auto draws one node per workload up to ${AUTO_GROUP_LIMIT.nodes} nodes and ${AUTO_GROUP_LIMIT.edges} edges`, () => {
    // GIVEN 10 open workloads in one namespace: 11 nodes, 90 + 20 = 110 edges
    const picture = buildPicture(load(generatedWorkloads(10, 1)));
    // THEN
    expect(picture).toMatchObject({ grouping: Grouping.NONE, automatic: true });
    expect(picture.note).toBeUndefined();
    expect(picture.graph.edges).toHaveLength(110);
  });

  test('auto groups by class above that size', () => {
    // GIVEN 14 open workloads: 15 nodes, 182 + 28 = 210 edges
    const picture = buildPicture(load(generatedWorkloads(14, 1)));
    // THEN
    expect(picture).toMatchObject({ grouping: Grouping.CLASS, automatic: true });
    expect(picture.sizes.none).toEqual({ nodes: 15, edges: 210 });
    expect(picture.graph.nodes).toHaveLength(2);
  });

  test('auto on a small cluster gives exactly the per-workload graph', () => {
    const picture = buildPicture(shopCluster());
    expect(isGrouped(picture.graph)).toBe(false);
    expect(graphToDot(picture.graph)).toBe(graphToDot(buildGraph(shopCluster())));
  });

  test('grouping asked for where no two workloads are alike gives the per-workload graph, and no note', () => {
    const picture = buildPicture(shopCluster(), { group: Grouping.CLASS });
    expect(picture).toMatchObject({ grouping: Grouping.NONE, automatic: false });
    expect(picture.note).toBeUndefined();
    expect(isGrouped(picture.graph)).toBe(false);
  });

  test('a picture over the limit throws with its size under every grouping, before listing the per-workload edges', () => {
    // WHEN 300 open workloads, one node each
    let error: unknown;
    try {
      buildPicture(load(generatedWorkloads(300, 10)), { group: Grouping.NONE });
    } catch (err) {
      error = err;
    }
    // THEN
    expect(error).toBeInstanceOf(GraphTooLargeError);
    expect((error as GraphTooLargeError).message).toBe('the picture would have 301 nodes and 90300 edges with grouping "none", more than the 1000 nodes and 2000 edges it may have');
    expect((error as GraphTooLargeError).sizes.class).toEqual({ nodes: 2, edges: 3 });
    expect((error as GraphTooLargeError).limit).toEqual(MAX_GRAPH_SIZE);
  });

  test('a lower limit applies to grouped pictures too', () => {
    expect(() => buildPicture(load(generatedWorkloads(300, 10)), { group: Grouping.NAMESPACE, limit: { nodes: 10, edges: 1000 } })).toThrow('the picture would have 11 nodes and 120 edges with grouping "namespace"');
  });

  test(`more than ${MAX_WORKLOAD_CLASSES} workload classes stop before any grouping; auto draws the namespace overview instead`, () => {
    // GIVEN workloads with distinct labels: one class each, in two namespaces, no policies
    const n = MAX_WORKLOAD_CLASSES + 1;
    const cluster: ClusterModel = { namespaces: [], policies: [], workloads: Array.from({ length: n }, (_, i) => ({ kind: 'Pod', name: `p${i}`, namespaceName: i % 2 ? 'odd' : 'even', podLabels: { app: `p${i}` } })) };
    // WHEN grouping by class is asked for
    let error: unknown;
    try {
      buildPicture(cluster, { group: Grouping.CLASS });
    } catch (err) {
      error = err;
    }
    // THEN
    expect(error).toBeInstanceOf(TooManyClassesError);
    expect(error).toMatchObject({ classes: n, workloads: n, limit: MAX_WORKLOAD_CLASSES });
    // WHEN auto: the overview, whose edges count every pair (no policy isolates anything)
    const picture = buildPicture(cluster);
    expect(picture.grouping).toBe(OVERVIEW);
    const graph = picture.graph as GroupedGraph;
    const even = Math.ceil(n / 2);
    const odd = n - even;
    const label = (from: string, to: string) => graph.edges.find(e => graph.nodes.find(x => x.id === e.from)!.label.startsWith(from) && graph.nodes.find(x => x.id === e.to)!.label.startsWith(to))?.label;
    expect(label('even', 'odd')).toBe(`All Connections: all ${(even * odd).toLocaleString('en-US')} pairs`);
    expect(label('even', 'even')).toBe(`All Connections: all ${(even * (even - 1)).toLocaleString('en-US')} pairs`);
    expect(picture.note).toContain(`as the input has ${n} workload classes, more than the ${MAX_WORKLOAD_CLASSES} that grouping compares`);
  });

  test('an unknown grouping throws, naming the known ones', () => {
    expect(() => buildPicture(shopCluster(), { group: 'tier' as Grouping })).toThrow('unknown grouping "tier"; use one of auto, none, namespace, class, overview');
  });
});

describe('labels', () => {
  const w = (namespace: string, name: string) => ({ type: 'workload' as const, namespace, name, kind: 'Deployment' });

  test('name one member as it is, and several by count and their first three names in natural order', () => {
    expect(groupNodeLabel([w('a', 'api')], ['a'], true)).toBe('api[Deployment]');
    expect(groupNodeLabel([w('a', 'x10'), w('a', 'x2'), w('a', 'x1')], ['a'], false)).toBe('3 workloads\nx1, x2, x10');
    expect(groupNodeLabel(['a', 'b', 'c', 'd', 'e'].map(n => w('a', n)), ['a'], true)).toBe('all 5 workloads\na, b, c, … (+2)');
    expect(groupNodeLabel([w('a', 'x'), w('b', 'x')], ['a', 'b'], false)).toBe('2 workloads in 2 namespaces\nin a, b');
    expect(groupNodeLabel([{ type: 'external', first: '10.0.0.0', last: '10.0.0.255' }, { type: 'external', first: '11.0.0.0', last: '11.0.0.0' }], [], false)).toBe('2 address ranges\n10.0.0.0-10.0.0.255, 11.0.0.0-11.0.0.0');
  });

  test('natural order puts numbers by value', () => {
    expect(['app10', 'app2', 'app1', 'b', 'app1a'].sort(naturalCompare)).toEqual(['app1', 'app1a', 'app2', 'app10', 'b']);
  });
});
