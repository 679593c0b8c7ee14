/**
 * The connection list as a stream (`Analysis.eachConnection`, `writeConnections`) against the pairwise definition:
 * every pair of distinct workloads (and workload and external range) whose connections are not empty, once, sorted by
 * source then destination name; and every output format written as it streams equals the format of the whole list.
 */
import * as fc from 'fast-check';
import {
  Analysis, bufferedWrite, Connection, endpointName, formatConnections, formatJson, formatJsonWithExposure, OUTPUT_FORMATS, toJsonConnectionList, toJsonExposure,
  writeConnectionBytes, writeConnections, writeExposureBytes, formatConnlistWithExposure,
} from '../../lib/analysis';
import { BytePieces, CHUNK_BYTES, memoizedByText } from '../../lib/analysis/output/pieces';
import { ConnectionSet } from '../../lib/analysis/connection-set';
import { ClusterModel, PolicyType, Protocol } from '../../lib/model/types';
import { clusterArb } from '../support/arbitraries';

/** The list by its definition: every ordered pair of named endpoints, asked one by one. */
function pairwiseList(cluster: ClusterModel): string[] {
  const analysis = Analysis.of(cluster);
  const workloads = analysis.workloads().map(endpointName);
  const refs = new Map(analysis.workloads().map(w => [endpointName(w), `${w.namespace}/${w.name}[${w.kind}]`]));
  const lines: string[] = [];
  for (const src of workloads) {
    for (const dst of workloads) {
      if (src === dst) continue;
      const conns = analysis.connectionsBetween(refs.get(src)!, refs.get(dst)!);
      if (!conns.isEmpty()) lines.push(`${src} => ${dst} : ${conns.toString()}`);
    }
  }
  // External ranges: each range's first address stands for the range (the engine cuts ranges where answers change).
  for (const [direction, ranges] of [[PolicyType.EGRESS, analysis.externalRanges(PolicyType.EGRESS)], [PolicyType.INGRESS, analysis.externalRanges(PolicyType.INGRESS)]] as const) {
    for (const range of ranges) {
      for (const w of workloads) {
        const conns = direction === PolicyType.EGRESS ? analysis.connectionsBetween(refs.get(w)!, range.first) : analysis.connectionsBetween(range.first, refs.get(w)!);
        const name = endpointName(range);
        if (!conns.isEmpty()) lines.push(direction === PolicyType.EGRESS ? `${w} => ${name} : ${conns.toString()}` : `${name} => ${w} : ${conns.toString()}`);
      }
    }
  }
  const key = (line: string) => line.split(' : ')[0].split(' => ');
  return lines.sort((a, b) => {
    const [as, ad] = key(a);
    const [bs, bd] = key(b);
    return as < bs ? -1 : as > bs ? 1 : ad < bd ? -1 : ad > bd ? 1 : 0;
  });
}

const line = (c: Connection) => `${endpointName(c.src)} => ${endpointName(c.dst)} : ${c.conns.toString()}`;

