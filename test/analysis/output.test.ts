import { Analysis, endpointName, formatConnections, formatConnlist, formatCsv, formatDot, formatJson, formatMarkdown, formatMermaid, OUTPUT_FORMATS } from '../../lib/analysis';
import { analyze, namespace, pod } from '../support/clusters';

function fixture(): Analysis {
  return analyze(namespace('shop') + pod('shop', 'web', { app: 'web' }) + pod('shop', 'api', { app: 'api' }) + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress, Egress]
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 8080}, {port: 8081}, {port: 53, protocol: UDP}]}]
`);
}

describe('output formats', () => {
  const connections = fixture().connections();

  test('connlist prints one sorted "src => dst : conn" line per connection', () => {
    // GIVEN web -> api allowed on TCP 8080-8081 and UDP 53, api isolated in both directions
    // WHEN printed as connlist
    const text = formatConnlist(connections);
    // THEN the lines follow the reference format
    expect(text).toBe([
      '0.0.0.0-255.255.255.255[External] => shop/web[Pod] : All Connections',
      'shop/web[Pod] => 0.0.0.0-255.255.255.255[External] : All Connections',
      'shop/web[Pod] => shop/api[Pod] : TCP 8080-8081,UDP 53',
      '',
    ].join('\n'));
  });

  test('json holds each connection\'s names and text, and each endpoint and connection set structured once', () => {
    // GIVEN the fixture
    // WHEN rendered as JSON
    // THEN each connection has its names and text, and the tables resolve them
    const parsed = JSON.parse(formatJson(connections));
    expect(parsed.connections).toHaveLength(3);
    expect(parsed.connections[2]).toEqual({ src: 'shop/web[Pod]', dst: 'shop/api[Pod]', conn: 'TCP 8080-8081,UDP 53' });
    expect(parsed.endpoints['shop/web[Pod]']).toEqual({ type: 'workload', namespace: 'shop', name: 'web', kind: 'Pod' });
    expect(parsed.endpoints['0.0.0.0-255.255.255.255[External]']).toEqual({ type: 'external', first: '0.0.0.0', last: '255.255.255.255' });
    expect(parsed.connectionSets['TCP 8080-8081,UDP 53']).toEqual({ all: false, ports: { TCP: [[8080, 8081]], UDP: [[53, 53]] } });
    expect(Object.keys(parsed.endpoints)).toHaveLength(new Set(connections.flatMap(c => [c.src, c.dst].map(endpointName))).size);
  });

  test('md is a table with a header row and one row per connection', () => {
    // GIVEN the fixture
    // WHEN rendered as Markdown
    // THEN it is a three-column table
    const rows = formatMarkdown(connections).trimEnd().split('\n');
    expect(rows[0]).toBe('| src | dst | conn |');
    expect(rows[1]).toBe('|-----|-----|------|');
    expect(rows[4]).toBe('| shop/web[Pod] | shop/api[Pod] | TCP 8080-8081,UDP 53 |');
    expect(rows).toHaveLength(5);
  });

  test('csv quotes fields holding commas', () => {
    // GIVEN the fixture
    // WHEN rendered as CSV
    // THEN the multi-protocol conn is quoted
    const rows = formatCsv(connections).trimEnd().split('\n');
    expect(rows[0]).toBe('src,dst,conn');
    expect(rows[3]).toBe('shop/web[Pod],shop/api[Pod],"TCP 8080-8081,UDP 53"');
  });

  test('dot groups workloads by namespace and labels edges with ports', () => {
    // GIVEN the fixture
    // WHEN rendered as DOT
    // THEN namespaces are clusters and edges carry ports
    const dot = formatDot(connections);
    expect(dot.startsWith('digraph connectivity {\n')).toBe(true);
    expect(dot).toContain('subgraph cluster_0 {\n    label="shop";');
    expect(dot).toContain('[label="0.0.0.0-255.255.255.255", shape=box, style=dashed];');
    expect(dot).toMatch(/n\d+ -> n\d+ \[label="TCP 8080-8081,UDP 53"\];/);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
  });

  test('mermaid is a flowchart with one subgraph per namespace', () => {
    // GIVEN the fixture
    // WHEN rendered as Mermaid
    // THEN namespaces are subgraphs and edges carry ports
    const mermaid = formatMermaid(connections);
    expect(mermaid.split('\n')[0]).toBe('flowchart LR');
    expect(mermaid).toContain('subgraph ns0["shop"]');
    expect(mermaid).toMatch(/n\d+ -->\|"TCP 8080-8081,UDP 53"\| n\d+/);
  });

  test('every format is deterministic and reachable by name', () => {
    // GIVEN the same cluster analysed twice
    // WHEN rendered in every format
    // THEN the texts are identical, and unknown formats are refused
    const again = fixture().connections();
    for (const format of OUTPUT_FORMATS) expect(formatConnections(again, format)).toBe(formatConnections(connections, format));
    expect(() => formatConnections(connections, 'svg')).toThrow('unknown output format "svg"; use one of connlist, json, md, csv, dot, mermaid');
  });
});
