/**
 * The graph formats, checked structurally: DOT and Mermaid (clusters per namespace, dashed edges), SVG laid out by
 * WebAssembly Graphviz (one node group per node, one edge group per edge), and the self-contained HTML page.
 */
import { buildGraph, ConnectivityGraph, EdgeKind, GRAPH_FORMATS, graphToDot, graphToHtml, graphToMermaid, graphToSvg, loadGraphviz, renderGraph } from '../../lib/graph';
import { examplesCluster, shopCluster } from './support';

/** The elements of an SVG document that Graphviz writes: the root, node groups, edge groups, cluster groups. */
function parseSvg(svg: string) {
  const body = svg.replace(/^<\?xml[^>]*\?>\s*/, '').replace(/^<!DOCTYPE[^>]*>\s*/, '').replace(/<!--[\s\S]*?-->\s*/g, '').trim();
  const groups = (cls: string) => [...body.matchAll(new RegExp(`<g id="[^"]+" class="${cls}">\\s*<title>([^<]*)</title>`, 'g'))].map(m => m[1]);
  return {
    root: /^<svg\b[^>]*>/.exec(body)?.[0],
    closed: body.endsWith('</svg>'),
    nodes: groups('node'),
    edges: groups('edge'),
    clusters: groups('cluster'),
    body,
  };
}

/** The `<g class="edge">` elements with their content (Graphviz nests no group inside an edge without URLs). */
function edgeElements(svg: string): string[] {
  return [...svg.matchAll(/<g id="edge\d+" class="edge">[\s\S]*?<\/g>/g)].map(m => m[0]);
}

describe('DOT', () => {
  test('draws one cluster per namespace, external ranges as dashed boxes, and the one-sided connection dashed and red', () => {
    // GIVEN
    const graph = buildGraph(shopCluster());
    // WHEN
    const dot = graphToDot(graph);
    // THEN
    const lines = dot.split('\n');
    expect(lines[0]).toBe('digraph connectivity {');
    expect(dot).toContain([
      '  subgraph cluster_0 {',
      '    label="shop";',
      '    n1 [label="api[Deployment]"];',
      '    n2 [label="batch[Deployment]"];',
      '    n3 [label="db[Deployment]"];',
      '    n4 [label="web[Deployment]"];',
      '  }',
    ].join('\n'));
    expect(lines.filter(l => l.includes('->'))).toEqual([
      '  n4 -> n0 [label="TCP 443"];',
      '  n4 -> n1 [label="TCP 8080"];',
      '  n1 -> n3 [label="TCP 5432 (declared by shop/db-ingress)", style=dashed, color="#c0392b", fontcolor="#c0392b"];',
    ]);
    expect(dot).toContain('  n0 [label="203.0.113.0-203.0.113.255", shape=box, style=dashed];');
    expect(dot.endsWith('}\n')).toBe(true);
  });

  test('is byte for byte the same on every run', () => {
    expect(graphToDot(buildGraph(examplesCluster()))).toBe(graphToDot(buildGraph(examplesCluster())));
  });
});

describe('Mermaid', () => {
  test('is a flowchart with a subgraph per namespace and the one-sided connection dotted and styled', () => {
    // WHEN
    const mermaid = graphToMermaid(buildGraph(shopCluster()));
    // THEN
    expect(mermaid.split('\n')).toEqual([
      'flowchart LR',
      '  subgraph ns0["shop"]',
      '    n1("api[Deployment]")',
      '    n2("batch[Deployment]")',
      '    n3("db[Deployment]")',
      '    n4("web[Deployment]")',
      '  end',
      '  n0["203.0.113.0-203.0.113.255"]',
      '  n4 -->|"TCP 443"| n0',
      '  n4 -->|"TCP 8080"| n1',
      '  n1 -.->|"TCP 5432 (declared by shop/db-ingress)"| n3',
      '  linkStyle 2 stroke:#c0392b,color:#c0392b',
      '',
    ]);
  });

  test('has no linkStyle line when nothing is dashed', () => {
    expect(graphToMermaid(buildGraph(shopCluster(), { denied: false }))).not.toContain('linkStyle');
  });
});

