/**
 * `cdk8s-netpol graph` on generated clusters of 300 workloads, in a temporary directory: it completes, writes valid
 * SVG, says on standard error only that it grouped, and refuses (exit 2, one line) what it cannot lay out. Run
 * in-process through `run()`, and once through the real executable for its real standard error.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cli } from '../cli/support';
import { checkSvg, generatedPolicies, generatedWorkloads, stream, yaml } from './support';

const ROOT = path.join(__dirname, '..', '..');

let tmp: string;
/** 300 Deployments in 10 namespaces, no policies. */
let open: string;
/** The same with policies in the even namespaces (default deny, t0 -> t1 on 8080, t1 declaring t2 on 9000). */
let policed: string;
/** 70 workloads where workload i admits exactly workloads 0..i-1: 2,485 edges that no grouping reduces. */
let staircase: string;

function write(name: string, docs: string[]): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  // Two files, so that the directory is read as a whole.
  const half = Math.ceil(docs.length / 2);
  fs.writeFileSync(path.join(dir, 'a.yaml'), stream(docs.slice(0, half)));
  fs.writeFileSync(path.join(dir, 'b.yaml'), stream(docs.slice(half)));
  return dir;
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-graph-large-'));
  open = write('open', generatedWorkloads(300, 10));
  policed = write('policed', [...generatedWorkloads(300, 10), ...generatedPolicies(10)]);
  const steps = [yaml.namespace('steps')];
  for (let i = 0; i < 70; i++) {
    steps.push(yaml.deployment('steps', `s${i}`, { rank: `r${i}` }));
    steps.push(yaml.policy('steps', `s${i}-ingress`, [
      `podSelector: { matchLabels: { rank: r${i} } }`, 'policyTypes: [Ingress]',
      ...(i === 0 ? [] : ['ingress:', `  - from: [{ podSelector: { matchExpressions: [{ key: rank, operator: In, values: [${Array.from({ length: i }, (_, j) => `r${j}`).join(', ')}] }] } }]`]),
    ]));
  }
  staircase = write('staircase', steps);
});
afterAll(() => { fs.rmSync(tmp, { recursive: true, force: true }); });

/** Runs `graph ARGS...` in-process, with `console.error` watched (where Graphviz writes its warnings). */
async function graph(...args: string[]) {
  const consoleError = jest.spyOn(console, 'error');
  const consoleWarn = jest.spyOn(console, 'warn');
  try {
    const result = await cli('graph', ...args);
    return { ...result, console: [...consoleError.mock.calls, ...consoleWarn.mock.calls].map(c => c.join(' ')) };
  } finally {
    consoleError.mockRestore();
    consoleWarn.mockRestore();
  }
}

/** The `<title>`s of the node and edge groups of Graphviz's SVG. */
function drawn(svg: string) {
  const titles = (cls: string) => [...svg.matchAll(new RegExp(`<g id="[^"]+" class="${cls}">\\s*<title>([^<]*)</title>`, 'g'))].map(m => m[1]);
  return { nodes: titles('node'), edges: titles('edge'), clusters: titles('cluster') };
}

const NOTE_300 = 'note: 300 workloads drawn as 1 node (and 1 address range node), grouped by class automatically, as one node per workload would make 301 nodes and 90300 edges: a node with a double outline stands for workloads with the same connections, and each of its edges holds for every pair of members.\n';

