/**
 * The graph formats: `dot` and `mermaid` (text, through the analysis output formatters), `svg` (DOT laid out by
 * Graphviz compiled to WebAssembly) and `html` (one self-contained page: the SVG, a legend and the connection
 * table; no scripts, no external resources). Each format draws a per-workload graph (`ConnectivityGraph`) or a
 * grouped one (`GroupedGraph`) alike: the same nodes, edges and labels, and for a grouped one a statement saying so.
 *
 * Layout: pictures up to `CURVED_LAYOUT_LIMIT` keep Graphviz's `dot` defaults (curved edges) and are laid out in
 * this thread; when Graphviz cannot route some curved edge (it then drops the edge and writes `triangulation failed`
 * to standard error) the picture is laid out again with straight edges. Larger pictures carry
 * `LARGE_GRAPH_ATTRIBUTES` in their DOT (so the DOT output lays out as quickly with a native Graphviz) and are laid
 * out in a worker thread that is stopped after `LAYOUT_TIME_LIMIT_MS`: `dot`'s time depends on the graph's shape
 * (long edges across many ranks), not only on its size.
 */
import { endpointName, endpointShortName, formatDot, formatMermaid, DENIED_EDGE_COLOR } from '../analysis';
import { ConnectivityGraph, EdgeKind } from './graph';
import { layoutSvg, layoutSvgWithin, SvgLayout } from './graphviz';
import { GraphSize, GroupedGraph, GroupNode, isGrouped, naturalCompare, OVERVIEW } from './group';

/** The names of the graph formats; `svg` is the default. */
export const GRAPH_FORMATS = ['svg', 'dot', 'mermaid', 'html'] as const;

/** One of the graph format names. */
export type GraphFormat = typeof GRAPH_FORMATS[number];

/** What the formats draw: a per-workload graph or a grouped one. */
export type Picture = ConnectivityGraph | GroupedGraph;

/**
 * Pictures up to this size are laid out with Graphviz's defaults (curved edges), in this thread; `dot` takes at most
 * about a second on them. Larger ones get `LARGE_GRAPH_ATTRIBUTES` and a time limit.
 */
export const CURVED_LAYOUT_LIMIT: GraphSize = { nodes: 50, edges: 100 };

/**
 * Graphviz graph attributes of pictures larger than `CURVED_LAYOUT_LIMIT`: straight edges (spline routing fails on
 * dense graphs and then drops edges, and is slow on long ones) and bounded network-simplex and crossing-minimisation
 * passes, without which `dot` takes minutes on a few thousand edges.
 */
export const LARGE_GRAPH_ATTRIBUTES = 'splines=line, nslimit=1, nslimit1=1, mclimit=0.1';

/**
 * How long the layout of a picture larger than `CURVED_LAYOUT_LIMIT` may take before it is abandoned with
 * `LayoutTimeoutError`, in milliseconds. Pictures within `MAX_GRAPH_SIZE` usually take one to five seconds.
 */
export const LAYOUT_TIME_LIMIT_MS = 20000;

/** The second try for a small picture whose curved edges Graphviz could not all route. */
const STRAIGHT_EDGES = 'splines=line';

/** Options of `renderGraph` and the SVG and HTML renderers. */
export interface RenderOptions {
  /**
   * Told, in one sentence, when Graphviz still reports problems after the second try (edges it could not draw).
   * Graphviz's own warnings are never passed on.
   * @default - ignored
   */
  readonly warn?: (message: string) => void;
  /**
   * The time limit of a layout in a worker (pictures larger than `CURVED_LAYOUT_LIMIT`), in milliseconds.
   * @default LAYOUT_TIME_LIMIT_MS
   */
  readonly timeoutMs?: number;
}

function isLarge(graph: Picture): boolean {
  return graph.nodes.length > CURVED_LAYOUT_LIMIT.nodes || graph.edges.length > CURVED_LAYOUT_LIMIT.edges;
}