describe('SVG through WebAssembly Graphviz', () => {
  let examples: ConnectivityGraph;
  let svg: string;

  beforeAll(async () => {
    examples = buildGraph(examplesCluster());
    svg = await graphToSvg(examples);
  });

  test('loads Graphviz without native binaries', async () => {
    expect((await loadGraphviz()).version()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test('renders the examples: an <svg> root, one node group per node, one edge group per edge, one cluster per namespace', () => {
    // THEN
    const parsed = parseSvg(svg);
    expect(parsed.root).toMatch(/^<svg width="\d+pt" height="\d+pt"/);
    expect(parsed.closed).toBe(true);
    // Graphviz writes nodes and edges in layout order: compare them as sets.
    expect([...parsed.nodes].sort()).toEqual(examples.nodes.map(n => n.id).sort());
    expect(parsed.nodes).toHaveLength(10);
    expect([...parsed.edges].sort()).toEqual(examples.edges.map(e => `${e.from}&#45;&gt;${e.to}`).sort());
    expect(parsed.edges).toHaveLength(8);
    expect(parsed.clusters).toEqual(['cluster_0', 'cluster_1', 'cluster_2', 'cluster_3']);
    for (const ns of ['monitoring', 'production', 'shop&#45;data', 'shop&#45;web']) expect(parsed.body).toContain(`>${ns}</text>`);
  });

  test('puts the ports on the edges and the workload names on the nodes', () => {
    const frontendToApi = edgeElements(svg).find(e => e.includes('<title>n4&#45;&gt;n3</title>'));
    expect(frontendToApi).toContain('>TCP 8080</text>');
    expect(svg).toContain('>frontend[Deployment]</text>');
    expect(svg).toContain('>52.94.0.0&#45;52.94.255.255</text>');
  });

  test('draws the one-sided connection dashed and red', async () => {
    // GIVEN the shop fixture, whose db ingress names api but api may not send
    const graph = buildGraph(shopCluster());
    // WHEN
    const shop = await graphToSvg(graph);
    // THEN
    const parsed = parseSvg(shop);
    expect(parsed.nodes).toHaveLength(5);
    const edges = edgeElements(shop);
    expect(edges).toHaveLength(3);
    const dashed = edges.filter(e => e.includes('stroke-dasharray'));
    expect(dashed).toHaveLength(1);
    expect(dashed[0]).toContain('<title>n1&#45;&gt;n3</title>');
    expect(dashed[0]).toContain('stroke="#c0392b"');
    expect(dashed[0]).toContain('>TCP 5432 (declared by shop/db&#45;ingress)</text>');
  });

  test('is the same on every run', async () => {
    expect(await graphToSvg(buildGraph(examplesCluster()))).toBe(svg);
  });
});

describe('HTML', () => {
  test('is one page with the SVG inline, a legend and the connection table, and no scripts or external resources', async () => {
    // WHEN
    const html = await graphToHtml(buildGraph(shopCluster()));
    // THEN
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src=|href=|@import|url\(/i);
    expect(html).not.toContain('<?xml');
    expect(html.match(/<svg width="\d+pt"/g)).toHaveLength(1);
    expect(html).toContain('<ul class="legend">');
    expect(html).toContain('declared by one side, denied by the other (rule NP009)');
    const rows = [...html.matchAll(/<tr class="(\w+)"><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>(.*?)<\/td><\/tr>/g)].map(m => m.slice(1).join(' | '));
    expect(rows).toEqual([
      'allowed | shop/web[Deployment] | 203.0.113.0-203.0.113.255[External] | TCP 443 | allowed',
      'allowed | shop/web[Deployment] | shop/api[Deployment] | TCP 8080 | allowed',
      'denied | shop/api[Deployment] | shop/db[Deployment] | TCP 5432 | denied: declared by <code>shop/db-ingress</code>; isolated by <code>shop/default-deny-all</code>',
    ]);
    expect(html).toContain('<p>5 nodes in 1 namespace, 2 allowed connections, 1 declared but denied.</p>');
  });

  test('escapes the title', async () => {
    const html = await graphToHtml(buildGraph(shopCluster()), 'a <b> & "c"');
    expect(html).toContain('<title>a &lt;b&gt; &amp; &quot;c&quot;</title>');
  });
});

describe('renderGraph', () => {
  test.each(GRAPH_FORMATS.map(f => [f]))('renders %s', async format => {
    const text = await renderGraph(buildGraph(shopCluster()), format);
    expect(text.length).toBeGreaterThan(0);
    expect(text.endsWith('\n')).toBe(true);
  });

  test('throws for an unknown format, listing the known ones', async () => {
    await expect(renderGraph(buildGraph(shopCluster()), 'png')).rejects.toThrow('unknown graph format "png"; use one of svg, dot, mermaid, html');
  });

  test('every edge kind has a style', () => {
    expect(Object.values(EdgeKind)).toEqual(['allowed', 'denied']);
  });
});
