/** Helpers for the graph tests: the fixtures, the examples' cluster, and the graph as readable edge lines. */
import * as fs from 'fs';
import * as path from 'path';
import { buildApp } from '../../examples/main';
import { endpointShortName } from '../../lib/analysis';
import { clusterOf } from '../../lib/cluster-of';
import { ConnectivityGraph, EdgeKind } from '../../lib/graph';
import { DiagnosticSeverity, loadText } from '../../lib/model/load';
import { ClusterModel } from '../../lib/model/types';

/** The path of a fixture under test/graph/fixtures. */
export function fixture(name: string): string {
  return path.join(__dirname, 'fixtures', name);
}

/** The shop fixture, optionally with more YAML documents appended. */
export function shopCluster(...extra: string[]): ClusterModel {
  const text = [fs.readFileSync(fixture('shop.yaml'), 'utf-8'), ...extra].join('\n---\n');
  const { cluster, diagnostics } = loadText(text, 'shop.yaml');
  if (diagnostics.some(d => d.severity === DiagnosticSeverity.ERROR)) throw new Error(`fixture has errors: ${JSON.stringify(diagnostics)}`);
  return cluster;
}

/** The examples app as a cluster model, as `clusterOf` reads it. */
export function examplesCluster(): ClusterModel {
  return clusterOf(buildApp()).cluster;
}

/** The node names of a graph (`ns/name`, or the address range), in graph order. */
export function nodeNames(graph: ConnectivityGraph): string[] {
  return graph.nodes.map(n => endpointShortName(n.endpoint));
}

/** The edges of a graph as `src -> dst : label`, dashed ones marked `(dashed)`, in graph order. */
export function edgeLines(graph: ConnectivityGraph): string[] {
  return graph.edges.map(e => `${endpointShortName(e.src)} -> ${endpointShortName(e.dst)} : ${e.label}${e.kind === EdgeKind.DENIED ? ' (dashed)' : ''}`);
}
