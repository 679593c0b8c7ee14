/**
 * The graph formats, checked structurally: DOT and Mermaid (clusters per namespace, dashed edges), SVG laid out by
 * WebAssembly Graphviz (one node group per node, one edge group per edge), and the self-contained HTML page.
 */
import {
  buildGraph, buildPicture, ConnectivityGraph, CURVED_LAYOUT_LIMIT, EdgeKind, GRAPH_FORMATS, graphToDot, graphToHtml, graphToMermaid, graphToSvg,
  GroupedGraph, LARGE_GRAPH_ATTRIBUTES, LAYOUT_TIME_LIMIT_MS, layoutSvg, layoutSvgWithin, LayoutTimeoutError, loadGraphviz, renderGraph,
} from '../../lib/graph';
import { loadText } from '../../lib/model/load';
import { examplesCluster, generatedWorkloads, shopCluster, stream } from './support';

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
    expect(parsed.edges).toHaveLength(14);
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

describe('grouped pictures', () => {
  const fourteen = () => buildPicture(loadText(stream(generatedWorkloads(14, 1)), 'fourteen.yaml').cluster).graph as GroupedGraph;

  test('DOT: groups with a double outline in their namespace box, and the grouping statement as the graph label, set last', () => {
    // WHEN 14 open workloads in ns0, grouped by class (15 nodes and 210 edges one node per workload)
    const dot = graphToDot(fourteen());
    // THEN
    expect(dot.split('\n')).toEqual([
      'digraph connectivity {',
      '  rankdir=LR;',
      '  graph [fontname="Helvetica"];',
      '  node [shape=ellipse, fontname="Helvetica"];',
      '  edge [fontname="Helvetica", fontsize=10];',
      '  subgraph cluster_0 {',
      '    label="ns0";',
      '    g1 [label="all 14 workloads\\napp0, app1, app2, … (+11)", peripheries=2];',
      '  }',
      '  g0 [label="0.0.0.0-255.255.255.255", shape=box, style=dashed];',
      '  g0 -> g1 [label="All Connections"];',
      '  g1 -> g0 [label="All Connections"];',
      '  g1 -> g1 [label="All Connections"];',
      '  fontsize=10;',
      '  labelloc=b;',
      '  label="Grouped by class: 14 workloads drawn as 1 node.\\nA double outline marks workloads with the same connections; each of their edges holds for every pair of members.";',
      '}',
      '',
    ]);
  });

  test('Mermaid: groups as [[...]] nodes, the statement as a comment, and the same edges', () => {
    expect(graphToMermaid(fourteen()).split('\n')).toEqual([
      'flowchart LR',
      '  %% Grouped by class: 14 workloads drawn as 1 node. A double outline marks workloads with the same connections; each of their edges holds for every pair of members.',
      '  subgraph ns0["ns0"]',
      '    g1[["all 14 workloads<br>app0, app1, app2, … (+11)"]]',
      '  end',
      '  g0["0.0.0.0-255.255.255.255"]',
      '  g0 -->|"All Connections"| g1',
      '  g1 -->|"All Connections"| g0',
      '  g1 -->|"All Connections"| g1',
      '',
    ]);
  });

  test('SVG: the groups\' nodes and edges, with the statement at the bottom, in a cluster box that keeps its own label', async () => {
    const svg = parseSvg(await graphToSvg(fourteen()));
    expect({ nodes: [...svg.nodes].sort(), edges: [...svg.edges].sort(), clusters: svg.clusters }).toEqual({ nodes: ['g0', 'g1'], edges: ['g0&#45;&gt;g1', 'g1&#45;&gt;g0', 'g1&#45;&gt;g1'], clusters: ['cluster_0'] });
    expect(svg.body).toMatch(/font-size="14.00">ns0<\/text>/);
    expect(svg.body).toMatch(/font-size="10.00">Grouped by class: 14 workloads drawn as 1 node.<\/text>/);
    expect(svg.body.match(/<ellipse /g)).toHaveLength(2);
  });

  test('HTML: the statement, the group in the legend, the edges with their member pairs, and the members of each group', async () => {
    // WHEN
    const html = await graphToHtml(fourteen());
    // THEN
    expect(html).toContain('<p>2 nodes for 14 workloads and 1 address range in 1 namespace, 3 allowed connections, 0 declared but denied.</p>');
    expect(html).toContain('<p class="grouping">Grouped by class: 14 workloads drawn as 1 node. A double outline marks');
    expect(html).toContain('group: workloads (or address ranges) with the same connections; each of its edges holds for every pair of members</li>');
    const rows = [...html.matchAll(/<tr class="allowed"><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>allowed<\/td><td>(\d+)<\/td><\/tr>/g)].map(m => m.slice(1).join(' | '));
    expect(rows).toEqual([
      '0.0.0.0-255.255.255.255 | all 14 workloads: app0, app1, app2, … (+11) | All Connections | 14',
      'all 14 workloads: app0, app1, app2, … (+11) | 0.0.0.0-255.255.255.255 | All Connections | 14',
      'all 14 workloads: app0, app1, app2, … (+11) | all 14 workloads: app0, app1, app2, … (+11) | All Connections | 182',
    ]);
    expect(html).toContain(`<tr><td>all 14 workloads: app0, app1, app2, … (+11)</td><td>${Array.from({ length: 14 }, (_, i) => `ns0/app${i}`).join(', ')}</td></tr>`);
  });
});