describe('graph on 300 workloads without policies', () => {
  test('completes with valid SVG: one node for the 300, the outside range, three edges; only the note on standard error', async () => {
    // WHEN
    const result = await graph(open);
    // THEN
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(NOTE_300);
    expect(result.console).toEqual([]);
    const elements = checkSvg(result.stdout);
    expect(elements.get('svg')).toBe(1);
    const { nodes, edges, clusters } = drawn(result.stdout);
    expect({ nodes: nodes.sort(), edges: edges.sort(), clusters }).toEqual({ nodes: ['g0', 'g1'], edges: ['g0&#45;&gt;g1', 'g1&#45;&gt;g0', 'g1&#45;&gt;g1'], clusters: [] });
    expect(result.stdout).toContain('>300 workloads in 10 namespaces</text>');
    expect(result.stdout).toContain('>Grouped by class: 300 workloads drawn as 1 node.</text>');
  });

  test('--group namespace draws a node "all 30 workloads" in each of the 10 namespace boxes', async () => {
    // WHEN
    const result = await graph(open, '--group', 'namespace');
    // THEN
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^note: 300 workloads drawn as 10 nodes \(and 1 address range node\), grouped by namespace: a node with a double outline/);
    expect(result.console).toEqual([]);
    checkSvg(result.stdout);
    const { nodes, edges, clusters } = drawn(result.stdout);
    expect([nodes.length, edges.length, clusters.length]).toEqual([11, 120, 10]);
    expect(result.stdout.match(/>all 30 workloads<\/text>/g)).toHaveLength(10);
  });

  test('--group none is refused in one line with exit 2: the size, the limit, and the groupings that fit', async () => {
    // WHEN
    const result = await graph(open, '--group', 'none');
    // THEN
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('error: the picture would have 301 nodes and 90300 edges with --group none, over the limit of 1000 nodes and 2000 edges that Graphviz lays out in seconds. Use --group namespace (11 nodes and 120 edges) or --group class (2 nodes and 3 edges), or --namespace NAME to draw fewer namespaces.\n');
  });

  test('--namespace draws the workloads of some namespaces only', async () => {
    // WHEN ns1 alone, one node per workload: 30 workloads, 30 * 29 edges between them and 2 * 30 with the outside
    const one = await graph(open, '--namespace', 'ns1', '--group', 'none', '--output', 'dot');
    // AND ns1 and ns2, grouped
    const two = await graph(open, '--namespace', 'ns1,ns2', '--output', 'dot');
    // THEN
    expect([one.code, one.stderr]).toEqual([0, '']);
    expect(one.stdout.split('\n').filter(l => l.includes(' -> '))).toHaveLength(30 * 29 + 2 * 30);
    expect(one.stdout.match(/label="ns\d";/g)).toEqual(['label="ns1";']);
    expect(one.stdout).toContain('  graph [splines=line, nslimit=1, nslimit1=1, mclimit=0.1];');
    expect(two.code).toBe(0);
    expect(two.stderr).toMatch(/^note: 60 workloads drawn as 1 node \(and 1 address range node\), grouped by class/);
    expect(two.stdout).toContain('g1 [label="60 workloads in 2 namespaces\\nall of ns1, ns2", peripheries=2];');
  });

  test('a --namespace without workloads is an error naming the value and the namespaces there are', async () => {
    const result = await graph(open, '--namespace', 'ns1', '--namespace', 'payments');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('error: --namespace "payments": no workloads in that namespace. Namespaces with workloads: ns0, ns1, ns2, ns3, ns4, ns5, ns6, ns7, ns8, ns9.\n');
  });

  test('an unknown --group is a usage error naming the value and the modes', async () => {
    const result = await graph(open, '--group', 'tier');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: option \'--group <mode>\' argument \'tier\' is invalid. Use one of auto, none, namespace, class, overview, e.g. --group class.');
  });
});

