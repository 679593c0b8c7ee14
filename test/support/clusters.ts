/**
 * Helpers for semantic tests: load our own YAML (written for these tests) into an Analysis, failing loudly on any
 * error diagnostic, and the standard model of the upstream Kubernetes e2e network-policy tests.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Analysis, HostNetworkMode } from '../../lib/analysis';
import { DiagnosticSeverity, formatDiagnostic, loadText } from '../../lib/model/load';

/** Loads YAML documents and analyses them; throws if the loader reports an error. */
export function analyze(yaml: string, options: { hostNetwork?: HostNetworkMode } = {}): Analysis {
  const { cluster, diagnostics } = loadText(yaml, 'test.yaml');
  const errors = diagnostics.filter(d => d.severity === DiagnosticSeverity.ERROR);
  if (errors.length > 0) throw new Error(`test YAML has errors:\n${errors.map(formatDiagnostic).join('\n')}`);
  return Analysis.of(cluster, options);
}

/** A Namespace manifest. */
export function namespace(name: string, labels: { [k: string]: string } = {}): string {
  const lines = [`apiVersion: v1`, `kind: Namespace`, `metadata:`, `  name: "${name}"`];
  if (Object.keys(labels).length) lines.push('  labels:', ...Object.entries(labels).map(([k, v]) => `    ${k}: "${v}"`));
  return `---\n${lines.join('\n')}\n`;
}

/** A bare Pod manifest with labels and container ports (`name:port/PROTO`). */
export function pod(ns: string, name: string, labels: { [k: string]: string }, ports: string[] = [], extra: string[] = []): string {
  const lines = [`apiVersion: v1`, `kind: Pod`, `metadata:`, `  name: "${name}"`, `  namespace: "${ns}"`, `  labels:`,
    ...Object.entries(labels).map(([k, v]) => `    ${k}: "${v}"`), `spec:`, ...extra.map(l => `  ${l}`), `  containers:`, `  - name: main`, `    image: agnhost`];
  if (ports.length) {
    lines.push('    ports:');
    for (const p of ports) {
      const m = /^(?:([a-z0-9-]+):)?(\d+)\/(TCP|UDP|SCTP)$/.exec(p)!;
      lines.push(`    - containerPort: ${m[2]}`, `      protocol: ${m[3]}`);
      if (m[1]) lines.push(`      name: ${m[1]}`);
    }
  }
  return `---\n${lines.join('\n')}\n`;
}

/**
 * The model of the upstream e2e tests (test/e2e/network/netpol): namespaces x, y, z labelled `ns=<name>`, each with
 * pods a, b, c labelled `pod=<name>`, each serving TCP, UDP and SCTP on ports 80 and 81 with named ports
 * `serve-80-tcp`, `serve-81-udp`, ...
 */
export function e2eModel(): string {
  const ports = [80, 81].flatMap(port => ['tcp', 'udp', 'sctp'].map(proto => `serve-${port}-${proto}:${port}/${proto.toUpperCase()}`));
  return ['x', 'y', 'z'].map(ns => namespace(ns, { ns }) + ['a', 'b', 'c'].map(p => pod(ns, p, { pod: p }, ports)).join('')).join('');
}

/**
 * Two namespaces: in `shop`, web-1 and web-2 (app=web) and api (app=api), where a NetworkPolicy lets only app=web reach
 * api, on TCP 8080 (ingress isolation of api, as in the Kubernetes documentation's first example); in `ops`, tool.
 * Nothing else is isolated, so everything else is allowed on all ports.
 */
export function webToApiOnly(): Analysis {
  return analyze(namespace('shop') + namespace('ops')
    + pod('shop', 'web-1', { app: 'web' }) + pod('shop', 'web-2', { app: 'web' }) + pod('shop', 'api', { app: 'api' })
    + pod('ops', 'tool', { app: 'tool' }) + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 8080}]}]
`);
}

/** A temporary directory with `count` bare Pods (`p0`, `p1`, ...) in namespace `ns`, no policies; the caller removes it. */
export function openPodsDirectory(count: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-open-pods-'));
  const docs = Array.from({ length: count }, (_, i) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}, namespace: ns}\nspec: {containers: [{name: c, image: x}]}\n`);
  fs.writeFileSync(path.join(dir, 'pods.yaml'), docs.join('---\n'));
  return dir;
}