describe('the connection list as a stream', () => {
  test('lists exactly the pairs with connections, each once, in name order (random clusters)', () => {
    fc.assert(fc.property(clusterArb, cluster => {
      expect([...Analysis.of(cluster).eachConnection()].map(line)).toEqual(pairwiseList(cluster));
    }), { numRuns: 150 });
  });

  test('gives the same list however few destination lists it may keep', () => {
    fc.assert(fc.property(clusterArb, fc.integer({ min: 0, max: 6 }), (cluster, budget) => {
      const kept = [...Analysis.of(cluster).eachConnection()].map(line);
      expect([...Analysis.of(cluster).eachConnection(budget)].map(line)).toEqual(kept);
    }), { numRuns: 150 });
  });

  test('connectedEndpoints are the endpoints of the list, sorted by name', () => {
    fc.assert(fc.property(clusterArb, cluster => {
      const connections = Analysis.of(cluster).connections();
      const expected = [...new Set(connections.flatMap(c => [endpointName(c.src), endpointName(c.dst)]))].sort();
      expect(Analysis.of(cluster).connectedEndpoints().map(endpointName)).toEqual(expected);
    }), { numRuns: 150 });
  });

  test('every format written as it streams equals the format of the whole list', () => {
    fc.assert(fc.property(clusterArb, cluster => {
      const whole = Analysis.of(cluster).connections();
      for (const format of OUTPUT_FORMATS) {
        const chunks: string[] = [];
        writeConnections(Analysis.of(cluster), format, text => { chunks.push(text); });
        expect(chunks.join('')).toBe(formatConnections(whole, format));
      }
    }), { numRuns: 100 });
  });

  test('every format written as UTF-8 bytes is the format of the whole list, encoded', () => {
    fc.assert(fc.property(clusterArb, cluster => {
      const whole = Analysis.of(cluster).connections();
      for (const format of OUTPUT_FORMATS) {
        const buffers: Uint8Array[] = [];
        const count = writeConnectionBytes(Analysis.of(cluster), format, bytes => { buffers.push(bytes); });
        expect([count, Buffer.concat(buffers).toString('utf8')]).toEqual([whole.length, formatConnections(whole, format)]);
      }
    }), { numRuns: 60 });
  });

  test('with exposure, the bytes are the text of the connection list and the exposure, encoded', () => {
    fc.assert(fc.property(clusterArb, cluster => {
      const analysis = Analysis.of(cluster);
      const exposure = analysis.exposure();
      for (const format of ['connlist', 'json'] as const) {
        const buffers: Uint8Array[] = [];
        writeExposureBytes(Analysis.of(cluster), format, exposure, bytes => { buffers.push(Buffer.from(bytes)); }, { reusable: () => true });
        const text = format === 'json' ? formatJsonWithExposure(analysis.connections(), exposure) : formatConnlistWithExposure(analysis.connections(), exposure);
        expect(Buffer.concat(buffers).toString('utf8')).toBe(text);
      }
    }), { numRuns: 60 });
  });

  test('writes a long list as bytes in buffers of about 1 MiB, each one whole UTF-8 text', () => {
    // Names with characters of 2, 3 and 4 bytes in UTF-8, so that buffer ends fall next to them.
    const workloads = Array.from({ length: 200 }, (_, i) => ({ kind: 'Pod', name: `pé-日-😀-${i}`, namespaceName: 'ns', podLabels: { app: `a${i % 3}` }, ports: [] }));
    const analysis = Analysis.of({ namespaces: [{ name: 'ns' }], workloads, policies: [] });
    const buffers: Uint8Array[] = [];
    writeConnectionBytes(analysis, 'json', bytes => { buffers.push(Buffer.from(bytes)); });
    expect(buffers.length).toBeGreaterThan(3);
    expect(Math.max(...buffers.map(b => b.length))).toBeLessThanOrEqual(1 << 20);
    // Each buffer decodes on its own (no character split between two), and together they are the JSON of the list.
    const decoder = new TextDecoder('utf-8', { fatal: true });
    expect(buffers.map(b => decoder.decode(b)).join('')).toBe(formatConnections(analysis.connections(), 'json'));
  });

  test('a piece longer than the buffer is written whole, after what came before it', () => {
    const buffers: string[] = [];
    const { write, flush } = bufferedWrite(bytes => { buffers.push(Buffer.from(bytes).toString('utf8')); });
    const long = 'é'.repeat(600_000);
    write('a');
    write(long);
    write('b');
    flush();
    flush();
    expect(buffers).toEqual(['a', long, 'b']);
  });

  test('writes a long list in chunks of about 64 KiB, not in one string', () => {
    const workloads = Array.from({ length: 120 }, (_, i) => ({ kind: 'Pod', name: `p${i}`, namespaceName: 'ns', podLabels: { app: `a${i % 3}` }, ports: [{ name: 'http', containerPort: 80, protocol: Protocol.TCP }] }));
    const chunks: string[] = [];
    writeConnections(Analysis.of({ namespaces: [{ name: 'ns' }], workloads, policies: [] }), 'connlist', text => { chunks.push(text); });
    // 120 * 119 pairs plus each pod's line to 0.0.0.0-255.255.255.255 and from it: about 1 MB of text.
    expect(chunks.join('').split('\n').length - 1).toBe(120 * 119 + 2 * 120);
    expect(chunks.length).toBeGreaterThan(10);
    expect(Math.max(...chunks.map(c => c.length))).toBeLessThan(70_000);
  });

  test('refuses an unknown format before writing anything', () => {
    const chunks: string[] = [];
    expect(() => writeConnections(Analysis.of({ namespaces: [], workloads: [], policies: [] }), 'svg', text => { chunks.push(text); })).toThrow('unknown output format "svg"; use one of connlist, json, md, csv, dot, mermaid');
    expect(chunks).toEqual([]);
  });
});