describe('graph on 300 workloads with policies', () => {
  test('completes with valid SVG, the tiers of each isolated namespace apart and the one-sided rule dashed', async () => {
    // WHEN
    const result = await graph(policed);
    // THEN
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('note: 300 workloads drawn as 16 nodes (and 1 address range node), grouped by class automatically, as one node per workload would make 301 nodes and 23650 edges: a node with a double outline stands for workloads with the same connections, and each of its edges holds for every pair of members.\n');
    expect(result.console).toEqual([]);
    checkSvg(result.stdout);
    const { nodes, edges, clusters } = drawn(result.stdout);
    expect([nodes.length, clusters.length]).toEqual([17, 5]);
    // open namespaces: self, to and from the outside; per isolated namespace t0 -> t1 and the dashed t2 -> t1
    expect(edges).toHaveLength(3 + 5 * 2);
    expect(result.stdout.match(/>TCP 9000 \(declared by ns\d\/t1&#45;ingress\)<\/text>/g)).toHaveLength(5);
    expect(result.stdout.match(/<path fill="none" stroke="#c0392b" stroke-dasharray=/g)).toHaveLength(5);
  });

  test('every format draws the same nodes and edges, and says that it grouped', async () => {
    // WHEN
    const dot = await graph(policed, '--output', 'dot');
    const mermaid = await graph(policed, '--output', 'mermaid');
    const html = await graph(policed, '--output', 'html');
    const svg = await graph(policed);
    // THEN
    for (const result of [dot, mermaid, html, svg]) expect([result.code, result.stderr.startsWith('note: 300 workloads drawn as 16 nodes')]).toEqual([0, true]);
    const dotEdges = dot.stdout.split('\n').filter(l => / -> /.test(l)).map(l => l.trim().split(' [')[0]).sort();
    const mermaidEdges = mermaid.stdout.split('\n').filter(l => /-\.?->/.test(l)).map(l => l.trim().replace(/ -\.?->\|[^|]*\| /, ' -> ')).sort();
    const svgEdges = drawn(svg.stdout).edges.map(t => t.replace('&#45;&gt;', ' -> ')).sort();
    expect(dotEdges).toHaveLength(13);
    expect(mermaidEdges).toEqual(dotEdges);
    expect(svgEdges).toEqual(dotEdges);
    expect(html.stdout.match(/<tr class="(allowed|denied)">/g)).toHaveLength(13);
    expect(dot.stdout).toContain('label="Grouped by class: 300 workloads drawn as 16 nodes.\\nA double outline marks');
    expect(mermaid.stdout.split('\n')[1]).toBe('  %% Grouped by class: 300 workloads drawn as 16 nodes. A double outline marks workloads with the same connections; each of their edges holds for every pair of members.');
    expect(html.stdout).toContain('<h2>Groups</h2>');
  });
});

describe('graph on a picture no grouping by class makes small enough', () => {
  test('auto draws the namespace overview instead, and says why', async () => {
    // WHEN
    const result = await graph(staircase, '--output', 'dot');
    // THEN
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^note: 70 workloads drawn as 1 namespace node automatically, as grouping by class would make 71 nodes and 2485 edges: /);
    expect(result.stdout).toContain('label="steps\\n70 workloads"');
  });

  test('--group class is refused in one line with exit 2, pointing to the overview and to --namespace', async () => {
    // WHEN
    const result = await graph(staircase, '--group', 'class');
    // THEN
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('error: the picture would have 71 nodes and 2485 edges with --group class, over the limit of 1000 nodes and 2000 edges that Graphviz lays out in seconds. Use --group overview (one node per namespace), or --namespace NAME to draw fewer namespaces.\n');
  });

  test('is refused the same in every format', async () => {
    const results = [await graph(staircase, '--group', 'class', '--output', 'dot'), await graph(staircase, '--group', 'class', '--output', 'mermaid'), await graph(staircase, '--group', 'class', '--output', 'html')];
    expect(results.map(r => [r.code, r.stdout, r.stderr.split('\n').length])).toEqual(Array(3).fill([2, '', 2]));
  });
});

describe('graph just above the grouping threshold', () => {
  test('groups, and says how to draw one node per workload, which --group none then does', async () => {
    // GIVEN 14 open workloads: 15 nodes and 210 edges one node per workload, within the limit
    const fourteen = write('fourteen', generatedWorkloads(14, 1));
    // WHEN
    const grouped = await graph(fourteen, '--output', 'dot');
    const single = await graph(fourteen, '--output', 'dot', '--group', 'none');
    // THEN
    expect(grouped.stderr).toBe('note: 14 workloads drawn as 1 node (and 1 address range node), grouped by class automatically, as one node per workload would make 15 nodes and 210 edges: a node with a double outline stands for workloads with the same connections, and each of its edges holds for every pair of members; --group none draws one node per workload.\n');
    expect(grouped.stdout.split('\n').filter(l => l.includes(' -> '))).toHaveLength(3);
    expect([single.code, single.stderr]).toEqual([0, '']);
    expect(single.stdout.split('\n').filter(l => l.includes(' -> '))).toHaveLength(210);
  });
});

describe('graph on more workload classes than it groups', () => {
  test('--group class is refused in one line with exit 2, before any grouping; auto draws the namespace overview', async () => {
    // GIVEN 3001 workloads with distinct labels in 3 namespaces
    const many = write('many', generatedWorkloads(3001, 3));
    // WHEN
    const result = await graph(many, '--output', 'dot', '--group', 'class');
    // THEN
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('error: the input has 3001 workloads that policies can tell apart (distinct namespace, labels or named ports; of 3001 workloads), more than the 3000 a picture is grouped for. Use --group overview (one node per namespace), or --namespace NAME (repeatable, or comma-separated) to draw fewer namespaces.\n');
    // WHEN auto
    const overview = await graph(many, '--output', 'dot');
    expect(overview.code).toBe(0);
    expect(overview.stdout).toContain('label="Overview by namespace: 3001 workloads drawn as 3 namespace nodes.');
  });
});

describe('graph on a small dense cluster', () => {
  test('draws every edge although Graphviz cannot route them all curved, and prints nothing of Graphviz\'s', async () => {
    // GIVEN 9 open workloads in 3 namespaces: 10 nodes and 90 edges, drawn one node per workload with curved edges,
    // which Graphviz cannot all route ("triangulation failed"), dropping some
    const dense = write('dense', generatedWorkloads(9, 3));
    // WHEN
    const result = await graph(dense);
    // THEN
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.console).toEqual([]);
    checkSvg(result.stdout);
    expect(drawn(result.stdout).edges).toHaveLength(90);
  });
});

describe('graph --layout-timeout', () => {
  test('stops a layout that takes longer, in one line with exit 2, and writes nothing', async () => {
    // GIVEN 12 open workloads in 3 namespaces, one node each (13 nodes and 156 edges: laid out in a worker)
    const twelve = write('twelve', generatedWorkloads(12, 3));
    // WHEN
    const result = await graph(twelve, '--layout-timeout', '0.001');
    // THEN
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('error: Graphviz did not finish laying out the picture (13 nodes and 156 edges) within 0.001 s, so it was stopped. Use --group class (2 nodes and 3 edges), or --namespace NAME to draw fewer namespaces, or --output dot to lay it out elsewhere.\n');
  });

  test('does not apply to text formats', async () => {
    const result = await graph(open, '--layout-timeout', '0.001', '--output', 'dot');
    expect(result.code).toBe(0);
  });

  test('must be a number of seconds above 0', async () => {
    const result = await graph(open, '--layout-timeout', '0');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: option \'--layout-timeout <seconds>\' argument \'0\' is invalid. Give the seconds an SVG or HTML layout may take, a number above 0 and at most 3600, e.g. --layout-timeout 60.');
  });
});

