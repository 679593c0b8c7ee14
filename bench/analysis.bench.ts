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
 * It then measures 100 cluster-scoped policies (v1alpha2 ClusterNetworkPolicy, 80 Admin and 20 Baseline) over the
 * 5,000-pod cluster: the ratio of the full connection list's time with them to the time without, per round (each
 * round the fastest of three runs of each, alternated), with the median and spread over the rounds.
 * BENCH_CLUSTER_POLICIES sets the number of rounds (default 5; 0 skips it, which saves about 5 seconds).
 *
 *     npx ts-node --project tsconfig.dev.json bench/analysis.bench.ts
 *     BENCH_CLUSTER_POLICIES=9 npx ts-node --project tsconfig.dev.json bench/analysis.bench.ts
 */
import { Analysis, ConnectionSet, endpointName, formatConnlist } from '../lib/analysis';
import {
  CLUSTER_POLICY_V1ALPHA2, ClusterPolicyAction, ClusterPolicyKind, ClusterPolicyModel, ClusterPolicyRuleModel, ClusterPolicyTier,
} from '../lib/model/cluster-policy';
import { ClusterModel, LabelOperator, NamespaceModel, PolicyModel, PolicyType, Protocol, WorkloadModel } from '../lib/model/types';
import { referenceAllowed } from '../test/support/reference';

const NAMESPACES = 200;
const SYSTEM = ['kube-system', 'ingress-nginx', 'monitoring'];
const APPS = ['frontend', 'backend', 'db', 'cache', 'worker'];

/**
 * A generated cluster with `replicas` pods per app. With `uniqueLabels`, every pod also gets a label of its own
 * (like StatefulSet pods' `statefulset.kubernetes.io/pod-name`), the worst case for equivalence classes.
 */