describe('the byte path: pieces encoded once and copied', () => {
  /** Every format of the analysis as bytes into reused buffers: each buffer is copied before the next is gathered. */
  function reusedBuffers(analysis: Analysis, format: string): Buffer[] {
    const buffers: Buffer[] = [];
    writeConnectionBytes(analysis, format, bytes => { buffers.push(Buffer.from(bytes)); }, undefined, { reusable: () => true });
    return buffers;
  }

  test('every format written into reused buffers is the format of the whole list, encoded (random clusters)', () => {
    fc.assert(fc.property(clusterArb, cluster => {
      const whole = Analysis.of(cluster).connections();
      for (const format of OUTPUT_FORMATS) {
        expect(Buffer.concat(reusedBuffers(Analysis.of(cluster), format)).toString('utf8')).toBe(formatConnections(whole, format));
      }
    }), { numRuns: 60 });
  });

  test('with a filter, the bytes are those of the kept connections (random clusters)', () => {
    fc.assert(fc.property(clusterArb, fc.integer({ min: 0, max: 3 }), (cluster, modulo) => {
      const keep = (c: Connection) => endpointName(c.dst).length % 4 !== modulo;
      const kept = Analysis.of(cluster).connections().filter(keep);
      for (const format of OUTPUT_FORMATS) {
        const buffers: Uint8Array[] = [];
        writeConnectionBytes(Analysis.of(cluster), format, bytes => { buffers.push(bytes); }, keep);
        expect(Buffer.concat(buffers).toString('utf8')).toBe(formatConnections(kept, format));
      }
    }), { numRuns: 40 });
  });

  test('never splits a character between two buffers, in any format, reused or not', () => {
    // Names with characters of 2, 3 and 4 bytes in UTF-8, so that buffer ends fall next to them.
    const workloads = Array.from({ length: 200 }, (_, i) => ({ kind: 'Pod', name: `pé-日-😀-${i}`, namespaceName: 'ns', podLabels: { app: `a${i % 3}` }, ports: [] }));
    const analysis = Analysis.of({ namespaces: [{ name: 'ns' }], workloads, policies: [] });
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for (const format of OUTPUT_FORMATS) {
      const owned: Uint8Array[] = [];
      writeConnectionBytes(analysis, format, bytes => { owned.push(bytes); });
      for (const buffers of [owned, reusedBuffers(analysis, format)]) {
        expect(Math.max(...buffers.map(b => b.length))).toBeLessThanOrEqual(CHUNK_BYTES);
        expect(buffers.map(b => decoder.decode(b)).join('')).toBe(formatConnections(analysis.connections(), format));
      }
    }
  });

  test('gathers into one buffer when reusable, into a new one per call otherwise', () => {
    for (const reusable of [true, false]) {
      const given: Uint8Array[] = [];
      const pieces = new BytePieces(bytes => { given.push(bytes); }, () => reusable);
      const piece = pieces.piece('x'.repeat(1000));
      for (let i = 0; i < 3000; i++) pieces.put(piece);
      pieces.flush();
      expect(given.map(b => b.length)).toEqual([1048000, 1048000, 904000]);
      expect(given[0].buffer === given[1].buffer).toBe(reusable);
    }
  });

  test('a piece longer than the buffer is passed on alone, as a copy, after what came before it', () => {
    const given: Uint8Array[] = [];
    const copies: string[] = [];
    const pieces = new BytePieces(bytes => { given.push(bytes); copies.push(Buffer.from(bytes).toString('utf8')); }, () => true);
    const long = pieces.piece('é'.repeat(600_000));
    pieces.text('a');
    pieces.put(long);
    pieces.put(pieces.piece('b'));
    pieces.flush();
    pieces.flush();
    expect(copies.map(text => text.length)).toEqual([1, 600_000, 1]);
    expect(copies.join('') === `a${'é'.repeat(600_000)}b`).toBe(true);
    expect(given[1]).not.toBe(long);
    // Joined pieces are the pieces' bytes one after the other.
    expect(Buffer.from(pieces.join([pieces.piece('é'), pieces.piece('日')])).toString('utf8')).toBe('é日');
  });

  test('connection sets with the same text are rendered once', () => {
    const renders: string[] = [];
    const render = memoizedByText(set => { renders.push(set.toString()); return set.toString(); });
    const tcp80 = () => ConnectionSet.port(Protocol.TCP, 80);
    expect([render(tcp80()), render(tcp80()), render(ConnectionSet.ALL), render(tcp80())]).toEqual(['TCP 80', 'TCP 80', 'All Connections', 'TCP 80']);
    expect(renders).toEqual(['TCP 80', 'All Connections']);
  });
});

