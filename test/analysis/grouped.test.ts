/**
 * The grouped connection list: each line must say exactly what holds for how many workload pairs, so it is checked
 * against the ungrouped list (itself checked against the reference evaluator in property.test.ts), and on a small
 * cluster whose answer follows from the Kubernetes documentation.
 */
import * as fc from 'fast-check';
import {
  Analysis, chunkedWrite, ConnectionGrouping, eachGroupedConnection, endpointName, formatGroupedConnections, GroupedConnection, groupConnections, pairsText,
  writeGroupedConnections,
} from '../../lib/analysis';
import { Protocol, WorkloadModel } from '../../lib/model/types';
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
      // Sorted by source group, destination group and set, each (source, destination, set) once.
      const key = (l: GroupedConnection) => [l.src.name, l.dst.name, l.conns.toString()];
      for (let i = 1; i < lines.length; i++) expect(compareKeys(key(lines[i - 1]), key(lines[i]))).toBe(-1);
    }), { numRuns: 150 });
  });

  test.each([ConnectionGrouping.NAMESPACE, ConnectionGrouping.CLASS])('--group %s: csv and md are a header, then a row per line with its groups, set and counts (random clusters)', grouping => {
    fc.assert(fc.property(clusterArb, cluster => {
      const lines = groupConnections(Analysis.of(cluster), grouping);
      const csv = formatGroupedConnections(lines, 'csv').split('\n');
      expect(csv.pop()).toBe('');
      expect(csv.map(csvFields)).toEqual([['src', 'dst', 'conn', 'pairs', 'of'], ...lines.map(l => [l.src.name, l.dst.name, l.conns.toString(), String(l.pairs), String(l.of)])]);
      const md = formatGroupedConnections(lines, 'md').split('\n');
      expect(md.pop()).toBe('');
      const named = (g: GroupedConnection['src']) => (g.external ? g.name : `${g.name} (${g.workloads.length} workload${g.workloads.length === 1 ? '' : 's'})`);
      expect(md[1]).toBe('|-----|-----|------|-------|');
      expect([md[0], ...md.slice(2)].map(markdownCells)).toEqual([['src', 'dst', 'conn', 'pairs'], ...lines.map(l => [named(l.src), named(l.dst), l.conns.toString(), pairsText(l)])]);
    }), { numRuns: 50 });
  });
});

/** The fields of one CSV row (RFC 4180: a field in double quotes may hold commas and doubled quotes). */
function csvFields(row: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= row.length) {
    if (row[i] === '"') {
      let text = '';
      i++;
      while (!(row[i] === '"' && row[i + 1] !== '"')) {
        text += row[i];
        i += row[i] === '"' ? 2 : 1;
      }
      fields.push(text);
      i += 2;
    } else {
      const end = row.indexOf(',', i);
      fields.push(row.slice(i, end < 0 ? row.length : end));
      i = end < 0 ? row.length + 1 : end + 1;
    }
  }
  return fields;
}

/** The cells of a Markdown table row, unescaped (`\|` and `\\`). */
function markdownCells(row: string): string[] {
  const cells = row.slice(2, -2).split(/ \| (?=[^|])/);
  return cells.map(c => c.replace(/\\([\\|])/g, '$1'));
}

