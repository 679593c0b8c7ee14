/**
 * Benchmark of the analysis engine on generated clusters of realistic shape: 200 application namespaces (plus
 * kube-system, ingress-nginx and monitoring), five apps per application namespace, five policies per
 * application namespace (default deny, DNS egress, and app-to-app allows with a named metrics port), i.e. 1,000
 * policies, and 1,000 / 5,000 / 20,000 pods (each pod its own bare Pod, so every pod is a peer).
 *
 * The naive reference evaluator (test/support/reference.ts: every pod pair, every policy, one port at a time) runs on
 * the smallest size in the same run, on a sample of source pods for three probes; its full time is extrapolated
 * linearly from the sample, and its verdicts are checked against the engine's.
 *
 *     npx ts-node --project tsconfig.dev.json bench/analysis.bench.ts
 */
import { Analysis, ConnectionSet, endpointName, formatConnlist } from '../lib/analysis';
import { ClusterModel, LabelOperator, NamespaceModel, PolicyModel, PolicyType, Protocol, WorkloadModel } from '../lib/model/types';
import { referenceAllowed } from '../test/support/reference';

const NAMESPACES = 200;
const SYSTEM = ['kube-system', 'ingress-nginx', 'monitoring'];
const APPS = ['frontend', 'backend', 'db', 'cache', 'worker'];

/**
 * A generated cluster with `replicas` pods per app. With `uniqueLabels`, every pod also gets a label of its own
 * (like StatefulSet pods' `statefulset.kubernetes.io/pod-name`), the worst case for equivalence classes.
 */
function generate(replicas: number, uniqueLabels = false): ClusterModel {
  const namespaces: NamespaceModel[] = [];
  const workloads: WorkloadModel[] = [];
  const policies: PolicyModel[] = [];
  const pods = (ns: string, app: string, count: number, labels: { [k: string]: string }, ports: WorkloadModel['ports'] = []) => {
    for (let i = 0; i < count; i++) {
      const podLabels = uniqueLabels ? { ...labels, 'statefulset.kubernetes.io/pod-name': `${app}-${i}` } : labels;
      workloads.push({ kind: 'Pod', name: `${app}-${i}`, namespaceName: ns, podLabels, ports });
    }
  };
  for (const ns of SYSTEM) namespaces.push({ name: ns, labels: { tier: 'system' } });
  pods('kube-system', 'coredns', 2, { 'k8s-app': 'kube-dns' }, [{ name: 'dns', containerPort: 53, protocol: Protocol.UDP }, { name: 'dns-tcp', containerPort: 53, protocol: Protocol.TCP }]);
  pods('ingress-nginx', 'controller', 3, { 'app.kubernetes.io/name': 'ingress-nginx' });
  pods('monitoring', 'prometheus', 2, { app: 'prometheus' });
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = `team-${String(n).padStart(3, '0')}`;
    namespaces.push({ name: ns, labels: { team: `t${n % 17}`, env: n % 3 === 0 ? 'prod' : 'dev' } });
    for (const app of APPS) {
      pods(ns, app, replicas, { app, 'app.kubernetes.io/part-of': 'shop', version: `v${n % 4}` },
        [{ name: 'http', containerPort: 8080, protocol: Protocol.TCP }, { name: 'metrics', containerPort: 9187, protocol: Protocol.TCP }]);
    }
    const app = (a: string) => ({ matchLabels: { app: a } });
    policies.push(
      { name: 'default-deny-all', namespaceName: ns, podSelector: {}, policyTypes: [PolicyType.INGRESS, PolicyType.EGRESS] },
      {
        name: 'allow-dns', namespaceName: ns, podSelector: {}, policyTypes: [PolicyType.EGRESS],
        egress: [{
          peers: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [{ protocol: Protocol.UDP, port: 53 }, { protocol: Protocol.TCP, port: 53 }],
        }],
      },
      {
        name: 'frontend', namespaceName: ns, podSelector: app('frontend'), policyTypes: [PolicyType.INGRESS, PolicyType.EGRESS],
        ingress: [{ peers: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ protocol: Protocol.TCP, port: 8080 }] }],
        egress: [{ peers: [{ podSelector: app('backend') }], ports: [{ protocol: Protocol.TCP, portName: 'http' }] }],
      },
      {
        name: 'backend', namespaceName: ns, podSelector: app('backend'),
        ingress: [{ peers: [{ podSelector: app('frontend') }, { podSelector: app('worker') }], ports: [{ protocol: Protocol.TCP, port: 8080 }] }],
        egress: [
          { peers: [{ podSelector: app('db') }], ports: [{ protocol: Protocol.TCP, port: 5432 }] },
          { peers: [{ podSelector: app('cache') }], ports: [{ protocol: Protocol.TCP, port: 6379 }] },
          { peers: [{ ipBlock: { cidr: '0.0.0.0/0', exceptCidrs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }], ports: [{ protocol: Protocol.TCP, port: 443 }] },
        ],
      },
      {
        name: 'data', namespaceName: ns, podSelector: { matchExpressions: [{ key: 'app', op: LabelOperator.IN, values: ['db', 'cache'] }] },
        ingress: [
          { peers: [{ podSelector: app('backend') }], ports: [{ protocol: Protocol.TCP, port: 5432 }, { protocol: Protocol.TCP, port: 6379 }] },
          { peers: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus' } } }], ports: [{ protocol: Protocol.TCP, portName: 'metrics' }] },
        ],
      },
    );
  }
  return { namespaces, workloads, policies };
}

