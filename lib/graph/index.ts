/**
 * The connectivity picture: a graph model of allowed (solid) and declared-but-denied (dashed) connections between
 * workloads grouped by namespace, rendered to DOT, Mermaid, SVG (WebAssembly Graphviz) or a self-contained HTML page.
 */
export * from './graph';
export * from './graphviz';
export * from './render';
