/**
 * The graph formats: `dot` and `mermaid` (text, through the analysis output formatters), `svg` (DOT laid out by
 * Graphviz compiled to WebAssembly) and `html` (one self-contained page: the SVG, a legend and the connection
 * table; no scripts, no external resources).
 */
import { endpointName, formatDot, formatMermaid, DENIED_EDGE_COLOR } from '../analysis';
import { ConnectivityGraph, EdgeKind } from './graph';
import { dotToSvg } from './graphviz';

/** The names of the graph formats; `svg` is the default. */
export const GRAPH_FORMATS = ['svg', 'dot', 'mermaid', 'html'] as const;

/** One of the graph format names. */
export type GraphFormat = typeof GRAPH_FORMATS[number];

/** The graph in Graphviz DOT: a cluster per namespace, external ranges as boxes, denied edges dashed and red. */
export function graphToDot(graph: ConnectivityGraph): string {
  return formatDot(graph.connections, graph.formatOptions);
}

/** The graph as a Mermaid flowchart: a subgraph per namespace, denied edges dotted. */
export function graphToMermaid(graph: ConnectivityGraph): string {
  return formatMermaid(graph.connections, graph.formatOptions);
}

/** The graph as SVG (Graphviz `dot` layout). Ends with a newline. */
export async function graphToSvg(graph: ConnectivityGraph): Promise<string> {
  const svg = await dotToSvg(graphToDot(graph));
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

function legend(): string {
  const line = (dashed: boolean, color: string) => `<svg width="40" height="10" aria-hidden="true"><line x1="0" y1="5" x2="40" y2="5" stroke="${color}" stroke-width="2"${dashed ? ' stroke-dasharray="6,4"' : ''}/></svg>`;
  const box = (dashed: boolean, rounded: boolean) => `<svg width="30" height="16" aria-hidden="true"><rect x="1" y="1" width="28" height="14"${rounded ? ' rx="7"' : ''} fill="none" stroke="#222"${dashed ? ' stroke-dasharray="4,3"' : ''}/></svg>`;
  return [
    '<ul class="legend">',
    `  <li>${line(false, '#222')}allowed connection, labelled with its ports</li>`,
    `  <li>${line(true, DENIED_EDGE_COLOR)}declared by one side, denied by the other (rule NP009), labelled with the declared ports and the declaring policy</li>`,
    `  <li>${box(false, true)}workload, in a box per namespace</li>`,
    `  <li>${box(true, false)}address range outside the cluster</li>`,
    '</ul>',
  ].join('\n');
}

function table(graph: ConnectivityGraph): string {
  const rows = graph.edges.map(e => {
    const status = e.kind === EdgeKind.ALLOWED
      ? 'allowed'
      : `denied: declared by ${e.declaredBy.map(p => `<code>${escapeHtml(p)}</code>`).join(', ')}; isolated by ${e.deniedBy.map(p => `<code>${escapeHtml(p)}</code>`).join(', ')}`;
    return `    <tr class="${e.kind}"><td>${escapeHtml(endpointName(e.src))}</td><td>${escapeHtml(endpointName(e.dst))}</td><td>${escapeHtml(e.conns.toString())}</td><td>${status}</td></tr>`;
  });
  return [
    '<table>',
    '  <thead><tr><th>From</th><th>To</th><th>Ports</th><th>Status</th></tr></thead>',
    '  <tbody>',
    ...(rows.length > 0 ? rows : ['    <tr><td colspan="4">no connections</td></tr>']),
    '  </tbody>',
    '</table>',
  ].join('\n');
}

/** A self-contained HTML page: title, legend, the SVG inline, and the connection table. */
export async function graphToHtml(graph: ConnectivityGraph, title = 'NetworkPolicy connectivity'): Promise<string> {
  const svg = (await graphToSvg(graph)).replace(/^<\?xml[^>]*>\s*/, '').replace(/^<!DOCTYPE[^>]*>\s*/, '').trim();
  const allowed = graph.edges.filter(e => e.kind === EdgeKind.ALLOWED).length;
  const denied = graph.edges.length - allowed;
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
    `<p>${graph.nodes.length} nodes in ${graph.groups.length} namespace${graph.groups.length === 1 ? '' : 's'}, ${allowed} allowed connection${allowed === 1 ? '' : 's'}, ${denied} declared but denied.</p>`,
    legend(),
    `<div class="picture">\n${svg}\n</div>`,
    '<h2>Connections</h2>',
    table(graph),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Renders the graph in the named format; throws for an unknown name, listing the known ones. */
export async function renderGraph(graph: ConnectivityGraph, format: string): Promise<string> {
  switch (format) {
    case 'svg': return graphToSvg(graph);
    case 'dot': return graphToDot(graph);
    case 'mermaid': return graphToMermaid(graph);
    case 'html': return graphToHtml(graph);
    default: throw new Error(`unknown graph format "${format}"; use one of ${GRAPH_FORMATS.join(', ')}`);
  }
}