function withGraphAttributes(dot: string, attributes: string): string {
  return dot.replace(/^digraph connectivity \{\n/, `digraph connectivity {\n  graph [${attributes}];\n`);
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** The sentence a grouped picture carries: what was grouped and what its edges mean. */
export function groupingStatement(graph: GroupedGraph): string {
  const nodes = graph.nodes.filter(n => !n.external).length;
  if (graph.grouping === OVERVIEW) {
    return `Overview by namespace: ${graph.workloads} workloads drawn as ${nodes} namespace node${nodes === 1 ? '' : 's'}.\n`
      + 'Each edge lists, for each set of ports, how many of the workload pairs between the two namespaces have exactly it.';
  }
  return `Grouped by ${graph.grouping}: ${graph.workloads} workloads drawn as ${nodes} node${nodes === 1 ? '' : 's'}.\n`
    + 'A double outline marks workloads with the same connections; each of their edges holds for every pair of members.';
}

function groupedDot(graph: GroupedGraph): string {
  const lines = ['digraph connectivity {'];
  if (isLarge(graph)) lines.push(`  graph [${LARGE_GRAPH_ATTRIBUTES}];`);
  lines.push('  rankdir=LR;', '  graph [fontname="Helvetica"];', '  node [shape=ellipse, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];');
  const node = (n: GroupNode) => {
    const attributes = [`label=${quote(n.label)}`];
    if (n.external) attributes.push('shape=box', 'style=dashed');
    if (n.members.length > 1) attributes.push('peripheries=2');
    return `${n.id} [${attributes.join(', ')}];`;
  };
  graph.boxes.forEach((box, i) => {
    lines.push(`  subgraph cluster_${i} {`, `    label=${quote(box.namespace)};`);
    for (const n of box.nodes) lines.push(`    ${node(n)}`);
    lines.push('  }');
  });
  for (const n of graph.outside) lines.push(`  ${node(n)}`);
  for (const e of graph.edges) {
    const style = e.kind === EdgeKind.DENIED ? `, style=dashed, color="${DENIED_EDGE_COLOR}", fontcolor="${DENIED_EDGE_COLOR}"` : '';
    lines.push(`  ${e.from} -> ${e.to} [label=${quote(e.label)}${style}];`);
  }
  // Set last, so that the namespace boxes do not inherit the statement's label, place and size.
  lines.push('  fontsize=10;', '  labelloc=b;', `  label=${quote(groupingStatement(graph))};`, '}');
  return `${lines.join('\n')}\n`;
}

/**
 * The graph in Graphviz DOT: a cluster per namespace, external ranges as dashed boxes, denied edges dashed and red;
 * groups with a double outline and the grouping statement as the graph's label.
 */
export function graphToDot(graph: Picture): string {
  if (isGrouped(graph)) return groupedDot(graph);
  const dot = formatDot(graph.connections, graph.formatOptions);
  return isLarge(graph) ? withGraphAttributes(dot, LARGE_GRAPH_ATTRIBUTES) : dot;
}

function mermaidLabel(text: string): string {
  // Mermaid labels are quoted; a double quote inside is written as an HTML entity, a line break as <br>.
  return `"${text.replace(/"/g, '#quot;').replace(/\n/g, '<br>')}"`;
}

function groupedMermaid(graph: GroupedGraph): string {
  const lines = ['flowchart LR', `  %% ${groupingStatement(graph).replace(/\n/g, ' ')}`];
  const node = (n: GroupNode) => {
    if (n.members.length > 1) return `${n.id}[[${mermaidLabel(n.label)}]]`;
    return n.external ? `${n.id}[${mermaidLabel(n.label)}]` : `${n.id}(${mermaidLabel(n.label)})`;
  };
  graph.boxes.forEach((box, i) => {
    lines.push(`  subgraph ns${i}[${mermaidLabel(box.namespace)}]`);
    for (const n of box.nodes) lines.push(`    ${node(n)}`);
    lines.push('  end');
  });
  for (const n of graph.outside) lines.push(`  ${node(n)}`);
  const dashed: number[] = [];
  graph.edges.forEach((e, i) => {
    if (e.kind === EdgeKind.DENIED) {
      dashed.push(i);
      lines.push(`  ${e.from} -.->|${mermaidLabel(e.label)}| ${e.to}`);
    } else {
      lines.push(`  ${e.from} -->|${mermaidLabel(e.label)}| ${e.to}`);
    }
  });
  if (dashed.length > 0) lines.push(`  linkStyle ${dashed.join(',')} stroke:${DENIED_EDGE_COLOR},color:${DENIED_EDGE_COLOR}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The graph as a Mermaid flowchart: a subgraph per namespace, denied edges dotted; groups as `[[...]]` nodes and the
 * grouping statement as a comment.
 */
export function graphToMermaid(graph: Picture): string {
  if (isGrouped(graph)) return groupedMermaid(graph);
  return formatMermaid(graph.connections, graph.formatOptions);
}

function layoutProblems(layout: SvgLayout, edges: number): { messages: number; missing: number } {
  const drawn = layout.svg.match(/ class="edge">/g)?.length ?? 0;
  return { messages: layout.messages.length, missing: Math.max(0, edges - drawn) };
}

/**
 * The graph as SVG (Graphviz `dot` layout of `graphToDot`). Graphviz's warnings are not printed; a small picture with
 * edges Graphviz could not route is laid out again with straight edges; a large one is laid out in a worker and
 * rejects with `LayoutTimeoutError` after `timeoutMs`. Ends with a newline.
 */
export async function graphToSvg(graph: Picture, options: RenderOptions = {}): Promise<string> {
  const dot = graphToDot(graph);
  let layout: SvgLayout;
  let problems: { messages: number; missing: number };
  if (isLarge(graph)) {
    layout = await layoutSvgWithin(dot, options.timeoutMs ?? LAYOUT_TIME_LIMIT_MS);
    problems = layoutProblems(layout, graph.edges.length);
  } else {
    layout = await layoutSvg(dot);
    problems = layoutProblems(layout, graph.edges.length);
    if (problems.messages > 0 || problems.missing > 0) {
      layout = await layoutSvg(withGraphAttributes(dot, STRAIGHT_EDGES));
      problems = layoutProblems(layout, graph.edges.length);
    }
  }
  if (problems.missing > 0) {
    const first = layout.messages.find(m => m.trim() !== '')?.trim();
    options.warn?.(`Graphviz could not draw ${problems.missing} of ${graph.edges.length} edges${first ? ` (it said: ${first})` : ''}; the other formats list them all`);
  }
  const svg = layout.svg;
  return svg.endsWith('\n') ? svg : `${svg}\n`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `
body { font-family: Helvetica, Arial, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; }
.picture svg { max-width: 100%; height: auto; }
.legend { list-style: none; padding: 0; display: flex; gap: 2em; flex-wrap: wrap; }
.legend svg { vertical-align: middle; margin-right: 0.4em; }
table { border-collapse: collapse; margin-top: 1em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.7em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
tr.denied td { color: ${DENIED_EDGE_COLOR}; }
code { font-size: 0.95em; }`;

function legend(grouped: boolean): string {
  const line = (dashed: boolean, color: string) => `<svg width="40" height="10" aria-hidden="true"><line x1="0" y1="5" x2="40" y2="5" stroke="${color}" stroke-width="2"${dashed ? ' stroke-dasharray="6,4"' : ''}/></svg>`;
  const box = (dashed: boolean, rounded: boolean) => `<svg width="30" height="16" aria-hidden="true"><rect x="1" y="1" width="28" height="14"${rounded ? ' rx="7"' : ''} fill="none" stroke="#222"${dashed ? ' stroke-dasharray="4,3"' : ''}/></svg>`;
  const double = '<svg width="30" height="16" aria-hidden="true"><rect x="1" y="1" width="28" height="14" rx="7" fill="none" stroke="#222"/><rect x="4" y="4" width="22" height="8" rx="4" fill="none" stroke="#222"/></svg>';
  return [
    '<ul class="legend">',
    `  <li>${line(false, '#222')}allowed connection, labelled with its ports</li>`,
    `  <li>${line(true, DENIED_EDGE_COLOR)}declared by one side, denied by the other (rule NP009), labelled with the declared ports and the declaring policy</li>`,
    `  <li>${box(false, true)}workload, in a box per namespace</li>`,
    ...(grouped ? [`  <li>${double}group: workloads (or address ranges) with the same connections; each of its edges holds for every pair of members</li>`] : []),
    `  <li>${box(true, false)}address range outside the cluster</li>`,
    '</ul>',
  ].join('\n');
}

function status(e: { kind: EdgeKind; declaredBy: readonly string[]; deniedBy: readonly string[] }): string {
  return e.kind === EdgeKind.ALLOWED
    ? 'allowed'
    : `denied: declared by ${e.declaredBy.map(p => `<code>${escapeHtml(p)}</code>`).join(', ')}; isolated by ${e.deniedBy.map(p => `<code>${escapeHtml(p)}</code>`).join(', ')}`;
}

function table(head: string[], rows: string[]): string {
  return [
    '<table>',
    `  <thead><tr>${head.map(h => `<th>${h}</th>`).join('')}</tr></thead>`,
    '  <tbody>',
    ...(rows.length > 0 ? rows : [`    <tr><td colspan="${head.length}">no connections</td></tr>`]),
    '  </tbody>',
    '</table>',
  ].join('\n');
}

function connectionTable(graph: ConnectivityGraph): string {
  return table(['From', 'To', 'Ports', 'Status'], graph.edges.map(e =>
    `    <tr class="${e.kind}"><td>${escapeHtml(endpointName(e.src))}</td><td>${escapeHtml(endpointName(e.dst))}</td><td>${escapeHtml(e.conns.toString())}</td><td>${status(e)}</td></tr>`));
}

function groupedTables(graph: GroupedGraph): string[] {
  const name = new Map(graph.nodes.map(n => [n.id, n.label.replace(/\n/g, ': ')]));
  const connections = table(['From', 'To', 'Ports', 'Status', 'Member pairs'], graph.edges.map(e =>
    `    <tr class="${e.kind}"><td>${escapeHtml(name.get(e.from)!)}</td><td>${escapeHtml(name.get(e.to)!)}</td><td>${escapeHtml(e.conns.toString())}</td><td>${status(e)}</td><td>${e.pairs}</td></tr>`));
  const groups = graph.nodes.filter(n => n.members.length > 1).map(n =>
    `    <tr><td>${escapeHtml(name.get(n.id)!)}</td><td>${escapeHtml(n.members.map(endpointShortName).sort(naturalCompare).join(', '))}</td></tr>`);
  return ['<h2>Connections</h2>', connections, '<h2>Groups</h2>', table(['Group', 'Members'], groups)];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A self-contained HTML page: title, legend, the SVG inline, the connection table (and for groups their members). */
export async function graphToHtml(graph: Picture, title = 'NetworkPolicy connectivity', options: RenderOptions = {}): Promise<string> {
  const svg = (await graphToSvg(graph, options)).replace(/^<\?xml[^>]*>\s*/, '').replace(/^<!DOCTYPE[^>]*>\s*/, '').trim();
  const allowed = graph.edges.filter(e => e.kind === EdgeKind.ALLOWED).length;
  const denied = graph.edges.length - allowed;
  const grouped = isGrouped(graph);
  const namespaces = grouped ? new Set(graph.nodes.flatMap(n => n.namespaces)).size : graph.groups.length;
  const ranges = grouped ? graph.nodes.filter(n => n.external).reduce((k, n) => k + n.members.length, 0) : 0;
  const drawn = grouped ? ` for ${plural(graph.workloads, 'workload')}${ranges > 0 ? ` and ${plural(ranges, 'address range')}` : ''}` : '';
  const counts = `${plural(graph.nodes.length, 'node')}${drawn} in ${plural(namespaces, 'namespace')}, `
    + `${allowed} allowed connection${allowed === 1 ? '' : 's'}, ${denied} declared but denied.`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}\n</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${counts}</p>`,
    ...(grouped ? [`<p class="grouping">${escapeHtml(groupingStatement(graph).replace(/\n/g, ' '))}</p>`] : []),
    legend(grouped),
    `<div class="picture">\n${svg}\n</div>`,
    ...(grouped ? groupedTables(graph) : ['<h2>Connections</h2>', connectionTable(graph)]),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Renders the graph in the named format; throws for an unknown name, listing the known ones. */
export async function renderGraph(graph: Picture, format: string, options: RenderOptions = {}): Promise<string> {
  switch (format) {
    case 'svg': return graphToSvg(graph, options);
    case 'dot': return graphToDot(graph);
    case 'mermaid': return graphToMermaid(graph);
    case 'html': return graphToHtml(graph, undefined, options);
    default: throw new Error(`unknown graph format "${format}"; use one of ${GRAPH_FORMATS.join(', ')}`);
  }
}