describe('layout of large and dense pictures', () => {
  // 9 open workloads in 3 namespaces: 10 nodes and 90 edges, small enough for curved edges, which Graphviz cannot all route
  const dense = () => buildGraph(loadText(stream(generatedWorkloads(9, 3)), 'dense.yaml').cluster);

  test(`a picture above ${CURVED_LAYOUT_LIMIT.nodes} nodes or ${CURVED_LAYOUT_LIMIT.edges} edges carries straight edges and bounded passes in its DOT; a smaller one does not`, () => {
    // GIVEN 10 open workloads in one namespace, one node each: 11 nodes and 110 edges
    const large = buildGraph(loadText(stream(generatedWorkloads(10, 1)), 'large.yaml').cluster);
    // THEN
    expect(graphToDot(large).split('\n').slice(0, 3)).toEqual(['digraph connectivity {', `  graph [${LARGE_GRAPH_ATTRIBUTES}];`, '  rankdir=LR;']);
    expect(graphToDot(dense())).not.toContain('splines');
  });

  test('a large picture is laid out in a worker, quietly, and stopped with LayoutTimeoutError when it takes too long', async () => {
    // GIVEN 12 open workloads in 3 namespaces: 13 nodes and 156 edges
    const large = buildGraph(loadText(stream(generatedWorkloads(12, 3)), 'large.yaml').cluster);
    const consoleError = jest.spyOn(console, 'error');
    try {
      // WHEN laid out with the default time limit, and with one millisecond
      const svg = await graphToSvg(large);
      const late = graphToSvg(large, { timeoutMs: 1 });
      // THEN
      expect(parseSvg(svg).edges).toHaveLength(156);
      await expect(late).rejects.toThrow(new LayoutTimeoutError(1));
      await expect(late).rejects.toHaveProperty('name', 'LayoutTimeoutError');
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
    }
  });

  test('a layout in a worker reports invalid DOT with Graphviz\'s message, and what Graphviz wrote', async () => {
    await expect(layoutSvgWithin('digraph { a -> }', LAYOUT_TIME_LIMIT_MS)).rejects.toThrow(/syntax error in line 1/);
    const dense = await layoutSvgWithin(graphToDot(buildGraph(loadText(stream(generatedWorkloads(9, 3)), 'dense.yaml').cluster)), LAYOUT_TIME_LIMIT_MS);
    expect(dense.messages.some(m => m.includes('triangulation failed'))).toBe(true);
  });

  test('Graphviz\'s warnings are collected per layout and never reach the console', async () => {
    // GIVEN the dense picture
    const consoleError = jest.spyOn(console, 'error');
    try {
      // WHEN
      const layout = await layoutSvg(graphToDot(dense()));
      // THEN it said so, and dropped edges
      expect(layout.messages.some(m => m.includes('triangulation failed'))).toBe(true);
      expect(layout.svg.match(/ class="edge">/g)!.length).toBeLessThan(90);
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
    }
  });

  test('such a picture is laid out again with straight edges: every edge drawn, nothing told', async () => {
    // WHEN
    const warnings: string[] = [];
    const svg = await graphToSvg(dense(), { warn: w => warnings.push(w) });
    // THEN
    expect(parseSvg(svg).edges).toHaveLength(90);
    expect(warnings).toEqual([]);
  });

  test('edges still missing after that are told in one sentence', async () => {
    // GIVEN a graph that lists one edge more than its DOT draws
    const graph = buildGraph(shopCluster());
    const warnings: string[] = [];
    // WHEN
    await graphToSvg({ ...graph, edges: [...graph.edges, graph.edges[0]] }, { warn: w => warnings.push(w) });
    // THEN
    expect(warnings).toEqual(['Graphviz could not draw 1 of 4 edges; the other formats list them all']);
  });

  test('invalid DOT is still an error, with Graphviz\'s message, and the next layout works', async () => {
    await expect(layoutSvg('digraph { a -> }')).rejects.toThrow(/syntax error in line 1/);
    expect((await layoutSvg('digraph { a -> b }')).svg).toContain('<svg');
  });
});
