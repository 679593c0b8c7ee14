/**
 * Helpers for the from-flows tests: fixtures, a stand-in cluster of the observed workloads (built from the raw flow
 * records, independently of the inference), and evaluation of generated TypeScript against the real library.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import * as ts from 'typescript';
import { FlowEndpoint, ObservedFlow } from '../../lib/flows/hubble';

/** The path of a fixture. */
export function fixture(name: string): string {
  return path.join(__dirname, 'fixtures', name);
}

/** The text of a fixture. */
export function fixtureText(name: string): string {
  return fs.readFileSync(fixture(name), 'utf8');
}

/** `namespace/workload` of a pod endpoint, by Hubble's own workload name (the oracle never uses our inference). */
export function endpointRef(endpoint: FlowEndpoint): string | undefined {
  return endpoint.namespace && endpoint.workloadName ? `${endpoint.namespace}/${endpoint.workloadName}` : undefined;
}

/**
 * A chart holding the observed workloads as they run: one Deployment per Hubble workload, its pods carrying every
 * Kubernetes label Cilium recorded (pod-template-hash and controller-revision-hash included), plus a Namespace for
 * each namespace the generated code does not declare. This is what the analysis evaluates the policies against.
 */
export function observedWorkloadsChart(app: App, flows: ObservedFlow[], declared: string[]): Chart {
  const chart = new Chart(app, 'observed-workloads');
  const workloads = new Map<string, { namespace: string; name: string; labels: { [k: string]: string } }>();
  for (const endpoint of flows.flatMap(f => [f.source, f.destination])) {
    const ref = endpointRef(endpoint);
    if (!ref || workloads.has(ref)) continue;
    const labels: { [k: string]: string } = {};
    for (const l of endpoint.labels) {
      if (!l.startsWith('k8s:') || l.startsWith('k8s:io.')) continue;
      const [k, ...v] = l.slice(4).split('=');
      labels[k] = v.join('=');
    }
    workloads.set(ref, { namespace: endpoint.namespace!, name: endpoint.workloadName!, labels });
  }
  const namespaces = new Set([...workloads.values()].map(w => w.namespace));
  for (const ns of [...namespaces].filter(n => !declared.includes(n)).sort()) {
    new ApiObject(chart, `ns-${ns}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }
  for (const [ref, w] of [...workloads].sort()) {
    new ApiObject(chart, ref.replace('/', '--'), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: w.name, namespace: w.namespace },
      spec: { selector: { matchLabels: w.labels }, template: { metadata: { labels: w.labels }, spec: { containers: [{ name: 'main', image: 'example' }] } } },
    });
  }
  return chart;
}

/**
 * Transpiles generated TypeScript and evaluates it with `cdk8s-netpol` resolved to this repository's library;
 * returns the module's exports.
 */
export function evaluateGenerated(source: string): { [name: string]: any } {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
  const mod = { exports: {} as { [name: string]: any } };
  const shim = (name: string) => (name === 'cdk8s-netpol' ? require('../../lib') : require(name));
  new Function('require', 'exports', 'module', js)(shim, mod.exports, mod);
  return mod.exports;
}

/** Type-checks generated TypeScript against this repository's library (as `cdk8s-netpol`); returns the errors. */
export function typeCheckGenerated(source: string): string[] {
  const root = path.resolve(__dirname, '..', '..');
  const file = path.join(root, 'test', 'flows', '__generated__.ts');
  const options: ts.CompilerOptions = {
    strict: true, noEmit: true, noUnusedLocals: true, skipLibCheck: true, experimentalDecorators: true,
    target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2020.d.ts'], types: ['node'], baseUrl: root, paths: { 'cdk8s-netpol': ['lib/index.ts'] },
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (name, version, ...rest) =>
    (path.resolve(name) === file ? ts.createSourceFile(name, source, version) : getSourceFile.call(host, name, version, ...rest));
  const fileExists = host.fileExists;
  host.fileExists = name => path.resolve(name) === file || fileExists.call(host, name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program)
    .filter(d => d.file === undefined || path.resolve(d.file.fileName) === file)
    .map(d => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}
