/**
 * Benchmark of the rule-based checker.
 *
 * 1. A generated manifest set of 5,000 pods and 1,000 policies (200 application namespaces with five apps of five
 *    bare Pods each, five policies per namespace: default deny, DNS, and app-to-app allows with a named port; plus
 *    kube-system, ingress-nginx and monitoring), written as YAML files: `lintPaths` end to end (read, parse, load,
 *    lint, text report) and `lint()` alone on the loaded model. Target: under 5 s.
 * 2. The policy model of the synth benchmark's 2,000 isolated namespaces (default deny, DNS, two allows each): `lint()`
 *    alone, the cost the synth-time hook adds.
 *
 *     npx ts-node --project tsconfig.dev.json bench/lint.bench.ts
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { loadPaths } from '../lib/model/load';
import { ClusterModel, PolicyModel, PolicyType, Protocol } from '../lib/model/types';
import { lint, lintPaths } from '../lib/rules';

const NAMESPACES = 200;
const APPS = ['frontend', 'backend', 'db', 'cache', 'worker'];
const REPLICAS = 5;

type Obj = { [key: string]: unknown };

/** The manifests of one application namespace: a Namespace, 25 Pods and 5 NetworkPolicies. */
function namespaceManifests(n: number): Obj[] {
  const ns = `team-${String(n).padStart(3, '0')}`;
  const out: Obj[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { team: `t${n % 17}` } } }];
  for (const app of APPS) {
    for (let i = 0; i < REPLICAS; i++) {
      out.push({
        apiVersion: 'v1', kind: 'Pod', metadata: { name: `${app}-${i}`, namespace: ns, labels: { app, version: `v${n % 4}` } },
        spec: { containers: [{ name: 'main', image: 'x', ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9187 }] }] },
      });
    }
  }
  const policy = (name: string, spec: Obj) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });
  const app = (a: string) => ({ matchLabels: { app: a } });
  const byName = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });
  out.push(
    policy('default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy('allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: byName('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }] }),
    policy('frontend', {
      podSelector: app('frontend'), policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ namespaceSelector: byName('ingress-nginx') }], ports: [{ protocol: 'TCP', port: 8080 }] }],
      egress: [{ to: [{ podSelector: app('backend') }], ports: [{ protocol: 'TCP', port: 'http' }] }],
    }),
    policy('backend', {
      podSelector: app('backend'), policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: app('frontend') }, { podSelector: app('worker') }], ports: [{ protocol: 'TCP', port: 8080 }] }],
      egress: [
        { to: [{ podSelector: app('db') }], ports: [{ protocol: 'TCP', port: 8080 }] },
        { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 443 }] },
      ],
    }),
    policy('data', {
      podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['db', 'cache'] }] }, policyTypes: ['Ingress'],
      ingress: [
        { from: [{ podSelector: app('backend') }], ports: [{ protocol: 'TCP', port: 8080 }] },
        { from: [{ namespaceSelector: byName('monitoring'), podSelector: app('prometheus') }], ports: [{ protocol: 'TCP', port: 'metrics' }] },
      ],
    }),
  );
  return out;
}

function systemManifests(): Obj[] {
  const pod = (ns: string, name: string, labels: Obj) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels }, spec: { containers: [{ name: 'main', image: 'x' }] } });
  return [
    ...['kube-system', 'ingress-nginx', 'monitoring'].map(name => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
    pod('kube-system', 'coredns-0', { 'k8s-app': 'kube-dns' }), pod('kube-system', 'coredns-1', { 'k8s-app': 'kube-dns' }),
    pod('ingress-nginx', 'controller-0', { 'app.kubernetes.io/name': 'ingress-nginx' }),
    pod('monitoring', 'prometheus-0', { app: 'prometheus' }),
  ];
}