describe('the JSON output, put together from pieces', () => {
  /**
   * The document `writeJson` promises: each connection, then each entry of the two tables, compact on a line of its
   * own, the rest as `JSON.stringify(..., null, 2)` would lay it out.
   */
  function expectedJson(connections: readonly Connection[], more = ''): string {
    const doc = toJsonConnectionList(connections);
    const lines = doc.connections.map(c => `    ${JSON.stringify(c)}`);
    const table = (entries: object) => {
      const rows = Object.entries(entries).map(([key, value]) => `    ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
      return rows.length === 0 ? '{}' : `{\n${rows.join(',\n')}\n  }`;
    };
    return `{\n  "connections": [${lines.length === 0 ? ']' : `\n${lines.join(',\n')}\n  ]`},\n`
      + `  "endpoints": ${table(doc.endpoints)},\n  "connectionSets": ${table(doc.connectionSets)}${more}\n}\n`;
  }

  /** The ports worth asking about for a set: the usual ones and each range's ends and neighbours. */
  function probePorts(set: ConnectionSet, protocol: Protocol): number[] {
    const ends = set.ranges(protocol).flatMap(r => [r.first - 1, r.first, r.last, r.last + 1]);
    return [...new Set([1, 53, 80, 443, 8080, 65535, ...ends])].filter(p => p >= 1 && p <= 65535);
  }

  test('is one compact line per connection and per table entry in a pretty-printed document (random clusters)', () => {
    fc.assert(fc.property(clusterArb, cluster => {
      const connections = Analysis.of(cluster).connections();
      const text = formatJson(connections);
      expect(text).toBe(expectedJson(connections));
      expect(JSON.parse(text)).toEqual(toJsonConnectionList(connections));
    }), { numRuns: 100 });
  });

  test('each line is the connection\'s names and text, which the tables resolve to its endpoints and ports, and the tables hold nothing else (random clusters)', () => {
    fc.assert(fc.property(clusterArb, cluster => {
      const connections = Analysis.of(cluster).connections();
      const doc = JSON.parse(formatJson(connections));
      expect(doc.connections).toHaveLength(connections.length);
      connections.forEach((c, i) => {
        const line = doc.connections[i];
        expect(line).toEqual({ src: endpointName(c.src), dst: endpointName(c.dst), conn: c.conns.toString() });
        expect(doc.endpoints[line.src]).toEqual(c.src);
        expect(doc.endpoints[line.dst]).toEqual(c.dst);
        const ports = doc.connectionSets[line.conn];
        expect(ports.all).toBe(c.conns.isAll());
        for (const protocol of [Protocol.TCP, Protocol.UDP, Protocol.SCTP]) {
          for (const port of probePorts(c.conns, protocol)) {
            const listed = (ports.ports[protocol] ?? []).some(([first, last]: [number, number]) => first <= port && port <= last);
            expect([protocol, port, listed]).toEqual([protocol, port, c.conns.contains(protocol, port)]);
          }
        }
      });
      const named = new Set(connections.flatMap(c => [endpointName(c.src), endpointName(c.dst)]));
      expect(Object.keys(doc.endpoints)).toEqual([...named].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      const texts = new Set(connections.map(c => c.conns.toString()));
      expect(Object.keys(doc.connectionSets)).toEqual([...texts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }), { numRuns: 100 });
  });

  test('with exposure, adds the exposure list after the tables, each workload compact on a line of its own', () => {
    fc.assert(fc.property(clusterArb, cluster => {
      const analysis = Analysis.of(cluster);
      const exposure = toJsonExposure(analysis.exposure());
      const text = formatJsonWithExposure(analysis.connections(), analysis.exposure());
      const lines = exposure.map(e => `    ${JSON.stringify(e)}`);
      const list = lines.length === 0 ? '[]' : `[\n${lines.join(',\n')}\n  ]`;
      expect(text).toBe(expectedJson(analysis.connections(), `,\n  "exposure": ${list}`));
      expect(JSON.parse(text)).toEqual({ ...toJsonConnectionList(analysis.connections()), exposure });
    }), { numRuns: 50 });
  });
});
