/**
 * The connectivity picture: a graph model of allowed (solid) and declared-but-denied (dashed) connections between
 * workloads grouped by namespace, rendered to DOT, Mermaid, SVG (WebAssembly Graphviz) or a self-contained HTML page;
 * for large clusters, workloads with the same connections drawn as one node.
 */
export * from './graph';
export * from './graphviz';
export * from './group';
export * from './overview';
export * from './render';