describe('the executable on 300 workloads', () => {
  test('writes SVG and only the note to its real standard error', () => {
    // WHEN (the timeout only guards against a hang)
    const result = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'cdk8s-netpol.js'), 'graph', open], { cwd: ROOT, encoding: 'utf-8', timeout: 120000, maxBuffer: 64 * 1024 * 1024 });
    // THEN
    expect(result.stderr).toBe(NOTE_300);
    expect(result.status).toBe(0);
    expect(checkSvg(result.stdout).get('svg')).toBe(1);
    expect(drawn(result.stdout).nodes.sort()).toEqual(['g0', 'g1']);
  });
});

describe('graph --help', () => {
  test('documents the grouping, its threshold and the size limit', async () => {
    const result = await graph('--help');
    const text = result.stdout.replace(/\s+/g, ' ');
    expect(result.code).toBe(0);
    expect(text).toContain('--group <mode> group workloads with the same connections into one node: auto, none, namespace, class, overview (see below) (default: "auto")');
    expect(text).toContain('auto the default: none up to 100 nodes and 200 edges, class above, overview when class is over the limit below (or the input has more than 3000 workload classes); a note on standard error says so');
    expect(text).toContain('overview one node per namespace: each edge lists, for each set of ports, how many of the workload pairs between the two namespaces have exactly it');
    expect(text).toContain('A picture of more than 1000 nodes or 2000 edges is refused (exit 2)');
    expect(text).toContain('--namespace <names> draw only the workloads of these namespaces');
  });
});