export function generate(replicas: number, uniqueLabels = false): ClusterModel {
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

/**
 * 100 cluster-scoped policies of realistic shape for the generated cluster: 80 Admin tier policies (per team: deny
 * dev namespaces the data ports, pass team-internal traffic, let Prometheus scrape the named metrics port, keep pods
 * off the metadata service, allow DNS) and 20 Baseline tier guardrails (no egress to the internet but the corporate
 * range, no ingress from dev namespaces), each with a priority of its own.
 */
function clusterPolicies(): ClusterPolicyModel[] {
  const team = (i: number) => ({ matchLabels: { team: `t${i % 17}` } });
  const byName = (ns: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': ns } });
  const tcp = (port: number, endPort?: number) => ({ protocol: Protocol.TCP, port, ...(endPort ? { endPort } : {}) });
  const rule = (action: ClusterPolicyAction, peers: ClusterPolicyRuleModel['peers'], ports?: ClusterPolicyRuleModel['ports']): ClusterPolicyRuleModel => ({ action, peers, ...(ports ? { ports } : {}) });
  const out: ClusterPolicyModel[] = [];
  for (let i = 0; i < 100; i++) {
    const admin = i < 80;
    const base = { kind: ClusterPolicyKind.CLUSTER_NETWORK_POLICY, apiVersion: CLUSTER_POLICY_V1ALPHA2, name: `cnp-${i}`, tier: admin ? ClusterPolicyTier.ADMIN : ClusterPolicyTier.BASELINE, priority: i };
    if (!admin) {
      out.push(i % 2 === 0
        ? { ...base, subject: { namespaces: team(i) }, egress: [rule(ClusterPolicyAction.ACCEPT, [{ networks: ['10.0.0.0/8'] }]), rule(ClusterPolicyAction.DENY, [{ networks: ['0.0.0.0/0'] }])] }
        : { ...base, subject: { namespaces: { matchLabels: { tier: 'system' } } }, ingress: [rule(ClusterPolicyAction.DENY, [{ namespaces: { matchLabels: { env: 'dev' } } }], [tcp(9000 + i)])] });
      continue;
    }
    switch (i % 5) {
      case 0:
        out.push({ ...base, subject: { namespaces: team(i) }, ingress: [rule(ClusterPolicyAction.DENY, [{ namespaces: { matchLabels: { env: 'dev' } } }], [tcp(5432), tcp(6379)])] });
        break;
      case 1:
        out.push({ ...base, subject: { namespaces: { matchLabels: { ...team(i).matchLabels, env: 'prod' } } }, ingress: [rule(ClusterPolicyAction.PASS, [{ namespaces: team(i) }]), rule(ClusterPolicyAction.DENY, [{ namespaces: { matchLabels: { env: 'dev' } } }])] });
        break;
      case 2:
        out.push({
          ...base, subject: { pods: { namespaceSelector: team(i), podSelector: { matchLabels: { app: 'db' } } } },
          ingress: [rule(ClusterPolicyAction.ACCEPT, [{ pods: { namespaceSelector: byName('monitoring'), podSelector: { matchLabels: { app: 'prometheus' } } } }], [{ portName: 'metrics' }])],
        });
        break;
      case 3:
        out.push({
          ...base, subject: { namespaces: team(i) },
          egress: [
            rule(ClusterPolicyAction.DENY, [{ networks: ['169.254.169.254/32'] }]),
            rule(ClusterPolicyAction.ACCEPT, [{ pods: { namespaceSelector: byName('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } } }], [{ protocol: Protocol.UDP, port: 53 }, tcp(53)]),
          ],
        });
        break;
      default:
        out.push({ ...base, subject: { namespaces: team(i) }, egress: [rule(ClusterPolicyAction.PASS, [{ namespaces: team(i) }]), rule(ClusterPolicyAction.DENY, [{ networks: [`192.168.${i}.0/24`] }], [tcp(1, 1024)])] });
    }
  }
  return out;
}

/** The median of some numbers. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Rounds of the 5,000-pod cluster's full connection list (build, list, print), without and with the 100 cluster
 * policies, alternated so that both see the same machine load; prints each round and the ratio's median and spread.
 * The "with" run also checks that the policies change the answer (fewer lines), so the ratio measures real work.
 */
function clusterPolicyBench(rounds: number): void {
  const plain = generate(5);
  const tiered: ClusterModel = { ...plain, clusterPolicies: clusterPolicies() };
  // A round times each variant three times and keeps the fastest, which leaves out most of the garbage collector.
  const once = (cluster: ClusterModel) => {
    let best = { lines: 0, seconds: Infinity };
    for (let i = 0; i < 3; i++) {
      if (global.gc) global.gc();
      const [lines, seconds] = time(() => { const analysis = Analysis.of(cluster); const connections = analysis.connections(); formatConnlist(connections); return connections.length; });
      if (seconds < best.seconds) best = { lines, seconds };
    }
    return best;
  };
  once(plain); // warm-up: the first round pays for the JIT
  once(tiered);
  const ratios: number[] = [];
  console.log('');
  console.log(`100 cluster policies (80 Admin, 20 Baseline) over ${plain.workloads.length} pods and ${plain.policies.length} NetworkPolicies, ${rounds} rounds:`);
  for (let r = 0; r < rounds; r++) {
    const without = once(plain);
    const withTiers = once(tiered);
    ratios.push(withTiers.seconds / without.seconds);
    console.log(`  round ${r + 1}: without ${without.seconds.toFixed(3)} s (${without.lines} lines), with ${withTiers.seconds.toFixed(3)} s (${withTiers.lines} lines), ratio ${(withTiers.seconds / without.seconds).toFixed(2)}x`);
  }
  console.log(`  ratio: median ${median(ratios).toFixed(2)}x, min ${Math.min(...ratios).toFixed(2)}x, max ${Math.max(...ratios).toFixed(2)}x`);
  if (once(tiered).lines >= once(plain).lines) {
    console.log('  the cluster policies did not change the connection list: the case measures nothing');
    process.exitCode = 1;
  }
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

  const rounds = Number(process.env.BENCH_CLUSTER_POLICIES ?? 5);
  if (rounds > 0) clusterPolicyBench(rounds);
}

// Run only when executed, not when another benchmark imports `generate`.
if (require.main === module) main();