/** -1, 0 or 1 as the first differing member of `a` and `b` compares (code-unit order). */
function compareKeys(a: string[], b: string[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

describe('the grouped JSON', () => {
  test('lists each line compact on a line of its own, then the groups they name, sorted by name, each on a line of its own (random clusters)', () => {
    fc.assert(fc.property(clusterArb, fc.constantFrom(ConnectionGrouping.NAMESPACE, ConnectionGrouping.CLASS), (cluster, grouping) => {
      const lines = groupConnections(Analysis.of(cluster), grouping);
      const text = formatGroupedConnections(lines, 'json');
      const doc = JSON.parse(text);
      expect(doc.connections).toEqual(lines.map(l => ({ src: l.src.name, dst: l.dst.name, conn: l.conns.toString(), all: l.conns.isAll(), pairs: l.pairs, of: l.of })));
      const named = new Map(lines.flatMap(l => [[l.src.name, l.src], [l.dst.name, l.dst]] as const));
      expect(doc.groups.map((g: { name: string }) => g.name)).toEqual([...named.keys()].sort((a, b) => compareKeys([a], [b])));
      for (const g of doc.groups) {
        const group = named.get(g.name)!;
        expect(g).toEqual(group.external ? { name: g.name, external: group.external } : { name: g.name, namespace: group.namespace, workloads: group.workloads });
      }
      // One entry per line: the document's own lines are the two headers, the entries and the closing brackets.
      const entries = doc.connections.length + doc.groups.length;
      const closers = (doc.connections.length > 0 ? 1 : 0) + (doc.groups.length > 0 ? 1 : 0);
      expect(text.split('\n').filter(l => l !== '')).toHaveLength(2 + 2 + entries + closers);
      for (const entry of text.split('\n').filter(l => l.startsWith('    '))) expect(() => JSON.parse(entry.replace(/,$/, ''))).not.toThrow();
    }), { numRuns: 100 });
  });
});

describe('the grouped list as a stream', () => {
  test('is written in chunks of about 64 KiB by the CLI path, never as one string', () => {
    // 600 pods of 200 label sets in one namespace, no policy: 200 * 199 class pairs, about 5 MB by class.
    const workloads: WorkloadModel[] = Array.from({ length: 600 }, (_, i) => ({ kind: 'Pod', name: `p${i}`, namespaceName: 'ns', podLabels: { app: `a${i % 200}` }, ports: [{ name: 'http', containerPort: 80, protocol: Protocol.TCP }] }));
    const analysis = Analysis.of({ namespaces: [{ name: 'ns' }], workloads, policies: [] });
    const chunks: string[] = [];
    const chunked = chunkedWrite(text => { chunks.push(text); });
    writeGroupedConnections(eachGroupedConnection(analysis, ConnectionGrouping.CLASS), 'connlist', chunked.write);
    chunked.flush();
    // Every pair of classes (each of 3 pods: 9 pairs, and 6 within a class) plus each class to and from the world.
    expect(chunks.join('').split('\n').length - 1).toBe(200 * 200 + 2 * 200);
    expect(chunks.length).toBeGreaterThan(10);
    expect(Math.max(...chunks.map(c => c.length))).toBeLessThan(70_000);
  });

  test('works out a source group\'s lines only when they are asked for', () => {
    const workloads: WorkloadModel[] = Array.from({ length: 40 }, (_, i) => ({ kind: 'Pod', name: `p${i}`, namespaceName: `ns${i % 4}`, podLabels: { app: `a${i}` } }));
    const analysis = Analysis.of({ namespaces: [0, 1, 2, 3].map(i => ({ name: `ns${i}` })), workloads, policies: [] });
    const spy = jest.spyOn(analysis.engine, 'candidateDestinations');
    // The ingress range (0.0.0.0-...) comes first by name; then the first class, whose destinations alone are asked.
    let line: GroupedConnection | undefined;
    for (line of eachGroupedConnection(analysis, ConnectionGrouping.CLASS)) if (!line.src.external) break;
    expect(line?.src.name).toBe('ns0/[pods labelled {app=a0}]');
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });
});

describe('pairsText', () => {
  test('writes counts with commas between thousands, as en-US does (random counts)', () => {
    fc.assert(fc.property(fc.nat({ max: 2 ** 40 }), fc.nat({ max: 2 ** 40 }), (a, b) => {
      const [pairs, of] = a <= b ? [a, b] : [b, a];
      const line = { pairs, of } as GroupedConnection;
      const n = (x: number) => x.toLocaleString('en-US');
      expect(pairsText(line)).toBe(pairs === of ? `all ${n(of)} pair${of === 1 ? '' : 's'}` : `${n(pairs)} of ${n(of)} pairs`);
    }), { numRuns: 500 });
    for (const x of [0, 1, 999, 1000, 1001, 12345, 999999, 1000000, 123456789]) expect(pairsText({ pairs: x, of: x } as GroupedConnection)).toBe(`all ${x.toLocaleString('en-US')} pair${x === 1 ? '' : 's'}`);
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