function time<T>(fn: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const result = fn();
  return [result, Number(process.hrtime.bigint() - start) / 1e9];
}

interface Row { label: string; pods: number; classes: number; policies: number; lines: number; build: number; list: number; print: number; total: number }

function runEngine(replicas: number, uniqueLabels = false): { row: Row; cluster: ClusterModel; analysis: Analysis } {
  const cluster = generate(replicas, uniqueLabels);
  const [analysis, build] = time(() => Analysis.of(cluster));
  const [connections, list] = time(() => analysis.connections());
  const [, print] = time(() => formatConnlist(connections));
  return {
    cluster, analysis,
    row: { label: uniqueLabels ? 'distinct labels' : 'replicas share labels', pods: cluster.workloads.length, classes: analysis.engine.classes.length, policies: cluster.policies.length, lines: connections.length, build, list, print, total: build + list + print },
  };
}

function main(): void {
  const rows: Row[] = [];
  let smallest: { cluster: ClusterModel; analysis: Analysis; row: Row } | undefined;
  for (const replicas of [1, 5, 20]) {
    const result = runEngine(replicas);
    rows.push(result.row);
    if (!smallest) smallest = result;
    if (global.gc) global.gc();
  }
  rows.push(runEngine(5, true).row);

  // The naive reference on the smallest size: a sample of source pods against every destination, three probes.
  const { cluster, analysis } = smallest!;
  const byPair = new Map<string, ConnectionSet>();
  for (const c of analysis.connections()) byPair.set(`${endpointName(c.src)} ${endpointName(c.dst)}`, c.conns);
  const probes: [Protocol, number][] = [[Protocol.TCP, 8080], [Protocol.UDP, 53], [Protocol.TCP, 9187]];
  const sample = cluster.workloads.filter((_, i) => i % 20 === 0);
  let disagreements = 0;
  let checks = 0;
  const [, sampleSeconds] = time(() => {
    for (const src of sample) {
      for (const dst of cluster.workloads) {
        if (src === dst) continue;
        const conns = byPair.get(`${src.namespaceName}/${src.name}[Pod] ${dst.namespaceName}/${dst.name}[Pod]`) ?? ConnectionSet.NONE;
        for (const [protocol, port] of probes) {
          checks++;
          if (referenceAllowed(cluster, { workload: src }, { workload: dst }, protocol, port) !== conns.contains(protocol, port)) disagreements++;
        }
      }
    }
  });
  const referenceFull = sampleSeconds * (cluster.workloads.length / sample.length);

  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(`engine (${process.version}, ${require('os').cpus().length} CPUs)`);
  console.log(`${'shape'.padEnd(22)} ${pad('pods', 7)} ${pad('classes', 8)} ${pad('policies', 9)} ${pad('lines', 9)} ${pad('build s', 8)} ${pad('list s', 8)} ${pad('print s', 8)} ${pad('total s', 8)} ${pad('vs 1k', 7)}`);
  for (const r of rows) {
    console.log(`${r.label.padEnd(22)} ${pad(r.pods, 7)} ${pad(r.classes, 8)} ${pad(r.policies, 9)} ${pad(r.lines, 9)} ${pad(r.build.toFixed(3), 8)} ${pad(r.list.toFixed(3), 8)} ${pad(r.print.toFixed(3), 8)} ${pad(r.total.toFixed(3), 8)} ${pad(`${(r.total / rows[0].total).toFixed(1)}x`, 7)}`);
  }
  console.log('');
  console.log(`naive reference on ${rows[0].pods} pods: ${sample.length} sampled sources x ${cluster.workloads.length} destinations x ${probes.length} probes = ${checks} verdicts in ${sampleSeconds.toFixed(2)} s`);
  console.log(`  extrapolated to all ${rows[0].pods} sources: ${referenceFull.toFixed(1)} s for ${probes.length} probes (the engine computes every port of every protocol)`);
  console.log(`  engine full list at the same size: ${rows[0].total.toFixed(3)} s  => reference/engine ratio ~${(referenceFull / rows[0].total).toFixed(0)}x`);
  console.log(`  disagreements between engine and reference: ${disagreements}`);
  if (disagreements > 0) process.exitCode = 1;
}

main();
