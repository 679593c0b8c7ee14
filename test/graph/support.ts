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

/** A Namespace, a Deployment or a NetworkPolicy document for generated clusters. */
export const yaml = {
  /** A Namespace. */
  namespace: (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${name} }`,
  /** A Deployment with the pod labels, serving TCP 8080. */
  deployment: (ns: string, name: string, labels: { [key: string]: string }) => [
    'apiVersion: apps/v1',
    'kind: Deployment',
    `metadata: { name: ${name}, namespace: ${ns} }`,
    'spec:',
    `  selector: { matchLabels: { app: ${labels.app ?? name} } }`,
    '  template:',
    `    metadata: { labels: { ${Object.entries({ app: name, ...labels }).map(([k, v]) => `${k}: ${v}`).join(', ')} } }`,
    '    spec: { containers: [{ name: main, image: nginx, ports: [{ containerPort: 8080 }] }] }',
  ].join('\n'),
  /** A NetworkPolicy from its spec, written as flow YAML lines (indented by two). */
  policy: (ns: string, name: string, spec: string[]) => ['apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', `metadata: { name: ${name}, namespace: ${ns} }`, 'spec:', ...spec.map(l => `  ${l}`)].join('\n'),
};

/**
 * A cluster of `workloads` Deployments spread round-robin over `namespaces` namespaces (`ns0`, ...; workload i is
 * `app<i>`, labelled `tier: t<i mod 3>`), as YAML documents; no policies.
 */
export function generatedWorkloads(workloads: number, namespaces: number): string[] {
  const docs = Array.from({ length: namespaces }, (_, i) => yaml.namespace(`ns${i}`));
  for (let i = 0; i < workloads; i++) docs.push(yaml.deployment(`ns${i % namespaces}`, `app${i}`, { tier: `t${i % 3}` }));
  return docs;
}

/**
 * Policies for `generatedWorkloads`: in every even namespace a default deny, `t0` pods may reach `t1` pods on TCP 8080
 * (both halves), and `t1` pods declare ingress from `t2` pods on TCP 9000 that `t2`'s egress denies (rule NP009:
 * drawn dashed).
 */
export function generatedPolicies(namespaces: number): string[] {
  const docs: string[] = [];
  for (let i = 0; i < namespaces; i += 2) {
    const ns = `ns${i}`;
    docs.push(yaml.policy(ns, 'default-deny', ['podSelector: {}', 'policyTypes: [Ingress, Egress]']));
    docs.push(yaml.policy(ns, 't1-ingress', [
      'podSelector: { matchLabels: { tier: t1 } }', 'policyTypes: [Ingress]', 'ingress:',
      '  - from: [{ podSelector: { matchLabels: { tier: t0 } } }]', '    ports: [{ protocol: TCP, port: 8080 }]',
      '  - from: [{ podSelector: { matchLabels: { tier: t2 } } }]', '    ports: [{ protocol: TCP, port: 9000 }]',
    ]));
    docs.push(yaml.policy(ns, 't0-egress', [
      'podSelector: { matchLabels: { tier: t0 } }', 'policyTypes: [Egress]', 'egress:',
      '  - to: [{ podSelector: { matchLabels: { tier: t1 } } }]', '    ports: [{ protocol: TCP, port: 8080 }]',
    ]));
  }
  return docs;
}

/** The documents as one YAML stream. */
export function stream(docs: readonly string[]): string {
  return `${docs.join('\n---\n')}\n`;
}

const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;

/**
 * Checks that text is a well-formed SVG document (an optional XML declaration, DOCTYPE and comments, then one `svg`
 * root element with the SVG namespace; tags nested and closed, attributes quoted, `&` only in entities) and returns
 * how often each element name occurs. Throws naming the first fault.
 */
export function checkSvg(text: string): Map<string, number> {
  const body = text.replace(/^\s*<\?xml[^>]*\?>/, '').replace(/^\s*<!DOCTYPE[^>]*>/, '').replace(/<!--[\s\S]*?-->/g, '');
  const stack: string[] = [];
  const counts = new Map<string, number>();
  let roots = 0;
  let at = 0;
  const checkEntities = (t: string) => {
    for (let i = t.indexOf('&'); i >= 0; i = t.indexOf('&', i + 1)) {
      ENTITY.lastIndex = i;
      if (!ENTITY.test(t)) throw new Error(`bare & in ${JSON.stringify(t.slice(i, i + 20))}`);
    }
  };
  const checkText = (t: string) => {
    if (t.includes('<')) throw new Error(`a "<" that starts no well-formed tag: ${JSON.stringify(t.slice(t.indexOf('<'), t.indexOf('<') + 40))}`);
    if (stack.length === 0 && t.trim() !== '') throw new Error(`text outside the root element: ${JSON.stringify(t.slice(0, 40))}`);
    checkEntities(t);
  };
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/g)) {
    checkText(body.slice(at, m.index));
    at = m.index! + m[0].length;
    const [, closing, name, attributes, selfClosing] = m;
    for (const value of attributes.matchAll(/="([^"]*)"/g)) checkEntities(value[1]);
    if (closing) {
      if (stack.pop() !== name) throw new Error(`</${name}> closes no open <${name}>`);
      continue;
    }
    if (stack.length === 0) {
      roots++;
      if (name !== 'svg' || !attributes.includes('xmlns="http://www.w3.org/2000/svg"')) throw new Error(`the root element is <${name}>, not an SVG <svg>`);
    }
    counts.set(name, (counts.get(name) ?? 0) + 1);
    if (!selfClosing) stack.push(name);
  }
  checkText(body.slice(at));
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
  return counts;
}