/** The policy model of synth.bench.ts: per namespace default deny, DNS, api ← frontend and frontend → api. */
function synthShapedCluster(namespaces: number): ClusterModel {
  const policies: PolicyModel[] = [];
  const app = (a: string) => ({ matchLabels: { app: a } });
  for (let n = 0; n < namespaces; n++) {
    const ns = `ns-${n}`;
    policies.push(
      { name: 'default-deny-all', namespaceName: ns, podSelector: {}, policyTypes: [PolicyType.INGRESS, PolicyType.EGRESS], source: { constructPath: `app/${ns}/deny` } },
      { name: 'allow-dns', namespaceName: ns, podSelector: {}, policyTypes: [PolicyType.EGRESS], egress: [{ peers: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ protocol: Protocol.UDP, port: 53 }, { protocol: Protocol.TCP, port: 53 }] }], source: { constructPath: `app/${ns}/dns` } },
      { name: 'api-allow-from-frontend', namespaceName: ns, podSelector: app('api'), policyTypes: [PolicyType.INGRESS], ingress: [{ peers: [{ podSelector: app('frontend') }], ports: [{ protocol: Protocol.TCP, port: 8080 }] }], source: { constructPath: `app/${ns}/from` } },
      { name: 'frontend-allow-to-api', namespaceName: ns, podSelector: app('frontend'), policyTypes: [PolicyType.EGRESS], egress: [{ peers: [{ podSelector: app('api') }], ports: [{ protocol: Protocol.TCP, port: 8080 }] }], source: { constructPath: `app/${ns}/to` } },
    );
  }
  return { namespaces: Array.from({ length: namespaces }, (_, n) => ({ name: `ns-${n}`, source: { constructPath: `app/ns-${n}` } })), workloads: [], policies };
}

function time<T>(fn: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const result = fn();
  return [result, Number(process.hrtime.bigint() - start) / 1e9];
}

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-lint-bench-'));
  try {
    fs.writeFileSync(path.join(dir, 'system.yaml'), systemManifests().map(o => stringify(o)).join('---\n'));
    for (let n = 0; n < NAMESPACES; n++) {
      fs.writeFileSync(path.join(dir, `team-${String(n).padStart(3, '0')}.yaml`), namespaceManifests(n).map(o => stringify(o)).join('---\n'));
    }
    const [loaded, loadSeconds] = time(() => loadPaths([dir]));
    const { cluster } = loaded;
    const [result, lintSeconds] = time(() => lint(cluster));
    const [cli, cliSeconds] = time(() => lintPaths([dir], { output: 'text', failOn: 'error' }));
    const byRule = new Map<string, number>();
    for (const f of result.findings) byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
    console.log(`lint benchmark (${process.version}, ${os.cpus().length} CPUs)`);
    console.log(`manifests: ${cluster.workloads.length} pods, ${cluster.policies.length} policies, ${cluster.namespaces.length} namespaces`);
    console.log(`  load (read + parse)      ${loadSeconds.toFixed(3)} s`);
    console.log(`  lint() on the model      ${lintSeconds.toFixed(3)} s   (${result.findings.length} findings: ${[...byRule].map(([id, n]) => `${id}×${n}`).join(' ')})`);
    console.log(`  lintPaths end to end     ${cliSeconds.toFixed(3)} s   (exit ${cli.exitCode}; target < 5 s: ${cliSeconds < 5 ? 'met' : 'MISSED'})`);
    const synth = synthShapedCluster(2000);
    const runs: number[] = [];
    let synthFindings = 0;
    for (let i = 0; i < 5; i++) {
      const [r, seconds] = time(() => lint(synth));
      synthFindings = r.findings.length;
      runs.push(seconds);
    }
    runs.sort((a, b) => a - b);
    console.log(`synth-shaped model: ${synth.policies.length} policies in ${synth.namespaces.length} namespaces, no workloads`);
    console.log(`  lint() on the model      first ${runs[runs.length - 1].toFixed(3)} s, median of 5 ${runs[2].toFixed(3)} s   (${synthFindings} findings; compare with the synth times of bench/synth.bench.ts)`);
    if (cliSeconds >= 5) process.exitCode = 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
